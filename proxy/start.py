"""`doppel start`: the vault, the detector, mitmproxy (embedded) and the control server, in one
asyncio loop, until Ctrl-C or SIGTERM.

Order matters: the spaCy model loads (Detector.warm) before the proxy accepts connections, so
the first prompt is not slow, and "Doppel is ready" is printed only once both servers listen.
"""
from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from proxy.mitm.addon import ON_ERROR_CHOICES, ON_UNKNOWN_CHOICES, DoppelAddon, OnError, OnUnknown
from proxy.sites import load_adapters
from proxy.sites.chatgpt.ws import ChatGptHandoff
from proxy.control.server import ControlState, create_control_app, start_control_server
from proxy.control.auth import ORIGINS_FILE, PairedOrigins, load_or_create_token
from proxy.control.events import EventLog
from proxy.mitm.runtime import Runtime
from proxy.profiles import link_profiles
from proxy.settings import SettingsStore
from proxy.mitm.embedded import EmbeddedProxy
from proxy.mitm.hosts import HostPolicy

log = logging.getLogger("doppel.start")

READY_WORDS = "Doppel is ready"


class StartError(RuntimeError):
    """A clear, user-facing reason `doppel start` cannot run."""


@dataclass
class StartOptions:
    listen_host: str = "127.0.0.1"
    listen_port: int = 8080
    mode: str = "regular"  # regular | reverse:URL | local
    data_dir: Path | None = None
    detector: str | None = None  # fast | thorough; None: the saved setting (default fast)
    control_port: int = 8765
    on_error: OnError = "block"
    count_headers: bool = False  # x-doppel-* counts on API replies (reverse mode's clients)
    on_unknown: OnUnknown = "protect"
    extra_hosts: tuple[str, ...] = ()
    mitm_options: dict[str, Any] = field(default_factory=dict)  # tests: e.g. ssl_insecure
    extra_addons: tuple[Any, ...] = ()  # tests: mitmproxy addons run before Doppel's
    shadow: bool | None = None  # True/False: switch shadow mode on/off (saved); None: as saved


def check_mode(mode: str) -> str:
    if mode in ("regular", "local"):
        return mode
    if mode.startswith("reverse:"):
        url = urlsplit(mode[len("reverse:"):])
        if url.scheme in ("http", "https") and url.hostname:
            return mode
    raise StartError(f"--mode must be regular, local or reverse:http(s)://host[:port], not {mode!r}")


def mitm_options(opts: StartOptions, hosts: HostPolicy) -> dict[str, Any]:
    """mitmproxy option values for Doppel's start options."""
    mode = check_mode(opts.mode)
    values: dict[str, Any] = {"mode": [mode], "listen_host": opts.listen_host,
                              "listen_port": opts.listen_port}
    # No stream_large_bodies: a streamed request body would go upstream before the request
    # hook could check it. Chat request bodies are always buffered and checked whole.
    if not mode.startswith("reverse:"):
        # TLS is opened only for chat hosts; every other CONNECT is tunnelled untouched.
        values["allow_hosts"] = hosts.allow_hosts_patterns()
    values.update(opts.mitm_options)
    return values


def addon_hosts(opts: StartOptions, hosts: HostPolicy) -> HostPolicy | None:
    """Reverse mode talks to one upstream only, so every request there is chat traffic."""
    return None if opts.mode.startswith("reverse:") else hosts


def open_protector(data_dir: Path, detector_mode: str):
    """(protector, vault): the Vault, a warmed Detector, and the Protector over them."""
    from detector.pipeline import Detector
    from detector.protect import Protector
    from proxy.vault import Vault

    try:
        detector = Detector(detector_mode)
    except ValueError as e:
        raise StartError(f"detector mode {detector_mode!r} is not available: {e}") from None
    detector.warm()
    vault = Vault.open(data_dir)
    return Protector(detector, link_profiles(vault)), vault


