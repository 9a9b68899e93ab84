"""Writing a private file (keys, the control token, settings, a vault export): one routine.

``write_private`` writes the whole content to a temporary file beside the target, mode 0600
from its creation, flushed to disk, and only then puts it in place, so a reader (or a crash)
never sees half a file and the content is never readable by others, not even for a moment.
  - by default it replaces the target (os.replace);
  - ``exclusive=True`` never overwrites: the temporary file is hard-linked to the target name,
    which fails with FileExistsError if that name exists (two processes creating the control
    token at once: one wins, the other reads the winner's whole token).
Hand-written: the standard library has each step but no call that does them together.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

PRIVATE_MODE = 0o600


def write_private(path: Path, data: str | bytes, *, exclusive: bool = False) -> None:
    """Write ``data`` (str: UTF-8) to ``path`` atomically with mode 0600; see the module."""
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), PRIVATE_MODE)  # mkstemp's 0600 is masked by the umask
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        if exclusive:
            os.link(tmp, path)
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
