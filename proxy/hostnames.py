"""Host names as Doppel compares them, in one place: ``normalize_host`` gives the one form
(lower case, no port, no trailing dot) every host list and lookup uses.

No site adapters and no storage here: the control server, the settings and the adapters all
import it.
"""
from __future__ import annotations


def split_host(authority: str) -> str:
    """'Host:Port' -> 'Host', '[v6]:port' -> 'v6', as written otherwise (case and any trailing
    dot kept). A bare IPv6 address has more than one colon and stays whole; an unclosed '[' is
    returned unchanged, so it matches no host name."""
    if authority.startswith("["):
        end = authority.find("]")
        return authority[1:end] if end > 0 else authority
    if authority.count(":") == 1:
        return authority.split(":", 1)[0]
    return authority


def normalize_host(host: str) -> str:
    """'Host:Port' or '[v6]:port' -> lower-case host without port and without trailing dot."""
    return split_host(host.strip().lower()).rstrip(".")
