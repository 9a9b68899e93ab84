"""Options several `doppel` commands share, declared once."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

DataDir = Annotated[Optional[Path], typer.Option(
    "--data-dir", help="Doppel's data folder: vault, key, CA, settings, control token "
                       "(default: the per-user data dir).")]
"""``--data-dir``: the same folder for every command (`doppel start` and the commands that
read what it keeps there)."""
