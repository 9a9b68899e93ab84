"""Runs a tagger trained as a spaCy pipeline (tok2vec + NER), packed as one file.

The file is a plain tar with two members: CONFIG (the pipeline's config.cfg) and WEIGHTS
(`nlp.to_bytes()`: vocab, tokenizer, NER weights). It is read into memory; nothing is unpacked
to disk. As in the NER layer, matrix products go to numpy's OpenBLAS held to one thread
(detector/ner/layer.py says why), and spaCy runs under a lock.
"""
from __future__ import annotations

import tarfile
import threading
from pathlib import Path

from detector.ner.layer import BATCH_CHARS, CHUNK_CHARS, _batches, chunks

CONFIG = "config.cfg"
WEIGHTS = "weights.bin"


def load_packed(path: Path):
    import spacy
    from spacy.util import load_model_from_config
    from thinc.api import Config, NumpyOps

    with tarfile.open(path, "r:") as tar:
        config = Config().from_str(tar.extractfile(CONFIG).read().decode("utf-8"))
        weights = tar.extractfile(WEIGHTS).read()
    nlp = load_model_from_config(config, auto_fill=True, validate=True)
    nlp.from_bytes(weights)
    numpy_blas = NumpyOps(use_blis=False)
    for name in nlp.pipe_names:
        model = getattr(nlp.get_pipe(name), "model", None)
        for node in (model.walk() if model is not None else ()):
            node.ops = numpy_blas
    del spacy
    return nlp


class SpacyRuntime:
    """(start, end, label, score) from a packed spaCy pipeline; thread-safe."""

    def __init__(self, path: Path):
        from threadpoolctl import ThreadpoolController

        self.nlp = load_packed(path)
        self.ner = self.nlp.get_pipe("ner")
        self.labels = tuple(self.ner.labels)
        self._blas = ThreadpoolController()
        self._lock = threading.Lock()

    def find(self, text: str) -> list[tuple[int, int, str, float]]:
        pieces = list(chunks(text, CHUNK_CHARS))
        out: list[tuple[int, int, str, float]] = []
        with self._lock, self._blas.limit(limits=1, user_api="blas"):
            for batch in _batches(pieces, BATCH_CHARS):
                docs = [self.nlp.make_doc(piece) for _, piece in batch]
                self.ner.set_annotations(docs, self.ner.predict(docs))
                for (offset, _), doc in zip(batch, docs):
                    out.extend((offset + e.start_char, offset + e.end_char, e.label_, 0.75) for e in doc.ents)
        return out
