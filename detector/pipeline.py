"""The Detector: runs the layers of a mode, resolves their spans, caches results by text hash.

Fails closed: an exception inside any layer becomes DetectionError(layer, reason), never an
empty list, because "found nothing" would let the text leave unprotected.
"""
from __future__ import annotations

import hashlib
import threading
import time

from cachetools import LRUCache

from detector.errors import DetectionError
from detector.names.lexicon import is_english_word
from detector.precision import PrecisionStage
from detector.resolve import settle
from detector.span import Span

THOROUGH_NOT_BUILT = "thorough mode needs the on-device LLM layer, which is not built yet"


def fast_layers() -> list:
    from detector.names.layer import NamesLayer
    from detector.ner.layer import NerLayer
    from detector.rules import RulesLayer

    return [RulesLayer(), NamesLayer(), NerLayer()]


def thorough_layers() -> list:
    try:
        from detector.llm import LLMLayer  # llama.cpp loads only when thorough mode is asked for
    except ImportError:
        raise ValueError(THOROUGH_NOT_BUILT) from None
    return [*fast_layers(), LLMLayer()]


class Detector:
    def __init__(self, mode: str = "fast", *, layers: list | None = None, cache_size: int = 4096,
                 precision: bool = True):
        """precision: run the precision stage after resolution (detector/precision/); off only
        to measure what it changes."""
        if mode not in ("fast", "thorough"):
            raise ValueError(f"unknown detector mode {mode!r}: use 'fast' or 'thorough'")
        self.mode = mode
        self.layers = layers if layers is not None else (fast_layers() if mode == "fast" else thorough_layers())
        self.cache_size = cache_size
        self.precision = PrecisionStage() if precision else None
        self._cache: LRUCache[bytes, tuple[Span, ...]] = LRUCache(maxsize=max(cache_size, 0))
        self._lock = threading.Lock()
        self._timings: dict[str, float] = {}

    def warm(self) -> None:
        """Load models now (spaCy, lexicons) so the first find() is fast."""
        for layer in self.layers:
            warm = getattr(layer, "warm", None)
            if warm is not None:
                self._guarded(layer, warm)

    def find(self, text: str, *, strict: frozenset[str] = frozenset()) -> list[Span]:
        """The private spans of `text`. strict: categories the precision stage leaves alone
        (every span found in them is kept)."""
        began = time.perf_counter()
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass"))
        if strict:
            digest.update(("\0strict:" + ",".join(sorted(strict))).encode())
        key = digest.digest()
        with self._lock:
            cached = self._cache.get(key)  # a hit becomes the most recent
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
        settled = self._guarded(_Resolve, settle, text, found, _is_english_word)
        timings["resolve"] = _ms(resolve_began)
        if self.precision is not None:
            precision_began = time.perf_counter()
            settled = self._guarded(_Precision, self.precision, text, settled, frozenset(strict))
            timings["precision"] = _ms(precision_began)
        result = tuple(settled)
        timings["total"] = _ms(began)
        # A layer that ran out of time (the LLM) returned a partial answer: do not cache it.
        if self.cache_size > 0 and not any(getattr(layer, "incomplete", False) for layer in self.layers):
            with self._lock:
                self._cache[key] = result  # the least recent goes when full
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


class _Precision:
    name = "precision"


def _is_english_word(lower: str) -> bool:
    return is_english_word(lower)


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000.0
