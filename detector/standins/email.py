"""EMAIL: the local part follows the persona (maria.gonzalez@ -> elena.ruiz@); free-mail domains
stay, an employer's domain becomes the conversation's fake employer domain."""
from __future__ import annotations

import re

from detector.standins import domains, name_lists, person
from detector.standins.casing import fold
from detector.standins.collisions import COMMON_WORDS
from detector.standins.part import Part
from detector.standins.shape import reshape

_ADDRESS = re.compile(r"(?P<pre>mailto:)?(?P<local>[^@\s]+)@(?P<domain>[^@\s]+)", re.IGNORECASE)
_RUNS = re.compile(r"[^\W\d_]+|\d+|[^\w]|_")
# Role words in local parts say nothing about a person (hand list).
ROLE_WORDS = frozenset("info contact admin support sales hello office team mail noreply no reply hr jobs careers billing help service enquiries press".split())


def _local_runs(local: str, session) -> list[tuple[str, str | None]]:
    """Each run of the local part with the persona stand-in for name runs (issued now)."""
    out = []
    for m in _RUNS.finditer(local):
        run = m.group()
        mapped = None
        if run.isalpha() and len(run) >= 2 and fold(run) not in ROLE_WORDS:
            known = session.lookup(person.token_key(run)) is not None
            if known or name_lists.is_known_name(run):
                mapped = session.issue(run, person.single_token_part(run))
        out.append((run, mapped))
    return out


def parts(surface: str, session) -> list[Part]:
    m = _ADDRESS.fullmatch(surface)
    if not m:
        return []
    local, domain = m.group("local"), m.group("domain")
    runs = _local_runs(local, session)
    if domains.is_free_mail(domain):
        new_domain = domain
    else:
        new_domain = session.issue(domain, domains.domain_part(domain))
    pool = name_lists.first_names("en_US", None) + name_lists.surnames("en_US")

    def make(rng, attempt):
        pieces = []
        for run, mapped in runs:
            if mapped is not None:
                pieces.append(mapped)
            elif run.isdigit():
                pieces.append(reshape(run, rng))
            elif run.isalpha() and fold(run) not in ROLE_WORDS and fold(run) not in COMMON_WORDS:
                pieces.append(fold(rng.choice(pool))[: max(len(run), 3)] if len(run) < 3 else fold(rng.choice(pool)))
            else:
                pieces.append(run)
        if attempt:  # a collision: the same persona, told apart by a number
            pieces.append(str(rng.randint(2, 99)))
        return "".join(pieces) + "@" + new_domain

    start = m.start("local")
    return [Part(start, len(surface), "email:" + fold(surface[start:]), "EMAIL", make)]
