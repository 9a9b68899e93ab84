"""What the precision stage (detector/precision/) changes: the same fast-mode detector with the
stage off and on, over PUPA_New, asq-phi and the fixed prompts in tests/fixtures/precision/.

Figures, per setting:
- PUPA_New value recall and char precision, over the detector's spans (as `doppel eval`);
- needless replacements: stand-ins the Protector issues (one InMemoryStore scope per prompt)
  that touch no labelled value, per prompt and by category. PUPA's labels are incomplete, so
  this is an upper bound; it is what issue #16 counted (6.8 per prompt);
- code: the PUPA_New prompts whose text is mostly code, logs or markup (more than CODE_SHARE of
  their words inside the code regions detector/precision/code.py finds), the stand-ins issued
  inside those regions per 1,000 words of code, and the labelled values with an occurrence
  there that are still protected (value recall over them);
- asq-phi: the share of its PII-free questions where anything was replaced, and value recall;
- the fixed prompts (code, logs, public knowledge, written for this test): replacements, target 0;
- with the stage on, what it left alone on PUPA_New, by the check that decided, split into
  spans that touched a labelled value and spans that did not;
- the national-ID rule alone (detector/rules/id_number.py) on PUPA_New and asq-phi: its spans,
  and those touching no labelled value (false positives, an upper bound as above).
`python -m bench.precision_eval` prints it; `doppel eval` adds it to docs/evaluation.md.
"""
from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bench import metrics
from bench.datasets import load, resolve_data_dir
from bench.eval_report import pct

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "precision" / "nothing_private.jsonl"
CODE_SHARE = 0.5
SETTINGS = {"stage off": False, "stage on": True}


@dataclass
class Setting:
    name: str
    texts: int = 0
    protected: int = 0
    present: int = 0
    chars_inside: int = 0
    chars_predicted: int = 0
    replacements: int = 0
    needless: Counter = field(default_factory=Counter)
    code_prompts: int = 0
    code_words: int = 0
    code_standins: int = 0
    code_values: int = 0
    code_values_protected: int = 0
    asq_negatives: int = 0
    asq_changed: int = 0
    asq_protected: int = 0
    asq_present: int = 0
    fixtures: int = 0
    fixture_replacements: int = 0
    fixture_categories: Counter = field(default_factory=Counter)
    reasons_needless: Counter = field(default_factory=Counter)
    reasons_labelled: Counter = field(default_factory=Counter)

    def summary(self) -> dict:
        return {
            "pupa_texts": self.texts,
            "value_recall": metrics.ratio(self.protected, self.present),
            "values_protected": self.protected, "values_present": self.present,
            "char_precision": metrics.ratio(self.chars_inside, self.chars_predicted),
            "replacements": self.replacements,
            "needless": sum(self.needless.values()),
            "needless_per_prompt": metrics.ratio(sum(self.needless.values()), self.texts),
            "needless_by_category": dict(self.needless.most_common()),
            "code_prompts": self.code_prompts, "code_words": self.code_words,
            "code_standins": self.code_standins,
            "code_standins_per_1000_words": metrics.ratio(1000 * self.code_standins, self.code_words),
            "code_values": self.code_values, "code_values_protected": self.code_values_protected,
            "asq_negatives": self.asq_negatives, "asq_changed": self.asq_changed,
            "asq_changed_share": metrics.ratio(self.asq_changed, self.asq_negatives),
            "asq_value_recall": metrics.ratio(self.asq_protected, self.asq_present),
            "fixtures": self.fixtures, "fixture_replacements": self.fixture_replacements,
            "fixture_categories": dict(self.fixture_categories.most_common()),
            "left_alone_needless": dict(self.reasons_needless.most_common()),
            "left_alone_labelled": dict(self.reasons_labelled.most_common()),
        }


