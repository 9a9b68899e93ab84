"""`doppel models list|verify|run`: the on-device models of thorough mode (models/catalog.toml)."""
from __future__ import annotations

import time
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn
from rich.table import Table

from models.catalog import (ModelFileError, load_catalog, model_file, reinstall_fix, verify_file,
                            verify_spacy)
from proxy.cli.app import app

models_app = typer.Typer(help="On-device models for thorough mode (the LLM layer).", no_args_is_help=True)
app.add_typer(models_app, name="models")
console = Console(stderr=True)


def _status(path: Path) -> str:
    return "present" if path.is_file() else "not built yet (`doppel models verify` builds it)"


@models_app.command("list")
def list_models() -> None:
    """Show the catalog: models, adapters, where their files are, licence and prompt."""
    cat = load_catalog()
    t = Table(title="models (models/catalog.toml)")
    for col in ("name", "file", "size", "licence", "prompt", "n_ctx", "from", "status"):
        t.add_column(col)
    for m in cat.models.values():
        path = model_file(m, assemble=False)
        t.add_row(m.name + (" (default)" if m.name == cat.default else ""), str(path),
                  f"{m.size / 1e6:.0f} MB" if m.size else "?", m.license, m.prompt, str(m.n_ctx),
                  m.source, _status(path))
    Console().print(t)
    if cat.adapters:
        a_t = Table(title="LoRA adapters")
        for col in ("name", "base", "file", "size", "prompt", "licence", "status"):
            a_t.add_column(col)
        for a in cat.adapters.values():
            size = f"{a.file.stat().st_size / 1e6:.1f} MB" if a.file.is_file() else "-"
            a_t.add_row(a.name + (" (default)" if a.name == cat.default_adapter else ""), a.base, str(a.file),
                        size, a.prompt, a.license, "present" if a.file.is_file() else "MISSING")
        Console().print(a_t)
    if cat.spacy:
        s_t = Table(title="spaCy pipelines (the NER layer)")
        for col in ("name", "package", "licence"):
            s_t.add_column(col)
        for s in cat.spacy.values():
            s_t.add_row(s.name, f"{s.package}=={s.version}", s.license)
        Console().print(s_t)


@models_app.command()
def verify(model: Path = typer.Option(None, "--model", help="check a local GGUF of your own instead")) -> None:
    """Check every catalog file's sha256 (building package-shipped models first), or load --model PATH."""
    if model is not None:
        _verify_user_model(model)
        return
    cat = load_catalog()
    failed = 0
    for m in cat.models.values():
        try:
            path = model_file(m, status=lambda msg: console.print(f">> {msg}"))  # builds it when missing
            _hash(path, m.sha256, reinstall_fix(m, path))
            console.print(f"[green]ok[/green] {m.name}: {path} (sha256 {m.sha256[:12]}...)")
        except ModelFileError as exc:
            failed += 1
            console.print(f"[red]FAILED[/red] {m.name}: {exc}")
    for a in cat.adapters.values():
        try:
            _hash(a.file, a.sha256, "restore it from git: git checkout -- " + str(a.file))
            console.print(f"[green]ok[/green] adapter {a.name}: {a.file}")
        except ModelFileError as exc:
            failed += 1
            console.print(f"[red]FAILED[/red] adapter {a.name}: {exc}")
    for s in cat.spacy.values():
        try:
            folder = verify_spacy(s)
            console.print(f"[green]ok[/green] spaCy pipeline {s.name}: {folder}")
        except ModelFileError as exc:
            failed += 1
            console.print(f"[red]FAILED[/red] spaCy pipeline {s.name}: {exc}")
    if failed:
        raise typer.Exit(1)


def _hash(path: Path, sha256: str, fix: str) -> None:
    size = path.stat().st_size if path.is_file() else None
    with Progress(TextColumn("checking {task.description}"), BarColumn(), DownloadColumn(),
                  console=console, transient=True) as bar:
        task = bar.add_task(path.name, total=size)
        verify_file(path, sha256, fix=fix, use_stamp=False, progress=lambda n: bar.advance(task, n))


def _verify_user_model(path: Path) -> None:
    from detector.llm import LLMLayer, ModelUnavailable
    try:
        layer = LLMLayer(path, adapter=None, timeout=60)
        t0 = time.monotonic()
        layer.load(progress=True)
        load_s = time.monotonic() - t0
        ann = layer.annotate("My name is Carla Mendes and I was diagnosed with asthma in Lisbon.")
    except ModelUnavailable as exc:
        console.print(f"[red]FAILED[/red] {exc}" + (f" Fix: {exc.fix}" if exc.fix and exc.fix not in str(exc) else ""))
        raise typer.Exit(1) from None
    console.print(f"[green]ok[/green] {path} loads in {load_s:.1f} s and answers with the same prompt "
                  f"({len(ann.spans)} phrase(s) found in a test sentence, {ann.elapsed_ms:.0f} ms)")


@models_app.command()
def run(text: str = typer.Argument(..., help="text to annotate (your own; shown only on this terminal)"),
        model: Path = typer.Option(None, "--model", help="a local GGUF instead of the catalog default"),
        adapter: str = typer.Option("auto", "--adapter", help="catalog adapter name, a path, or 'none'"),
        timeout: float = typer.Option(10.0, "--timeout", help="seconds before giving up")) -> None:
    """Run the LLM layer alone on TEXT and show the phrases it finds (for trying a model)."""
    from detector.llm import LLMLayer, ModelUnavailable
    try:
        layer = LLMLayer(model, adapter=None if adapter == "none" else adapter, timeout=timeout)
        layer.load(progress=True)
        ann = layer.annotate(text)
    except ModelUnavailable as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    t = Table(title=f"{layer.choice.label}" + (f" + {layer.choice.adapter_label}" if layer.choice.adapter_label else "")
              + f" ({ann.elapsed_ms:.0f} ms{', TIMED OUT' if ann.timed_out else ''})")
    for col in ("start", "end", "category", "phrase"):
        t.add_column(col)
    for sp in ann.spans:
        t.add_row(str(sp.start), str(sp.end), sp.category.value, sp.text)
    Console().print(t)
