"""mitmproxy embedded in the current asyncio loop (no shell-out): start, learn the port, stop.

Used by `doppel start`, `doppel demo`, the benchmark and the end-to-end tests, so all of them run
the very same proxy. mitmproxy keeps one global ``ctx``: run one EmbeddedProxy at a time.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Any

from mitmproxy import addons, options
from mitmproxy.master import Master


class _Running:
    """Signals when mitmproxy's servers are up (the ``running`` hook)."""

    def __init__(self) -> None:
        self.event = asyncio.Event()

    def running(self) -> None:
        self.event.set()


class ProxyStartError(RuntimeError):
    pass


class _ErrorLog(logging.Handler):
    """Collects mitmproxy's error log lines during start-up (a busy port, an unsupported mode)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class EmbeddedProxy:
    """mitmproxy with Doppel's addons. ``options`` are mitmproxy option names (mode, listen_port,
    allow_hosts, confdir, ...); ``listen_port=0`` picks a free port (see ``port`` after start)."""

    def __init__(self, addon_list: list[Any], *, confdir: Path, **opts: Any) -> None:
        self.addon_list = addon_list
        self.confdir = Path(confdir)
        self.opts = opts
        self.master: Master | None = None
        self._task: asyncio.Task | None = None

    async def start(self, timeout_s: float = 30.0) -> "EmbeddedProxy":
        self.confdir.mkdir(parents=True, exist_ok=True)
        running = _Running()
        errors = _ErrorLog()
        logging.getLogger("mitmproxy").addHandler(errors)
        try:
            master = Master(options.Options(), event_loop=asyncio.get_running_loop())
            master.addons.add(*addons.default_addons(), running, *self.addon_list)
            master.options.update(confdir=str(self.confdir), **self.opts)
            self.master = master
            self._task = asyncio.create_task(master.run(), name="mitmproxy")
            done, _ = await asyncio.wait([self._task, asyncio.create_task(running.event.wait())],
                                         timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
            if self._task in done:
                self._task.result()  # raises what mitmproxy raised
                raise ProxyStartError("mitmproxy stopped during start-up")
            if not running.event.is_set():
                await self.stop()
                raise ProxyStartError(f"mitmproxy did not start within {timeout_s:g} s")
            ps = master.addons.get("proxyserver")
            if not all(server.is_running for server in ps.servers):
                await self.stop()
                why = "; ".join(errors.messages) or "see the log above"
                raise ProxyStartError(f"mitmproxy could not start its server: {why}")
        finally:
            logging.getLogger("mitmproxy").removeHandler(errors)
        return self

    def listen_addrs(self) -> list[tuple]:
        ps = self.master.addons.get("proxyserver") if self.master else None
        return list(ps.listen_addrs()) if ps else []

    @property
    def port(self) -> int:
        return self.listen_addrs()[0][1]

    @property
    def ca_cert_path(self) -> Path:
        """The PEM of the CA mitmproxy signs intercepted hosts with (created on first start)."""
        return self.confdir / "mitmproxy-ca-cert.pem"

    async def stop(self) -> None:
        if self.master is not None:
            self.master.shutdown()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._task, timeout=10)
        self.master = None
        self._task = None

    async def __aenter__(self) -> "EmbeddedProxy":
        return await self.start()

    async def __aexit__(self, *exc) -> None:
        await self.stop()
