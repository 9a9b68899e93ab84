"""IP_ADDRESS: same version and class (private stays private in the same block, public stays
public, never documentation ranges); a port, prefix length or brackets stay as written."""
from __future__ import annotations

import ipaddress
import re

from detector.standins.casing import fold
from detector.standins.part import Part, whole
from detector.standins.shape import reshape

_DOC_NETS = [ipaddress.ip_network(n) for n in (
    "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "100.64.0.0/10")]
_IP_SPLIT = re.compile(r"^\[?(?P<ip>[0-9A-Fa-f:.]+?)\]?(?P<rest>(?::\d+|/\d+)?)$")


def _random_v4(rng, real: ipaddress.IPv4Address) -> ipaddress.IPv4Address:
    r = lambda a, b: rng.randint(a, b)  # noqa: E731
    if real in ipaddress.ip_network("10.0.0.0/8"):
        return ipaddress.IPv4Address(f"10.{r(0, 255)}.{r(0, 255)}.{r(1, 254)}")
    if real in ipaddress.ip_network("172.16.0.0/12"):
        return ipaddress.IPv4Address(f"172.{r(16, 31)}.{r(0, 255)}.{r(1, 254)}")
    if real in ipaddress.ip_network("192.168.0.0/16"):
        return ipaddress.IPv4Address(f"192.168.{r(0, 255)}.{r(2, 254)}")
    if real.is_loopback:
        return ipaddress.IPv4Address(f"127.{r(0, 255)}.{r(0, 255)}.{r(2, 254)}")
    if real.is_link_local:
        return ipaddress.IPv4Address(f"169.254.{r(1, 254)}.{r(1, 254)}")
    while True:
        cand = ipaddress.IPv4Address(f"{r(1, 223)}.{r(0, 255)}.{r(0, 255)}.{r(1, 254)}")
        if cand.is_global and not any(cand in n for n in _DOC_NETS):
            return cand


def _random_v6(rng, real: ipaddress.IPv6Address) -> ipaddress.IPv6Address:
    bits = rng.getrandbits
    if real.is_link_local:
        return ipaddress.IPv6Address((0xFE80 << 112) | bits(64))
    if real.is_private:  # unique local fd00::/8
        return ipaddress.IPv6Address((0xFD << 120) | bits(120))
    while True:
        cand = ipaddress.IPv6Address((0x2 << 124) | bits(124))  # global unicast 2000::/4
        if cand.is_global and not any(cand in n for n in _DOC_NETS):
            return cand


def _split_ip(text: str):
    """(address, its text) of "10.0.0.1", "10.0.0.1:8080", "10.0.0.0/8", "[fe80::1]:443"."""
    try:
        return ipaddress.ip_address(text), text
    except ValueError:
        pass
    m = _IP_SPLIT.match(text)
    try:
        return (ipaddress.ip_address(m.group("ip")), m.group("ip")) if m else (None, "")
    except ValueError:
        return None, ""


def make_ip(surface: str):
    real, ip_text = _split_ip(surface.strip())
    if real is None:
        return lambda rng, attempt: reshape(surface, rng)

    def make(rng, attempt):
        while True:
            cand = _random_v4(rng, real) if real.version == 4 else _random_v6(rng, real)
            if cand != real:
                break
        text = str(cand) if real.version == 4 else (cand.exploded if ip_text.count(":") == 7 and "::" not in ip_text else cand.compressed)
        if real.version == 6 and ip_text.isupper():
            text = text.upper()
        return surface.replace(ip_text, text, 1)

    return make


def parts(surface: str, session) -> list[Part]:
    return whole(surface, "ip:" + fold(surface), "IP_ADDRESS", make_ip(surface))
