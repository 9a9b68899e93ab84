"""protect/restore with the real fast Detector (rules + names + spaCy NER)."""
import csv
import re

import pytest

from detector.categories import Category as C
from detector.errors import DetectionError
from detector.pipeline import Detector
from detector.protect import Protector
from detector.restore import Restorer
from detector.store import InMemoryStore


@pytest.fixture(scope="module")
def detector():
    d = Detector("fast")
    d.warm()
    return d


PROMPT = ("Hi, I am Maria Gonzalez. Call me at +1 415-555-2671 or write to "
          "maria.gonzalez@gmail.com. I was born on March 3, 1985 and live in Boston.")


def test_real_prompt_protected_and_restored(detector):
    store = InMemoryStore()
    p = Protector(detector, store).protect(PROMPT, "real")
    found = {r.span.category for r in p.replacements}
    assert {C.PERSON, C.PHONE, C.EMAIL} <= found
    for r in p.replacements:
        assert r.span.text not in p.protected or r.span.text.lower() in r.replacement.lower()
    assert "Maria" not in p.protected and "415-555-2671" not in p.protected
    assert Restorer(store.mappings("real")).restore_exact(p.protected) == PROMPT


def test_persona_consistent_across_turns_with_real_detector(detector):
    store = InMemoryStore()
    protector = Protector(detector, store)
    t1 = protector.protect("Please draft a letter to Maria Gonzalez about her lease.", "turns").protected
    name = re.search(r"to (\w+ \w+) about", t1).group(1)
    first, last = name.split()
    t2 = protector.protect("Also tell Maria that the rent is due.", "turns").protected
    assert f"tell {first} that" in t2
    reply = f"Dear {name},\n\n{first.upper()}, as discussed... Best, for Ms. {last}"
    assert protector.restorer("turns").restore(reply) == \
        "Dear Maria Gonzalez,\n\nMARIA, as discussed... Best, for Ms. Gonzalez"


def test_streamed_reply_with_real_detector(detector):
    store = InMemoryStore()
    protector = Protector(detector, store)
    p = protector.protect(PROMPT, "stream")
    reply = f"Sure! {p.protected} Anything else?"
    restorer = protector.restorer("stream")
    stream = restorer.stream()
    out = "".join(stream.feed(reply[i:i + 3]) for i in range(0, len(reply), 3)) + stream.flush()
    assert out == restorer.restore(reply) == f"Sure! {PROMPT} Anything else?"


class _BrokenLayer:
    name = "ner"

    def find(self, text):
        raise RuntimeError("model file missing")


def test_a_failing_layer_fails_closed():
    with pytest.raises(DetectionError):
        Protector(Detector("fast", layers=[_BrokenLayer()]), InMemoryStore()).protect(PROMPT, "x")


def test_pupa_sample_round_trips(detector, shared_data):
    with open(shared_data / "PUPA" / "PUPA_New.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))[:60]
    replaced = 0
    for i, row in enumerate(rows):
        text = row["user_query"]
        store = InMemoryStore()
        p = Protector(detector, store).protect(text, f"pupa-{i}")
        replaced += len(p.replacements)
        assert Restorer(store.mappings(f"pupa-{i}")).restore_exact(p.protected) == text, f"row {i}"
    assert replaced > 60  # the sample holds plenty of names and places
