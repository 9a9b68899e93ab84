"""Facts and helpers that #18 made single-sourced stay so: a second copy is written by hand more
easily than noticed."""
from pathlib import Path

DETECTOR = Path(__file__).resolve().parents[2] / "detector"


def _sources_holding(needle: str) -> list[str]:
    return sorted(str(p.relative_to(DETECTOR)) for p in DETECTOR.rglob("*.py") if needle in p.read_text("utf-8"))


def test_fakers_person_lists_are_loaded_in_one_place():
    assert _sources_holding("faker.providers.person") == ["faker_names.py"]


def test_no_hand_rolled_lru_caches():
    # cachetools.LRUCache holds the detector's bounded caches (pipeline, protect_cache, llm).
    assert _sources_holding("popitem(last=False)") == []
    assert _sources_holding("move_to_end(") == []
