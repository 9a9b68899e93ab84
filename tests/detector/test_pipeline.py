"""The Detector: layers, cache, timings, and failing closed."""
import threading

import pytest

from detector.categories import Category
from detector.errors import DetectionError
from detector.pipeline import Detector
from detector.span import Layer, Span


class CountingLayer:
    name = "counting"

    def __init__(self):
        self.calls = 0

    def find(self, text):
        self.calls += 1
        start = text.find("Maria")
        return [Span(start, start + 5, "Maria", Category.PERSON, Layer.NER)] if start >= 0 else []


class BrokenLayer:
    name = "broken"

    def find(self, text):
        raise KeyError(f"lookup failed for {text}")  # the message quotes the text


class MisalignedLayer:
    name = "misaligned"

    def find(self, text):
        return [Span(0, 3, "xyz", Category.PERSON, Layer.NER)]


@pytest.fixture(scope="module")
def detector():
    d = Detector()
    d.warm()
    return d


def test_modes():
    with pytest.raises(ValueError, match="unknown detector mode"):
        Detector("turbo")
    assert Detector("fast", layers=[]).mode == "fast"


def test_cache_by_text_hash():
    layer = CountingLayer()
    d = Detector(layers=[layer])
    first = d.find("hello Maria")
    assert d.find("hello Maria") == first
    assert layer.calls == 1
    assert set(d.timings()) == {"cache"}
    d.find("hello Maria!")
    assert layer.calls == 2


def test_cache_off_and_lru_eviction():
    layer = CountingLayer()
    d = Detector(layers=[layer], cache_size=0)
    d.find("Maria"), d.find("Maria")
    assert layer.calls == 2
    layer = CountingLayer()
    d = Detector(layers=[layer], cache_size=2)
    for text in ("a Maria", "b Maria", "a Maria", "c Maria", "b Maria"):
        d.find(text)
    assert layer.calls == 4  # "a" stayed (recently used), "b" was evicted by "c"


def test_cached_results_cannot_be_mutated_by_callers():
    d = Detector(layers=[CountingLayer()])
    d.find("Maria").clear()
    assert len(d.find("Maria")) == 1


def test_a_failing_layer_raises_detection_error_naming_layer_and_type_only():
    d = Detector(layers=[CountingLayer(), BrokenLayer()])
    with pytest.raises(DetectionError) as caught:
        d.find("my secret is Maria Gonzalez")
    assert caught.value.layer == "broken"
    assert caught.value.reason == "KeyError"
    assert "Gonzalez" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_failure_is_not_cached():
    broken = BrokenLayer()
    d = Detector(layers=[broken])
    for _ in range(2):
        with pytest.raises(DetectionError):
            d.find("same text")


def test_spans_must_match_their_text():
    with pytest.raises(DetectionError, match="misaligned"):
        Detector(layers=[MisalignedLayer()]).find("abcdef")


def test_timings_per_layer(detector):
    detector.find("Timing check for Maria Gonzalez in Paris, call 415-555-2671.")
    timings = detector.timings()
    assert {"rules", "names", "model", "resolve", "total"} <= set(timings)
    assert all(value >= 0 for value in timings.values())
    assert timings["total"] >= timings["model"]


SAMPLE = ("Hi, I'm Maria Gonzalez, a nurse at Mercy Hospital in Chicago. My SSN is 123-45-6789 and my "
          "card 4111 1111 1111 1111. Email maria.g@gmail.com or call +1 415-555-2671. I was born on "
          "March 3, 1990. My friend sara lives at 42 Maple Street, Springfield, IL 62701.")


def test_fast_mode_end_to_end(detector):
    spans = detector.find(SAMPLE)
    got = {(s.text, s.category) for s in spans}
    assert {("Maria Gonzalez", Category.PERSON), ("Chicago", Category.LOCATION),
            ("123-45-6789", Category.ID_NUMBER), ("4111 1111 1111 1111", Category.CREDIT_CARD),
            ("maria.g@gmail.com", Category.EMAIL), ("+1 415-555-2671", Category.PHONE),
            ("March 3, 1990", Category.DATE), ("sara", Category.PERSON)} <= got
    assert any(s.category is Category.ORG and "Mercy Hospital" in s.text for s in spans)
    assert any(s.category is Category.ADDRESS and s.text.startswith("42 Maple Street") for s in spans)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))
    assert all(SAMPLE[s.start:s.end] == s.text for s in spans)


def test_concurrent_calls_agree(detector):
    texts = [SAMPLE + f" Ticket {i}." for i in range(6)]
    expected = [Detector(layers=detector.layers, cache_size=0).find(t) for t in texts]
    results = {}

    def run(i):
        results[i] = detector.find(texts[i])

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [results[i] for i in range(len(texts))] == expected
