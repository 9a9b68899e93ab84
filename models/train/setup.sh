#!/usr/bin/env bash
# Creates the training venv (.venv-train): torch + transformers + peft + gguf, and onnx +
# onnxruntime for the tagger's MiniLM export (models/tagger/train_minilm.py).
# Kept apart from .venv on purpose: transformers pulls h11/httpx versions that break
# mitmproxy 11.0.2's pins (docs/architecture.md#dependencies). Idempotent: skipped when the
# imports already work.
# Usage: bash models/train/setup.sh [VENV]   (default .venv-train)
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV="${1:-.venv-train}"
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import torch, transformers, peft, gguf, numpy, platformdirs, rapidfuzz, onnx, onnxruntime" 2>/dev/null; then
  echo ">> $VENV ready (torch $("$VENV/bin/python" -c 'import torch; print(torch.__version__)'))"
  exit 0
fi
echo ">> setting up $VENV for LoRA tuning and the tagger (torch CPU, transformers, peft, gguf, onnx; a few minutes)"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
echo "*" > "$VENV/.gitignore"  # keep the venv out of git without touching the shared .gitignore
"$VENV/bin/pip" install -q --upgrade pip
# torch 2.13.0 CPU lies on local disk (/opt/wheels via pip's find-links); the rest from PyPI.
"$VENV/bin/pip" install --progress-bar on \
  "torch==2.13.0" "transformers==5.23.0" "peft==0.21.2" "gguf==0.19.0" \
  "accelerate==1.16.0" "sentencepiece==0.2.3" "protobuf==7.36.2" "numpy==2.4.6" \
  "rapidfuzz==3.14.6" "platformdirs==4.14.9" "onnx==1.23.2" "onnxruntime==1.31.1"
"$VENV/bin/python" -c "import torch, transformers, peft, gguf; print('>> training venv ok: torch', torch.__version__, 'transformers', transformers.__version__, 'peft', peft.__version__)"
