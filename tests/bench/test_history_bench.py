"""bench/history_bench.py: the resent-history benchmark runs on the shared data and checks that
the Protection cache changes the cost only, never what is sent."""
import pytest

from bench.history_bench import entry_bytes, run
from detector.categories import Category as C
from detector.protect import Protection
from detector.span import Replacement, Span


def test_short_conversation_gives_figures_and_same_results(shared_data):
    figures = run(turns=4, words=20, repeats=1, data_dir=shared_data)
    assert figures["reported_turns"] == "4-4"
    assert figures["same_protected_texts"] is True
    for key in ("whole_turn_cache_on", "whole_turn_cache_off",
                "per_resent_text_cache_on", "per_resent_text_cache_off"):
        assert 0 < figures[key]["median_ms"] <= figures[key]["p95_ms"]
    assert figures["mappings_per_conversation"] > 0
    assert figures["cache_entry_bytes_median"] > 0


@pytest.mark.parametrize("n", [1, 10])
def test_entry_bytes_grows_with_replacements_and_ignores_the_category_class(n):
    text = "Maria " * n
    reps = [Replacement(Span(6 * i, 6 * i + 5, "Maria", C.PERSON, "ner"), "Elena", 6 * i) for i in range(n)]
    size = entry_bytes(Protection(text=text, protected=text.replace("Maria", "Elena"), replacements=reps))
    bare = entry_bytes(Protection(text=text, protected=text, replacements=[]))
    assert bare < size < bare + n * 1000  # spans share their strings; Category is one str
