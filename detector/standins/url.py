"""URL: scheme, port and path shape stay; a private host gets a fake domain (shared with e-mail
addresses, detector/standins/domains.py), path words that are a person's names follow their
persona, numbers keep their shape, other private-looking path words become common words."""
from __future__ import annotations

import ipaddress
import re

from detector.standins import domains, ip_address, person
from detector.standins.casing import apply_case_class, case_class, fold
from detector.standins.collisions import COMMON_WORDS, word_pool
from detector.standins.part import Part, whole
from detector.standins.shape import reshape

_URL = re.compile(r"(?P<scheme>[a-zA-Z][\w+.-]*://)?(?P<host>[^/?#:\s]+)(?P<port>:\d+)?(?P<rest>.*)", re.DOTALL)
_RUN = re.compile(r"[^\W\d_]+|\d+")
# Path words that describe the site, not the person (hand list; plus common English words).
URL_WORDS = frozenset("in u user users profile profiles watch v api ui www app apps id page pages post posts p r c channel company school status comments blog wiki index html htm php aspx jsp en us uk de fr es reviews review docs doc pub share s t d view edit home search q".split())


def _url_runs(rest: str, session) -> list[tuple[int, int, str | None]]:
    out = []
    for m in _RUN.finditer(rest):
        run = m.group()
        mapped = None
        if run.isalpha() and session.lookup(person.token_key(run)) is not None:
            mapped = session.issue(run, person.single_token_part(run))
        out.append((m.start(), m.end(), mapped))
    return out


def parts(surface: str, session) -> list[Part]:
    m = _URL.fullmatch(surface)
    if not m or "." not in m.group("host"):
        return []
    host, rest = m.group("host"), m.group("rest")
    try:
        ipaddress.ip_address(host)
        new_host = session.issue(host, ip_address.parts(host, session)[0])
        host_changed = True
    except ValueError:
        host_changed = not domains.is_public_host(host)
        new_host = session.issue(host, domains.domain_part(host)) if host_changed else host
    runs = _url_runs(rest, session)
    pool = word_pool()

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
