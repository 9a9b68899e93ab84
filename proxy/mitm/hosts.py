"""Which hosts Doppel intercepts. Everything else is tunnelled untouched (TLS not even opened).

The built-in lists come from the site adapters (each declares its ``hosts``; see
proxy.sites.chat_hosts), so adding a site never touches this file. mitmproxy's ``allow_hosts``
option takes regexes matched against "host:port" (or the SNI); ``allow_hosts_patterns`` builds
them, ``is_chat_host`` answers the same question for a flow.
"""
from __future__ import annotations

import re

from proxy.hostnames import normalize_host
from proxy.sites import chat_hosts

CHAT_HOSTS: tuple[str, ...] = chat_hosts()
"""Every built-in chat host: the web apps', ChatGPT's WebSocket handoff host, the APIs'.
(The web apps' hosts alone: proxy.sites.web_hosts / is_web_host.)"""


class HostPolicy:
    """The chat hosts (built-in plus user-added OpenAI-compatible ones such as a local Ollama)."""

    def __init__(self, extra_hosts: list[str] | tuple[str, ...] = ()) -> None:
        self.hosts = tuple(dict.fromkeys([*CHAT_HOSTS, *(normalize_host(h) for h in extra_hosts)]))

    def is_chat_host(self, host: str) -> bool:
        return normalize_host(host) in self.hosts

    def allow_hosts_patterns(self) -> list[str]:
        """Regexes for mitmproxy's allow_hosts: the exact host, any port."""
        return [rf"^{re.escape(h)}(:\d+)?$" for h in self.hosts]
