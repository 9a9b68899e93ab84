"""`doppel eval` and `doppel bench`: accuracy against the shared data, and speed, each side by
side with Presidio on the same spaCy model. The work happens in bench/; this is the CLI."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from proxy.cli.app import app

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = REPO_ROOT / "docs" / "evaluation.md"


def _split(csv: str) -> list[str]:
    return [x.strip() for x in csv.split(",") if x.strip()]


def _console(stderr: bool = False) -> Console:
    # Rich wraps at 80 columns when output is not a terminal; the tables need more.
    console = Console(stderr=stderr)
    return console if console.is_terminal else Console(stderr=stderr, width=160)


def _progress(console: Console) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=False)


@app.command("eval")
def eval_command(
    mode: str = typer.Option("fast", help="Doppel mode(s), comma-separated: fast,thorough"),
    data: Optional[Path] = typer.Option(None, "--data", help="Shared data dir (else $DOPPEL_DATA, else ../shared/data)"),
    limit: Optional[int] = typer.Option(None, min=1, help="Only the first N texts of each data set"),
    datasets: str = typer.Option("pupa,synth,asq,spia,privacyannotation", help="Comma-separated data sets"),
    out: Path = typer.Option(DEFAULT_OUT, help="Markdown report to (re)write"),
    json_path: Optional[Path] = typer.Option(None, "--json", help="Also write the raw results as JSON here"),
    precision: bool = typer.Option(True, "--precision/--no-precision",
                                   help="Also measure the precision stage, off against on (bench/precision_eval.py)"),
    ablation: bool = typer.Option(False, "--ablation", help="Also run fast mode with each layer left out, and each layer alone"),
) -> None:
    """Measure Doppel against the shared data sets, next to Presidio (same spaCy model)."""
    from bench.datasets import LOADERS
    from bench.eval_report import render
    from bench.eval_run import build_systems, run_eval
    from bench.eval_table import eval_table

    console = _console()
    names = _split(datasets)
    unknown = [n for n in names if n not in LOADERS]
    if unknown:
        raise typer.BadParameter(f"unknown data set(s) {', '.join(unknown)}; known: {', '.join(LOADERS)}")
    modes = _split(mode)
    with console.status("loading Doppel and Presidio models..."):
        systems, unavailable = build_systems(modes, ablation=ablation)
    for name, why in unavailable.items():
        console.print(f"[yellow]{name} unavailable:[/] {why}")
    if not any(s.name.startswith("doppel-") for s in systems):
        console.print("[red]No Doppel mode could run; nothing to evaluate.[/]")
        raise typer.Exit(2)

    with _progress(console) as progress:
        tasks: dict[str, int] = {}
        results = run_eval(
            names, systems, data_dir=data, limit=limit,
            on_start=lambda n, total: tasks.__setitem__(n, progress.add_task(n, total=total)),
            on_example=lambda n: progress.advance(tasks[n]),
        )

    command = "doppel eval --mode " + ",".join(modes) + " --datasets " + ",".join(names)
    command += " --ablation" if ablation else ""
    command += "" if precision else " --no-precision"
    command += f" --limit {limit}" if limit else ""
    command += f" --data {data}" if data else ""
    command += f" --out {out}" if out != DEFAULT_OUT else ""
    console.print(eval_table(results))
    report = render(results, command=command, unavailable=unavailable)
    if precision:
        from bench.precision_eval import markdown, precision_table, run_precision

        with console.status("measuring the precision stage (fast mode, off and on)..."):
            results["precision"] = run_precision(data, limit)
        console.print(precision_table(results["precision"]))
        report = report.rstrip("\n") + "\n\n" + "\n".join(markdown(results["precision"], command=command))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    console.print(f"wrote {out}")
    if json_path:
        results["unavailable"] = unavailable
        json_path.write_text(json.dumps(results, indent=2), encoding="utf-8")
        console.print(f"wrote {json_path}")


@app.command("bench")
def bench_command(
    mode: str = typer.Option("fast", help="Doppel mode to time"),
    vault: bool = typer.Option(False, "--vault", help="Also run the vault benchmark (bench/vault_bench.py)"),
    proxy: bool = typer.Option(False, "--proxy", help="Also run the proxy benchmark (bench/proxy_bench.py)"),
    restore: bool = typer.Option(False, "--restore", help="Also time restoring and stand-in generation (bench/restore_bench.py)"),
    history: bool = typer.Option(False, "--history", help="Also time re-protecting resent history, cache on/off (bench/history_bench.py)"),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON instead of tables"),
    data: Optional[Path] = typer.Option(None, "--data", help="Shared data dir (prompts are cut from it)"),
    prompts: Optional[int] = typer.Option(None, min=1, help="Prompts per length (default 60/40/10 for 20/200/2000 words)"),
) -> None:
    """Latency (median, p95) for 20-, 200- and 2,000-word prompts and peak RSS, next to Presidio."""
    from bench.eval_table import bench_table, figures_table
    from bench.speed import COUNTS, SIZES, run_bench, run_optional
    from bench.systems import Unavailable

    console = _console(stderr=as_json)  # with --json, stdout holds only the JSON
    counts = {s: prompts for s in SIZES} if prompts else None
    total = sum((counts or COUNTS).values())
    try:
        with _progress(console) as progress:
            task = progress.add_task("timing Doppel and Presidio", total=total)
            results: dict = {"latency": run_bench(mode, data_dir=data, counts=counts,
                                                  on_progress=lambda: progress.advance(task))}
    except Unavailable as e:
        console.print(f"[red]The benchmark cannot run:[/] {e}")
        raise typer.Exit(2)
    if vault:
        results["vault"] = run_optional("vault_bench")
    if proxy:
        results["proxy"] = run_optional("proxy_bench")
    if restore:
        results["restore"] = run_optional("restore_bench")
    if history:
        results["history"] = run_optional("history_bench")

    if as_json:
        typer.echo(json.dumps(results, indent=2))
        return
    lat = results["latency"]
    console.print(bench_table(lat))
    console.print(f"peak RSS: {lat['peak_rss_mb_doppel_only']} MB with Doppel alone, "
                  f"{lat['peak_rss_mb_with_presidio']} MB once Presidio is loaded too "
                  f"({lat['meta']['machine']['cores']} cores, {lat['meta']['machine']['cpu']}, "
                  f"1-minute load average {lat['meta']['machine']['load_avg_1m']} at the start, "
                  f"{lat['meta']['load_avg_1m_at_end']} at the end)")
    for key, title in (("vault", "vault benchmark"), ("proxy", "proxy benchmark"),
                       ("restore", "restore benchmark"), ("history", "resent history benchmark")):
        if key in results:
            console.print(figures_table(title, results[key]))
