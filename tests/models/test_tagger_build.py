"""The tagger's rebuild path end to end at toy scale, so it cannot rot: training data from
shared/data/train + templates, `spacy train`, the packed file, loaded by the layer. The MiniLM
path (training venv, int8 ONNX) runs too, marked slow."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.datasets import LOADERS, load
from detector.tagger.layer import TaggerLayer
from models.tagger.build_data import build, stats
from models.tagger.labels import LABELS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def rows():
    return build(400, seed=3, corpora_limit=80)


def test_rows_have_exact_non_overlapping_spans_with_known_labels(rows):
    assert len(rows) > 500
    for row in rows:
        previous_end = 0
        for start, end, label in row["spans"]:
            assert label in LABELS
            assert previous_end <= start < end <= len(row["text"])
            assert row["text"][start:end].strip(), row
            previous_end = end
    counts = stats(rows)
    assert {"wnut17", "btc", "slurp", "spia380", "synthetic-ids", "synthetic-contextual", "joined"} <= set(counts["sources"])
    assert {"PERSON", "AGE", "ID_NUMBER", "HEALTH", "EMAIL"} <= set(counts["labels_train"])
    assert {"train", "dev"} == set(counts["rows"])


def test_the_build_is_deterministic_for_a_seed(rows):
    assert build(400, seed=3, corpora_limit=80) == rows


def test_the_build_does_not_depend_on_pythons_hash_seed(tmp_path):
    """Faker's it_IT cities came from a set: another process built other rows from one seed."""
    outs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"rows-{hash_seed}.jsonl"
        r = subprocess.run([sys.executable, "-m", "models.tagger.build_data", "--out", str(out), "--seed", "3",
                            "--synthetic", "400", "--corpora-limit", "40"], capture_output=True, text=True,
                           timeout=300, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": hash_seed})
        assert r.returncode == 0, r.stderr[-2000:]
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_no_evaluation_text_is_in_the_training_data(rows, shared_data):
    built = {r["text"] for r in build(400, seed=4)}  # every corpus row, not a sample
    for name in LOADERS:
        clash = [ex.id for ex in load(name, shared_data) if ex.text.strip() in built]
        assert clash == [], name


def test_the_spacy_rebuild_path_runs_at_toy_scale(tmp_path):
    out = tmp_path / "toy.spacy.tar"
    r = subprocess.run([sys.executable, "-m", "models.tagger.build", "--backbone", "spacy", "--toy",
                        "--out", str(out), "--work", str(tmp_path / "work")],
                       capture_output=True, text=True, timeout=900, cwd=ROOT,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    summary = json.loads(r.stdout[r.stdout.index("{"):])
    assert summary["toy"] and len(summary["sha256"]) == 64
    layer = TaggerLayer(out)
    text = "my name is Odile and my passport number is X1234567"
    for span in layer.find(text):  # a toy model finds little; what it finds must line up
        assert text[span.start:span.end] == span.text


@pytest.mark.slow
@pytest.mark.timeout(2400)
def test_the_minilm_rebuild_path_runs_at_toy_scale(tmp_path):
    train_py = ROOT / ".venv-train" / "bin" / "python"
    setup = subprocess.run(["bash", str(ROOT / "models/train/setup.sh")], capture_output=True, text=True, timeout=1500)
    assert setup.returncode == 0, setup.stdout[-2000:] + setup.stderr[-2000:]
    out = tmp_path / "toy.onnx.tar"
    r = subprocess.run([sys.executable, "-m", "models.tagger.build", "--backbone", "minilm", "--toy",
                        "--out", str(out), "--work", str(tmp_path / "work")],
                       capture_output=True, text=True, timeout=2300, cwd=ROOT,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    assert 5_000_000 < out.stat().st_size < 100_000_000
    probe = ("from detector.tagger.layer import TaggerLayer; import sys; t='write to odile at proton dot me';"
             "s=TaggerLayer(sys.argv[1]).find(t); assert all(t[x.start:x.end]==x.text for x in s); print('ok')")
    r = subprocess.run([str(train_py), "-c", probe, str(out)], capture_output=True, text=True, timeout=300,
                       cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr[-2000:]
