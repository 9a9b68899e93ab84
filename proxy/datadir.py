"""Where Doppel keeps its state (vault, key file, settings): one private directory per user."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

DIR_MODE = 0o700  # the vault and its key file live here: nobody else may list or read it


def default_data_dir() -> Path:
    """The per-user data directory, e.g. ~/.local/share/doppel on Linux (not created)."""
    return Path(platformdirs.user_data_dir("doppel", appauthor=False))


def ensure_data_dir(path: Path | None) -> Path:
    """Create `path` (default_data_dir() if None) with mode 0700 and return it.

    An existing directory is tightened to 0700 too: a vault must never sit in a readable folder.
    """
    path = Path(path) if path is not None else default_data_dir()
    path = path.expanduser()
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    if (path.stat().st_mode & 0o777) != DIR_MODE:
        os.chmod(path, DIR_MODE)
    return path
