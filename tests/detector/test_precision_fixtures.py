"""Code, logs and public-knowledge prompts where nothing is private (tests/fixtures/precision/,
written for this test, none taken from an evaluation set): the fast mode replaces nothing in
them. Without the precision stage the same layers replace dozens of words in them, so this test
fails when the stage stops working."""
import pytest

from bench.precision_eval import FIXTURES, fixture_prompts
from detector.pipeline import Detector
from detector.protect import Protector
from detector.store import InMemoryStore

PROMPTS = fixture_prompts(FIXTURES)


@pytest.fixture(scope="module")
def protector():
    detector = Detector("fast")
    detector.warm()
    return Protector(detector, InMemoryStore())


def test_the_fixtures_cover_code_logs_and_public_knowledge():
    kinds = {p["kind"] for p in PROMPTS}
    assert kinds == {"code", "log", "public"}
    assert len(PROMPTS) >= 40


@pytest.mark.parametrize("prompt", PROMPTS, ids=[p["id"] for p in PROMPTS])
def test_nothing_is_replaced(protector, prompt):
    protection = protector.protect(prompt["text"], f"fixture:{prompt['id']}")
    assert [(r.span.category, r.span.layer) for r in protection.replacements] == []
    assert protection.protected == prompt["text"]


def test_without_the_stage_the_same_prompts_lose_words():
    detector = Detector("fast", precision=False)
    replaced = sum(len(detector.find(p["text"])) for p in PROMPTS)
    assert replaced >= 20
