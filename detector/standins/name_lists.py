"""Faker's per-locale name lists (loaded by detector/faker_names.py), indexed for gender/locale
inference and drawn from for stand-ins.

Faker ships first names by gender and surnames for ~80 locales; the same lists serve to guess
the gender and locale of a real name and to draw a stand-in of the same kind.
"""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field

from detector import faker_names
from detector.standins.casing import fold
from detector.standins.collisions import BANNED_NAME_TOKENS, COMMON_WORDS

# Order breaks ties: the first locale that fits wins.
LOCALES = (
    "en_US", "en_GB", "es_ES", "es_MX", "fr_FR", "de_DE", "it_IT", "pt_BR", "pt_PT", "nl_NL",
    "sv_SE", "no_NO", "da_DK", "fi_FI", "pl_PL", "cs_CZ", "hu_HU", "ro_RO", "tr_TR", "id_ID",
    "vi_VN", "en_IN", "hi_IN", "ru_RU", "uk_UA", "el_GR", "ar_AA", "he_IL", "zh_CN", "ja_JP",
    "ko_KR",
)
ENGLISH = frozenset({"en_US", "en_GB", "en_IN"})

# Default locale for names in a script none of the lists know.
SCRIPT_LOCALE = {
    "LATIN": "en_US", "CYRILLIC": "ru_RU", "GREEK": "el_GR", "ARABIC": "ar_AA", "HEBREW": "he_IL",
    "DEVANAGARI": "hi_IN", "CJK": "zh_CN", "HIRAGANA": "ja_JP", "KATAKANA": "ja_JP",
    "HANGUL": "ko_KR",
}


def plain(text: str) -> str:
    """Folded and without accents, so "Maria" finds Spanish "María" and "Gonzalez" "González"."""
    return "".join(c for c in unicodedata.normalize("NFKD", fold(text)) if not unicodedata.combining(c))


def script_of(token: str) -> str:
    for c in token:
        if c.isalpha():
            name = unicodedata.name(c, "")
            for script in SCRIPT_LOCALE:
                if name.startswith(script):
                    return script
            return name.split(" ")[0] if name else "UNKNOWN"
    return "UNKNOWN"


@dataclass
class NameIndex:
    first: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # fold -> {(locale, f|m|?)}
    last: dict[str, set[str]] = field(default_factory=dict)  # fold -> {locale}
    first_pool: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    last_pool: dict[str, tuple[str, ...]] = field(default_factory=dict)
    locale_script: dict[str, str] = field(default_factory=dict)


def _usable(name: str, latin: bool) -> bool:
    if not name.isalpha():
        return False
    if latin:
        return len(name) >= 3 and fold(name) not in COMMON_WORDS and fold(name) not in BANNED_NAME_TOKENS
    return True


@functools.lru_cache(maxsize=1)
def index() -> NameIndex:
    idx = NameIndex()
    for loc in LOCALES:
        lists = faker_names.names(loc)
        female, male, last = lists.female, lists.male, lists.last
        unisex = () if (female or male) else lists.first
        sample = (female or male or unisex or last or ["a"])[0]
        script = script_of(sample)
        idx.locale_script[loc] = script
        latin = script == "LATIN"
        for gender, names in (("f", female), ("m", male), ("?", unisex)):
            for n in names:
                for key in {fold(n), plain(n)}:
                    idx.first.setdefault(key, set()).add((loc, gender))
            pool = tuple(dict.fromkeys(n for n in names if _usable(n, latin)))
            if pool:
                idx.first_pool[(loc, gender)] = pool
        for n in last:
            for key in {fold(n), plain(n)}:
                idx.last.setdefault(key, set()).add(loc)
        idx.last_pool[loc] = tuple(dict.fromkeys(n for n in last if _usable(n, latin)))
    for loc, pool in list(idx.last_pool.items()):
        # A stand-in surname should read as a surname: drop those the locale also lists as
        # first names (Spanish "Pablo").
        firsts_here = {n for n, entries in idx.first.items() if any(l == loc for l, _ in entries)}
        pool = tuple(n for n in pool if fold(n) not in firsts_here) or pool
        if pool:
            idx.last_pool[loc] = pool
        else:
            del idx.last_pool[loc]
    return idx


def is_known_name(token: str) -> bool:
    idx = index()
    return any(k in idx.first or k in idx.last for k in (fold(token), plain(token)))


def first_names(locale: str, gender: str | None) -> tuple[str, ...]:
    idx = index()
    genders = [gender] if gender in ("f", "m") else ["f", "m"]
    pool: tuple[str, ...] = ()
    for g in genders + ["?"]:
        pool += idx.first_pool.get((locale, g), ())
    return pool or idx.first_pool[("en_US", "f")] + idx.first_pool[("en_US", "m")]


def surnames(locale: str) -> tuple[str, ...]:
    idx = index()
    return idx.last_pool.get(locale) or idx.last_pool["en_US"]
