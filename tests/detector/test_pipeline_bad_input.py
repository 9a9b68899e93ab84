"""Inputs that break naive detectors: empty, huge, emoji/combining/RTL, all-PII, no-PII."""
import time

import pytest

from detector.categories import Category
from detector.names.layer import NamesLayer
from detector.pipeline import Detector
from detector.rules import RulesLayer


@pytest.fixture(scope="module")
def detector():
    d = Detector(cache_size=0)
    d.warm()
    return d


def aligned(text, spans):
    return all(text[s.start:s.end] == s.text for s in spans) and all(a.end <= b.start for a, b in zip(spans, spans[1:]))


@pytest.mark.parametrize("text", ["", " ", "\n\n\t", "\u200b", "😀"])
def test_empty_and_blank(detector, text):
    assert detector.find(text) == []


BLOCK = ("Maria Gonzalez (maria.g@gmail.com, +44 20 7946 0958) wrote from Leeds about invoice 4411. "
         "The weather was fine and nothing else happened that day, so we went home early.\n")


def test_large_text_offsets_and_no_crash(detector):
    text = BLOCK * 1200  # ~210 kB through every layer, NER in chunks
    spans = detector.find(text)
    assert aligned(text, spans)
    emails = [s for s in spans if s.category is Category.EMAIL]
    assert len(emails) == 1200
    assert sum(1 for s in spans if s.text == "Maria Gonzalez") == 1200


def test_one_megabyte_is_linear_in_the_cheap_layers():
    layers = [RulesLayer(), NamesLayer()]
    for layer in layers:
        layer.find(BLOCK)

    def cost(repeat):
        text = BLOCK * repeat
        began = time.thread_time()
        for layer in layers:
            layer.find(text)
        return time.thread_time() - began

    small, large = cost(1450), cost(5800)  # ~250 kB and ~1 MB
    assert large < 6 * small, (small, large)  # 4x the text: about 4x the time, never quadratic


@pytest.mark.parametrize("text, value, category", [
    ("😀😀 mail me: ana.souza@gmail.com 🎉", "ana.souza@gmail.com", Category.EMAIL),
    ("Zoe\u0301 👩‍👩‍👧 call +33 1 42 68 53 00 now", "+33 1 42 68 53 00", Category.PHONE),
    ("مرحبا، بريدي هو omar.haddad@example-mail.com شكرا", "omar.haddad@example-mail.com", Category.EMAIL),
    ("שלום, הטלפון שלי +972 50-234-5678 תודה", "+972 50-234-5678", Category.PHONE),
    ("e\u0301e\u0301 Maria Gonzalez e\u0301 lives in Paris", "Maria Gonzalez", Category.PERSON),
])
def test_offsets_are_code_points(detector, text, value, category):
    spans = detector.find(text)
    assert aligned(text, spans)
    assert any(s.text == value and s.category is category for s in spans), [(s.text, s.category) for s in spans]


def test_all_pii_text(detector):
    text = ", ".join(["maria.g@gmail.com", "+1 415-555-2671", "4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00",
                      "123-45-6789", "10.20.30.40", "sk-proj-" + "a1B2c3D4e5" * 4] * 20)
    spans = detector.find(text)
    assert aligned(text, spans)
    assert len(spans) == 140
    assert sum(s.end - s.start for s in spans) > 0.9 * len(text.replace(", ", ""))


@pytest.mark.parametrize("text", [
    "The quick brown fox jumps over the lazy dog. It was a sunny afternoon and everyone was happy.",
    "Can you explain how photosynthesis works, in simple words, for a ten year old?",
    "In 2019 the office moved twice; it took two weeks each time.",  # a year of nobody's life
    "Write a haiku about autumn leaves falling on a quiet river.",
])
def test_no_pii_text(detector, text):
    assert detector.find(text) == []
