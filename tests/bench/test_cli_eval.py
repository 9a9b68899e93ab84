"""Smoke runs of the real console script: `doppel eval --limit 20` and `doppel bench`."""
import json
import subprocess
import sys
from pathlib import Path

DOPPEL = str(Path(sys.executable).parent / "doppel")


def run(*args, timeout=300):  # generous: the machine is shared, a busy minute triples times
    return subprocess.run([DOPPEL, *args], capture_output=True, text=True, timeout=timeout)


def test_eval_limit_20(tmp_path, shared_data):
    out, js = tmp_path / "evaluation.md", tmp_path / "eval.json"
    # "nosuchmode" stands for a mode that cannot run here: reported, never a crash. (thorough
    # runs an LLM per text, too slow for a smoke test.)
    r = run("eval", "--limit", "20", "--mode", "fast,nosuchmode", "--data", str(shared_data),
            "--out", str(out), "--json", str(js))
    assert r.returncode == 0, r.stderr[-2000:]
    results = json.loads(js.read_text())
    assert set(results["datasets"]) == {"pupa", "synth", "asq", "spia", "privacyannotation"}
    for name, ds in results["datasets"].items():
        assert ds["texts"] == 20
        assert set(ds["systems"]) >= {"doppel-fast", "presidio", "presidio+org"}
        fast = ds["systems"]["doppel-fast"]
        assert fast["errors"] == 0 and fast["latency_samples"] >= 1
        assert set(ds["only_protected_by"]) == {"doppel-fast not presidio", "doppel-fast not presidio+org",
                                                "presidio not doppel-fast", "presidio+org not doppel-fast"}
        rt = ds["roundtrip"]["doppel-fast"]
        assert rt["texts"] == 20 and rt["ok"] + rt["failures"] + sum(rt["errors"].values()) == 20
    assert "doppel-nosuchmode" not in results["meta"]["systems"]
    assert "nosuchmode" in results["unavailable"]["doppel-nosuchmode"]
    md = out.read_text()
    assert "`doppel eval --mode fast,nosuchmode --datasets pupa,synth,asq,spia,privacyannotation --limit 20" in md
    assert "Not run: doppel-nosuchmode" in md
    assert md.count("| system | value recall |") == 5
    assert "doppel-fast" in r.stdout and "value recall" in r.stdout
    # the precision stage, off against on (bench/precision_eval.py)
    assert set(results["precision"]["settings"]) == {"stage off", "stage on"}
    assert results["precision"]["settings"]["stage on"]["pupa_texts"] == 20
    assert "## precision stage" in md and "precision stage" in r.stdout


def test_bench_json(tmp_path, shared_data):
    r = run("bench", "--json", "--prompts", "3", "--data", str(shared_data))
    assert r.returncode == 0, r.stderr[-2000:]
    res = json.loads(r.stdout)
    lat = res["latency"]
    assert set(lat["sizes"]) == {"20", "200", "2000"}
    for row in lat["sizes"].values():
        assert row["doppel"]["samples"] == 3 == row["presidio"]["samples"]
        assert row["doppel"]["p95_ms"] >= row["doppel"]["median_ms"] > 0
        assert row["presidio_over_doppel_median"] > 0
        assert row["doppel_layers_median_ms"]["total"] > 0  # the Detector's own per-layer timings
    assert lat["peak_rss_mb_with_presidio"] >= lat["peak_rss_mb_doppel_only"] > 50


def test_bench_table(shared_data):
    r = run("bench", "--prompts", "1", "--data", str(shared_data))
    assert r.returncode == 0, r.stderr[-2000:]
    assert "2000 words" in r.stdout and "peak RSS" in r.stdout and "Presidio" in r.stdout
