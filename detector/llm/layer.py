"""The LLM layer of thorough mode: contextual privacy phrases (health, money, relationships,
work, beliefs, legal trouble, places) and identifying things the rules and NER missed.

A recall booster behind rules + NER (docs/architecture.md#detection): every phrase the model
writes must be found in the text (align.py) or it is dropped, then pass the precision filter
(filters.py). Results are cached by text hash. Under `doppel start` the model loads in the
background: until it is ready, calls return no spans and record a "loading" event (strict=True:
they wait). When a call runs past its timeout the layer returns what it found so far and records
a "timeout" event (EVENTS), or raises LLMTimeout when strict=True.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from detector.errors import DetectionError
from detector.llm import prompt as prompts
from detector.llm.align import align
from detector.llm.events import EVENTS, EventLog
from detector.llm.filters import keep_llm_span, warm_filter
from detector.llm.guard import without_injections
from detector.llm.labels import CATEGORY_TO_LABEL
from detector.llm.model import ModelChoice, ModelUnavailable, choose, missing_runtime, prepare
from detector.llm.parse import parse_output
from detector.llm.runtime import PromptTooLong
from detector.llm.windows import sentence_windows
from detector.span import Layer, Span

DEFAULT_TIMEOUT_S = 3.0
DEFAULT_MAX_TOKENS = 64
DEFAULT_WINDOW_WORDS = 250
# A window of dense text (code, logs, markup, tables) can hold 1,000+ tokens in 250 words: read
# whole it runs out of the 3-s budget before the model writes a word. Cut, each part can be read
# in time (512 tokens: 1.9-2.4 s at 3.7-4.6 ms a token here) and the parts read first give
# phrases. `python -m bench.llm_prompt_tokens --compare-cap 512`, on the 17 PUPA_New prompts of
# 101-400 words over 512 tokens with gold values (none from the evaluation sample), 3-s budget:
# 24 of their 116 gold values found against 14 (27 right spans vs 24, 13 wrong vs 3), the same
# latency; on 30 random prompts of that length 25 vs 24 found, p50 1,177 vs 1,211 ms.
DEFAULT_WINDOW_TOKENS = 512


class LLMTimeout(DetectionError):
    """strict=True only: the LLM did not finish within its timeout, so the text was not fully
    checked for contextual phrases."""

    def __init__(self, timeout_s: float):
        super().__init__("llm", f"no answer within {timeout_s:g} s")
        self.timeout_s = timeout_s


@dataclass
class Annotation:
    """One find() call in detail, for evaluation and `doppel models run`."""
    spans: list[Span]
    timed_out: bool = False
    unchecked: bool = False  # the model could not run (non-strict): nothing was looked at
    cached: bool = False
    elapsed_ms: float = 0.0
    windows: int = 0
    prompt_tokens: int = 0
    output_tokens: int = 0
    prompt_ms: float = 0.0  # time evaluating prompts / generating answers, summed over windows
    gen_ms: float = 0.0
    outputs: list[str] = field(default_factory=list)  # raw model answers (the user's own text)


class LLMLayer:
    name = Layer.LLM

    def __init__(self, model: str | Path | None = None, *, adapter: str | Path | None = "auto",
                 prompt: str | None = None, timeout: float = DEFAULT_TIMEOUT_S,
                 max_tokens: int = DEFAULT_MAX_TOKENS, strict: bool | None = None,
                 window_words: int = DEFAULT_WINDOW_WORDS,
                 window_tokens: int | None = DEFAULT_WINDOW_TOKENS, n_threads: int | None = None,
                 cache_size: int = 4096, n_ctx: int | None = None, events: EventLog = EVENTS,
                 raw: bool = False, background: bool | None = None):
        self.choice: ModelChoice = choose(model, adapter, prompt)
        if n_ctx is not None:
            self.choice = dataclasses.replace(self.choice, n_ctx=n_ctx)
        self.prefix = prompts.prefix(self.choice.prompt)
        self.timeout = timeout
        self.max_tokens = max_tokens
        # strict: a timeout raises instead of letting the text go on with the fast layers'
        # spans only. Default from DOPPEL_LLM_STRICT=1, so the proxy can set it without code.
        self.strict = strict if strict is not None else os.environ.get("DOPPEL_LLM_STRICT") == "1"
        self.window_words = window_words
        self.window_tokens = window_tokens
        # background: warm() starts the load in a thread and returns at once (`doppel start`
        # sets DOPPEL_LLM_BACKGROUND=1, so the proxy serves with the fast layers meanwhile).
        self.background = background if background is not None else \
            os.environ.get("DOPPEL_LLM_BACKGROUND") == "1"
        self.raw = raw  # True: keep every aligned span (bench.llm_dev measures the filter offline)
        self.n_threads = n_threads
        self.events = events
        self._local = threading.local()  # the last Annotation, per calling thread
        self._runtime = None
        self._load_error: ModelUnavailable | None = None
        self._load_lock = threading.Lock()
        self._loader_lock = threading.Lock()  # apart from _load_lock, which the load thread holds
        self._loader: threading.Thread | None = None
        # Imported here: the training venv imports detector.llm (for the prompt) without cachetools.
        from cachetools import LRUCache
        self._cache: LRUCache[str, tuple[Span, ...]] = LRUCache(maxsize=max(cache_size, 0))
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()

    # -- loading -------------------------------------------------------------------------
    def load(self, progress: bool | None = None) -> None:
        """Verify and load the model now (once); raise ModelUnavailable naming file and fix.
        progress: show a progress bar on stderr (default: when stderr is a terminal)."""
        with self._load_lock:
            if self._runtime is not None:
                return
            if self._load_error is not None:
                raise self._load_error
            try:
                runtime = _load(self.choice, self.prefix, self.n_threads,
                                sys.stderr.isatty() if progress is None else progress)
            except ModelUnavailable as exc:
                self._load_error = exc
                raise
            if not self.raw:
                warm_filter()
            self._runtime = runtime

    def warm(self) -> None:
        if self.background:
            self.load_in_background()
        else:
            self.load()

    def load_in_background(self, progress: bool | None = None) -> threading.Thread:
        """Start loading in a thread (the proxy starts serving meanwhile). Until it is loaded,
        find() returns no spans and records a "loading" event (the fast layers carry the text,
        as after a timeout), or waits for the load when strict=True."""
        def run() -> None:
            try:
                self.load(progress)
            except ModelUnavailable:
                pass  # kept in _load_error; reported by the first find() and by EVENTS
        with self._loader_lock:
            if self._loader is None:
                self._loader = threading.Thread(target=run, name="doppel-llm-load", daemon=True)
                self._loader.start()
        return self._loader

    @property
    def last(self) -> Annotation | None:
        """This thread's last find()/annotate() in detail."""
        return getattr(self._local, "ann", None)

    @last.setter
    def last(self, ann: Annotation) -> None:
        self._local.ann = ann

    @property
    def incomplete(self) -> bool:
        """True when this thread's last call ran out of time (its spans are partial): the
        Detector does not cache such a result."""
        return bool(self.last and (self.last.timed_out or self.last.unchecked))

    @property
    def loaded(self) -> bool:
        return self._runtime is not None

    # -- detection -----------------------------------------------------------------------
    def find(self, text: str) -> list[Span]:
        return self.annotate(text).spans

    def annotate(self, text: str) -> Annotation:
        t0 = time.monotonic()
        if not text.strip():
            self.last = Annotation([])
            return self.last
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        with self._cache_lock:
            hit = self._cache.get(key)  # a hit becomes the most recent
        if hit is not None:
            self.last = Annotation(list(hit), cached=True, elapsed_ms=(time.monotonic() - t0) * 1000)
            return self.last
        runtime = self._ready(text, t0)
        if runtime is None:  # model unavailable or still loading, non-strict: the fast layers carry on
            self.last = Annotation([], unchecked=True, elapsed_ms=(time.monotonic() - t0) * 1000)
            return self.last
        deadline = time.monotonic() + self.timeout
        ann = Annotation([])
        found: list[Span] = []
        pending = sentence_windows(text, self.window_words)
        while pending:
            ws, we = pending.pop(0)
            window = text[ws:we]
            try:
                comp = runtime.complete(self.prefix, prompts.suffix(without_injections(window)),
                                        max_tokens=self.max_tokens, deadline=deadline,
                                        max_suffix_tokens=self.window_tokens)
            except PromptTooLong:  # dense text (code, base64): fewer words, more tokens
                pending[:0] = _halves(text, ws, we)
                continue
            ann.windows += 1
            ann.prompt_tokens += comp.prompt_tokens
            ann.output_tokens += comp.output_tokens
            ann.prompt_ms += comp.prompt_ms
            ann.gen_ms += comp.gen_ms
            ann.outputs.append(comp.text)
            for category, phrase in parse_output(comp.text):
                for s, e in align(window, phrase):
                    found.append(Span(ws + s, ws + e, text[ws + s:ws + e], category, Layer.LLM, 0.5,
                                      source=f"llm:{CATEGORY_TO_LABEL.get(category, category)}"))
            if comp.timed_out:
                ann.timed_out = True
                break
        if not self.raw:
            found = [sp for sp in found if keep_llm_span(text, sp)]
        ann.spans = _non_overlapping(found, text)
        ann.elapsed_ms = (time.monotonic() - t0) * 1000
        self.last = ann
        if ann.timed_out:
            self.events.record("timeout", len(text), ann.elapsed_ms, f"{ann.windows} window(s)")
            if self.strict:
                raise LLMTimeout(self.timeout)
            return ann  # partial: not cached, the next try may finish
        if self._cache_size > 0:
            with self._cache_lock:
                self._cache[key] = tuple(ann.spans)  # the least recent goes when full
        return ann

    def _ready(self, text: str, t0: float):
        loader = self._loader
        if loader is not None and loader.is_alive():
            if not self.strict:
                self.events.record("loading", len(text), (time.monotonic() - t0) * 1000,
                                   "model still loading")
                return None
            loader.join()
        try:
            self.load(progress=False)
        except ModelUnavailable as exc:
            self.events.record("model_error", len(text), (time.monotonic() - t0) * 1000,
                               Path(exc.path).name if exc.path else exc.reason[:80])
            if self.strict:
                raise
            return None
        return self._runtime


