"""`doppel check`: show what Doppel would protect in a text, why (layer, rule or label,
confidence), the stand-ins, and the round trip.

It prints the user's own text back to the user's own terminal, on request; nothing is stored
(an in-memory mapping store per text) and nothing leaves the machine.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Optional

import typer

from proxy.cli.app import app


def check_one(detector, text: str, item_id) -> dict:
    """Detect, protect and restore one text; the JSON record `doppel check --json` prints."""
    from detector.protect import Protector
    from detector.store import InMemoryStore

    began = time.perf_counter()
    protector = Protector(detector, InMemoryStore())
    scope = f"check:{item_id}"
    protection = protector.protect(text, scope)
    layer_ms = dict(detector.timings())
    restored = protector.restorer(scope).restore_exact(protection.protected)
    total = (time.perf_counter() - began) * 1000
    layer_ms.pop("total", None)
    return {
        "id": item_id,
        "text": text,
        "protected": protection.protected,
        "restored": restored,
        "mode": detector.mode,
        "layers": [layer.name for layer in detector.layers],  # "model" is the tagger (detector/tagger/)
        "spans": [
            {"start": r.span.start, "end": r.span.end, "text": r.span.text,
             "category": str(r.span.category), "layer": r.span.layer,
             # why: the rule and pattern, spaCy label, names cue or lexicon, LLM label
             "source": r.span.source, "confidence": round(r.span.score, 2),
             "replacement": r.replacement}
            for r in protection.replacements
        ],
        "timings_ms": {"total": round(total, 3), **{k: round(v, 3) for k, v in layer_ms.items()}},
    }


def _table(record: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    from detector.normalize import reads_as

    console = Console()
    table = Table(title=f"{len(record['spans'])} private phrase(s), mode {record['mode']} "
                        f"(layers: {', '.join(record['layers'])})")
    for col in ("span", "category", "layer", "why", "confidence", "stand-in"):
        table.add_column(col)
    for s in record["spans"]:
        # Found on the normalised view (full-width digits, invisible characters...): say so, since
        # the value may not look like one on screen.
        layer = s["layer"] if reads_as(s["text"]) == s["text"] else f"{s['layer']} (read normalised)"
        table.add_row(s["text"], s["category"], layer, s["source"], f"{s['confidence']:.2f}",
                      s["replacement"])
    console.print(table)
    console.print("[bold]protected:[/bold]", record["protected"], markup=True, highlight=False)
    ok = record["restored"] == record["text"]
    console.print(f"round trip: {'ok' if ok else 'MISMATCH'}; "
                  f"{record['timings_ms']['total']:.1f} ms", highlight=False)


def _records(file: Path):
    with file.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                yield item.get("id", number), item["text"]
            except (json.JSONDecodeError, KeyError, TypeError, AttributeError):
                raise typer.BadParameter(f"line {number} of {file} is not a JSON object with a 'text'")


@app.command()
def check(
    text: Optional[str] = typer.Argument(None, help="The text to check."),
    mode: str = typer.Option("fast", "--mode", help="Detector mode: fast (rules + NER) or thorough."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per text."),
    file: Optional[Path] = typer.Option(None, "--file", exists=True, dir_okay=False,
                                        help='JSONL input, one {"id", "text"} per line (needs --json).'),
) -> None:
    """Show the private phrases in TEXT, their stand-ins, and that the reply maps back."""
    from detector.errors import DetectionError
    from detector.standins import warm as standins_warm
    from detector.pipeline import Detector

    if (text is None) == (file is None):
        raise typer.BadParameter("give either TEXT or --file")
    if file is not None and not as_json:
        raise typer.BadParameter("--file streams JSON lines: add --json")
    try:
        detector = Detector(mode)
    except ValueError as exc:
        raise typer.BadParameter(str(exc))
    detector.warm()  # models load once for the whole file
    standins_warm()
    items = _records(file) if file is not None else [(None, text)]
    failures = 0
    for item_id, item_text in items:
        try:
            record = check_one(detector, item_text, item_id)
        except DetectionError as exc:  # names the layer and reason, never the text
            failures += 1
            if as_json:
                print(json.dumps({"id": item_id, "error": str(exc)}), flush=True)
            else:
                typer.echo(f"error: {exc}", err=True)
            continue
        failures += record["restored"] != record["text"]
        if as_json:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        else:
            _table(record)
    if failures:
        raise typer.Exit(code=1)
