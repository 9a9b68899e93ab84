"""Find where a phrase the model wrote sits in the user's text.

The model sees the text with whitespace collapsed and may change case, spacing or a letter;
a phrase is kept only if it is found in the text: verbatim (case- and whitespace-insensitive,
every occurrence, so each one gets its stand-in), else by rapidfuzz fuzzy alignment snapped to
whole words. Anything else is a hallucination and is dropped.
"""
import re

from rapidfuzz import fuzz

from detector.text import phrase_regex, word_edges

# Words that are never a privacy phrase on their own (the model sometimes tags pronouns).
_TRIVIAL = frozenset("""i me my mine we us our you your he him his she her they them their it
a an the and or of in on at to for with is am are was be this that""".split())
FUZZY_MIN_SCORE = 88.0  # rapidfuzz ratio of the phrase and the whole words it lands on
FUZZY_SEARCH_SCORE = 80.0  # partial alignment is scored on a window cut mid-word: looser
MAX_PHRASE_SHARE = 0.6  # a "phrase" covering most of the text is the model echoing it back


def _is_trivial(phrase: str) -> bool:
    words = [w.strip(".,;:!?'\"").lower() for w in phrase.split()]
    return len(phrase.strip()) < 2 or all(w in _TRIVIAL or not w for w in words)


def _snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    start, end = word_edges(text, start, end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def align(text: str, phrase: str) -> list[tuple[int, int]]:
    """Every (start, end) where `phrase` occurs in `text`; [] if it cannot be found."""
    phrase = phrase.strip()
    if _is_trivial(phrase) or len(phrase) > MAX_PHRASE_SHARE * max(len(text), 1):
        return []
    hits = [(m.start(), m.end()) for m in phrase_regex(phrase).finditer(text)]
    if hits or len(phrase) < 5:  # short phrases must match exactly: fuzzy would hit anything
        return hits
    m = fuzz.partial_ratio_alignment(phrase.lower(), text.lower(), score_cutoff=FUZZY_SEARCH_SCORE)
    if m is None:
        return []
    start, end = _snap_to_words(text, m.dest_start, m.dest_end)
    if end <= start:
        return []
    # The window has the phrase's length, so a differently spelt word at either edge may be
    # cut off ("bipolar 2" vs "Bipolar II"): also try one more word on each side.
    candidates = [(start, end), (start, _next_word_end(text, end)), (_prev_word_start(text, start), end)]
    n_words = len(phrase.split())
    scored = [(fuzz.ratio(phrase.lower(), text[s:e].lower()), s, e) for s, e in candidates]
    good = [c for c in scored if c[0] >= FUZZY_MIN_SCORE]
    if not good:
        return []
    # Same word count as the phrase first (a misspelt word still counts), then the best ratio.
    score, start, end = max(good, key=lambda c: (len(text[c[1]:c[2]].split()) == n_words, c[0]))
    return [(start, end)] if _plausible_variant(phrase, text[start:end], score) else []


def _plausible_variant(phrase: str, found: str, score: float) -> bool:
    """A fuzzy hit is a misspelling or a rewritten word, not a different phrase: with the same
    word count at most one word may differ, and not a function word ("a building" must not
    land on "'s building"); with another word count only a near-identical string passes."""
    pw, fw = phrase.lower().split(), found.lower().split()
    if len(pw) != len(fw):
        return score >= 92.0
    diff = [(a, b) for a, b in zip(pw, fw) if a.strip(".,;:!?'\"") != b.strip(".,;:!?'\"")]
    return len(diff) <= 1 and all(a not in _TRIVIAL and len(b) >= 2 for a, b in diff)


def _next_word_end(text: str, end: int) -> int:
    m = re.compile(r"\s*\w+").match(text, end)
    return m.end() if m else end


def _prev_word_start(text: str, start: int) -> int:
    m = re.search(r"\w+\s*$", text[:start])
    return m.start() if m else start
