"""The endpoints on chat hosts that pass untouched: they carry no user text.

Everything else on an intercepted host is read: by its site's adapter, or else by generic
protection (proxy/sites/generic.py), or it is blocked when it cannot be read. This list is
short on purpose, and each entry says why nothing typed by the user goes there. Paths are
family paths (proxy.sites.base.family_path: lower case, decoded, no ``;params``); a web app's
entries hold on its own hosts only, the API entries on every other intercepted host.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from mitmproxy import http

from proxy.hostnames import normalize_host
from proxy.sites import web_hosts
from proxy.sites.base import family_path
from proxy.sites.chatgpt.web import ChatGptWeb
from proxy.sites.claude_web import ClaudeWeb
from proxy.sites.gemini.web import GeminiWeb


@dataclass(frozen=True)
class Untouched:
    hosts: tuple[str, ...] | None  # None: the API hosts (every intercepted host but web apps')
    path: re.Pattern
    why: str


def _entry(hosts: tuple[str, ...] | None, path: str, why: str) -> Untouched:
    return Untouched(hosts, re.compile(path), why)


_WEB = ChatGptWeb.hosts + ClaudeWeb.hosts + GeminiWeb.hosts
_STATIC = r"\.(js|mjs|css|map|png|jpe?g|gif|svg|webp|avif|ico|woff2?|ttf|otf|wasm)$"

UNTOUCHED: tuple[Untouched, ...] = (
    _entry(_WEB, _STATIC, "static assets: scripts, styles, images and fonts of the page"),
    _entry(_WEB, r"^/cdn-cgi/", "Cloudflare's bot challenge and beacon"),
    # ChatGPT
    _entry(ChatGptWeb.hosts, r"^/backend-(api|alt)/sentinel/",
           "anti-bot: proof-of-work and Turnstile tokens the page computes"),
    _entry(ChatGptWeb.hosts, r"^/(api/auth|auth)/", "sign-in and session"),
    _entry(ChatGptWeb.hosts, r"^/ces/", "telemetry: page and timing events"),
    _entry(ChatGptWeb.hosts, r"^/(_next|cdn)/", "static assets"),
    _entry(ChatGptWeb.hosts, r"^/backend-(api|alt)/models$", "the model list"),
    # Claude
    _entry(ClaudeWeb.hosts, r"^/api/auth/", "sign-in and session"),
    _entry(ClaudeWeb.hosts, r"^/api/event_logging/", "telemetry: page and timing events"),
    _entry(ClaudeWeb.hosts, r"^/_next/", "static assets"),
    # Gemini
    _entry(GeminiWeb.hosts, r"^(/u/\d+)?/_/bardchatui/(jserror|cspreport|browserinfo)",
           "script error and CSP reports: file names and stack traces"),
    _entry(GeminiWeb.hosts, r"^/(gen_204|log)$", "telemetry pings"),
    _entry(GeminiWeb.hosts, r"^/_/mss/", "static assets"),
    # APIs
    _entry(None, r"/models(/[^/]+)?$", "the model list and a model's details"),
)


def untouched_reason(request: http.Request) -> str | None:
    """Why this request passes untouched (an entry's ``why``), or None: it must be read."""
    host = normalize_host(request.pretty_host)
    on_web = host in web_hosts()
    path = family_path(request)
    for entry in UNTOUCHED:
        on_host = (host in entry.hosts) if entry.hosts is not None else not on_web
        if on_host and entry.path.search(path):
            return entry.why
    return None
