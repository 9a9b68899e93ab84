"""What the control server's handlers read: ``request.app[STATE]``."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from aiohttp import web

from proxy.control.auth import PairedOrigins, PairingCodes
from proxy.control.events import EventLog

if TYPE_CHECKING:  # the type only: the control server never loads the site adapters
    from proxy.mitm.hosts import HostPolicy


@dataclass
class ControlState:
    """What the control server reports and changes. ``stats`` returns counters (no values).

    ``runtime`` (proxy.mitm.runtime.Runtime) carries the settings, the detector status, the
    vault and the "try it" box; without it only /health, /proxy.pac and /api/status answer.
    ``token``: the control token (empty: a random one for this process only).
    """
    proxy_host: str
    proxy_port: int
    mode: str
    detector: str
    hosts: HostPolicy
    on_error: str = "block"
    version: str = "0.1.0"
    ready: bool = False
    started_at: float = field(default_factory=time.time)
    stats: Callable[[], dict[str, Any]] = field(default=dict)
    runtime: Any = None
    events: EventLog | None = None
    token: str = ""
    pairing: PairingCodes = field(default_factory=PairingCodes)
    paired_origins: PairedOrigins = field(default_factory=PairedOrigins)  # Firefox installs
    ca_path: Path | None = None


STATE = web.AppKey("state", ControlState)
