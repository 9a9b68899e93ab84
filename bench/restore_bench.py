"""Costs on the hot path: restoring a streamed reply chunk by chunk, restoring a whole reply,
and issuing a stand-in. `doppel bench` runs this (`python -m bench.restore_bench` alone)."""
import random
import time

from bench.metrics import median
from detector.categories import Category as C
from detector.standins import StandInSession, warm
from detector.restore import Restorer
from detector.store import InMemoryStore

FIRST = ["Maria", "Tom", "Aisha", "Kenji", "Lucia", "Omar", "Greta", "Pavel", "Ines", "Rahul"]
LAST = ["Gonzalez", "Becker", "Okafor", "Tanaka", "Rossi", "Haddad", "Lindqvist", "Novak", "Silva", "Mehta"]


def conversation_with_50_stand_ins() -> tuple[InMemoryStore, list[str]]:
    store = InMemoryStore()
    session = StandInSession(store, "speed", "")
    stand_ins = []
    for i in range(10):
        stand_ins.append(session.standin(f"{FIRST[i]} {LAST[i]}", C.PERSON))  # 2 mappings each
        stand_ins.append(session.standin(f"{FIRST[i].lower()}.{LAST[i].lower()}@acme{i}.com", C.EMAIL))
        stand_ins.append(session.standin(f"+1 415-555-{2600 + i}", C.PHONE))
    for value, cat in [("Boston", C.LOCATION), ("Napco National Company", C.ORG), ("March 3, 1985", C.DATE),
                       ("type 2 diabetes", C.HEALTH), ("38k", C.FINANCE), ("Denver", C.LOCATION),
                       ("Saudi Arabia", C.LOCATION), ("Acme Corp", C.ORG), ("1985-03-15", C.DATE),
                       ("4111 1111 1111 1111", C.CREDIT_CARD)]:
        stand_ins.append(session.standin(value, cat))
    return store, stand_ins


def stream_restore_cost(repeats: int = 5) -> dict:
    """Per-chunk cost of the streaming restorer with >= 50 stand-ins active (median of runs)."""
    warm()
    store, stand_ins = conversation_with_50_stand_ins()
    mappings = store.mappings("speed")
    restorer = Restorer(mappings)
    rng = random.Random(7)
    words = "the a of to and in your that is for it with as on be at this have from".split()
    reply = " ".join(rng.choice(stand_ins) if rng.random() < 0.08 else rng.choice(words) for _ in range(6000))
    chunks = []
    i = 0
    while i < len(reply):  # model deltas: 1-12 characters
        n = rng.randint(1, 12)
        chunks.append(reply[i:i + n])
        i += n
    runs = []
    for _ in range(repeats):
        stream = restorer.stream()
        began = time.perf_counter()
        out = [stream.feed(c) for c in chunks]
        out.append(stream.flush())
        runs.append((time.perf_counter() - began) * 1000 / len(chunks))
        if "".join(out) != restorer.restore(reply):
            raise AssertionError("streamed restore differs from whole restore")
    return {"mappings": len(mappings), "chunks": len(chunks),
            "ms_per_chunk_median": median(runs), "ms_per_chunk_max": max(runs)}


def whole_restore_cost() -> dict:
    store, stand_ins = conversation_with_50_stand_ins()
    restorer = Restorer(store.mappings("speed"))
    reply = (" ".join(stand_ins) + " and some ordinary words in between. ") * 200
    began = time.perf_counter()
    restorer.restore(reply)
    return {"chars": len(reply), "ms": (time.perf_counter() - began) * 1000}


def stand_in_generation_cost(n: int = 40) -> dict[str, float]:
    """ms per new stand-in, per category, each in a fresh conversation."""
    warm()
    rng = random.Random(3)
    cases = {
        C.PERSON: lambda i: f"{rng.choice(FIRST)} {rng.choice(LAST)}x{i}",
        C.EMAIL: lambda i: f"user{i}@corp{i}.com",
        C.PHONE: lambda i: f"+1 415-{200 + i % 700:03d}-{1000 + i:04d}",
        C.CREDIT_CARD: lambda i: f"4{i:015d}",
        C.BANK_ACCOUNT: lambda i: "DE89 3704 0044 0532 0130 00",
        C.ID_NUMBER: lambda i: f"{100 + i:03d}-45-{1000 + i:04d}",
        C.DATE: lambda i: f"March {1 + i % 28}, {1950 + i % 60}",
        C.LOCATION: lambda i: ["Boston", "Denver", "Lyon", "Osaka"][i % 4],
        C.ADDRESS: lambda i: f"{i + 1} Main Street, Springfield, IL 62704",
        C.HEALTH: lambda i: "type 2 diabetes",
    }
    report = {}
    for category, make in cases.items():
        began = time.perf_counter()
        for i in range(n):
            StandInSession(InMemoryStore(), f"gen-{i}", "").standin(make(i), category)
        report[str(category)] = (time.perf_counter() - began) * 1000 / n
    return report


def run() -> dict:
    return {"stream_restore": stream_restore_cost(), "whole_restore": whole_restore_cost(),
            "standin_ms": stand_in_generation_cost()}


if __name__ == "__main__":
    import json
    print(json.dumps(run(), indent=2))
