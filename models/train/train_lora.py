"""LoRA-tune the LLM layer's model for the "LABEL phrase" annotation format, on CPU, and
export a llama.cpp GGUF LoRA adapter that LLMLayer loads (`lora_path`).

Runs in the training venv (models/train/setup.sh -> .venv-train; torch/transformers/peft must
not enter .venv, docs/architecture.md#detection):
    nice -n 19 .venv-train/bin/python -m models.train.train_lora \
        --data build/train/data.jsonl --out models/adapters/gemma3-270m-privacy-v1
Toy scale (the test suite): --limit 8 --max-steps 2.

What it does (facts measured in docs/architecture.md#detection):
- transformers loads the same Gemma weights from the GGUF (`gguf_file=`, dequantized to fp32);
  the GGUF-quantizer marker is cleared since the weights are plain fp32 by then;
- LoRA r=8 on every linear layer of every block; the loss covers only the answer tokens and
  the 262k-row output layer runs only at those positions (the big saving on CPU);
- bf16 autocast where the CPU has native bf16 (else fp32), batches of similar lengths;
- export: general.type=adapter, adapter.type=lora, adapter.lora.alpha, tensors
  blk.N.<llama.cpp name>.weight.lora_{a,b} (peft's A and B unchanged, f16).
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

from detector.llm import prompt as prompts  # noqa: E402  (the exact prompt the layer uses)

LLAMA_CPP_NAMES = {
    "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
}
TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


def default_gguf() -> Path:
    # The packaged weights the default model is built from (the layer runs a re-encoding of
    # them, models/derive.py; transformers dequantizes either way). models/catalog.py decides
    # where the file lives.
    from models.catalog import load_catalog, model_file
    cat = load_catalog()
    return model_file(cat.model(cat.lineage(cat.default)[-1]))


def load_tokenizer(gguf: Path):
    from transformers import AutoTokenizer
    return AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)


def load_model(gguf: Path):
    import torch
    from transformers import AutoModelForCausalLM
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name,
                                                 dtype=torch.float32)
    # The weights are plain fp32 after dequantization; without this, peft/save refuse to work.
    model.hf_quantizer = None
    model.is_quantized = False
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    return model


def encode(tok, rows: list[dict], max_len: int) -> list[tuple[list[int], int]]:
    """(token ids, index of the first answer token); rows too long are skipped."""
    prefix = prompts.prefix("tuned")
    out = []
    for r in rows:
        # Prefix and message tokenized apart, exactly as detector/llm/runtime.py does.
        p = (tok(prefix, add_special_tokens=False)["input_ids"]
             + tok(prompts.suffix(r["text"]), add_special_tokens=False)["input_ids"])
        a = tok(prompts.answer_block([tuple(i) for i in r["items"]]), add_special_tokens=False)["input_ids"]
        ids = [tok.bos_token_id] + p + a
        if len(ids) <= max_len:
            out.append((ids, 1 + len(p)))
    return out


def batches(examples, batch_size: int, rng: random.Random):
    order = sorted(range(len(examples)), key=lambda i: len(examples[i][0]) + rng.random())
    chunks = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(chunks)
    return chunks


def answer_loss(model, input_ids, attention_mask, labels):
    """Cross-entropy over answer tokens only, computing logits only where they are needed."""
    import torch
    inner = model.get_base_model()  # Gemma3ForCausalLM (LoRA layers inside)
    hidden = inner.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    shift_hidden = hidden[:, :-1]
    shift_labels = labels[:, 1:]
    mask = shift_labels != -100
    logits = inner.lm_head(shift_hidden[mask]).float()
    cap = getattr(inner.config, "final_logit_softcapping", None)
    if cap:
        logits = torch.tanh(logits / cap) * cap
    return torch.nn.functional.cross_entropy(logits, shift_labels[mask])


def export_gguf(model, out: Path, alpha: float, rank: int) -> None:
    import gguf
    import numpy as np
    writer = gguf.GGUFWriter(str(out), arch="gemma3")
    writer.add_string("general.type", "adapter")
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", float(alpha))
    writer.add_string("general.name", out.parent.name)
    n = 0
    for base, module in lora_modules(model):
        a = module.lora_A["default"].weight.detach().float().cpu().numpy().astype(np.float16)
        b = module.lora_B["default"].weight.detach().float().cpu().numpy().astype(np.float16)
        writer.add_tensor(base + ".lora_a", a)
        writer.add_tensor(base + ".lora_b", b)
        n += 1
    if n == 0:
        raise RuntimeError("no LoRA modules found to export")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description="LoRA-tune the LLM layer's model and export a GGUF adapter")
    ap.add_argument("--data", type=Path, required=True, help="jsonl from models.train.build_data")
    ap.add_argument("--out", type=Path, required=True, help="adapter folder (adapter.gguf is written there)")
    ap.add_argument("--gguf", type=Path, default=None, help="base model GGUF (default: the catalog's)")
    ap.add_argument("--epochs", type=float, default=2.0)
    ap.add_argument("--batch-size", type=int, default=4)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--rank", type=int, default=8)
    ap.add_argument("--alpha", type=float, default=16.0)
    ap.add_argument("--max-len", type=int, default=256)
    ap.add_argument("--limit", type=int, default=0, help="use only the first N training rows")
    ap.add_argument("--max-steps", type=int, default=0)
    ap.add_argument("--threads", type=int, default=int(os.environ.get("TRAIN_THREADS", "2")))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--bf16", action=argparse.BooleanOptionalAction, default=None,
                    help="bf16 autocast (default: only when the CPU supports bf16 natively)")
    ap.add_argument("--save-every", type=int, default=50,
                    help="export the adapter every N steps too (a run cut short still leaves one)")
    ap.add_argument("--resume", action="store_true",
                    help="go on from the adapter and train_log.json in --out (same data and flags): "
                         "LoRA weights, batch order and learning rate resume; AdamW's moments start afresh")
    args = ap.parse_args(argv)

    import torch
    from peft import LoraConfig, get_peft_model
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = random.Random(args.seed)
    t0 = time.time()
    gguf_path = args.gguf or default_gguf()
    tok = load_tokenizer(gguf_path)
    rows = [json.loads(ln) for ln in args.data.read_text().splitlines() if ln.strip()]
    train_rows = [r for r in rows if r.get("split", "train") == "train"]
    if args.limit:
        train_rows = train_rows[:args.limit]
    examples = encode(tok, train_rows, args.max_len)
    steps_per_epoch = math.ceil(len(examples) / args.batch_size)
    total = args.max_steps or max(1, int(steps_per_epoch * args.epochs))
    if args.resume:
        check_resumable(args.out, total)  # before the minutes-long model load
    model = get_peft_model(load_model(gguf_path), LoraConfig(
        r=args.rank, lora_alpha=args.alpha, lora_dropout=0.05, target_modules=TARGETS, task_type="CAUSAL_LM"))
    load_s = time.time() - t0
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.0)
    warmup = max(1, total // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * max(0.05, 1 - s / total))
    log, start = [], 0
    if args.resume:
        log, start = resume_state(model, args.out, total)
        args.resumed_at = start
        for _ in range(start):
            sched.step()  # the learning rate where the stopped run left it
        print(f"resuming at step {start}/{total} (AdamW moments start afresh)", flush=True)
    pad = tok.pad_token_id if tok.pad_token_id is not None else 0
    # bf16 autocast only where the CPU does bf16 natively: on AVX2-only CPUs (this machine)
    # it is emulated and measured 18x slower than fp32 for a 640x2048 linear layer.
    cap = torch.backends.cpu.get_cpu_capability()
    use_bf16 = args.bf16 if args.bf16 is not None else cap in ("AVX512_BF16", "AMX_BF16", "AMX")
    args.bf16 = use_bf16
    print(f"cpu capability {cap}: {'bf16 autocast' if use_bf16 else 'fp32'}", flush=True)
    model.train()
    step, t_train = 0, time.time() - (log[-1]["s"] if log else 0.0)
    while step < total:
        for chunk in batches(examples, args.batch_size, rng):
            if step >= total:
                break
            if step < start:  # resuming: draw the same batches the stopped run trained on
                step += 1
                continue
            seqs = [examples[i] for i in chunk]
            width = max(len(ids) for ids, _ in seqs)
            input_ids = torch.full((len(seqs), width), pad, dtype=torch.long)
            attn = torch.zeros((len(seqs), width), dtype=torch.long)
            labels = torch.full((len(seqs), width), -100, dtype=torch.long)
            for j, (ids, ans) in enumerate(seqs):
                input_ids[j, :len(ids)] = torch.tensor(ids)
                attn[j, :len(ids)] = 1
                labels[j, ans:len(ids)] = torch.tensor(ids[ans:])
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=use_bf16):
                loss = answer_loss(model, input_ids, attn, labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            step += 1
            log.append({"step": step, "loss": round(loss.item(), 4), "s": round(time.time() - t_train, 1)})
            if step % 10 == 0 or step == total:
                print(f"step {step}/{total} loss {loss.item():.3f} ({time.time() - t_train:.0f} s)", flush=True)
            if args.save_every and step % args.save_every == 0 and step < total:
                save(model, args, gguf_path, train_rows, examples, step, total, log, load_s, t_train)
    return save(model, args, gguf_path, train_rows, examples, step, total, log, load_s, t_train)


def check_resumable(out: Path, total: int) -> dict:
    """The stopped run's train_log.json, if these flags plan the same run; else exit."""
    log_file = out / "train_log.json"
    if not log_file.exists() or not (out / "adapter.gguf").exists():
        raise SystemExit(f"nothing to resume in {out}: it needs adapter.gguf and train_log.json")
    logged = json.loads(log_file.read_text())
    if logged["summary"]["planned_steps"] != total:
        raise SystemExit(f"{log_file} planned {logged['summary']['planned_steps']} steps, "
                         f"these flags plan {total}: resume with the same data and flags")
    return logged


