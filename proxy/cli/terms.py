"""`doppel terms ...`: the user's own "always protect" and "never protect" terms.

They live encrypted in the vault, so these commands work whether or not Doppel runs: a running
Doppel sees a change on its next request (proxy/vault/terms.py says how). `list` prints the
terms to the user's own terminal; nothing else prints a term.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from detector.categories import Category
from proxy.cli.app import app
from proxy.cli.options import DataDir
from proxy.datadir import default_data_dir
from proxy.vault import db
from proxy.vault.errors import VaultError
from proxy.vault.interactive import open_vault

terms_app = typer.Typer(help='Your own terms: "always protect" and "never protect".',
                        no_args_is_help=True)
app.add_typer(terms_app, name="terms")

CATEGORY_NAMES = ", ".join(c.lower() for c in Category)


def _dir(data_dir: Path | None) -> Path:
    return (data_dir or default_data_dir()).expanduser()


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _open(folder: Path, *, create: bool):
    try:
        return open_vault(folder, create=create)
    except VaultError as e:
        raise _fail(str(e)) from None


@terms_app.command()
def add(
    term: Annotated[str, typer.Argument(help="The word or phrase (whole words, any case).")],
    never: Annotated[bool, typer.Option("--never", help="Never protect it (the detector must "
                                        "leave it alone), instead of always protecting it.")] = False,
    category: Annotated[Optional[str], typer.Option(
        "--category", help=f"For an always-term: the kind of stand-in it gets ({CATEGORY_NAMES}); "
                           "default custom: a stand-in of the same shape.")] = None,
    data_dir: DataDir = None,
):
    """Always protect TERM (or, with --never, never protect it). A term is on one list only:
    adding it to one takes it off the other."""
    folder = _dir(data_dir)
    with _open(folder, create=True) as vault:
        try:
            stored = vault.terms.add(term, kind="never" if never else "always", category=category)
        except ValueError as e:
            raise _fail(f"{e} (categories: {CATEGORY_NAMES})" if category else str(e), 2) from None
    if stored.kind == "never":
        typer.echo("added to never protect: the detector leaves it alone from the next request on")
    else:
        typer.echo(f"added to always protect ({stored.category.lower()}): replaced from the next "
                   "request on")


@terms_app.command()
def remove(
    term: Annotated[str, typer.Argument(help="The term to take off its list.")],
    data_dir: DataDir = None,
):
    """Take TERM off the always or never list."""
    folder = _dir(data_dir)
    if not db.db_path(folder).exists():
        raise _fail(f"no vault in {folder}: no terms to remove")
    with _open(folder, create=False) as vault:
        try:
            removed = vault.terms.remove(term)
        except ValueError as e:
            raise _fail(str(e), 2) from None
    if not removed:
        raise _fail("that term is on neither list")
    typer.echo("removed")


@terms_app.command("list")
def list_terms(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    data_dir: DataDir = None,
):
    """Show your terms (on this terminal only)."""
    folder = _dir(data_dir)
    terms = []
    if db.db_path(folder).exists():
        with _open(folder, create=False) as vault:
            terms = vault.terms.list()
    if as_json:
        typer.echo(json.dumps({"always": [{"term": t.term, "category": t.category}
                                          for t in terms if t.kind == "always"],
                               "never": [{"term": t.term} for t in terms if t.kind == "never"]},
                              ensure_ascii=False))
        return
    if not terms:
        typer.echo("no terms yet: `doppel terms add TERM` (or --never TERM)")
        return
    for kind in ("always", "never"):
        chosen = [t for t in terms if t.kind == kind]
        typer.echo(f"{kind} protect ({len(chosen)}):")
        for t in chosen:
            typer.echo(f"  {t.term}" + (f"  [{t.category.lower()}]" if kind == "always" else ""))
