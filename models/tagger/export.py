"""Pack a trained tagger into the one file the runtime loads (detector/tagger/*_runtime.py).

    .venv/bin/python -m models.tagger.export spacy build/tagger/spacy/model-best models/tagger/doppel-tagger-v2.spacy.tar
    .venv-train/bin/python -m models.tagger.export onnx build/tagger/minilm models/tagger/minilm.onnx.tar

The tar is written with fixed dates, owners and order, so the same weights give the same
sha256 (the catalog's).
"""
from __future__ import annotations

import io
import sys
import tarfile
from pathlib import Path

from models.catalog import sha256_file


def _write(out: Path, members: list[tuple[str, bytes]]) -> str:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    with tarfile.open(tmp, "w:", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            tar.addfile(info, io.BytesIO(data))
    tmp.replace(out)
    return sha256_file(out)


def pack_spacy(model_dir: Path, out: Path) -> str:
    import spacy

    from detector.tagger.spacy_runtime import CONFIG, WEIGHTS

    nlp = spacy.load(model_dir)
    return _write(out, [(CONFIG, nlp.config.to_str().encode("utf-8")), (WEIGHTS, nlp.to_bytes())])


def pack_onnx(train_dir: Path, out: Path) -> str:
    from detector.tagger.onnx_runtime import META, MODEL, TOKENIZER

    return _write(out, [(MODEL, (train_dir / "model.int8.onnx").read_bytes()),
                        (TOKENIZER, (train_dir / "tokenizer.json").read_bytes()),
                        (META, (train_dir / "tagger.json").read_bytes())])


def main(argv: list[str] | None = None) -> str:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 3 or args[0] not in ("spacy", "onnx"):
        raise SystemExit("usage: python -m models.tagger.export spacy|onnx SOURCE_DIR OUT_FILE")
    pack = pack_spacy if args[0] == "spacy" else pack_onnx
    digest = pack(Path(args[1]), Path(args[2]))
    print(f"{args[2]} sha256 {digest}")
    return digest


if __name__ == "__main__":
    main()
