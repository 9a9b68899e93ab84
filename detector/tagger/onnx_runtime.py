"""Runs a tagger exported as int8 ONNX (a BERT-style encoder + token-classification head).

The file is a plain tar with the members MODEL (model.int8.onnx), TOKENIZER (tokenizer.json,
the `tokenizers` library's format) and META (labels, window size). Needs the optional
packages onnxruntime and tokenizers. Texts longer than one window are read in overlapping
windows; each token takes its label from the window where it sits farthest from an edge.
"""
from __future__ import annotations

import json
import tarfile
import threading
from pathlib import Path

from detector.tagger.decode import bio_labels, spans_from_words, token_windows, words_of

MODEL = "model.int8.onnx"
TOKENIZER = "tokenizer.json"
META = "tagger.json"
BATCH_WINDOWS = 8


class OnnxRuntime:
    def __init__(self, path: Path, threads: int = 1):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        with tarfile.open(path, "r:") as tar:
            model = tar.extractfile(MODEL).read()
            tokenizer = tar.extractfile(TOKENIZER).read().decode("utf-8")
            meta = json.loads(tar.extractfile(META).read())
        self.labels = tuple(meta["labels"])
        self.tags = bio_labels(self.labels)
        self.size, self.stride = meta["max_tokens"] - 2, meta["stride"]
        self.tok = Tokenizer.from_str(tokenizer)
        self.tok.no_truncation()
        self.tok.no_padding()
        self.cls, self.sep = self.tok.token_to_id("[CLS]"), self.tok.token_to_id("[SEP]")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        self._lock = threading.Lock()

    def find(self, text: str) -> list[tuple[int, int, str, float]]:
        import numpy as np

        enc = self.tok.encode(text, add_special_tokens=False)
        n = len(enc.ids)
        if n == 0:
            return []
        best = np.zeros(n, dtype=np.int64)
        prob = np.ones(n, dtype=np.float32)
        wins = token_windows(n, self.size, self.stride)
        for i in range(0, len(wins), BATCH_WINDOWS):
            group = wins[i:i + BATCH_WINDOWS]
            width = max(e - s for s, e, _ in group) + 2
            ids = np.zeros((len(group), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, (s, e, _) in enumerate(group):
                ids[row, :e - s + 2] = [self.cls, *enc.ids[s:e], self.sep]
                mask[row, :e - s + 2] = 1
            with self._lock:
                logits = self.session.run(["logits"], {"input_ids": ids, "attention_mask": mask})[0]
            exp = np.exp(logits - logits.max(-1, keepdims=True))
            p = exp / exp.sum(-1, keepdims=True)
            for row, (s, e, keep) in enumerate(group):
                sl = slice(max(s, keep), e)
                local = slice(sl.start - s + 1, e - s + 1)
                best[sl] = p[row, local].argmax(-1)
                prob[sl] = p[row, local].max(-1)
        words = words_of(enc.word_ids, enc.offsets)
        tags = [self.tags[best[t]] for t, _, _ in words]
        return list(spans_from_words(tags, [(s, e) for _, s, e in words], [float(prob[t]) for t, _, _ in words]))
