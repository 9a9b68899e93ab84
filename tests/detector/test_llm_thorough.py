"""Thorough mode = the fast layers + the LLM layer, through detector.pipeline.Detector."""
import pytest

from detector.categories import Category
from detector.llm import EVENTS, LLMLayer, LLMTimeout
from detector.pipeline import Detector, fast_layers
from detector.span import Layer

TEXT = "I'm Ana Souza (ana.souza@gmail.com) and I was diagnosed with type 2 diabetes last year."


def test_thorough_adds_llm_spans_to_the_fast_ones():
    fast = Detector("fast").find(TEXT)
    # The layer's own 3-s budget is a product setting; on a loaded CI machine it ran out, so
    # the LLM's finds are checked with time to spare (timeouts have their own tests below).
    det = Detector("thorough", layers=[*fast_layers(), LLMLayer(timeout=120)])
    det.warm()
    spans = det.find(TEXT)
    # Everything fast mode protects stays protected (resolution may merge it into a longer span).
    assert all(any(t.start <= f.start and f.end <= t.end for t in spans) for f in fast)
    assert any(s.text == "ana.souza@gmail.com" and s.category == Category.EMAIL for s in spans)
    # The LLM reads the diagnosis itself; in the merged result the tagger may hold it first
    # (its rank is higher), so the merged spans only have to cover it.
    llm = det.layers[-1].find(TEXT)
    assert any(s.layer == Layer.LLM and "diabetes" in s.text for s in llm), [(s.layer, s.text) for s in llm]
    assert any("diabetes" in s.text for s in spans), [(s.layer, s.text) for s in spans]
    assert "llm" in det.timings()


def test_llm_timeout_keeps_fast_spans_records_event_and_skips_cache():
    layer = LLMLayer(timeout=0.001)
    det = Detector("thorough", layers=[*fast_layers(), layer])
    before = EVENTS.counts().get("timeout", 0)
    spans = det.find(TEXT)
    assert any(s.text == "ana.souza@gmail.com" for s in spans)
    assert EVENTS.counts()["timeout"] == before + 1
    det.find(TEXT)  # not served from the cache: the LLM is asked again
    assert EVENTS.counts()["timeout"] == before + 2


def test_strict_timeout_raises_detection_error():
    det = Detector("thorough", layers=[*fast_layers(), LLMLayer(timeout=0.001, strict=True)])
    with pytest.raises(LLMTimeout):
        det.find(TEXT)


def test_strict_from_environment(monkeypatch):
    monkeypatch.setenv("DOPPEL_LLM_STRICT", "1")
    assert LLMLayer().strict is True
    monkeypatch.setenv("DOPPEL_LLM_STRICT", "0")
    assert LLMLayer().strict is False
