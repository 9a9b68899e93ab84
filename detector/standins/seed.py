"""Reproducible randomness: every stand-in is drawn from sha256(scope + key + attempt)."""
import hashlib
import random


def rng_for(scope: str, key: str, attempt: int = 0) -> random.Random:
    """The generator for one stand-in; `attempt` moves on after a collision."""
    digest = hashlib.sha256(f"{scope}\x00{key}\x00{attempt}".encode("utf-8", "surrogatepass")).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))
