"""Aligning the model's phrases to the user's text: verbatim, fuzzy, or dropped."""
import pytest
from hypothesis import given, settings, strategies as st

from detector.llm.align import _is_trivial, align

TEXT = "I was diagnosed with Bipolar II  last spring.\nMy manager at Deloitte doesn't know."


@pytest.mark.parametrize("phrase,expected", [
    ("diagnosed with Bipolar II", ["diagnosed with Bipolar II"]),
    ("diagnosed with bipolar ii", ["diagnosed with Bipolar II"]),            # case
    ("Bipolar II last spring", ["Bipolar II  last spring"]),                 # whitespace collapsed by the prompt
    ("spring. My manager", ["spring.\nMy manager"]),                        # across a newline
    ("Deloite", ["Deloitte"]),                                              # one letter off: fuzzy
    ("diagnosed with bipolar 2", ["diagnosed with Bipolar II"]),            # fuzzy, snapped to words
])
def test_found(phrase, expected):
    assert [TEXT[s:e] for s, e in align(TEXT, phrase)] == expected


@pytest.mark.parametrize("phrase", [
    "schizophrenia",            # not in the text: a hallucination
    "Priya",                    # copied from the few-shot examples
    "my",                       # a pronoun alone is never a phrase
    "I",
    "Del",                      # short and not a whole word: exact match only, and it is not one
    "a manager at Deloitte",    # differs in a function word: another phrase, not a misspelling
    "my boss at Deloitte",      # two words differ
    TEXT,                       # the whole text echoed back
])
def test_dropped(phrase):
    assert align(TEXT, phrase) == []


def test_every_occurrence():
    text = "Ana called. Later ana called again, and Anabel too."
    assert [text[s:e] for s, e in align(text, "Ana")] == ["Ana", "ana"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.from_regex(r"[A-Za-z]{2,9}", fullmatch=True), min_size=3, max_size=30),
       st.data())
def test_any_run_of_words_is_found_verbatim(words, data):
    text = " ".join(words)
    i = data.draw(st.integers(0, len(words) - 1))
    j = data.draw(st.integers(i + 1, min(len(words), i + 4)))
    phrase = " ".join(words[i:j])
    spans = align(text, phrase)
    if len(phrase) > 0.6 * len(text) or _is_trivial(phrase):
        return  # too long to be a phrase, or only function words ("at", "my"): never aligned
    assert spans, phrase
    assert all(text[s:e].lower() == phrase.lower() for s, e in spans)
