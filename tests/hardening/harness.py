"""Shared pieces of the hardening tests: a local upstream on its own thread (so sync and async
tests alike can use it), the leak watch that collects everything a test run printed, logged or
wrote, and request bodies per API format.

The upstream is tests/e2e/upstreams.Upstream (real wire formats, records every body); the
`doppel start` subprocess is bench.load.DoppelProcess (also used by the load test).
"""
from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

from tests.e2e.conftest import PATHS, request_body
from tests.e2e.upstreams import Upstream
from tests.hardening.seeds import seeds_in

__all__ = ["PATHS", "request_body", "ThreadedUpstream", "LeakWatch", "WATCH", "blocked_error"]

# Files Doppel writes whose bytes are meant to be unreadable: the vault's ciphertext. They are
# still scanned (a real value in clear there is a leak too), only reported separately.
VAULT_FILES = ("vault.db", "vault.db-wal", "vault.db-shm")


class ThreadedUpstream:
    """An Upstream served from a private event loop on a daemon thread."""

    def __init__(self, **kw) -> None:
        self.upstream = Upstream(**kw)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True,
                                       name="hardening-upstream")
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self.upstream.start(), self.loop).result(30)

    @property
    def url(self) -> str:
        return self.upstream.url

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.upstream.stop(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@dataclass
class LeakWatch:
    """Everything the hardening tests produced that a real value must never reach."""
    texts: list[tuple[str, str]] = field(default_factory=list)  # (where, text)
    dirs: list[Path] = field(default_factory=list)
    seeded_through_proxy: int = 0  # seeded requests the session's doppel start protected

    def text(self, where: str, text: str) -> None:
        if text:
            self.texts.append((where, text))

    def directory(self, path: Path) -> None:
        self.dirs.append(Path(path))

    def findings(self) -> list[str]:
        """One line per leak: where, and which seed labels (never the values)."""
        out = []
        for where, text in self.texts:
            found = seeds_in(text)
            if found:
                out.append(f"{where}: {sorted(set(found))}")
        for root in dict.fromkeys(self.dirs):
            if not root.exists():
                continue
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                found = seeds_in(path.read_bytes())
                if found:
                    kind = "vault file in clear" if path.name in VAULT_FILES else "file"
                    out.append(f"{kind} {path}: {sorted(set(found))}")
        return out

    def files_seen(self) -> int:
        return sum(1 for root in dict.fromkeys(self.dirs) if root.exists()
                   for p in root.rglob("*") if p.is_file())


WATCH = LeakWatch()


def blocked_error(body: bytes) -> dict:
    """The error object of Doppel's 502 (see proxy.mitm.addon.blocked_response)."""
    err = json.loads(body)["error"]
    assert err["type"] == "doppel_blocked", err
    assert err["message"].startswith("Doppel blocked this request"), err
    return err
