"""Site adapters: one module per wire format (see proxy/sites/base.py for the surface).

Each module in ADAPTER_MODULES defines ``ADAPTER``, an instance of a SiteAdapter subclass.
To add a site, add its module name here (one line; base.py says what else). Order matters:
the first match wins. The host lists are derived from these adapters' ``hosts`` here, once.
"""
from __future__ import annotations

import functools
import importlib

from mitmproxy import http

from proxy.hostnames import normalize_host
from proxy.sites.base import SiteAdapter

ADAPTER_MODULES = (
    "proxy.sites.chatgpt.web",
    "proxy.sites.claude_web",
    "proxy.sites.gemini.web",
    "proxy.sites.openai.chat",
    "proxy.sites.openai.responses",
    "proxy.sites.anthropic_messages",
    "proxy.sites.ollama",
)


def load_adapters(modules: tuple[str, ...] = ADAPTER_MODULES, *,
                  continuations=None) -> list[SiteAdapter]:
    """Each module's ADAPTER; with ``continuations`` (a store such as the Runtime), adapters
    that remember conversations across requests (the API adapters' history prefixes, OpenAI
    Responses' continuations) keep them there instead."""
    adapters = [importlib.import_module(name).ADAPTER for name in modules]
    if continuations is None:
        return adapters
    return [a.with_continuations(continuations) if hasattr(a, "with_continuations") else a
            for a in adapters]


def find_adapter(adapters: list[SiteAdapter], request: http.Request) -> SiteAdapter | None:
    """The first adapter that matches this request, or None (the request passes untouched)."""
    for adapter in adapters:
        if adapter.match(request):
            return adapter
    return None


# --- the host lists, derived from the adapters (computed on first use: the adapter modules
# import this package, so it cannot import them while it loads) ------------------------------

def _socket_hosts() -> tuple[str, ...]:
    """Hosts a web app moves a turn to over a WebSocket, rewritten by its own addon."""
    from proxy.sites.chatgpt.ws import WS_HOSTS

    return tuple(sorted(WS_HOSTS))


@functools.cache
def web_hosts() -> frozenset[str]:
    """The chat web apps' hosts (adapters with ``web_app``) and their WebSocket hosts."""
    return frozenset(h for a in load_adapters() if a.web_app for h in a.hosts) \
        | frozenset(_socket_hosts())


@functools.cache
def chat_hosts() -> tuple[str, ...]:
    """Every host Doppel intercepts out of the box: the web apps', their WebSocket hosts, then
    the APIs', each in ADAPTER_MODULES order."""
    adapters = load_adapters()
    hosts = [h for a in adapters if a.web_app for h in a.hosts]
    hosts += _socket_hosts()
    hosts += [h for a in adapters if not a.web_app for h in a.hosts]
    return tuple(dict.fromkeys(hosts))


def is_web_host(host: str) -> bool:
    """True on a chat web app's host, where only that app's own adapter applies."""
    return normalize_host(host) in web_hosts()
