"""Train the transformer backbone: MiniLM-L6 (cut to its first N layers) + a token-classification
head over BIO labels, on CPU, then export int8 ONNX.

Runs in the training venv (.venv-train: torch, transformers, tokenizers, onnx, onnxruntime):
    OMP_NUM_THREADS=1 nice -n 10 .venv-train/bin/python -m models.tagger.train_minilm \
        --data build/tagger/data.jsonl --out build/tagger/minilm --layers 3 --epochs 1
Writes OUT/model.int8.onnx, OUT/tokenizer.json, OUT/tagger.json (labels, layers, max tokens)
and OUT/train_log.json.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from detector.tagger.decode import bio_labels, spans_from_words, token_windows, words_of  # noqa: E402
from models.tagger.labels import LABELS  # noqa: E402

MAX_TOKENS = 128  # per window, [CLS] and [SEP] included
STRIDE = 96


def load_tokenizer(path: Path):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    tok.no_truncation()
    tok.no_padding()
    return tok


def token_tags(offsets, spans, tag_id) -> list[int]:
    """BIO id per token: a token inside a span is B on the span's first token, I after."""
    tags, previous = [], None
    for start, end in offsets:
        hit = next((s for s in spans if s[0] < end and start < s[1] and end > start), None)
        if hit is None:
            tags.append(0)
        else:
            tags.append(tag_id[("I" if previous is hit else "B") + "-" + hit[2]])
        previous = hit
    return tags


def encode(rows: list[dict], tok) -> list[tuple[list[int], list[int]]]:
    tag_id = {t: i for i, t in enumerate(bio_labels(LABELS))}
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    out = []
    for row in rows:
        enc = tok.encode(row["text"], add_special_tokens=False)
        tags = token_tags(enc.offsets, [tuple(s) for s in row["spans"]], tag_id)
        for a, b, _ in token_windows(len(enc.ids), MAX_TOKENS - 2, STRIDE):
            out.append(([cls] + enc.ids[a:b] + [sep], [-100] + tags[a:b] + [-100]))
    return out


def build_model(source: Path, layers: int):
    from transformers import BertConfig, BertForTokenClassification

    names = bio_labels(LABELS)
    config = BertConfig.from_pretrained(str(source), num_hidden_layers=layers, num_labels=len(names),
                                        id2label=dict(enumerate(names)), label2id={n: i for i, n in enumerate(names)})
    # The encoder's first `layers` layers keep their weights; the rest are not loaded.
    return BertForTokenClassification.from_pretrained(str(source), config=config)


def predict_spans(model, tok, text: str):
    """Spans the trained (torch) model finds in `text`, decoded as the runtime decodes them."""
    import torch

    enc = tok.encode(text, add_special_tokens=False)
    names = bio_labels(LABELS)
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    best = [0] * len(enc.ids)
    for a, b, keep in token_windows(len(enc.ids), MAX_TOKENS - 2, STRIDE):
        ids = torch.tensor([[cls] + enc.ids[a:b] + [sep]])
        with torch.no_grad():
            logits = model(input_ids=ids, attention_mask=torch.ones_like(ids)).logits[0, 1:-1]
        for i, label in enumerate(logits.argmax(-1).tolist()):
            if a + i >= keep:
                best[a + i] = label
    words = words_of(enc.word_ids, enc.offsets)
    tags = [names[best[t]] for t, _, _ in words]
    return [(s, e, lab) for s, e, lab, _ in spans_from_words(tags, [(s, e) for _, s, e in words])]


def export_onnx(model, out: Path) -> dict:
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model.eval()
    fp32 = out / "model.fp32.onnx"
    ids = torch.ones((1, 16), dtype=torch.long)
    torch.onnx.export(model, (ids, torch.ones_like(ids)), str(fp32), input_names=["input_ids", "attention_mask"],
                      output_names=["logits"], opset_version=17, dynamo=False,
                      dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                                    "logits": {0: "batch", 1: "tokens"}})
    int8 = out / "model.int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    return {"fp32_bytes": fp32.stat().st_size, "int8_bytes": int8.stat().st_size}


