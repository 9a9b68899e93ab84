"""Round trip: restore(protect(text)) must give the text back, byte for byte.

Uses detector.protect.Protector with an InMemoryStore, one scope per text. Only counts are
kept: a failing text is never printed (it holds real private values).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from detector.errors import DetectionError
from detector.store import InMemoryStore


@dataclass
class RoundTrip:
    texts: int = 0
    failures: int = 0                                 # restored text differs from the original
    errors: Counter = field(default_factory=Counter)  # exception class name -> count
    replaced: int = 0                                 # stand-ins issued in total
    leaks_caught: Counter = field(default_factory=Counter)  # category -> stand-ins made again (leak check)

    def summary(self) -> dict:
        return {"texts": self.texts, "failures": self.failures, "errors": dict(self.errors),
                "replaced": self.replaced, "ok": self.texts - self.failures - sum(self.errors.values()),
                "leaks_caught": dict(self.leaks_caught)}


def error_key(e: Exception) -> str:
    """How an exception is counted: DetectionError's layer and reason are value-free by
    contract (detector/errors.py), any other exception is named by its class only."""
    if isinstance(e, DetectionError):
        return f"DetectionError({e.layer}: {e.reason})"
    return type(e).__name__


class RoundTripChecker:
    def __init__(self, detector):
        from detector.protect import Protector  # written in parallel; imported when needed

        self.protector = Protector(detector, InMemoryStore())
        self.result = RoundTrip(leaks_caught=self.protector.leaks_caught)  # the Protector's own counter

    def check(self, text: str, scope: str) -> bool:
        self.result.texts += 1
        try:
            protection = self.protector.protect(text, scope)
            restored = self.protector.restorer(scope).restore_exact(protection.protected)
        except Exception as e:  # any failure is a finding to count, never a crash of the run
            self.result.errors[error_key(e)] += 1
            return False
        self.result.replaced += len(protection.replacements)
        if restored != text:
            self.result.failures += 1
            return False
        return True
