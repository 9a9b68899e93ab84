"""Vault settings kept beside it: vault.toml in the data dir (only `retention_days` so far)."""
from __future__ import annotations

import tomllib
from pathlib import Path

from proxy.files import write_private

SETTINGS_FILE = "vault.toml"


def load_retention_days(data_dir: Path) -> int | None:
    """Days a mapping is kept after its last use; None keeps mappings forever (the default)."""
    try:
        with open(Path(data_dir) / SETTINGS_FILE, "rb") as f:
            value = tomllib.load(f).get("retention_days")
    except FileNotFoundError:
        return None
    if value is None or value == 0:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{SETTINGS_FILE}: retention_days must be a whole number of days")
    return value


def save_retention_days(data_dir: Path, days: int | None) -> None:
    path = Path(data_dir) / SETTINGS_FILE
    if days is None:
        path.unlink(missing_ok=True)
        return
    if days <= 0:
        raise ValueError("retention must be at least one day (or None to keep forever)")
    # One integer key: written by hand rather than adding a TOML writer dependency.
    write_private(path, f"# Doppel vault settings\nretention_days = {int(days)}\n")
