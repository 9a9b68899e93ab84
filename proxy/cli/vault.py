"""`doppel vault ...`: inspect, forget, export, re-key and unlock the encrypted vault.

Nothing here prints a real value, except `export`, which writes them to a file the user names.
"""
from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from proxy.cli.app import app
from proxy.cli.options import DataDir
from proxy.datadir import default_data_dir
from proxy.files import write_private
from proxy.vault import db, keysource, settings
from proxy.vault.durations import parse_duration
from proxy.vault.errors import VaultError
from proxy.vault.interactive import open_vault
from proxy.vault.store import disk_usage

vault_app = typer.Typer(help="The encrypted vault of real values and their stand-ins.",
                        no_args_is_help=True)
app.add_typer(vault_app, name="vault")

out = Console(soft_wrap=True)  # one line per message: easy to grep
err = Console(stderr=True, soft_wrap=True)

Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


def _dir(data_dir: Path | None) -> Path:
    return (data_dir or default_data_dir()).expanduser()


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}", highlight=False)
    return typer.Exit(code)


def _keyless_connection(data_dir: Path) -> sqlite3.Connection:
    """The vault file without its key: enough to count and delete (works while locked)."""
    try:
        return db.connect(data_dir, create=False)
    except FileNotFoundError:
        raise _fail(f"no vault in {data_dir}") from None


def _open(data_dir: Path):
    try:
        return open_vault(data_dir, create=False)
    except VaultError as e:
        raise _fail(str(e)) from None


@vault_app.command()
def stats(data_dir: DataDir = None,
          as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False):
    """Counts per category and per conversation, and size on disk (never any value)."""
    folder = _dir(data_dir)
    if not db.db_path(folder).exists():
        result = {"exists": False, "data_dir": str(folder), "mappings": 0}
    else:
        conn = _keyless_connection(folder)
        try:
            result = {"exists": True, "data_dir": str(folder), **db.stats(conn),
                      "key_source": db.read_meta(conn).get("key_source")}
        finally:
            conn.close()
        result.update(retention_days=settings.load_retention_days(folder),
                      bytes_on_disk=disk_usage(folder))
    if as_json:
        out.print_json(json.dumps(result))
        return
    if not result["exists"]:
        out.print(f"no vault in {folder} yet", highlight=False)
        return
    out.print(f"vault: {folder}  ({result['mappings']} mappings in {result['scopes']} "
              f"conversations, {result['bytes_on_disk']['total']:,} bytes on disk, key in "
              f"{result['key_source']}, retention: "
              f"{str(result['retention_days']) + ' days' if result['retention_days'] else 'keep'})",
              highlight=False)
    for title, counts in (("category", result["per_category"]), ("conversation", result["per_scope"])):
        table = Table(title=f"per {title}")
        table.add_column(title)
        table.add_column("mappings", justify="right")
        for name, count in counts.items():
            table.add_row(name, str(count))
        out.print(table)


@vault_app.command()
def forget(
    conversation: Annotated[Optional[str], typer.Option(
        "--conversation", help="A conversation id or scope: forget its mappings.")] = None,
    older_than: Annotated[Optional[str], typer.Option(
        "--older-than", help="Forget mappings unused for this long (30d, 12h, 2w).")] = None,
    everything: Annotated[bool, typer.Option("--all", help="Forget every mapping.")] = False,
    yes: Yes = False,
    data_dir: DataDir = None,
):
    """Delete mappings. Needs no key, so it also works on a locked vault."""
    if sum(x is not None and x is not False for x in (conversation, older_than, everything)) != 1:
        raise _fail("give exactly one of --conversation ID, --older-than AGE, --all", 2)
    try:
        older_than_s = parse_duration(older_than) if older_than is not None else None
    except ValueError as e:
        raise _fail(str(e), 2) from None
    folder = _dir(data_dir)
    conn = _keyless_connection(folder)
    try:
        if not yes:
            what = (f"conversation {conversation}" if conversation is not None
                    else f"unused for {older_than}" if older_than is not None else "ALL")
            typer.confirm(f"Forget the mappings ({what}) in {folder}? Stand-ins already sent "
                          "can then no longer be restored.", abort=True)
        deleted = db.forget(conn, conversation=conversation, older_than_s=older_than_s,
                            everything=everything)
    finally:
        conn.close()
    out.print(f"forgot {deleted} mappings", highlight=False)


