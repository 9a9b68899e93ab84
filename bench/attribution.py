"""False attributions and missed references of each attribution rule on the corpus of
bench/attribution_corpus.py: `python -m bench.attribution [--split dev|test|fresh|fresh2|all]
[--personas N]`.

A false attribution is a coincidental use that was restored ("The Rowe Bridge" -> "The Gonzalez
Bridge"); a missed reference is a reference left as its stand-in. The rate Doppel's target is
about (issue #15: below 1 %) is false attributions per restored occurrence. Choose the rule on
the dev half, report it on the test half.
"""
from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass, field

from bench.attribution_corpus import corpus
from detector.attribution import DEFAULT_RULE, RULES
from detector.restore import Restorer


@dataclass
class Counts:
    restored: int = 0
    false_attributions: int = 0
    references: int = 0
    missed: int = 0
    coincidental: int = 0
    by_form: Counter = field(default_factory=Counter)  # (form, "false" | "missed" | "n") -> count

    @property
    def false_rate(self) -> float:
        return self.false_attributions / self.restored if self.restored else 0.0

    @property
    def missed_rate(self) -> float:
        return self.missed / self.references if self.references else 0.0


def measure(rule: str, split: str = "all", n_personas: int = 40) -> Counts:
    store, replies = corpus(n_personas)
    restorers: dict[str, Restorer] = {}
    counts = Counts()
    for reply in replies:
        if split != "all" and reply.split != split:
            continue
        r = restorers.get(reply.scope)
        if r is None:
            r = restorers[reply.scope] = Restorer(store.mappings(reply.scope), rule=rule)
        done = {(s, e): restored for s, e, _, restored in r.decisions(reply.text)}
        for occ in reply.occurrences:
            restored = done.get((occ.start, occ.end), False)
            counts.by_form[(occ.form, "n")] += 1
            if occ.reference:
                counts.references += 1
                if not restored:
                    counts.missed += 1
                    counts.by_form[(occ.form, "missed")] += 1
            else:
                counts.coincidental += 1
                if restored:
                    counts.false_attributions += 1
                    counts.by_form[(occ.form, "false")] += 1
            counts.restored += restored
    return counts


def report(split: str, n_personas: int) -> str:
    lines = [f"split: {split}, {n_personas} personas (default rule: {DEFAULT_RULE})", "",
             "| rule | restored | false attributions (% of restored) | missed references "
             "(% of references) |", "|---|---|---|---|"]
    per_rule = {}
    for rule in RULES:
        c = per_rule[rule] = measure(rule, split, n_personas)
        lines.append(f"| {rule} | {c.restored} | {c.false_attributions} ({100 * c.false_rate:.2f} %)"
                     f" | {c.missed} of {c.references} ({100 * c.missed_rate:.2f} %) |")
    forms = sorted({form for c in per_rule.values() for form, _ in c.by_form})
    lines += ["", "per form (false attributions / missed references, of occurrences):", "",
              "| form | " + " | ".join(RULES) + " |", "|---" * (len(RULES) + 1) + "|"]
    for form in forms:
        cells = []
        for rule in RULES:
            c = per_rule[rule].by_form
            cells.append(f"{c[(form, 'false')]} / {c[(form, 'missed')]} of {c[(form, 'n')]}")
        lines.append(f"| {form} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=("dev", "test", "fresh", "fresh2", "all"), default="fresh2")
    ap.add_argument("--personas", type=int, default=40)
    args = ap.parse_args(argv)
    print(report(args.split, args.personas))


if __name__ == "__main__":
    main()
