"""Name lexicons for the lower-case name booster, built once from Faker's locale providers
(loaded by detector/faker_names.py).

Faker ships first and last names for dozens of locales; English words that are also names
("will", "may", "mark", "grace", "bill") are found with the `english-words` package's
Webster's list, in which names are capitalised and ordinary words are not.
"""
from __future__ import annotations

import collections
import functools
import importlib
import re
from typing import Callable

from spacy.lang.en.stop_words import STOP_WORDS

from detector import faker_names
from detector.faker_names import LocaleNames
from detector.standins import geo
from detector.text import HONORIFICS

# Latin-script locales: the booster is for lower-case chat text, and only these have case.
LOCALES = (
    "en_US", "en_GB", "en_IE", "en_IN", "en_NG", "en_PK", "en_KE", "es_ES", "es_MX", "fr_FR",
    "de_DE", "it_IT", "pt_BR", "nl_NL", "pl_PL", "tr_TR", "id_ID", "vi_VN", "sv_SE", "ro_RO",
    "cs_CZ", "hu_HU", "sw", "yo_NG", "zu_ZA", "da_DK", "fi_FI", "hr_HR",
)
# Labels people write next to a value ("SSN:", "IBAN", "Email") and titles: the small model and
# the capitalisation finder take them for names; the value itself is the rules layer's job.
LABEL_WORDS = frozenset("""
ssn iban dob pin id cvv cvc api url ip email e-mail phone tel fax mobile server password
username login address zip postcode gpa ceo cto cfo hr it pdf json html css sql faq ok
""".split()) | HONORIFICS
_LATIN_WORD = re.compile(r"[a-zß-ÿ\u0100-\u024f]+(?:['-][a-zß-ÿ\u0100-\u024f]+)*")


def _from_faker(pick: Callable[[LocaleNames], tuple[str, ...]]) -> frozenset[str]:
    names = {n.lower() for locale in LOCALES for n in pick(faker_names.names(locale))}
    return frozenset(n for n in names if len(n) >= 2 and _LATIN_WORD.fullmatch(n))


@functools.cache
def first_names() -> frozenset[str]:
    return _from_faker(lambda lists: lists.first + lists.male + lists.female)


@functools.cache
def last_names() -> frozenset[str]:
    return _from_faker(lambda lists: lists.last)


@functools.cache
def _webster() -> frozenset[str]:
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["web2"], lower=False, alpha=True))


@functools.cache
def english_words() -> frozenset[str]:
    """Ordinary lower-case English words (Webster's list) and spaCy's stop words."""
    return frozenset(w for w in _webster() if w.islower()) | STOP_WORDS


@functools.cache
def capitalised_words() -> frozenset[str]:
    """Webster's capitalised entries, lower-cased: proper nouns that are also spelt as ordinary
    words ("japan" the lacquer, "paris", "emma")."""
    return frozenset(w.lower() for w in _webster() if w[:1].isupper())


@functools.cache
def common_words() -> frozenset[str]:
    """Names that are also ordinary English words ("will", "may", "mark", "grace", "bill")."""
    return (first_names() | last_names()) & english_words()


# Other languages' everyday words, from wordfreq's small lists (Apache-2.0 code, CC-BY-SA 4.0
# data) in the cased scripts: to Webster's English list every French or Polish word is unknown,
# so alone and capitalised "Votre", "Niveau", "Suivi", "Napisz", "Метод" became organisations.
# Frequency alone does not tell a word from a name ("uber", "qatar", "uma", "zweig", "goldberg" are
# frequent too), so a word counts only in the language the text is written in, and English keeps
# Webster's list alone (the frequent English tokens include too many surnames and places).
FREQUENT_WORD_LANGUAGES = (
    "fr", "es", "de", "it", "pt", "nl", "pl", "ru", "uk", "bg", "tr", "sv", "nb", "da", "fi",
    "ro", "cs", "sk", "hu", "id", "ms", "vi", "ca", "sh", "sl", "lt", "lv", "el", "is", "fil",
)
FREQUENT_MIN_ZIPF = 3.5  # at least once in ~3 million words
_MARKER_WORDS = 100  # a language's most frequent words: what tells which language a text is in
_FUNCTION_WORDS = 60  # words this frequent are words even when also names ("les", "uma", "die")