def fixture_prompts(path: Path = FIXTURES) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_precision(data_dir=None, limit: int | None = None, fixtures: Path = FIXTURES) -> dict:
    from detector.pipeline import Detector
    from detector.precision import code
    from detector.protect import Protector
    from detector.store import InMemoryStore

    data_path = resolve_data_dir(data_dir)
    pupa = load("pupa", data_path)[:limit] if limit else load("pupa", data_path)
    asq = load("asq", data_path)[:limit] if limit else load("asq", data_path)
    prompts = fixture_prompts(fixtures)
    began = time.time()
    results = {}
    unjudged: dict[str, list] = {}  # the spans before the stage, from the run with it off
    for name, stage in SETTINGS.items():  # off first: its spans are what the stage judges
        detector = Detector("fast", precision=stage)
        detector.warm()
        protector = Protector(detector, InMemoryStore())
        tally = Setting(name)
        for ex in pupa:
            spans = detector.find(ex.text)
            _score_pupa(tally, ex, spans, protector.protect(ex.text, f"pupa:{ex.id}").replacements, code)
            if not stage:
                unjudged[ex.text] = spans
            else:
                _count_reasons(tally, ex, detector.precision.explain(ex.text, unjudged[ex.text]))
        for ex in asq:
            spans = detector.find(ex.text)
            vr = metrics.value_recall(ex.text, ex.values, spans)
            tally.asq_protected += vr.protected
            tally.asq_present += vr.present
            if ex.is_negative:
                tally.asq_negatives += 1
                tally.asq_changed += bool(protector.protect(ex.text, f"asq:{ex.id}").replacements)
        for prompt in prompts:
            replaced = protector.protect(prompt["text"], f"fixture:{prompt['id']}").replacements
            tally.fixtures += 1
            tally.fixture_replacements += len(replaced)
            tally.fixture_categories.update(str(r.span.category) for r in replaced)
        results[name] = tally.summary()
    return {"settings": results, "national_ids": national_id_spans(pupa + asq),
            "seconds": round(time.time() - began, 1), "limit": limit,
            "code_share": CODE_SHARE, "fixtures_path": str(fixtures.relative_to(FIXTURES.parents[3]))}


def national_id_spans(examples) -> dict:
    """Spans of the national-ID rule over distinct texts, and those touching no labelled value."""
    from detector.rules.id_number import NationalIdRecognizer

    recognizer, seen, spans, unlabelled = NationalIdRecognizer(), set(), 0, 0
    for ex in examples:
        if ex.text in seen:
            continue
        seen.add(ex.text)
        gold = _gold(ex)
        for span in recognizer.find(ex.text):
            spans += 1
            unlabelled += not _touches(span.start, span.end, gold)
    return {"texts": len(seen), "spans": spans, "touching_no_labelled_value": unlabelled}


def _gold(ex) -> list[tuple[int, int]]:
    return metrics.intervals(o for v in ex.values for o in metrics.occurrences(ex.text, v))


def _touches(start: int, end: int, gold) -> bool:
    return any(gs < end and start < ge for gs, ge in gold)


def _score_pupa(tally: Setting, ex, spans, replacements, code) -> None:
    tally.texts += 1
    vr = metrics.value_recall(ex.text, ex.values, spans)
    tally.protected += vr.protected
    tally.present += vr.present
    cp = metrics.char_precision(ex.text, ex.values, spans)
    tally.chars_inside += cp.inside
    tally.chars_predicted += cp.predicted
    gold = _gold(ex)
    tally.replacements += len(replacements)
    tally.needless.update(str(r.span.category) for r in replacements
                          if not _touches(r.span.start, r.span.end, gold))
    regions = code.code_regions(ex.text)
    words = ex.text.split()
    in_code = sum(len(ex.text[s:e].split()) for s, e in regions)
    if not words or in_code <= CODE_SHARE * len(words):
        return
    tally.code_prompts += 1
    tally.code_words += in_code
    tally.code_standins += sum(code.inside(regions, r.span.start, r.span.end) for r in replacements)
    for value in ex.values:
        occurrences = metrics.occurrences(ex.text, value)
        if any(code.inside(regions, s, e) for s, e in occurrences):
            tally.code_values += 1
            tally.code_values_protected += metrics.value_recall(ex.text, [value], spans).protected


def _count_reasons(tally: Setting, ex, explained) -> None:
    """What the stage left alone in this prompt, by reason."""
    gold = _gold(ex)
    for span, verdict, reason in explained:
        if verdict is None:
            (tally.reasons_labelled if _touches(span.start, span.end, gold) else tally.reasons_needless)[reason] += 1


# --- report ------------------------------------------------------------------------------------

