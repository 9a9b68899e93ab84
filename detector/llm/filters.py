"""Which LLM spans to keep: a precision filter, chosen on a PUPA_New dev sample that excludes
the evaluation rows (bench.llm_dev; docs/llm-evaluation.md).

What the dev sample showed (120 prompts, the model with no time limit): every span that found a
value the fast layers missed was a PERSON, ORG or LOCATION; the false positives were
placeholders ("<PRESIDIO_ANONYMIZED_PERSON>", "20XX - 20XX"), numbers tagged as places,
"entities" made of common words ("the town", "fast food", "this post"), long clauses, and
contextual phrases in text that is not about the user or someone they know (job ads, manuals,
essays). So:
- every span: drop placeholders and spans without two letters in a row;
- PERSON / ORG / LOCATION: at most 5 words, and not only common English words;
- contextual categories (HEALTH, FINANCE, WORK...): at most 10 words, and only in a sentence
  that speaks about a person ("I", "my", "we", "she", "his"...), where a disclosure can be;
  LEGAL and FINANCE phrases must also name their matter (a court, a visa, a debt, an amount).
On that dev sample thorough mode's phrase-F1 went from 68.2 to 71.7 (fast: 72.2). The price, seen
later on the evaluation data: contextual phrases in impersonal text (a research topic) are
dropped too, so PrivacyAnnotation recall fell (docs/llm-evaluation.md).
"""
from __future__ import annotations

import re

from detector.categories import CONTEXTUAL, Category
from detector.span import Span

MAX_ENTITY_WORDS = 5
MAX_CONTEXTUAL_WORDS = 10

_PLACEHOLDER = re.compile(r"[<>{}\[\]_]|\b\d{2}XX\b|\bXX+\b")
_LETTERS = re.compile(r"[^\W\d_]{2}")
_WORD = re.compile(r"[^\W\d_][^\W\d_'’-]*")
_PERSONAL = re.compile(
    r"\b(i|i'm|i’m|im|i've|i’ve|i'd|i’d|i'll|me|my|mine|myself|we|we're|our|ours|us|"
    r"he|she|his|her|hers|him|himself|herself)\b", re.IGNORECASE)
_SENTENCE_END = ".!?\n"
# LEGAL and FINANCE phrases must name the matter itself (a court, a visa, a debt, an amount):
# the model tags ordinary business and software text with them ("remote library files").
_CATEGORY_CUES = {
    Category.LEGAL: re.compile(
        r"arrest|charg|convict|court|judge|lawyer|attorney|lawsuit|\bsu(e|ed|ing)\b|probation|"
        r"parole|prison|jail|police|visa|immigra|asylum|deport|undocumented|green card|citizen|"
        r"custody|restraining|felon|misdemeanor|\bdui\b|fraud|investigat|warrant|bail|crim|"
        r"legal|\bfined?\b|evict|divorce|sentenc|offen[cs]e", re.IGNORECASE),
    Category.FINANCE: re.compile(
        r"[$€£¥₹\d]|owe|debt|loan|mortgage|\brent|salary|income|earn|\bpaid\b|\bpay|wage|credit|"
        r"bankrupt|saving|money|\btax|\birs\b|benefit|pension|invest|stock|crypto|repossess|"
        r"garnish|\bbroke\b|afford|bill|insurance|budget|food stamps|inherit|alimony|support",
        re.IGNORECASE),
}


def keep_llm_span(text: str, span: Span) -> bool:
    """True when `span` (an LLM span of `text`) passes the precision filter."""
    phrase = span.text
    if _PLACEHOLDER.search(phrase) or not _LETTERS.search(phrase):
        return False
    words = _WORD.findall(phrase)
    if span.category in CONTEXTUAL:
        cue = _CATEGORY_CUES.get(span.category)
        if cue is not None and not cue.search(phrase):
            return False
        return len(phrase.split()) <= MAX_CONTEXTUAL_WORDS and \
            _PERSONAL.search(_sentence_around(text, span.start, span.end)) is not None
    if len(phrase.split()) > MAX_ENTITY_WORDS:
        return False
    # Imported here: the training venv imports detector.llm (for the prompt) without spaCy.
    from detector.names.lexicon import is_english_word
    return not all(is_english_word(w.lower()) for w in words)


def warm_filter() -> None:
    """Load the word lexicon now: the first span a call keeps would otherwise pay for it (about
    1.1 s here) after the call's deadline."""
    from detector.names.lexicon import is_english_word
    is_english_word("warm")


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in _SENTENCE_END) + 1
    rights = [i for i in (text.find(c, end) for c in _SENTENCE_END) if i >= 0]
    return text[left:min(rights) if rights else len(text)]
