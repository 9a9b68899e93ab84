"""The Detector: runs the layers of a mode, resolves their spans, caches results by text hash.

Fails closed: an exception inside any layer becomes DetectionError(layer, reason), never an
empty list, because "found nothing" would let the text leave unprotected.

The layers read the text as the model reads it (detector/normalize.py): a layer whose `view` is
"rules" reads full-width and other Unicode digits and signs as ASCII, invisible characters
removed and look-alike letters as Latin; the others read only invisible characters inside words
removed and digits as ASCII. Each layer's spans are mapped back to the original characters and
settled there, so a stand-in replaces every real character.
"""
from __future__ import annotations

import hashlib
import threading
import time

from cachetools import LRUCache

from detector import normalize
from detector.errors import DetectionError
from detector.names.lexicon import is_english_word
from detector.precision import PrecisionStage
from detector.resolve import settle
from detector.span import Layer, Span

THOROUGH_NOT_BUILT = "thorough mode needs the on-device LLM layer, which is not built yet"


def fast_layers() -> list:
    """Rules, the names layer and the tagger. spaCy's NER is not among them: on top of the
    tagger it added recall on PUPA but cost precision, PII-free texts changed and, reading
    every text a second time, the 30-ms p95 budget (the ablation in docs/evaluation-ablation.md)."""
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
        normalize.warm()
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
        found = self._layers_find(text, self.layers, timings)
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

    def find_rules(self, text: str) -> list[Span]:
        """Only the rules layers' spans, settled: Protector.protect_group reads the joints between
        the texts of a run with them (a resent conversation reads the same joints again: cached
        beside find()'s results)."""
        key = b"rules:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return list(cached)
        found = self._layers_find(text, [l for l in self.layers if l.name == Layer.RULES], {})
        result = tuple(self._guarded(_Resolve, settle, text, found, _is_english_word))
        if self.cache_size > 0:
            with self._lock:
                self._cache[key] = result
        return list(result)

    def _layers_find(self, text: str, layers: list, timings: dict[str, float]) -> list[Span]:
        """Every layer's spans, each found on the view it reads, on the original characters."""
        began = time.perf_counter()
        views = {}
        for kind in {"rules" if getattr(layer, "view", None) == "rules" else "names" for layer in layers}:
            views[kind] = self._guarded(_Normalize, normalize.read if kind == "rules" else normalize.read_names, text)
        timings[_Normalize.name] = _ms(began)
        found: list[Span] = []
        for layer in layers:
            layer_began = time.perf_counter()
            view = views["rules" if getattr(layer, "view", None) == "rules" else "names"]
            seen = view.rules
            spans = self._guarded(layer, layer.find, seen)
            self._check_offsets(layer, seen, spans)
            found.extend(view.to_original(spans))
            timings[layer.name] = _ms(layer_began)
        return found

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


class _Normalize:
    name = "normalize"


class _Precision:
    name = "precision"


def _is_english_word(lower: str) -> bool:
    return is_english_word(lower)


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000.0