def resume_state(model, out: Path, total: int) -> tuple[list[dict], int]:
    """Load the LoRA A/B matrices of out/adapter.gguf into `model`; (step log, steps done)."""
    import gguf
    import torch
    logged = check_resumable(out, total)
    done = logged["summary"]["steps"]
    tensors = {t.name: t for t in gguf.GGUFReader(str(out / "adapter.gguf")).tensors}
    n = 0
    for name, module in lora_modules(model):
        for side, lora in (("lora_a", module.lora_A["default"]), ("lora_b", module.lora_B["default"])):
            t = tensors[f"{name}.{side}"]
            data = torch.from_numpy(t.data.astype("float32").reshape(lora.weight.shape))
            with torch.no_grad():
                lora.weight.copy_(data)
        n += 1
    if n * 2 != len(tensors):
        raise SystemExit(f"{out}/adapter.gguf holds {len(tensors)} tensors, the model {n * 2} LoRA matrices")
    return logged["steps"][:done], done


def lora_modules(model):
    """(llama.cpp tensor base name, peft module) for every LoRA-wrapped projection."""
    for name, module in model.named_modules():
        if not hasattr(module, "lora_A") or "default" not in module.lora_A:
            continue
        # e.g. base_model.model.model.layers.3.self_attn.q_proj
        parts = name.split(".")
        i = parts.index("layers")
        block, sub = int(parts[i + 1]), ".".join(parts[i + 2:])
        yield f"blk.{block}.{LLAMA_CPP_NAMES[sub]}.weight", module