def _ranked(lang: str) -> list[str]:
    """`lang`'s words at FREQUENT_MIN_ZIPF or more, commonest first. wordfreq caches every list it
    reads; it is cleared at once so only one language's full list is ever held."""
    import wordfreq

    last_bucket = round((9 - FREQUENT_MIN_ZIPF) * 100)  # bucket i holds words at 10^(-i/100)
    try:
        buckets = wordfreq.get_frequency_list(lang, wordlist="small")
    finally:
        wordfreq.get_frequency_list.cache_clear()
    return [w for bucket in buckets[: last_bucket + 1] for w in bucket]


@functools.cache
def _marker_languages() -> dict[str, tuple[str, ...]]:
    """Each marker word and the languages it is among the commonest words of."""
    out: dict[str, list[str]] = {}
    for lang in ("en",) + FREQUENT_WORD_LANGUAGES:
        for word in _ranked(lang)[:_MARKER_WORDS]:
            out.setdefault(word, []).append(lang)
    return {word: tuple(langs) for word, langs in out.items()}


@functools.cache
def frequent_words(lang: str) -> frozenset[str]:
    """Frequent words of `lang` ("en" or one of FREQUENT_WORD_LANGUAGES) that are no one's name: none
    for English, whose words are Webster's (is_english_word). Faker's first and last names,
    countries and towns and Webster's capitalised entries (places, peoples) stay names, unless
    among the language's commonest words. Read on the first text in that language."""
    if lang == "en":
        return frozenset()
    ranked = _ranked(lang)
    names = (first_names() | last_names() | capitalised_words() | _country_names()) - set(ranked[:_FUNCTION_WORDS])
    return frozenset(w for w in ranked if w not in names and geo.country_of_town(w) is None)


@functools.cache
def _country_names() -> frozenset[str]:
    """Countries as each locale writes them ("allemagne", "niemcy"): Faker's address providers."""
    out: set[str] = set()
    for locale in LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.address.{locale}").Provider
        except ImportError:
            continue
        out.update(c.lower() for c in getattr(provider, "countries", ()))
    return frozenset(out)


def text_language(lower_tokens: list[str]) -> str:
    """The language whose most frequent words the text uses most; English when none leads."""
    markers = _marker_languages()
    hits = collections.Counter(lang for t in lower_tokens for lang in markers.get(t, ()))
    best = max(hits, key=hits.__getitem__, default="en")
    return "en" if hits[best] <= hits["en"] else best


# Webster's list holds base forms only ("objective", not "objectives"). No lemmatizer is loaded
# (spaCy's needs the tagger this process skips), so inflections are undone by suffix here.
_INFLECTIONS = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""),
                ("ing", "e"), ("ly", ""), ("er", ""), ("ers", ""), ("est", ""))


def is_english_word(lower: str) -> bool:
    """True for an ordinary English word or an inflection of one ("objectives", "walked")."""
    words = english_words()
    if lower in words:
        return True
    for suffix, replacement in _INFLECTIONS:
        stem = lower[: -len(suffix)]
        if lower.endswith(suffix) and len(stem) >= 3 and (stem + replacement in words or (
                len(stem) > 3 and stem[-1] == stem[-2] and stem[:-1] in words)):  # "stopped"
            return True
    return False


# "Alzheimer's disease", "Chaddock sign", "Gleason score", "Framingham Risk Score": a name before
# one of these heads names a disease, test or law, not a person or company. On asq-phi's 219
# PII-free clinical queries this rule cut the share with any span from 71 % to 47 %.
EPONYM_HEAD = re.compile(
    r"(?:['’]s)?\s+(?:disease|syndrome|disorder|sign|test|score|scale|criteria|index|reflex|"
    r"maneuver|manoeuvre|procedure|method|law|effect|principle|theorem|equation|algorithm|rule|"
    r"formula|phenomenon|palsy|anomaly|tumou?r|lymphoma|sarcoma|ulcer|fracture|classification|"
    r"risk|questionnaire|examination|exam)\b",
    re.IGNORECASE,
)


def names_an_eponym(text: str, start: int, end: int) -> bool:
    """True if text[start:end] is the name part of an eponym ("Crohn's" in "Crohn's disease")."""
    if EPONYM_HEAD.match(text, end):
        return True
    return text[end - 2:end] in ("'s", "’s") and bool(EPONYM_HEAD.match(text, end - 2))
