"""What the LLM layer did that the user should know about (timeouts, a model that failed to
load), for the proxy to show. Events carry counts, lengths and timings, never text."""
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LLMEvent:
    kind: str  # "timeout" | "loading" (model not loaded yet) | "model_error" | "error"
    at: float  # time.time()
    text_chars: int
    elapsed_ms: float
    detail: str = ""  # never user text: an exception type, a file name, a window count


class EventLog:
    def __init__(self, keep: int = 200) -> None:
        self._lock = threading.Lock()
        self._recent: deque[LLMEvent] = deque(maxlen=keep)
        self._counts: Counter[str] = Counter()

    def record(self, kind: str, text_chars: int, elapsed_ms: float, detail: str = "") -> LLMEvent:
        ev = LLMEvent(kind, time.time(), text_chars, round(elapsed_ms, 1), detail)
        with self._lock:
            self._recent.append(ev)
            self._counts[kind] += 1
        return ev

    def counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def recent(self, n: int = 50) -> list[LLMEvent]:
        with self._lock:
            return list(self._recent)[-n:]

    def clear(self) -> None:
        with self._lock:
            self._recent.clear()
            self._counts.clear()


EVENTS = EventLog()
"""Process-wide log shared by every LLMLayer (the proxy reads it: detector.llm.EVENTS)."""