def _n(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def figure_rows(results: dict) -> list[tuple[str, str, str]]:
    off, on = results["settings"]["stage off"], results["settings"]["stage on"]
    return [
        ("PUPA_New value recall", f"{pct(off['value_recall'])} ({off['values_protected']}/{off['values_present']})",
         f"{pct(on['value_recall'])} ({on['values_protected']}/{on['values_present']})"),
        ("PUPA_New char precision", pct(off["char_precision"]), pct(on["char_precision"])),
        ("PUPA_New stand-ins issued", str(off["replacements"]), str(on["replacements"])),
        ("PUPA_New needless replacements per prompt (upper bound)", _n(off["needless_per_prompt"]),
         _n(on["needless_per_prompt"])),
        (f"code-heavy PUPA_New prompts ({on['code_prompts']}, {on['code_words']:,} words of code): "
         "stand-ins per 1,000 words of code", _n(off["code_standins_per_1000_words"], 1),
         _n(on["code_standins_per_1000_words"], 1)),
        ("... labelled values in their code still protected",
         f"{off['code_values_protected']} of {off['code_values']}",
         f"{on['code_values_protected']} of {on['code_values']}"),
        (f"asq-phi: PII-free questions changed (of {on['asq_negatives']})", pct(off["asq_changed_share"]),
         pct(on["asq_changed_share"])),
        ("asq-phi value recall", pct(off["asq_value_recall"]), pct(on["asq_value_recall"])),
        (f"fixed code, log and public-knowledge prompts ({on['fixtures']}): replacements (target 0)",
         str(off["fixture_replacements"]), str(on["fixture_replacements"])),
    ]


def precision_table(results: dict):
    from rich.table import Table

    table = Table(title="precision stage (fast mode)")
    for col in ("figure", "stage off", "stage on"):
        table.add_column(col, justify="left" if col == "figure" else "right")
    for row in figure_rows(results):
        table.add_row(*row)
    return table


def markdown(results: dict, *, command: str) -> list[str]:
    off, on = results["settings"]["stage off"], results["settings"]["stage on"]
    rows = figure_rows(results)
    lines = ["## precision stage", "",
             f"Fast mode with the precision stage (detector/precision/) off and on, same rules and "
             f"models (`{command}`, {results['seconds']} s"
             + (f", first {results['limit']} texts per data set" if results["limit"] else "") + "). "
             "Needless replacements are the stand-ins the Protector issued that touch no labelled "
             "value (PUPA's labels are incomplete: an upper bound). Code-heavy prompts: more than "
             f"{int(100 * results['code_share'])} % of their words inside the code regions the stage "
             f"finds. The fixed prompts are `{results['fixtures_path']}`.", "",
             "| figure | stage off | stage on |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    cats = sorted(set(off["needless_by_category"]) | set(on["needless_by_category"]),
                  key=lambda c: -off["needless_by_category"].get(c, 0))
    lines += ["", "Needless replacements on PUPA_New by category (all prompts, per prompt in brackets):", "",
              "| category | stage off | stage on |", "|---|---|---|"]
    for cat in cats:
        a, b = off["needless_by_category"].get(cat, 0), on["needless_by_category"].get(cat, 0)
        lines.append(f"| {cat} | {a} ({a / off['pupa_texts']:.2f}) | {b} ({b / on['pupa_texts']:.2f}) |")
    reasons = sorted(set(on["left_alone_needless"]) | set(on["left_alone_labelled"]),
                     key=lambda r: -(on["left_alone_needless"].get(r, 0) + on["left_alone_labelled"].get(r, 0)))
    lines += ["", "What the stage left alone on PUPA_New, by the check that decided (spans; a labelled "
              "value's span is one PUPA's annotators marked, often a country or a well-known name the "
              "stage leaves alone on purpose):", "",
              "| check | touching no labelled value | touching a labelled value |", "|---|---|---|"]
    lines += [f"| {r} | {on['left_alone_needless'].get(r, 0)} | {on['left_alone_labelled'].get(r, 0)} |"
              for r in reasons]
    ids = results["national_ids"]
    lines += ["", f"National-ID rule alone on the {ids['texts']} distinct PUPA_New and asq-phi texts: "
              f"{ids['spans']} spans, {ids['touching_no_labelled_value']} touching no labelled value."]
    if on["fixture_categories"]:
        lines += ["", "Replaced in the fixed prompts with the stage on: "
                  + ", ".join(f"{c} x{n}" for c, n in on["fixture_categories"].items())]
    return lines + [""]


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=None)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    results = run_precision(args.data, args.limit)
    print("\n".join(markdown(results, command="python -m bench.precision_eval")))


if __name__ == "__main__":
    main()
