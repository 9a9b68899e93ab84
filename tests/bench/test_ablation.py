"""The ablation systems: fast mode with each layer left out, and each layer alone."""
from bench.ablation import ablation_systems
from bench.eval_report import summary_table
from detector.pipeline import candidate_layers, fast_layers


def test_every_layer_is_switched_once_and_run_alone_once():
    fast = [layer.name for layer in fast_layers()]
    candidates = [layer.name for layer in candidate_layers()]
    assert set(fast) < set(candidates)
    systems = ablation_systems()
    switched = [f"doppel-fast-no-{n}" if n in fast else f"doppel-fast-plus-{n}" for n in candidates]
    assert [s.name for s in systems] == switched + [f"doppel-only-{n}" for n in candidates]
    for s in systems:
        layers = [layer.name for layer in s.detector.layers]
        assert s.ablation and s.detector.mode == "fast"
        if s.name.startswith("doppel-only-"):
            assert layers == [s.name.removeprefix("doppel-only-")]
        elif s.name.startswith("doppel-fast-no-"):
            assert sorted(layers + [s.name.removeprefix("doppel-fast-no-")]) == sorted(fast)
        else:
            assert sorted(layers) == sorted(fast + [s.name.removeprefix("doppel-fast-plus-")])


def test_the_summary_table_has_a_row_per_system_and_dashes_for_missing_sets():
    results = {"datasets": {"pupa": {"systems": {"doppel-fast": {
        "value_recall": 0.5, "char_precision": 0.25, "needless_per_text": 1.5, "latency_ms_median": 2.0,
        "latency_ms_p95": 3.0, "per_label": {}}}}}}
    rows = summary_table(results)
    assert len(rows) == 3 and rows[2].startswith("| doppel-fast | 50.0 % | 25.0 % | 1.50 | – |")