@vault_app.command()
def export(
    out_file: Annotated[Path, typer.Option("--out", help="File to write (must not exist).")],
    yes: Yes = False,
    data_dir: DataDir = None,
):
    """Write every mapping DECRYPTED (real values in clear) to a new file with mode 0600."""
    folder = _dir(data_dir)
    target = out_file.expanduser().absolute()
    if target.resolve().is_relative_to(folder.resolve()):
        raise _fail("refusing to write real values in clear inside the data directory", 2)
    if target.exists():
        raise _fail(f"{target} exists: choose a new file", 2)
    err.print(f"[yellow]warning:[/yellow] {target} will hold your real private values in "
              "clear text. Keep it safe and delete it when done.", highlight=False)
    if not yes:
        typer.confirm("Export the decrypted vault?", abort=True)
    vault = _open(folder)
    try:
        rows = vault.export()
    except VaultError as e:
        raise _fail(str(e)) from None
    finally:
        vault.close()
    try:  # never over a file that appeared meanwhile
        write_private(target, json.dumps({"format": "doppel-vault-export-v1", "mappings": rows},
                                         ensure_ascii=False, indent=1), exclusive=True)
    except FileExistsError:
        raise _fail(f"{target} exists: choose a new file", 2) from None
    out.print(f"exported {len(rows)} mappings to {target} (mode 0600)", highlight=False)


@vault_app.command("rotate-key")
def rotate_key(
    set_passphrase: Annotated[bool, typer.Option(
        "--set-passphrase", help="Protect the new key with a passphrase (asked twice).")] = False,
    remove_passphrase: Annotated[bool, typer.Option(
        "--remove-passphrase", help="Keep the new key in the keyring or a key file instead.")] = False,
    data_dir: DataDir = None,
):
    """Re-encrypt every mapping under a new random key, in one transaction."""
    if set_passphrase and remove_passphrase:
        raise _fail("--set-passphrase and --remove-passphrase exclude each other", 2)
    folder = _dir(data_dir)
    vault = _open(folder)
    try:
        new_passphrase = None
        if set_passphrase or (vault.key_source == "passphrase" and not remove_passphrase):
            new_passphrase = typer.prompt("New vault passphrase", hide_input=True,
                                          confirmation_prompt=True)
            if not new_passphrase:
                raise _fail("an empty passphrase protects nothing", 2)
        count = vault.rotate_key(new_passphrase=new_passphrase, remove_passphrase=remove_passphrase)
        source = vault.key_source
    except VaultError as e:
        raise _fail(str(e)) from None
    finally:
        vault.close()
    out.print(f"re-encrypted {count} mappings under a new key (kept in: {source})", highlight=False)


@vault_app.command()
def unlock(
    for_: Annotated[str, typer.Option("--for", help="How long the unlock lasts (8h, 30m, 1d).")] = "8h",
    data_dir: DataDir = None,
):
    """Check the passphrase and keep the vault open for `doppel start` for a while.

    The unlocked key is kept in the per-user runtime directory (mode 0600, a tmpfs where the
    system has $XDG_RUNTIME_DIR) until it expires or `doppel vault lock`.
    """
    try:
        ttl = parse_duration(for_)
    except ValueError as e:
        raise _fail(str(e), 2) from None
    folder = _dir(data_dir)
    if not db.db_path(folder).exists():
        raise _fail(f"no vault in {folder}")
    conn = _keyless_connection(folder)
    try:
        source = db.read_meta(conn).get("key_source")
    finally:
        conn.close()
    if source != "passphrase":
        out.print(f"this vault has no passphrase (its key is in the {source}): nothing to unlock",
                  highlight=False)
        return
    from proxy.vault.store import Vault
    passphrase = os.environ.get(keysource.PASSPHRASE_ENV) or typer.prompt(
        "Doppel vault passphrase", hide_input=True)
    try:
        vault = Vault.open(folder, passphrase=passphrase, create=False)
    except VaultError as e:
        raise _fail(str(e)) from None
    try:
        vault.keep_unlocked(ttl)
    finally:
        vault.close()
    out.print(f"vault unlocked for {for_}", highlight=False)


@vault_app.command()
def lock(data_dir: DataDir = None):
    """Forget the key that `doppel vault unlock` kept."""
    removed = keysource.clear_unlocked(_dir(data_dir))
    out.print("vault locked" if removed else "vault was not unlocked", highlight=False)


@vault_app.command()
def retention(
    value: Annotated[Optional[str], typer.Argument(
        help="Keep mappings this long after last use (30d, 2w) or 'keep'; none: show.")] = None,
    data_dir: DataDir = None,
):
    """Show or set how long unused mappings are kept (applied whenever the vault opens)."""
    folder = _dir(data_dir)
    if value is None:
        days = settings.load_retention_days(folder)
        out.print(f"retention: {f'{days} days' if days else 'keep forever'}", highlight=False)
        return
    if value.strip().lower() == "keep":
        days = None
    else:
        try:
            seconds = parse_duration(value)
        except ValueError as e:
            raise _fail(str(e), 2) from None
        days = max(1, round(seconds / 86400))
    from proxy.datadir import ensure_data_dir
    settings.save_retention_days(ensure_data_dir(folder), days)
    out.print(f"retention set to {f'{days} days' if days else 'keep forever'}", highlight=False)
