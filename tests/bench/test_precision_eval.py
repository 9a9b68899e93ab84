"""bench.precision_eval on a slice of the shared data: the figures are there, computed, and the
stage changes them the way it should (fewer needless stand-ins, none in the fixed prompts)."""
from bench.precision_eval import markdown, run_precision


def test_precision_eval_off_against_on(shared_data):
    results = run_precision(shared_data, limit=15)
    off, on = results["settings"]["stage off"], results["settings"]["stage on"]
    assert off["pupa_texts"] == on["pupa_texts"] == 15
    assert on["fixture_replacements"] == 0 < off["fixture_replacements"]
    assert on["needless"] <= off["needless"] and on["replacements"] <= off["replacements"]
    assert on["asq_negatives"] == off["asq_negatives"] and on["asq_changed"] <= off["asq_changed"]
    assert sum(on["left_alone_needless"].values()) + sum(on["left_alone_labelled"].values()) > 0
    for figures in (off, on):
        assert 0 <= figures["value_recall"] <= 1 and figures["needless_per_prompt"] >= 0
    md = "\n".join(markdown(results, command="python -m bench.precision_eval --limit 15"))
    assert "## precision stage" in md and "| figure | stage off | stage on |" in md
    assert "needless replacements per prompt" in md and "stand-ins per 1,000 words of code" in md