async def serve(opts: StartOptions, *, protector=None, vault=None,
                announce: Callable[[str], None] = print,
                stop: asyncio.Event | None = None) -> None:
    """Run until ``stop`` is set (or SIGINT/SIGTERM). ``protector``/``vault`` may be passed in
    (tests); otherwise they are opened from ``opts.data_dir``."""
    from proxy.datadir import ensure_data_dir

    hosts = HostPolicy(opts.extra_hosts)
    values = mitm_options(opts, hosts)  # validates --mode before anything slow
    if opts.on_error not in ON_ERROR_CHOICES:
        raise StartError(f"--on-error must be one of {', '.join(ON_ERROR_CHOICES)}")
    if opts.on_unknown not in ON_UNKNOWN_CHOICES:
        raise StartError(f"--on-unknown must be one of {', '.join(ON_UNKNOWN_CHOICES)}")
    data_dir = ensure_data_dir(opts.data_dir)
    settings = SettingsStore.load(data_dir)
    if opts.shadow is not None and opts.shadow != settings.current.shadow:
        settings.update(shadow=opts.shadow)
    events = EventLog()
    # The Runtime is the addon's protector: settings changes swap what it protects with.
    runtime = Runtime(settings, hosts=hosts, events=events, data_dir=data_dir,
                      protector=protector, vault=vault)
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread / Windows
            pass

    addon = DoppelAddon(runtime, hosts=addon_hosts(opts, hosts), on_error=opts.on_error,
                        on_unknown=opts.on_unknown,
                        adapters=load_adapters(continuations=runtime),
                        rebind_scope=runtime.rebind_scope, settings=settings, events=events,
                        count_headers=opts.count_headers)
    state = ControlState(proxy_host=opts.listen_host, proxy_port=opts.listen_port,
                         mode=opts.mode, detector=opts.detector or settings.current.detector_mode,
                         hosts=hosts,
                         on_error=opts.on_error, stats=lambda: _stats(addon), runtime=runtime,
                         events=events, token=load_or_create_token(data_dir),
                         paired_origins=PairedOrigins(data_dir / ORIGINS_FILE),
                         ca_path=data_dir / "mitmproxy" / "mitmproxy-ca-cert.pem")
    # ChatGPT may move the rest of a streamed turn to a WebSocket: restore that too.
    handoff = ChatGptHandoff(runtime.restorer)
    proxy = EmbeddedProxy([*opts.extra_addons, addon, handoff], confdir=data_dir / "mitmproxy", **values)
    runner = None
    try:
        try:
            # Up before the model loads, so the extension can say "loading" meanwhile.
            runner = await start_control_server(create_control_app(state), opts.control_port)
        except OSError as e:
            raise StartError(f"the control server cannot listen on 127.0.0.1:{opts.control_port} "
                             f"({e.strerror}); pick another --control-port") from None
        if protector is None:
            try:
                await loop.run_in_executor(None, runtime.load, opts.detector)
            except Exception:  # noqa: BLE001 - one clear sentence (names no value)
                raise StartError(f"protection could not load: {runtime.error}") from None
        try:
            await proxy.start()
        except Exception as e:  # noqa: BLE001 - reported as one clear sentence
            raise StartError(f"the proxy could not start: {e}") from None
        addrs = proxy.listen_addrs()
        if addrs:
            state.proxy_port = addrs[0][1]
        state.ready = True
        announce(f"{READY_WORDS}: proxy {opts.listen_host}:{state.proxy_port} ({opts.mode}), "
                 f"control http://127.0.0.1:{opts.control_port}/health, "
                 f"CA {proxy.ca_cert_path}")
        if settings.current.shadow:
            announce("SHADOW MODE: nothing is protected. Requests go out unchanged; Doppel only "
                     "records what it would replace (turn it off with --no-shadow or in the "
                     "settings page).")
        await stop.wait()
    finally:
        state.ready = False
        await proxy.stop()
        if runner is not None:
            await runner.cleanup()
        vault = vault if vault is not None else runtime.vault
        if vault is not None and hasattr(vault, "close"):
            vault.close()
        announce("Doppel stopped.")


def _stats(addon: DoppelAddon) -> dict[str, Any]:
    s = addon.stats
    return {"protected_requests": s.protected_requests, "replaced": s.replaced,
            "blocked": s.blocked, "passed_on_error": s.passed_on_error,
            "shadow_requests": s.shadow_requests,
            "categories": dict(s.categories)}