def main(argv: list[str] | None = None) -> dict:
    import torch

    from models.tagger.build_data import read
    from models.tagger.minilm_source import fetch

    ap = argparse.ArgumentParser(description="Train the MiniLM backbone of the tagger and export int8 ONNX")
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--source", type=Path, default=ROOT / "build" / "tagger" / "minilm-source")
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--limit", type=int, default=0, help="only the first N training rows (toy runs)")
    ap.add_argument("--max-steps", type=int, default=0)
    ap.add_argument("--threads", type=int, default=int(os.environ.get("TRAIN_THREADS", "1")))
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    source = fetch(args.source)
    tok = load_tokenizer(source / "tokenizer.json")
    train_rows, dev_rows = read(args.data, "train"), read(args.data, "dev")
    if args.limit:
        train_rows, dev_rows = train_rows[:args.limit], dev_rows[:max(4, args.limit // 10)]
    examples = encode(train_rows, tok)
    model = build_model(source, args.layers)
    model.train()
    steps_per_epoch = math.ceil(len(examples) / args.batch_size)
    total = args.max_steps or max(1, int(steps_per_epoch * args.epochs))
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    warmup = max(1, total // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))))
    args.out.mkdir(parents=True, exist_ok=True)
    log, began, step = [], time.time(), 0
    while step < total:
        # Batches of similar lengths (little padding), in random order.
        order = sorted(range(len(examples)), key=lambda i: len(examples[i][0]) + rng.random() * 8)
        batches = [order[i:i + args.batch_size] for i in range(0, len(order), args.batch_size)]
        rng.shuffle(batches)
        for batch in batches:
            if step >= total:
                break
            width = max(len(examples[i][0]) for i in batch)
            ids = torch.tensor([examples[i][0] + [0] * (width - len(examples[i][0])) for i in batch])
            labels = torch.tensor([examples[i][1] + [-100] * (width - len(examples[i][1])) for i in batch])
            loss = model(input_ids=ids, attention_mask=(ids != 0).long(), labels=labels).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            step += 1
            log.append({"step": step, "loss": round(loss.item(), 4), "s": round(time.time() - began, 1)})
            if step % 50 == 0 or step == total:
                print(f"step {step}/{total} loss {sum(x['loss'] for x in log[-50:]) / len(log[-50:]):.4f} "
                      f"{time.time() - began:.0f}s", flush=True)
    model.eval()
    dev = score(dev_rows, lambda text: predict_spans(model, tok, text))
    sizes = export_onnx(model, args.out)
    (args.out / "tokenizer.json").write_bytes((source / "tokenizer.json").read_bytes())
    meta = {"backbone": f"minilm-l6-first{args.layers}", "labels": list(LABELS), "scheme": "BIO",
            "max_tokens": MAX_TOKENS, "stride": STRIDE, "layers": args.layers}
    (args.out / "tagger.json").write_text(json.dumps(meta, indent=2))
    summary = {**meta, "steps": step, "examples": len(examples), "rows": len(train_rows), "epochs": args.epochs,
               "batch_size": args.batch_size, "lr": args.lr, "threads": args.threads,
               "seconds": round(time.time() - began, 1), "dev": dev, **sizes}
    (args.out / "train_log.json").write_text(json.dumps({"summary": summary, "steps": log}, indent=1))
    print(json.dumps(summary), flush=True)
    return summary


def score(rows: list[dict], find) -> dict:
    """Exact-span precision/recall/F1 over rows (label and both offsets must match)."""
    tp = fp = fn = 0
    for row in rows:
        gold = {tuple(s) for s in row["spans"]}
        pred = set(find(row["text"]))
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"rows": len(rows), "precision": round(p, 4), "recall": round(r, 4),
            "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0}


if __name__ == "__main__":
    main()
