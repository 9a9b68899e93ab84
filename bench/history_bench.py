"""Protecting resent history: an API conversation resends every earlier turn, every turn.

A 20-turn conversation of 100-word prompts (bench.speed.build_prompts, cut from the shared
data) in one scope over InMemoryStore: turn k protects texts 1..k, as the proxy does for an
OpenAI/Anthropic/Ollama request. Two Protectors over the same warmed Detector run each turn in
turn (order alternating, so machine load hits both alike): the Protection cache on, and off
(cache_size=0), each in scopes of its own: equal stand-ins would let the second variant reuse
the first one's compiled restore matcher (an lru_cache in detector/restore.py). Detection is cached by the Detector for both (every text is detected once
before timing), so the figures are the cost of issuing stand-ins and checking round trips.
`doppel bench --history` runs this; `python -m bench.history_bench` alone.
"""
from __future__ import annotations

import statistics
import sys
import time

from bench.datasets import resolve_data_dir
from bench.eval_run import load_average
from bench.metrics import median, percentile
from bench.speed import build_prompts, word_stream
from detector.pipeline import Detector
from detector.protect import Protection, Protector
from detector.store import InMemoryStore

TURNS = 20
WORDS = 100
REPEATS = 3          # conversations per variant (each in its own scope)
FROM_TURN = 10       # report turns FROM_TURN..TURNS: a long history


def _figures(xs: list[float]) -> dict:
    return {"median_ms": round(median(xs), 2), "p95_ms": round(percentile(xs, 95), 2)}


def entry_bytes(p: Protection) -> int:
    """Rough memory of one cache entry: the Protection with its strings, replacements and spans
    (the key shares the text object; dict and LRU overhead ~200 bytes more)."""
    seen: set[int] = set()

    def size(o) -> int:
        if id(o) in seen:
            return 0
        seen.add(id(o))
        n = sys.getsizeof(o)
        if isinstance(o, (str, int, float)):  # also Category (a StrEnum): not its class
            return n
        if isinstance(o, (list, tuple)):
            n += sum(size(x) for x in o)
        elif hasattr(o, "__slots__"):
            n += sum(size(getattr(o, s)) for s in o.__slots__ if hasattr(o, s))
        elif hasattr(o, "__dict__"):
            n += sum(size(v) for v in vars(o).values())
        return n

    return size(p)


def run(turns: int = TURNS, words: int = WORDS, repeats: int = REPEATS, data_dir=None) -> dict:
    prompts = build_prompts(word_stream(resolve_data_dir(data_dir)), sizes=(words,),
                            counts={words: turns * repeats}, warmup=1)
    warm, texts = prompts[words]
    detector = Detector("fast")
    detector.warm()
    for t in warm + texts:
        detector.find(t)  # detection cached for both variants alike
    from_turn = max(2, min(FROM_TURN, turns))  # 2 at least: turn 1 resends nothing
    load_start = load_average()
    protectors = {"on": Protector(detector, InMemoryStore()),
                  "off": Protector(detector, InMemoryStore(), cache_size=0)}
    for p in protectors.values():
        p.protect(warm[0], "warm-up")
    whole = {v: [] for v in protectors}    # the whole turn (history + the new text)
    history = {v: [] for v in protectors}  # resent texts only, per text
    seen: list[str] = []                   # what the cache-on variant sent, in order
    for r in range(repeats):
        convo = texts[r * turns:(r + 1) * turns]
        for k in range(1, turns + 1):
            order = ("on", "off") if (r + k) % 2 else ("off", "on")
            for variant in order:
                protector, scope = protectors[variant], f"{variant}-{r}"
                sent = []
                began = time.perf_counter()
                for t in convo[:k - 1]:
                    sent.append(protector.protect(t, scope).protected)
                resent = time.perf_counter()
                sent.append(protector.protect(convo[k - 1], scope).protected)
                ended = time.perf_counter()
                if variant == "on":
                    seen.extend(sent)
                if k >= from_turn:
                    whole[variant].append((ended - began) * 1000)
                    history[variant].append((resent - began) * 1000 / (k - 1))
    on = protectors["on"]
    # The cache changes the cost, never the result: replaying the same turns without it, in
    # the same scopes, gives the same protected texts (untimed).
    replay = Protector(detector, InMemoryStore(), cache_size=0)
    replay.protect(warm[0], "warm-up")  # real values seen anywhere steer stand-in choice
    replayed = [replay.protect(t, f"on-{r}").protected for r in range(repeats)
                for k in range(1, turns + 1) for t in texts[r * turns:(r + 1) * turns][:k]]
    same = replayed == seen
    sizes = [entry_bytes(on.protect(t, f"on-{i // turns}")) for i, t in enumerate(texts)]
    return {
        "turns": turns, "words_per_prompt": words, "conversations": repeats,
        "reported_turns": f"{from_turn}-{turns}",
        "mappings_per_conversation": round(statistics.mean(len(on.store.mappings(f"on-{r}"))
                                                            for r in range(repeats))),
        "whole_turn_cache_on": _figures(whole["on"]),
        "whole_turn_cache_off": _figures(whole["off"]),
        "per_resent_text_cache_on": _figures(history["on"]),
        "per_resent_text_cache_off": _figures(history["off"]),
        "same_protected_texts": same,
        "cache_entry_bytes_median": round(statistics.median(sizes)),
        "load_avg_1m_start": load_start, "load_avg_1m_end": load_average(),
    }


if __name__ == "__main__":
    import json
    print(json.dumps(run(), indent=2))
