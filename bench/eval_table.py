"""Rich tables for the terminal: `doppel eval` and `doppel bench` results."""
from __future__ import annotations

from rich.table import Table

from bench.eval_report import ms, pct


def eval_table(results: dict) -> Table:
    table = Table(title="doppel eval", show_lines=False)
    for col in ("data set", "system", "value recall", "char precision", "phrase F1",
                "PII-free flagged", "ms median / p95", "errors", "round trip ok"):
        table.add_column(col, justify="left" if col in ("data set", "system") else "right", no_wrap=True)
    for name, ds in results["datasets"].items():
        for i, (sys_name, s) in enumerate(ds["systems"].items()):
            rt = ds.get("roundtrip", {}).get(sys_name)
            rt_cell = "–" if not rt else ("n/a" if "unavailable" in rt else f"{rt['ok']}/{rt['texts']}")
            table.add_row(
                name if i == 0 else "", sys_name, pct(s["value_recall"]), pct(s["char_precision"]),
                pct(s["phrase_f1"]), pct(s["false_positive_rate"]) if s["negatives"] else "–",
                f"{ms(s['latency_ms_median'])} / {ms(s['latency_ms_p95'])}", str(s["errors"]), rt_cell,
                end_section=i == len(ds["systems"]) - 1,
            )
    return table


def bench_table(results: dict) -> Table:
    table = Table(title=f"doppel bench (mode {results['meta']['mode']})")
    for col in ("prompt", "Doppel median ms", "Doppel p95 ms", "Presidio median ms",
                "Presidio p95 ms", "Presidio / Doppel (median)", "Doppel layers, median ms"):
        table.add_column(col, justify="right")
    for size, row in results["sizes"].items():
        ratio = row["presidio_over_doppel_median"]
        layers = ", ".join(f"{k} {ms(v)}" for k, v in row.get("doppel_layers_median_ms", {}).items()
                           if k != "total")
        table.add_row(f"{size} words", ms(row["doppel"]["median_ms"]), ms(row["doppel"]["p95_ms"]),
                      ms(row["presidio"]["median_ms"]), ms(row["presidio"]["p95_ms"]),
                      "–" if ratio is None else f"{ratio:.2f}x", layers)
    return table


def figures_table(title: str, figures: dict) -> Table:
    """A plain name -> value table for the vault and proxy benchmarks' dicts."""
    table = Table(title=title)
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key, value in _flatten(figures):
        table.add_row(key, f"{value:.3f}" if isinstance(value, float) else str(value))
    return table


def _flatten(d: dict, prefix: str = ""):
    for key, value in d.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _flatten(value, f"{name}.")
        else:
            yield name, value
