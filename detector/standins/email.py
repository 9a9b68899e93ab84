"""EMAIL: the local part follows the persona (maria.gonzalez@ -> elena.ruiz@); free-mail domains
stay, an employer's domain becomes the conversation's fake employer domain. An address spelled
out ("maria at acme dot com") gets the stand-in of the plain address, spelled the same way
("elena at globex dot com"): one string the restorer finds when the model repeats it."""
from __future__ import annotations

import re

from detector.formats import read_spelled_email
from detector.standins import domains, name_lists, person
from detector.standins.casing import apply_case_class, case_class, fold
from detector.standins.collisions import COMMON_WORDS, word_pool
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


def _other_word(rng, word: str) -> str:
    while True:
        new = rng.choice(word_pool())
        if new != word:
            return new


def parts(surface: str, session) -> list[Part]:
    m = _ADDRESS.fullmatch(surface)
    if not m:
        return _spelled_parts(surface, session)
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
            elif run.isalpha() and fold(run) not in ROLE_WORDS and len(run) >= 3:
                # An everyday word ("sunshine", "coolguy") is as much the address as a name.
                pieces.append(apply_case_class(case_class(run), _other_word(rng, fold(run))))
            elif not run.isalpha() and any(c.isalnum() for c in run):
                pieces.append(reshape(run, rng))  # letters with other signs ("¼tom"): same shape
            else:
                pieces.append(run)
        if attempt:  # a collision: the same persona, told apart by a number
            pieces.append(str(rng.randint(2, 99)))
        return "".join(pieces) + "@" + new_domain

    start = m.start("local")
    return [Part(start, len(surface), "email:" + fold(surface[start:]), "EMAIL", make)]


def _spelled_parts(surface: str, session) -> list[Part]:
    spelled = read_spelled_email(surface)
    if spelled is None:
        return _spaced_parts(surface, session)
    if not spelled.spelled_out:
        return []
    plain = parts(spelled.address, session)
    if len(plain) != 1:
        return []
    inner = plain[0]
    return [Part(0, len(surface), "email:" + fold(surface), "EMAIL",
                 lambda rng, attempt: spelled.respell(inner.make(rng, attempt)),
                 seed_key=inner.seed_key or inner.key)]


_SPACED = re.compile(r"(?P<local>[^@\s]+)@(?P<name>[^@]+?)(?P<dot>[ \t]*\.[ \t]*)(?P<tld>[^\W\d_]+)")


def _spaced_parts(surface: str, session) -> list[Part]:
    """An address with spaces typed into its domain ("k.wlsh@brig ht co .com"): the stand-in of
    the plain address, with spaces at the same places of its domain's name and around its dot."""
    m = _SPACED.fullmatch(surface)
    if m is None:
        return []
    name = m.group("name")
    plain = parts(m.group("local") + "@" + "".join(name.split()) + "." + m.group("tld"), session)
    if len(plain) != 1:
        return []
    inner = plain[0]
    gaps = [i - n for n, i in enumerate(j for j, c in enumerate(name) if c in " \t")]  # offsets in the plain name

    def make(rng, attempt):
        local, _, domain = inner.make(rng, attempt).rpartition("@")
        new_name, _, tld = domain.rpartition(".")
        for offset in sorted((g for g in gaps if 0 < g < len(new_name)), reverse=True):
            new_name = new_name[:offset] + " " + new_name[offset:]
        return local + "@" + new_name + m.group("dot") + tld

    return [Part(0, len(surface), "email:" + fold(surface), "EMAIL", make, seed_key=inner.seed_key or inner.key)]