def _halves(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a window near its middle, at whitespace when there is some."""
    mid = (start + end) // 2
    cut = text.rfind(" ", start + 1, mid + 1)
    cut = cut if cut > start else mid  # mid > start: a window that cannot fit is >= 2 chars
    return [(start, cut), (cut, end)]


def _non_overlapping(spans: list[Span], text: str) -> list[Span]:
    """Overlapping LLM spans merge into one covering both (so nothing is left half-protected);
    the merged span keeps the category of the line the model wrote first (its best guess:
    "HEALTH HIV positive" before "BELIEF I'm HIV positive"). Across layers the Detector resolves."""
    order = {id(sp): i for i, sp in enumerate(spans)}
    merged: list[list[Span]] = []
    for sp in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and sp.start < max(m.end for m in merged[-1]):
            merged[-1].append(sp)
        else:
            merged.append([sp])
    out = []
    for group in merged:
        first = min(group, key=lambda s: order[id(s)])
        start, end = min(s.start for s in group), max(s.end for s in group)
        out.append(Span(start, end, text[start:end], first.category, first.layer, first.score,
                        source=first.source))
    return out


def _load(choice: ModelChoice, prefix: str, n_threads: int | None, show_progress: bool):
    from detector.llm.runtime import shared_runtime
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        raise missing_runtime() from None
    bar = None
    if show_progress:
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn
        bar = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                       transient=True)
        bar.start()
    try:
        size = choice.path.stat().st_size if choice.path.exists() else 0
        task = bar.add_task(f"checking {choice.path.name}", total=size or None) if bar else None
        prepare(choice, progress=(lambda n: bar.advance(task, n)) if bar else None,
                status=(lambda msg: bar.update(task, description=msg)) if bar else None)
        if bar:
            bar.update(task, description=f"loading {choice.label}"
                       + (f" + {choice.adapter_label}" if choice.adapter_label else ""))
        try:
            runtime = shared_runtime(choice.path, lora_path=choice.lora_path,
                                     lora_scale=choice.lora_scale, n_ctx=choice.n_ctx,
                                     n_threads=n_threads)
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelUnavailable(f"llama.cpp could not load {choice.path} ({type(exc).__name__})",
                                   str(choice.path), choice.fix) from None
        if bar:
            bar.update(task, description="reading the prompt")
        runtime.prefill(prefix)
        return runtime
    finally:
        if bar:
            bar.stop()
