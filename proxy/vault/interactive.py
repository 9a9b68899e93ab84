"""Opening the vault from a command (`doppel start`, `doppel vault ...`): ask for the
passphrase on the terminal when the vault needs one and nothing else supplied it."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

from proxy.vault.errors import VaultKeyMismatch, VaultLocked
from proxy.vault.store import Vault

PROMPT_TRIES = 3


def open_vault(data_dir: Path, *, prompt: bool | None = None, global_scope: bool = False,
               retention_days: int | None = None, create: bool = True) -> Vault:
    """Vault.open, then (for a locked passphrase vault) up to 3 passphrase prompts.

    The passphrase is looked for in this order: $DOPPEL_PASSPHRASE, the `doppel vault unlock`
    cache, the terminal. prompt=None prompts only when stdin is a terminal, so a service
    started without one fails with VaultLocked instead of hanging.
    """
    kwargs = dict(global_scope=global_scope, retention_days=retention_days, create=create)
    try:
        return Vault.open(data_dir, **kwargs)
    except VaultLocked as locked:
        if not locked.needs_passphrase or not (sys.stdin.isatty() if prompt is None else prompt):
            raise
    for attempt in range(PROMPT_TRIES):
        passphrase = getpass.getpass("Doppel vault passphrase: ")
        try:
            return Vault.open(data_dir, passphrase=passphrase, **kwargs)
        except VaultKeyMismatch:
            if attempt == PROMPT_TRIES - 1:
                raise
            print("wrong passphrase, try again", file=sys.stderr)
    raise AssertionError("unreachable")
