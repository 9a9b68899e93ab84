"""HEALTH, FINANCE, RELATIONSHIP, WORK, BELIEF_IDENTITY, LEGAL: a stand-in of the same kind.

A phrase keeps its wording; the known terms in it ("type 2 diabetes", "student loans") and the
amounts ("38k", "$45,000") are swapped, each as its own mapping, so a reply that names only the
diagnosis is restored too. A phrase with no known term is replaced whole by a term of its kind.
"""
from __future__ import annotations

import functools
import re

from detector.formats import MONEY_AMOUNT
from detector.standins.casing import fold
from detector.standins.lexicons import LEXICONS
from detector.standins.part import Part
from detector.text import words_regex



@functools.lru_cache(maxsize=None)
def _terms(category: str) -> tuple[re.Pattern, dict[str, tuple[str, ...]]]:
    group_of: dict[str, tuple[str, ...]] = {}
    for terms in LEXICONS[category].values():
        for t in terms:
            group_of.setdefault(fold(t), terms)
    for terms in LEXICONS[category].values():
        for t in terms:  # "had a stroke": the term without its article is the term too
            group_of.setdefault(fold(_ARTICLE.sub("", t)), terms)
    # One space only: a matched term is looked up in group_of as written.
    return words_regex(group_of, any_space=False), group_of


def new_amount(text: str, rng) -> str:
    """Same magnitude and shape: the lead digit changes, zeros stay (a round sum stays round)."""
    out, first = [], True
    for c in text:
        if c.isdigit():
            if first:
                out.append(rng.choice([d for d in "123456789" if d != c] or ["1"]))
                first = False
            else:
                out.append("0" if c == "0" else rng.choice("123456789"))
        else:
            out.append(c)
    return "".join(out)


_ARTICLE = re.compile(r"^(?:a|an)\s+", re.IGNORECASE)


def _stems(term: str) -> set[str]:
    """The words of a term, cut to 5 letters: "autism" and "autistic", "alzheimers" and
    "alzheimer's", "diabetes" and "type 2 diabetes" share one."""
    return {w[:5] for w in re.findall(r"[a-z0-9]+", fold(_ARTICLE.sub("", term)).replace("'", ""))
            if len(w) >= 3}


def _term_maker(term: str, group: tuple[str, ...]):
    """Another term of the group that shares no word with `term` (a stand-in "type 2 diabetes"
    for "type 1 diabetes" would tell the diagnosis), written without an article where `term` has
    none."""
    bare = not _ARTICLE.match(term)
    others = (tuple(t for t in group if not _stems(t) & _stems(term))
              or tuple(t for t in group if fold(_ARTICLE.sub("", t)) != fold(_ARTICLE.sub("", term))) or group)
    if bare:
        others = tuple(_ARTICLE.sub("", t) for t in others)
    return lambda rng, attempt: rng.choice(others)


def new_score(text: str, rng) -> str:
    """A bare number said as a fact (a credit score "540"): moved by 5-20 % either way, so it
    stays a value of the same scale ("540" -> "463"), never the same."""
    n = int(text)
    step = rng.randint(max(1, n // 20), max(1, n // 5))
    moved = n + step if rng.random() < 0.5 or n - step < 0 else n - step
    return str(moved).zfill(len(text))


def parts(surface: str, session, category: str) -> list[Part]:
    category = str(category)
    if surface.isdigit():
        return [Part(0, len(surface), "number:" + surface, category, lambda rng, attempt: new_score(surface, rng))]
    out: list[Part] = []
    taken: list[tuple[int, int]] = []
    for m in MONEY_AMOUNT.finditer(surface):
        amount = m.group()
        out.append(Part(m.start(), m.end(), "amount:" + fold(amount), category,
                        lambda rng, attempt, a=amount: new_amount(a, rng)))
        taken.append((m.start(), m.end()))
    # Its own kind's terms first; then any contextual kind's: a phrase the tagger filed under the
    # wrong kind ("recovering from a heroin addiction" as RELATIONSHIP) keeps its words too.
    kinds = [category] + [k for k in LEXICONS if k != category] if category in LEXICONS else list(LEXICONS)
    for kind in kinds:
        pattern, group_of = _terms(kind)
        found = False
        for m in pattern.finditer(surface):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            term = m.group()
            out.append(Part(m.start(), m.end(), f"{kind.lower()}-term:{fold(term)}", category,
                            _term_maker(term, group_of[fold(term)])))
            found = True
        if found:
            break
    if out:
        return sorted(out, key=lambda p: p.start)
    fallback = next(iter(LEXICONS[category].values())) if category in LEXICONS else ("private matter",)
    core = re.search(r"\w(?:.*\w)?", surface, re.DOTALL)  # punctuation at the edges stays
    if core is None:
        return []
    return [Part(core.start(), core.end(), f"{category.lower()}:{fold(core.group())}", category,
                 lambda rng, attempt: rng.choice(fallback))]
