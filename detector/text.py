"""Text helpers that rules, names, the LLM layer, stand-ins, protect and restore share: what a
word character is, a phrase or word list as a regex, growing a span to word edges, and the words
around a person's name (titles, particles, suffixes).

Word characters: regex \\w plus combining marks. Python's \\w leaves out combining marks (U+0301
in a decomposed "é", Devanagari vowel signs), so "e\\u0301lena" would hold a word boundary before
"lena". Restoring, protecting and collision checks all use this one definition so they agree
(they match with \\w in the regex, then drop matches that touch a mark: the 300-range mark
class is slow to compile into every pattern).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from typing import Iterable


@functools.lru_cache(maxsize=1)
def _mark_ranges() -> str:
    ranges, start, prev = [], None, None
    # The Basic Multilingual Plane holds the combining marks of every script in common use;
    # scanning all 1.1M code points would cost ~2 s at start-up.
    for cp in range(0x10000):
        if unicodedata.category(chr(cp)).startswith("M"):
            if start is None:
                start = cp
            elif cp != prev + 1:
                ranges.append((start, prev))
                start = cp
            prev = cp
    ranges.append((start, prev))
    return "".join(f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in ranges)


@functools.lru_cache(maxsize=1)
def word_class() -> str:
    """A regex character class body (put inside [...])."""
    return r"\w" + _mark_ranges()


@functools.lru_cache(maxsize=1)
def _word_re() -> re.Pattern:
    return re.compile(f"[{word_class()}]")


def is_word(c: str) -> bool:
    return _word_re().match(c) is not None


# --- word edges ----------------------------------------------------------------------------
def cuts_word(text: str, start: int, end: int) -> bool:
    """True if text[start:end] starts or ends inside a word (word characters on both sides)."""
    return (0 < start < len(text) and is_word(text[start - 1]) and is_word(text[start])) or \
        (0 < end < len(text) and is_word(text[end - 1]) and is_word(text[end]))


def word_edges(text: str, start: int, end: int, *, take_neighbours: bool = False) -> tuple[int, int]:
    """text[start:end] grown to the edges of the words it cuts ("Maria" in "userMaria99" grows
    to all of it): stand-ins are restored on word boundaries only. take_neighbours: also take in
    the words right next to it where its own edge is not a word character ("d." before "IType")."""
    if take_neighbours:
        while start > 0 and is_word(text[start - 1]):
            start -= 1
        while end < len(text) and is_word(text[end]):
            end += 1
        return start, end
    while 0 < start < len(text) and is_word(text[start]) and is_word(text[start - 1]):
        start -= 1
    while 0 < end < len(text) and is_word(text[end - 1]) and is_word(text[end]):
        end += 1
    return start, end


# --- phrases as regular expressions --------------------------------------------------------
def phrase_regex(phrase: str) -> re.Pattern[str]:
    """`phrase` anywhere, case-insensitive, any whitespace between its words, and on word
    boundaries where its edges are word characters ("Ann" is not found in "Annual")."""
    words = phrase.split()
    body = r"\s+".join(map(re.escape, words))
    left = r"(?<!\w)" if is_word(words[0][0]) else ""
    right = r"(?!\w)" if is_word(words[-1][-1]) else ""
    return re.compile(left + body + right, re.IGNORECASE)


def words_regex(words: Iterable[str], *, any_space: bool = True, typos: bool = False) -> re.Pattern[str]:
    """One case-insensitive regex matching any of `words` as whole words (phrases allowed, the
    longest that fits first). any_space: the spaces inside a phrase match any whitespace; False:
    only one space. typos: also each phrase with one of its words mistyped (typo_variants)."""
    words = list(words)
    if typos:
        words += [variant for phrase in words for variant in typo_variants(phrase)]
    trie: dict = {}
    for word in words:
        node = trie
        for char in word.lower():
            unit = r"\s+" if char == " " and any_space else re.escape(char)
            node = node.setdefault(unit, {})
        node[""] = {}
    return re.compile(r"(?<!\w)" + _trie_regex(trie) + r"(?!\w)", re.IGNORECASE)


# How "number" is shortened in a hurry ("pasport nmbr", "acct no").
NUMBER_SHORT = ("no", "nr", "num", "nmbr", "numbr")


def typo_variants(phrase: str) -> list[str]:
    """`phrase` with one word mistyped as people do in a hurry: two neighbouring letters swapped
    ("socail", "emial"; words of 5+ letters) or one letter after the first left out ("acount",
    "pasport", "adress"; 6+ letters), and "number" shortened. Context words are evidence, not a
    verdict: a typo that is another word ("umber") costs little."""
    words = phrase.split(" ")
    out = []
    for i, word in enumerate(words):
        forms = set(NUMBER_SHORT) if word == "number" else set()
        if len(word) >= 5 and word.isalpha():
            forms |= {word[:j] + word[j + 1] + word[j] + word[j + 2:] for j in range(len(word) - 1)}
        if len(word) >= 6 and word.isalpha():
            forms |= {word[:j] + word[j + 1:] for j in range(1, len(word))}
        out += [" ".join(words[:i] + [form] + words[i + 1:]) for form in sorted(forms - {word})]
    return out


def _trie_regex(node: dict) -> str:
    """The words of a trie as one regex with shared prefixes factored out ("id", "id number",
    "identity" -> "id(?:entity| number)?"). A flat alternation of ~80 context words made re
    try each word at every word start: 0.45 ms per 200-word prompt for one search. Longer
    branches come before a word's end, so the longest word that fits wins, as it did."""
    branches = [unit + _trie_regex(child) for unit, child in sorted(node.items()) if unit]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return "(?:" + body + ")?" if "" in node else body


