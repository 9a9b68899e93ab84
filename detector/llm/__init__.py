"""The on-device LLM layer (thorough mode): llama.cpp running a small GGUF model in-process.

    from detector.llm import LLMLayer, EVENTS
    layer = LLMLayer()            # catalog default model (models/catalog.toml)
    layer.load_in_background()    # or layer.warm()
    spans = layer.find(text)      # Layer.LLM spans; EVENTS.counts() shows timeouts
"""
from detector.llm.events import EVENTS, EventLog, LLMEvent
from detector.llm.layer import Annotation, LLMLayer, LLMTimeout
from detector.llm.model import ModelUnavailable

__all__ = ["EVENTS", "Annotation", "EventLog", "LLMEvent", "LLMLayer", "LLMTimeout", "ModelUnavailable"]
