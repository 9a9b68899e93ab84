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
    _only_the_attributes_read(nlp, config)
    numpy_blas = NumpyOps(use_blis=False)
    for name in nlp.pipe_names:
        model = getattr(nlp.get_pipe(name), "model", None)
        for node in (model.walk() if model is not None else ()):
            node.ops = numpy_blas
    del spacy
    return nlp


def _only_the_attributes_read(nlp, config) -> None:
    """Every word the pipeline has not seen gets a lexeme, and spaCy computes ~20 attributes for
    it (is_stop, like_url, like_num...); the model reads only those its embedding hashes, and
    the NER transitions read IS_SPACE. The rest cost ~1.5 ms per 200 new words (median 19.9 ->
    18.4 ms, the same entities on 600 prompts): they are not computed. A config that does not
    name its attributes keeps them all."""
    from spacy import attrs

    try:
        names = config["components"]["ner"]["model"]["tok2vec"]["embed"]["attrs"]
    except KeyError:
        return
    keep = {attrs.IDS[name] for name in names} | {attrs.IS_SPACE}
    getters = nlp.vocab.lex_attr_getters
    for attr in [a for a in getters if a not in keep]:
        del getters[attr]


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
