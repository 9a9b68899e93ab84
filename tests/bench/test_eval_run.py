"""run_eval and the Markdown report on real data, with the Presidio peer as the system."""
import pytest

from bench.datasets import load
from bench.eval_report import render, targets
from bench.eval_run import run_eval
from bench.presidio_peer import PresidioFinder


@pytest.fixture(scope="module")
def results(shared_data):
    seen = []
    res = run_eval(["asq", "synth"], [PresidioFinder("presidio"), PresidioFinder("presidio+org")],
                   data_dir=shared_data, limit=12, on_example=seen.append)
    assert seen == ["asq"] * 12 + ["synth"] * 12
    return res


def test_structure(results, shared_data):
    assert results["meta"]["data_dir"] == str(shared_data)
    assert results["meta"]["machine"]["cores"] >= 1
    for name in ("asq", "synth"):
        ds = results["datasets"][name]
        assert ds["texts"] == 12 and ds["roundtrip"] == {}
        for system in ("presidio", "presidio+org"):
            s = ds["systems"][system]
            assert s["texts"] == 12 and s["errors"] == 0
            assert 0.0 <= s["value_recall"] <= 1.0
            assert s["latency_samples"] == len({e.text for e in load(name, shared_data)[:12]})
            assert s["latency_ms_p95"] >= s["latency_ms_median"] > 0
    synth = results["datasets"]["synth"]["systems"]["presidio"]
    assert synth["label_unit"] == "span" and "PERSON" in synth["per_label"]
    asq = results["datasets"]["asq"]["systems"]["presidio"]
    assert asq["label_unit"] == "value" and "NAME" in asq["per_label"]


def test_org_variant_never_finds_less(results):
    for ds in results["datasets"].values():
        base, org = ds["systems"]["presidio"], ds["systems"]["presidio+org"]
        assert org["values_protected"] >= base["values_protected"]


def test_report_renders_every_table(results):
    md = render(results, command="doppel eval --limit 12", unavailable={"doppel-thorough": "not yet"})
    assert md.startswith("# Evaluation\n")
    assert "`doppel eval --limit 12`" in md
    assert "Not run: doppel-thorough: not yet" in md
    assert "## asq:" in md and "## synth:" in md
    assert md.count("| system | value recall |") == 2
    assert "| US_SSN |" in md or "| PERSON |" in md
    assert "## What this means" in md
    assert targets(results) == []  # no Doppel system in this run, so no target is checked
