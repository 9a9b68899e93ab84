"""The tuning pipeline end to end at toy scale, so it cannot rot: build data from the seeds,
LoRA-train 2 steps on the real Gemma weights (loaded from the GGUF), export the GGUF adapter,
and load it into the LLM layer with llama.cpp.

Training runs in .venv-train (torch/transformers/peft stay out of .venv): models/train/setup.sh
creates it when missing (a few minutes, torch from local disk).
"""
import json
import os
import subprocess
from pathlib import Path

import pytest

from detector.llm import LLMLayer
from models.train.build_data import build

ROOT = Path(__file__).resolve().parents[2]
TRAIN_PY = ROOT / ".venv-train" / "bin" / "python"


@pytest.fixture(scope="module")
def train_venv():
    r = subprocess.run(["bash", str(ROOT / "models/train/setup.sh")], capture_output=True, text=True, timeout=1500)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    return TRAIN_PY


def test_data_builder_uses_only_seeds_and_labels_phrases_that_occur():
    rows = build(120, seed=3)
    assert len(rows) >= 100
    sources = {r["source"] for r in rows}
    assert sources == {"templates", "anonymizer", "privacylens", "negatives", "injection"}
    for r in rows:
        for label, phrase in r["items"]:
            assert phrase.lower() in r["text"].lower(), (label, phrase)
    assert any(not r["items"] for r in rows), "negatives answer NONE"
    assert {"HEALTH", "FINANCE", "PERSON", "ORG"} <= {lab for r in rows for lab, _ in r["items"]}
    assert build(120, seed=3) == rows, "deterministic for a seed"


@pytest.fixture(scope="module")
def toy_run(tmp_path_factory, train_venv):
    """2 steps on 8 examples: (adapter folder, data file)."""
    tmp_path = tmp_path_factory.mktemp("toy")
    data = tmp_path / "data.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in build(40, seed=5)))
    out = tmp_path / "adapter"
    env = {**os.environ, "TRAIN_THREADS": "2"}
    r = subprocess.run([str(train_venv), "-m", "models.train.train_lora", "--data", str(data), "--out", str(out),
                        "--limit", "8", "--max-steps", "2", "--max-len", "192", "--save-every", "0"],
                       capture_output=True, text=True, timeout=2300, cwd=ROOT, env=env)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return out, data


@pytest.mark.slow
@pytest.mark.timeout(2400)
def test_toy_training_exports_an_adapter_llama_cpp_loads(toy_run):
    out, _ = toy_run
    summary = json.loads((out / "train_log.json").read_text())["summary"]
    assert summary["steps"] == 2 and summary["examples"] == 8
    adapter = out / "adapter.gguf"
    assert adapter.read_bytes()[:4] == b"GGUF"
    assert 1_000_000 < adapter.stat().st_size < 20_000_000  # r=8 on all linear layers: a few MB
    layer = LLMLayer(adapter=adapter, timeout=120)
    assert layer.choice.lora_path == adapter and layer.choice.prompt == "tuned"
    ann = layer.annotate("I was diagnosed with asthma in Lisbon.")
    assert not ann.timed_out and len(ann.outputs) == 1


@pytest.mark.slow
@pytest.mark.timeout(2400)
def test_resume_goes_on_from_a_stopped_run(toy_run, train_venv):
    """A run stopped at step 1 of 2 (its log says so) resumes there: one more step, the log kept."""
    out, data = toy_run
    log_file = out / "train_log.json"
    logged = json.loads(log_file.read_text())
    logged["summary"]["steps"] = 1
    log_file.write_text(json.dumps(logged))
    r = subprocess.run([str(train_venv), "-m", "models.train.train_lora", "--data", str(data), "--out", str(out),
                        "--limit", "8", "--max-steps", "2", "--max-len", "192", "--save-every", "0", "--resume"],
                       capture_output=True, text=True, timeout=2300, cwd=ROOT,
                       env={**os.environ, "TRAIN_THREADS": "2"})
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "resuming at step 1/2" in r.stdout
    resumed = json.loads(log_file.read_text())
    assert resumed["summary"]["steps"] == 2 and resumed["summary"]["resumed_at"] == 1
    assert [s["step"] for s in resumed["steps"]] == [1, 2]
    assert resumed["steps"][0] == logged["steps"][0]  # the stopped run's step kept as it was
    # A log planned for other flags is refused, not silently mixed.
    r = subprocess.run([str(train_venv), "-m", "models.train.train_lora", "--data", str(data), "--out", str(out),
                        "--limit", "8", "--max-steps", "3", "--max-len", "192", "--save-every", "0", "--resume"],
                       capture_output=True, text=True, timeout=2300, cwd=ROOT)
    assert r.returncode != 0 and "resume with the same data and flags" in r.stderr
