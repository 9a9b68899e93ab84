"""The Detector: runs the layers of a mode, resolves their spans, caches results by text hash.

Fails closed: an exception inside any layer becomes DetectionError(layer, reason), never an
empty list, because "found nothing" would let the text leave unprotected.
"""
from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict

from detector.errors import DetectionError
from detector.names.lexicon import is_english_word
from detector.resolve import settle
from detector.span import Span

THOROUGH_NOT_BUILT = "thorough mode needs the on-device LLM layer, which is not built yet"


def fast_layers() -> list:
    """Rules, the names layer and the tagger. spaCy's NER is not among them: on top of the
    tagger it added recall on PUPA but cost precision, PII-free texts changed and, reading
    every text a second time, the 30-ms p95 budget (the ablation in docs/evaluation.md)."""
    from detector.names.layer import NamesLayer
    from detector.rules import RulesLayer
    from detector.tagger.layer import TaggerLayer

    return [RulesLayer(), NamesLayer(), TaggerLayer()]


def candidate_layers() -> list:
    """Every layer fast mode could run; `doppel eval --ablation` measures each on and off."""
    from detector.ner.layer import NerLayer

    fast = fast_layers()
    return fast[:2] + [NerLayer()] + fast[2:]


def thorough_layers() -> list:
    try:
        from detector.llm import LLMLayer  # llama.cpp loads only when thorough mode is asked for
    except ImportError:
        raise ValueError(THOROUGH_NOT_BUILT) from None
    return [*fast_layers(), LLMLayer()]


class Detector:
    def __init__(self, mode: str = "fast", *, layers: list | None = None, cache_size: int = 4096):
        if mode not in ("fast", "thorough"):
            raise ValueError(f"unknown detector mode {mode!r}: use 'fast' or 'thorough'")
        self.mode = mode
        self.layers = layers if layers is not None else (fast_layers() if mode == "fast" else thorough_layers())
        self.cache_size = cache_size
        self._cache: OrderedDict[bytes, tuple[Span, ...]] = OrderedDict()
        self._lock = threading.Lock()
        self._timings: dict[str, float] = {}

    def warm(self) -> None:
        """Load models now (spaCy, lexicons) so the first find() is fast."""
        for layer in self.layers:
            warm = getattr(layer, "warm", None)
            if warm is not None:
                self._guarded(layer, warm)

    def find(self, text: str) -> list[Span]:
        began = time.perf_counter()
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
        if cached is not None:
            self._set_timings({"cache": _ms(began)})
            return list(cached)
        timings: dict[str, float] = {}
        found: list[Span] = []
        for layer in self.layers:
            layer_began = time.perf_counter()
            spans = self._guarded(layer, layer.find, text)
            self._check_offsets(layer, text, spans)
            found.extend(spans)
            timings[layer.name] = _ms(layer_began)
        resolve_began = time.perf_counter()
        result = tuple(self._guarded(_Resolve, settle, text, found, _is_english_word))
        timings["resolve"] = _ms(resolve_began)
        timings["total"] = _ms(began)
        # A layer that ran out of time (the LLM) returned a partial answer: do not cache it.
        if self.cache_size > 0 and not any(getattr(layer, "incomplete", False) for layer in self.layers):
            with self._lock:
                self._cache[key] = result
                while len(self._cache) > self.cache_size:
                    self._cache.popitem(last=False)
        self._set_timings(timings)
        return list(result)

    def timings(self) -> dict[str, float]:
        """Milliseconds per layer of the last find() call ("resolve" and "total" too, or only
        "cache" when the result came from the cache)."""
        with self._lock:
            return dict(self._timings)

    def _set_timings(self, timings: dict[str, float]) -> None:
        with self._lock:
            self._timings = timings

    @staticmethod
    def _guarded(layer, call, *args):
        try:
            return call(*args)
        except DetectionError:
            raise
        except Exception as exc:
            # `from None`: the original exception's message may quote the text; only its type
            # travels on, and that names no private value.
            raise DetectionError(getattr(layer, "name", type(layer).__name__), type(exc).__name__) from None

    @staticmethod
    def _check_offsets(layer, text: str, spans: list[Span]) -> None:
        for span in spans:
            if span.end > len(text) or text[span.start:span.end] != span.text:
                raise DetectionError(layer.name, "span offsets do not match the text")


class _Resolve:
    name = "resolve"


def _is_english_word(lower: str) -> bool:
    return is_english_word(lower)


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000.0
