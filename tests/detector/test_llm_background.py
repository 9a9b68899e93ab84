"""Thorough mode with the model loading in the background (`doppel start`): the fast layers
protect at once; the LLM joins when loaded. Real llama.cpp and the real GGUF; a slow load is
made deterministic by holding the layer's own load lock."""
import threading

import pytest

from detector.llm import EVENTS, LLMLayer
from detector.pipeline import Detector, fast_layers
from detector.span import Layer

TEXT = "I'm Ana Souza (ana.souza@gmail.com) and I was diagnosed with type 2 diabetes last year."


def _loading_events() -> int:
    return EVENTS.counts().get("loading", 0)


def test_requests_before_the_model_is_ready_go_on_with_the_fast_layers():
    layer = LLMLayer(background=True, timeout=60)
    det = Detector("thorough", layers=[*fast_layers(), layer])
    before = _loading_events()
    with layer._load_lock:  # the load thread cannot finish while this is held
        det.warm()  # returns at once: the load runs in a thread
        assert not layer.loaded
        spans = det.find(TEXT)
        assert any(s.text == "ana.souza@gmail.com" for s in spans)
        assert not [s for s in spans if s.layer == Layer.LLM]
        assert layer.last.unchecked
    assert _loading_events() == before + 1
    ev = [e for e in EVENTS.recent() if e.kind == "loading"][-1]
    assert ev.text_chars == len(TEXT) and "Ana" not in ev.detail and "diabetes" not in ev.detail
    layer._loader.join(timeout=120)
    assert layer.loaded
    # The fast-only answer was not cached: now the LLM reads the text (its diagnosis may be
    # held by the tagger in the merged result, which outranks the LLM).
    spans = det.find(TEXT)
    assert not layer.last.unchecked
    assert any("diabetes" in s.text for s in spans), [(s.layer, s.text) for s in spans]
    assert any(s.layer == Layer.LLM and "diabetes" in s.text for s in layer.find(TEXT))
    assert _loading_events() == before + 1


def test_strict_waits_for_the_model_instead():
    layer = LLMLayer(background=True, strict=True, timeout=60)
    before = _loading_events()
    result: dict[str, list] = {}
    with layer._load_lock:
        layer.warm()
        worker = threading.Thread(target=lambda: result.setdefault("spans", layer.find(TEXT)))
        worker.start()
        worker.join(timeout=0.5)
        assert worker.is_alive(), "strict find() must wait for the load"
    worker.join(timeout=120)
    assert any("diabetes" in s.text for s in result["spans"])
    assert _loading_events() == before


@pytest.mark.parametrize(("env", "expected"), [("1", True), ("0", False), (None, False)])
def test_background_from_environment(monkeypatch, env, expected):
    if env is None:
        monkeypatch.delenv("DOPPEL_LLM_BACKGROUND", raising=False)
    else:
        monkeypatch.setenv("DOPPEL_LLM_BACKGROUND", env)
    assert LLMLayer().background is expected


def test_warm_without_background_loads_before_returning():
    layer = LLMLayer(background=False)
    layer.warm()
    assert layer.loaded
