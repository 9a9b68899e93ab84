"""IP_ADDRESS keeps version and class (private stays private in the same block, public stays
public, never documentation ranges); URL keeps scheme, port and path shape."""
from __future__ import annotations

import ipaddress
import re
import string

from detector.standins import domains, person
from detector.standins.casing import apply_case_class, case_class, fold
from detector.standins.collisions import COMMON_WORDS
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


def ip_parts(surface: str, session) -> list[Part]:
    return whole(surface, "ip:" + fold(surface), "IP_ADDRESS", make_ip(surface))


# --- URLs --------------------------------------------------------------------------------------
_URL = re.compile(r"(?P<scheme>[a-zA-Z][\w+.-]*://)?(?P<host>[^/?#:\s]+)(?P<port>:\d+)?(?P<rest>.*)", re.DOTALL)
_RUN = re.compile(r"[^\W\d_]+|\d+")
# Path words that describe the site, not the person (hand list; plus common English words).
URL_WORDS = frozenset("in u user users profile profiles watch v api ui www app apps id page pages post posts p r c channel company school status comments blog wiki index html htm php aspx jsp en us uk de fr es reviews review docs doc pub share s t d view edit home search q".split())


def _words_pool():
    return tuple(w for w in COMMON_WORDS if w.isalpha() and 4 <= len(w) <= 10)


def _url_runs(rest: str, session) -> list[tuple[int, int, str | None]]:
    out = []
    for m in _RUN.finditer(rest):
        run = m.group()
        mapped = None
        if run.isalpha() and session.lookup(person.token_key(run)) is not None:
            mapped = session.issue(run, person.single_token_part(run))
        out.append((m.start(), m.end(), mapped))
    return out


def url_parts(surface: str, session) -> list[Part]:
    m = _URL.fullmatch(surface)
    if not m or "." not in m.group("host"):
        return []
    host, rest = m.group("host"), m.group("rest")
    try:
        ipaddress.ip_address(host)
        new_host = session.issue(host, Part(0, len(host), "ip:" + fold(host), "IP_ADDRESS", make_ip(host)))
        host_changed = True
    except ValueError:
        host_changed = not domains.is_public_host(host)
        new_host = session.issue(host, domains.domain_part(host)) if host_changed else host
    runs = _url_runs(rest, session)
    pool = _words_pool()

    def make(rng, attempt):
        out, pos, changed = [], 0, host_changed
        for start, end, mapped in runs:
            run = rest[start:end]
            out.append(rest[pos:start])
            if mapped is not None:
                out.append(mapped)
                changed = True
            elif run.isdigit():
                out.append(reshape(run, rng))
                changed = True
            elif fold(run) in URL_WORDS or (fold(run) in COMMON_WORDS and len(run) > 3) or len(run) < 3:
                out.append(run)
            else:
                word = rng.choice(pool)
                out.append(apply_case_class(case_class(run), word))
                changed = True
            pos = end
        out.append(rest[pos:])
        host_out = new_host
        if not changed or attempt:  # nothing personal found in the path: change the host
            host_out = domains.fake_domain(host, rng)
        return (m.group("scheme") or "") + host_out + (m.group("port") or "") + "".join(out)

    return whole(surface, "url:" + fold(surface), "URL", make)


# --- usernames --------------------------------------------------------------------------------
_USER_RUN = re.compile(r"[^\W\d_]+|\d+|[^\w]|_")


def username_parts(surface: str, session) -> list[Part]:
    from detector.standins import name_lists

    runs = []
    for m in _USER_RUN.finditer(surface):
        run = m.group()
        mapped = None
        if run.isalpha() and len(run) >= 3 and (session.lookup(person.token_key(run)) is not None
                                                 or name_lists.is_known_name(run)):
            mapped = session.issue(run, person.single_token_part(run))
        runs.append((run, mapped))
    pool = tuple(fold(n) for n in name_lists.first_names("en_US", None) + name_lists.surnames("en_US"))

    def make(rng, attempt):
        out = []
        for run, mapped in runs:
            if mapped is not None:
                out.append(mapped)
            elif run.isdigit():
                out.append(reshape(run, rng))
            elif run.isalpha():
                out.append(apply_case_class(case_class(run), rng.choice(pool)))
            else:
                out.append(run)
        if attempt:
            out.append(string.digits[rng.randint(1, 9)] + string.digits[rng.randint(0, 9)])
        return "".join(out)

    return whole(surface, "username:" + fold(surface), "USERNAME", make)
