"""Which hosts Doppel intercepts, and which flows are chat flows. Everything else is tunnelled
untouched (TLS not even opened).

The built-in lists come from the site adapters (each declares its ``hosts``; see
proxy.sites.chat_hosts), so adding a site never touches this file. mitmproxy's ``allow_hosts``
option takes regexes matched against "host:port" (or the SNI); ``allow_hosts_patterns`` builds
them, ``is_chat_host`` answers the same question for a name.

A flow is routed by where its connection goes (``chat_destination``), never by its Host header:
the CONNECT target or absolute URL (``request.host``) and, on TLS, the SNI the client sent. The
Host header (or HTTP/2 :authority) is what the upstream reads, so on a chat flow it must name
that same host, else the request is refused (``HostMismatch``): a request whose Host names
another host would otherwise be judged by one name and delivered by another. Names compare
normalised (proxy.hostnames.normalize_host: any case, port, trailing dot).
"""
from __future__ import annotations

import ipaddress
import re

from mitmproxy import http

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


class HostMismatch(Exception):
    """A chat flow whose names disagree (module docstring); ``destination``: the chat host
    its connection goes to."""

    def __init__(self, destination: str) -> None:
        super().__init__("the Host header names another host than the destination")
        self.destination = destination


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def chat_destination(flow: http.HTTPFlow, policy: HostPolicy) -> str | None:
    """The chat host ``flow`` goes to (normalised), or None when it is not a chat flow;
    HostMismatch when the request names another host than its connection (module docstring)."""
    target = normalize_host(flow.request.host or "")
    client = flow.client_conn
    sni = normalize_host(client.sni) if client is not None and client.tls and client.sni else ""
    if not (policy.is_chat_host(target) or (sni and policy.is_chat_host(sni))):
        return None
    destination = sni or target  # on TLS, the name the connection was opened for
    header = normalize_host(flow.request.host_header or "")
    for name in (target, sni, header):
        if name and name != destination and not (name == target and _is_ip(target)):
            raise HostMismatch(destination)
    return destination
