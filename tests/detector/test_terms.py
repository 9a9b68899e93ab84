"""The user's terms in the Protector: always-terms get stand-ins (consistent, whole words, any
case), never-terms take the detector's spans off, both read fresh on every text."""
from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from detector.categories import Category
from detector.pipeline import Detector
from detector.protect import Protector
from detector.rules import RulesLayer
from detector.span import Layer
from detector.store import InMemoryStore
from detector.terms import ALWAYS_SOURCE, Term


class Lists:
    """A TermSource whose lists a test changes between two texts (as the vault's do)."""

    def __init__(self, always=(), never=()):
        self._always, self._never = tuple(always), tuple(never)

    def always(self):
        return self._always

    def never(self):
        return self._never


@pytest.fixture(scope="module")
def fast():
    detector = Detector("fast")
    detector.warm()
    return detector


def rules_only() -> Detector:
    return Detector("fast", layers=[RulesLayer()])


def test_always_terms_are_replaced_whole_word_any_case_consistently():
    lists = Lists(always=[Term("Falcon"), Term("Blue Heron", Category.ORG)])
    protector = Protector(rules_only(), InMemoryStore(), terms=lists)
    text = "Project FALCON ships before blue   heron does; falconry and Falcons stay. falcon!"
    p = protector.protect(text, "conv")
    found = [(r.span.text, r.span.layer, r.span.source, r.span.category) for r in p.replacements]
    assert found == [("FALCON", Layer.TERMS, ALWAYS_SOURCE, Category.CUSTOM),
                     ("blue   heron", Layer.TERMS, ALWAYS_SOURCE, Category.ORG),
                     ("falcon", Layer.TERMS, ALWAYS_SOURCE, Category.CUSTOM)]
    assert not re.search(r"(?i)\bfalcon\b|\bblue\s+heron\b", p.protected)
    assert "falconry and Falcons" in p.protected, "whole words only"
    standins = {r.replacement.casefold() for r in p.replacements if r.span.category is Category.CUSTOM}
    assert len(standins) == 1, "one term, one stand-in in the conversation"
    custom = next(r.replacement for r in p.replacements if r.span.text == "FALCON")
    assert len(custom) == 6 and custom.isupper(), "CUSTOM keeps the term's shape"
    assert protector.restorer("conv").restore(p.protected) == text
    again = protector.protect("Falcon again.", "conv")
    assert again.replacements[0].replacement.casefold() in standins


def test_lists_are_read_on_every_text():
    lists = Lists()
    protector = Protector(rules_only(), InMemoryStore(), terms=lists)
    text = "Ask Quillmoor about it."
    assert protector.protect(text, "c").protected == text
    lists._always = (Term("Quillmoor"),)
    assert "Quillmoor" not in protector.protect(text, "c").protected, "a cached result is not reused"
    lists._always = ()
    assert protector.protect(text, "c").protected == text


def test_a_validated_identifier_around_an_always_term_stays_whole():
    protector = Protector(rules_only(), InMemoryStore(), terms=Lists(always=[Term("acme")]))
    p = protector.protect("Mail bob@acme.com about acme.", "c")
    assert [(r.span.text, r.span.layer) for r in p.replacements] == \
        [("bob@acme.com", Layer.RULES), ("acme", Layer.TERMS)]


def test_never_terms_take_spans_off_but_not_a_longer_name(fast):
    text = "Taylor Swift and Ms. Taylor Swift's band met Taylor Johnson and Maria Gonzalez."
    plain = Protector(fast, InMemoryStore()).protect(text, "c")
    assert "Taylor Swift" in [r.span.text for r in plain.replacements]
    protector = Protector(fast, InMemoryStore(), terms=Lists(never=["taylor swift", "Taylor"]))
    p = protector.protect(text, "c")
    assert "Taylor Swift and Ms. Taylor Swift's band" in p.protected
    kept = [r.span.text for r in p.replacements]
    assert "Maria Gonzalez" in kept and "Maria" not in p.protected
    assert "Johnson" not in p.protected, "never 'Taylor' must not uncover the surname"


def test_never_beats_the_policy_block_and_always_follows_the_policy():
    lists = Lists(always=[Term("Quillmoor", Category.ORG)], never=["bob@acme.com"])
    protector = Protector(rules_only(), InMemoryStore(), policy={"EMAIL": "block", "ORG": "keep"},
                          terms=lists)
    text = "Mail bob@acme.com at Quillmoor."
    assert protector.detect(text) == [], "a never-term is not blocked, a kept category not replaced"
    assert protector.protect(text, "c").protected == text


def test_spans_explain_themselves(fast):
    spans = Protector(fast, InMemoryStore()).spans(
        "I'm Maria Gonzalez, call +1 415-555-2671 or my friend sara.")
    why = {s.text: (s.layer, s.source) for s in spans}
    assert why["+1 415-555-2671"] == (Layer.RULES, "phone/valid")
    assert why["Maria Gonzalez"][1].startswith(("model:", "cue:"))
    assert why["sara"] == (Layer.NAMES, "cue:relation")
    assert all(s.source for s in spans)


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzQXZ", min_size=4, max_size=10)


@given(term=WORD, before=st.lists(WORD, max_size=4), after=st.lists(WORD, max_size=4),
       upper=st.booleans())
def test_an_always_term_never_reaches_the_output(term, before, after, upper):
    written = term.upper() if upper else term.capitalize()
    text = " ".join([*before, written, *after, f"({term})."])
    protector = Protector(rules_only(), InMemoryStore(), terms=Lists(always=[Term(term)]))
    p = protector.protect(text, "c")
    assert not re.search(rf"(?i)(?<!\w){re.escape(term)}(?!\w)", p.protected)
    assert protector.restorer("c").restore(p.protected) == text
