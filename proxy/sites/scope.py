"""Conversation scopes: which stand-ins belong together.

API clients resend the whole history every turn, so an API conversation is identified by its
first user message plus the client that sent it: a resent history maps to the same scope, and
two clients sending the same first message do not share stand-ins. The client is the host plus a
hash prefix of the API key (or, without a key, the user-agent). Raw keys and texts never leave
this function: only a SHA-256 digest does.
"""
from __future__ import annotations

import hashlib

from mitmproxy import http

_KEY_HEADERS = ("authorization", "x-api-key", "api-key", "x-goog-api-key")


def client_id(request: http.Request) -> str:
    """host + a short hash of the credential (or the user-agent when there is none)."""
    for name in _KEY_HEADERS:
        value = request.headers.get(name)
        if value:
            digest = hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()[:16]
            return f"{request.pretty_host}|key:{digest}"
    return f"{request.pretty_host}|ua:{request.headers.get('user-agent', '')}"


def api_scope(request: http.Request, first_user_text: str) -> str:
    """Scope of an API conversation: "api:" + a digest of the client and the first user text."""
    h = hashlib.sha256()
    for part in (client_id(request), first_user_text):
        h.update(part.encode("utf-8", "surrogatepass"))  # a lone surrogate is valid JSON
        h.update(b"\x00")
    return "api:" + h.hexdigest()[:32]
