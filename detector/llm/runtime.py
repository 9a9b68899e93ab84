"""One loaded llama.cpp model, shared by every LLMLayer in the process, behind one lock.

- The few-shot prefix is evaluated once: each call keeps the KV cache of the longest token
  prefix it shares with the previous call (llama-cpp-python's prefix matching), so a call pays
  only for its own text and answer.
- The prompt is evaluated in small batches and generation is token by token, both checking a
  deadline, so a call never runs far past its timeout.
- Greedy decoding; stops at a blank line, at the next "Message:", at a repeated line (the base
  model's loops) or after `max_tokens`.
"""
from __future__ import annotations

import atexit
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from models.llama_log import silence_llama_log

EVAL_BATCH = 32  # tokens per prompt-eval step between deadline checks (~0.1-0.5 s here)


class PromptTooLong(ValueError):
    """The window does not fit the context with the answer budget: the caller splits it."""


@dataclass
class Completion:
    text: str
    timed_out: bool
    prompt_tokens: int  # tokens evaluated for this call (the cached prefix excluded)
    output_tokens: int
    prompt_ms: float = 0.0  # evaluating this call's own prompt tokens
    gen_ms: float = 0.0  # generating the answer (prompt eval dominates past ~50 words)


class LlamaRuntime:
    def __init__(self, model_path: Path, *, lora_path: Path | None = None, lora_scale: float = 1.0,
                 n_ctx: int = 2048, n_threads: int | None = None):
        import os
        # llama.cpp's OpenMP threads spin while waiting by default; on a busy laptop (or our
        # 2 shared cores) spinning threads starve each other: passive waiting measured 62 vs
        # 16 tok/s prompt eval with 2 threads under load. Must be set before the library loads.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        from llama_cpp import Llama
        silence_llama_log()
        # Generation (one token a step): half the cores, at most 4. Each token's graph syncs
        # the threads hundreds of times; here (2 cores) 2 threads generated at 42 ms a token
        # against 27 ms for one.
        threads = n_threads or int(os.environ.get("DOPPEL_LLM_THREADS") or max(1, min(4, (os.cpu_count() or 2) // 2)))
        # Reading the prompt (batches of tokens): every core, at most 4. Here (2 cores) thorough
        # mode's p50 on 30 PUPA_New prompts fell from 422 to 306 ms up to 100 words and from
        # 2,944 to 2,129 ms for 101-400 words; with the other core busy, 2 threads read as fast
        # as one (passive waiting, above).
        batch_threads = n_threads or int(os.environ.get("DOPPEL_LLM_BATCH_THREADS")
                                         or max(1, min(4, os.cpu_count() or 1)))
        # verbose=True on purpose: with verbose=False llama-cpp-python points the process's
        # stdout/stderr file descriptors at /dev/null while it loads, which from the background
        # load thread swallowed everything the proxy printed meanwhile ("Doppel is ready").
        # Its own prints go nowhere instead (this thread's stderr writes are dropped; the C
        # logs are silenced by silence_llama_log), and verbose is turned off after loading.
        kwargs = dict(model_path=str(model_path), n_ctx=n_ctx, n_threads=threads,
                      n_threads_batch=batch_threads, n_batch=512, seed=0, verbose=True)
        if lora_path is not None:
            kwargs.update(lora_path=str(lora_path), lora_scale=lora_scale)
        self.model_path = Path(model_path)
        self.lora_path = lora_path
        self.lock = threading.Lock()
        with _stderr_dropped_for_this_thread():
            self.llm = Llama(**kwargs)
        self.llm.verbose = False
        from llama_cpp._logger import set_verbose
        set_verbose(False)
        self.n_ctx = n_ctx
        self._eos = self.llm.token_eos()
        self._prefix_len: tuple[str, int] | None = None  # (prefix, its token count), see _complete

    def prefill(self, prefix: str) -> None:
        """Evaluate the prompt prefix now, so the first real call finds its KV state cached."""
        with self.lock:
            toks = self.llm.tokenize(prefix.encode("utf-8", "replace"), add_bos=True)
            cached = self.llm.input_ids[: self.llm.n_tokens].tolist()
            if cached[: len(toks)] != toks:
                self.llm.n_tokens = 0
                self.llm.eval(toks)

    def _prefix_tokens(self, prefix: str) -> int:
        if self._prefix_len is None or self._prefix_len[0] != prefix:
            self._prefix_len = (prefix, len(self.llm.tokenize(prefix.encode("utf-8", "replace"), add_bos=True)))
        return self._prefix_len[1]

    def tokens(self, prefix: str, suffix: str) -> list[int]:
        # Tokenized apart so the prefix's tokens (and its cached KV state) never change with the text.
        # "replace": a lone surrogate in user text must not crash the call; alignment works on
        # the original text, so the stand-in for one odd character costs nothing.
        return (self.llm.tokenize(prefix.encode("utf-8", "replace"), add_bos=True)
                + self.llm.tokenize(suffix.encode("utf-8", "replace"), add_bos=False))

    def complete(self, prefix: str, suffix: str, *, max_tokens: int, deadline: float,
                 max_suffix_tokens: int | None = None) -> Completion:
        with self.lock:
            return self._complete(prefix, suffix, max_tokens, deadline, max_suffix_tokens)

    def _complete(self, prefix: str, suffix: str, max_tokens: int, deadline: float,
                  max_suffix_tokens: int | None = None) -> Completion:
        llm = self.llm
        tokens = self.tokens(prefix, suffix)
        if len(tokens) + max_tokens > self.n_ctx:
            raise PromptTooLong(f"prompt of {len(tokens)} tokens does not fit the context ({self.n_ctx})")
        own = len(tokens) - self._prefix_tokens(prefix)
        if max_suffix_tokens is not None and own > max_suffix_tokens:
            raise PromptTooLong(f"text of {own} tokens is over the window's {max_suffix_tokens}")
        # Keep the KV cache of the few-shot prefix; evaluate the rest (all but the last token,
        # which generate() evaluates) in small, interruptible batches. Only the prefix is reused,
        # never text the last call happened to share: the text is then always read in the same
        # batches, and llama.cpp's numbers (hence the greedy answer) depend on the batching. So
        # a text gets the same answer whatever came before it (a resent message, the same
        # stand-ins). Measured on 5 texts that begin alike, in 6 orders: reusing shared text made
        # the answers of 3 of them depend on the order; reusing only the prefix, of none.
        cached = llm.input_ids[: llm.n_tokens].tolist()
        common = 0
        for a, b in zip(cached, tokens[: min(len(tokens) - 1, self._prefix_tokens(prefix))]):
            if a != b:
                break
            common += 1
        llm.n_tokens = common
        evaluated = 0
        began = time.monotonic()
        for i in range(common, len(tokens) - 1, EVAL_BATCH):
            batch = tokens[i: min(i + EVAL_BATCH, len(tokens) - 1)]
            now = time.monotonic()
            # Do not start a batch that cannot end in time (the rate so far predicts it): the
            # timeout then bounds the call instead of being overrun by one batch.
            expected = (now - began) / evaluated * len(batch) if evaluated else 0.0
            if now + expected > deadline:
                return Completion("", True, evaluated, 0, (now - began) * 1000)
            llm.eval(batch)
            evaluated += len(batch)
        out: list[int] = []
        text = ""
        timed_out = False
        gen_began = last = time.monotonic()
        for tok in llm.generate(tokens, top_k=1, top_p=1.0, min_p=0.0, temp=0.0, repeat_penalty=1.0):
            if tok == self._eos:
                break
            out.append(tok)
            text = llm.detokenize(out).decode("utf-8", errors="ignore")
            if _finished(text) or len(out) >= max_tokens:
                break
            now = time.monotonic()
            if now + (now - last) > deadline:  # the next token would end past the deadline
                timed_out = True
                break
            last = now
        done = time.monotonic()
        return Completion(_answer(text), timed_out, evaluated + 1, len(out),
                          (gen_began - began) * 1000, (done - gen_began) * 1000)


class _ThreadFilteredStream:
    """sys.stderr for everyone but one thread, whose writes are dropped."""

    def __init__(self, target, thread_id: int):
        self._target = target
        self._thread_id = thread_id

    def write(self, s: str) -> int:
        if threading.get_ident() == self._thread_id:
            return len(s)
        return self._target.write(s)

    def __getattr__(self, name):
        return getattr(self._target, name)


class _stderr_dropped_for_this_thread:
    def __enter__(self):
        import sys
        self._old = sys.stderr
        self._mine = sys.stderr = _ThreadFilteredStream(self._old, threading.get_ident())
        return self

    def __exit__(self, *exc):
        import sys
        if sys.stderr is self._mine:  # another thread may have swapped it meanwhile: keep theirs
            sys.stderr = self._old
        return False


# A line the base model degenerates on: a run of one short unit ("1000000000...") or the
# message echoed back. Measured on a PUPA_New dev sample (bench.llm_dev): such lines ran to the
# 64-token cap, 1-3.5 s of generation each, and never held a phrase found in the text.
_RUN = re.compile(r"(.{1,3})\1{9,}")  # 10 repeats: "1000000000" (9 zeros) is still a number
MAX_LINE_CHARS = 90


def _degenerate(line: str) -> bool:
    return len(line) > MAX_LINE_CHARS or _RUN.search(line) is not None


def _finished(text: str) -> bool:
    if "\n\n" in text or "\nMessage:" in text or text.startswith("Message:"):
        return True
    lines = text.split("\n")
    if _degenerate(lines[-1]):
        return True
    complete = [ln.strip() for ln in lines[:-1] if ln.strip()]
    return len(complete) != len(set(complete))  # a repeated line: the model is looping


def _answer(text: str) -> str:
    """The answer lines only: cut at the first blank line or next example, drop repeats and
    degenerate lines."""
    text = text.split("\n\n", 1)[0].split("Message:", 1)[0]
    seen: list[str] = []
    for line in text.split("\n"):
        if line.strip() and line.strip() not in seen and not _degenerate(line.strip()):
            seen.append(line.strip())
    return "\n".join(seen)


_RUNTIMES: dict[tuple, LlamaRuntime] = {}
_RUNTIMES_LOCK = threading.Lock()


@atexit.register
def _close_all() -> None:
    # Free the models while llama_cpp's module globals still exist (freeing them during
    # interpreter teardown prints a TypeError from llama_cpp._internals).
    with _RUNTIMES_LOCK:
        for rt in _RUNTIMES.values():
            if rt.lock.acquire(timeout=5):  # a daemon thread may still be generating: never hang exit
                rt.llm.close()
                rt.lock.release()
        _RUNTIMES.clear()


def shared_runtime(model_path: Path, *, lora_path: Path | None = None, lora_scale: float = 1.0,
                   n_ctx: int = 2048, n_threads: int | None = None) -> LlamaRuntime:
    """Load a model once per process (one per model + adapter), however many layers use it."""
    key = (str(Path(model_path).resolve()), str(lora_path) if lora_path else None, lora_scale,
           n_ctx, n_threads)
    with _RUNTIMES_LOCK:
        rt = _RUNTIMES.get(key)
        if rt is None:
            rt = LlamaRuntime(model_path, lora_path=lora_path, lora_scale=lora_scale,
                              n_ctx=n_ctx, n_threads=n_threads)
            _RUNTIMES[key] = rt
        return rt