def save(model, args, gguf_path, train_rows, examples, step, total, log, load_s, t_train) -> dict:
    import torch
    args.out.mkdir(parents=True, exist_ok=True)
    adapter = args.out / "adapter.gguf"
    tmp = args.out / "adapter.gguf.tmp"
    export_gguf(model, tmp, args.alpha, args.rank)
    tmp.replace(adapter)  # a reader never sees half a file
    summary = {"base_gguf": gguf_path.name, "train_rows": len(train_rows), "examples": len(examples),
               "steps": step, "planned_steps": total, "epochs": args.epochs, "batch_size": args.batch_size, "lr": args.lr,
               "rank": args.rank, "alpha": args.alpha, "max_len": args.max_len,
               "load_s": round(load_s, 1), "train_s": round(time.time() - t_train, 1),
               "final_loss_avg10": round(sum(x["loss"] for x in log[-10:]) / max(1, len(log[-10:])), 4),
               "adapter_bytes": adapter.stat().st_size, "torch": torch.__version__,
               "threads": args.threads, "bf16": bool(args.bf16),
               "resumed_at": getattr(args, "resumed_at", None)}
    (args.out / "train_log.json").write_text(json.dumps({"summary": summary, "steps": log}, indent=1))
    print("saved", adapter, json.dumps(summary), flush=True)
    return summary


if __name__ == "__main__":
    main()
