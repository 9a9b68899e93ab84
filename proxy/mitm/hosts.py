"""Which hosts Doppel intercepts. Everything else is tunnelled untouched (TLS not even opened).

mitmproxy's ``allow_hosts`` option takes regexes matched against "host:port" (or the SNI);
``allow_hosts_patterns`` builds them, ``is_chat_host`` answers the same question for a flow.
"""
from __future__ import annotations

import re

CHAT_HOSTS = (
    "chatgpt.com",
    "chat.openai.com",
    "claude.ai",
    "gemini.google.com",
    "ws.chatgpt.com",  # ChatGPT's stream handoff continues a turn over this WebSocket
    "api.openai.com",
    "api.anthropic.com",
)


WEB_HOSTS = frozenset({"chatgpt.com", "chat.openai.com", "claude.ai", "gemini.google.com",
                       "ws.chatgpt.com"})
"""Chat web apps: only their own adapters apply there (an API path on them is something else)."""


def is_web_host(host: str) -> bool:
    return normalize_host(host) in WEB_HOSTS


def normalize_host(host: str) -> str:
    """'Host:Port' or '[v6]:port' -> lower-case host without port."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.index("]")] if "]" in host else host[1:]
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


class HostPolicy:
    """The chat hosts (built-in plus user-added OpenAI-compatible ones such as a local Ollama)."""

    def __init__(self, extra_hosts: list[str] | tuple[str, ...] = ()) -> None:
        self.hosts = tuple(dict.fromkeys([*CHAT_HOSTS, *(normalize_host(h) for h in extra_hosts)]))

    def is_chat_host(self, host: str) -> bool:
        return normalize_host(host) in self.hosts

    def allow_hosts_patterns(self) -> list[str]:
        """Regexes for mitmproxy's allow_hosts: the exact host, any port."""
        return [rf"^{re.escape(h)}(:\d+)?$" for h in self.hosts]
