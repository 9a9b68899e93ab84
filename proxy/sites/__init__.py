"""Site adapters: one module per wire format (see proxy/sites/base.py for the surface).

Each module in ADAPTER_MODULES defines ``ADAPTER``, an instance of a SiteAdapter subclass.
To add a site, add its module name here (one line). Order matters: the first match wins.
"""
from __future__ import annotations

import importlib

from mitmproxy import http

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
    that remember conversations across requests (OpenAI Responses) keep them there instead."""
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
