"""Belief and identity words, told apart from nationalities, languages and foreign words.

spaCy's NORP label covers nationalities, languages, religions and political groups alike, and
the small model puts it on foreign function words too ("dans"). BELIEF_IDENTITY is for
religion, politics, sexuality, gender and ethnicity: a span is one only if it holds one of
those terms. A nationality or language ("Spanish", "Australians") is not a belief: it is kept
as a place-like fact (LOCATION, whose stand-in is another nationality) where it is about a
person, and left alone where it is the topic ("translate this into Spanish").
"""
from __future__ import annotations

import functools
import re

from detector.ner.layer import GROUP_WORD
from detector.standins.lexicons import LEXICONS

# Belief and identity words beyond the stand-in lexicon's (which lists what a stand-in may be):
# plural and adjective forms, and groups a stand-in would not be drawn from (hand list).
MORE_BELIEF_WORDS = frozenset("""
jew jews christians catholics muslims hindus buddhists sikhs mormons atheists protestants
evangelicals islam islamic christianity judaism hinduism buddhism sikhism shia shiite shiites
sunni sunnis baptist baptists methodist lutheran anglican pentecostal presbyterian quaker amish
hasidic orthodox zionist zionists coptic copts druze yazidi wiccan pagan scientologist jehovah
jehovah's witness witnesses rastafarian bahai baha'i jain jains taoist shinto
democrats republicans libertarians socialists communist communists marxist marxists fascist
fascists anarchist anarchists feminist feminists conservatives liberals progressives tory tories
labour maga
lgbt lgbtq lgbtq+ lgbtqia gays lesbians bisexuals trans transgenders nonbinary non-binary
intersex homosexual heterosexual straight
hispanics latino latinos latina latinas latinx arabs kurds kurd indigenous aboriginal
aborigines maori roma romani black blacks white whites afro-american biracial mixed-race
""".split())


@functools.cache
def belief_words() -> frozenset[str]:
    words = set(MORE_BELIEF_WORDS)
    for terms in LEXICONS["BELIEF_IDENTITY"].values():
        for term in terms:
            if not term.startswith(("a ", "an ", "on ")):  # "a refugee": phrases, not group names
                words.update(term.lower().split())
    return frozenset(words)


_WORD = re.compile(r"[\w'+-]+")
# "Korean-American", "African American": a hyphenated or two-word American identity.
HYPHENATED_IDENTITY = re.compile(r"(?i)\b\w+[- ]americans?\b")


def is_belief(value: str) -> bool:
    """The phrase names a religion, political group, sexuality, gender or ethnicity."""
    if HYPHENATED_IDENTITY.search(value):
        return True
    words = belief_words()
    return any(w.lower() in words for w in _WORD.findall(value))


def is_group_word(value: str) -> bool:
    """Every word is shaped like a demonym, faith or party ("Omani", "Egyptians", "Thai")."""
    return all(GROUP_WORD.match(w) for w in value.split())