# --- the words around a person's name ------------------------------------------------------
# "my boss", "my best friend's": a relation of the writer's, and a name may follow.
RELATION_CUE = (
    r"my\s+(?:best\s+)?(?:friend|wife|husband|boss|son|daughter|mom|mum|mother|dad|father|sister|"
    r"brother|girlfriend|boyfriend|gf|bf|partner|fianc[eé]e?|colleague|co-?worker|cousin|aunt|"
    r"uncle|niece|nephew|grand(?:ma|pa|mother|father|son|daughter)|teacher|manager|neighbou?r|"
    r"roommate|flatmate|kid|baby|child|ex|doctor|therapist|lawyer|landlord|tutor|student|"
    r"classmate|coach|mentor|supervisor|employee|client|patient|cat|dog)(?:'s)?,?"
)
# One list of titles (lower case, no dot), by the gender they imply: a stand-in first name after
# "Mrs" is a woman's. The union of the lists the stand-ins, resolve and the names layer kept.
TITLES_FEMALE = frozenset("""ms mrs miss mme mlle frau sra srta dame lady madam madame señora signora
aunt auntie""".split())
TITLES_MALE = frozenset("mr herr sr sir lord monsieur señor signor mister uncle".split())
TITLES_NEUTRAL = frozenset("mx dr prof professor doctor rev hon judge coach capt captain".split())
TITLES = TITLES_FEMALE | TITLES_MALE | TITLES_NEUTRAL


def _view(words: str, of: frozenset[str]) -> frozenset[str]:
    """Some of the words of one list: a word the list lacks is a second list in the making."""
    chosen = frozenset(words.split())
    if not chosen <= of:
        raise ValueError(f"not in the list: {sorted(chosen - of)}")
    return chosen


# Views of TITLES that detection reads, each the set it read before #18: widening one changes
# what is detected, which is a detection change of its own, not part of a re-layout.
# The everyday English titles: also label words that the proper-noun finder does not take for names.
HONORIFICS = _view("mr mrs ms miss mx dr prof sir", TITLES)
# Titles that join the person span right after them ("Dr. Oberman"): detector/resolve.py.
SPAN_TITLES = HONORIFICS | _view("professor dame lady lord", TITLES)
# Titles after which a lower-case word is a name ("ask uncle sam"): detector/names/layer.py.
CUE_TITLES = HONORIFICS | _view("professor madam mister uncle aunt auntie", TITLES)

# Name particles (lower case): "van", "de", "bin" belong to a name but identify no one alone.
PARTICLES = frozenset("van von de der den da del della di du la le bin ibn al el st ter ten of y".split())
# The particles that join capitalised words into one name ("Bank of America", "Ludwig van
# Beethoven") in the proper-noun finder, as before #18 (detector/names/proper.py).
JOINING_PARTICLES = _view("of de la del van von der den al el bin da di du le y", PARTICLES)
# Suffixes after a name ("Jr", "PhD"): they stay as written.
NAME_SUFFIXES = frozenset("jr sr ii iii iv phd md esq".split())
