"""What a client makes of a reply: the text and tool arguments it would show, per wire format.

Parses raw response bytes the way the SDKs do (SSE data lines / NDJSON / JSON), independent of
Doppel's own parsing code.
"""
from __future__ import annotations

import json


def sse_events(raw: bytes) -> list[tuple[str | None, dict | str]]:
    out = []
    for block in raw.decode().replace("\r\n", "\n").split("\n\n"):
        name, data = None, []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
        if data:
            text = "\n".join(data)
            try:
                out.append((name, json.loads(text)))
            except ValueError:
                out.append((name, text))
    return out


def openai_chat(raw: bytes, stream: bool) -> dict:
    if not stream:
        msg = json.loads(raw)["choices"][0]["message"]
        calls = msg.get("tool_calls") or []
        return {"text": msg["content"], "args": [c["function"]["arguments"] for c in calls]}
    text, args = "", {}
    for _, ev in sse_events(raw):
        if not isinstance(ev, dict):
            continue
        for ch in ev["choices"]:
            text += ch["delta"].get("content") or ""
            for call in ch["delta"].get("tool_calls") or []:
                args[call["index"]] = args.get(call["index"], "") + call["function"].get("arguments", "")
    return {"text": text, "args": [args[k] for k in sorted(args)]}


def openai_responses(raw: bytes, stream: bool) -> dict:
    if not stream:
        out = json.loads(raw)["output"]
        return {"text": out[0]["content"][0]["text"],
                "args": [i["arguments"] for i in out if i["type"] == "function_call"],
                "copies": []}
    text, args, copies, seqs = "", {}, [], []
    for _, ev in sse_events(raw):
        seqs.append(ev.get("sequence_number"))
        kind = ev["type"]
        if kind == "response.output_text.delta":
            text += ev["delta"]
        elif kind == "response.function_call_arguments.delta":
            args[ev["output_index"]] = args.get(ev["output_index"], "") + ev["delta"]
        elif kind == "response.output_text.done":
            copies.append(ev["text"])
        elif kind == "response.content_part.done":
            copies.append(ev["part"]["text"])
        elif kind == "response.output_item.done" and ev["item"]["type"] == "message":
            copies.append(ev["item"]["content"][0]["text"])
        elif kind == "response.completed":
            copies.append(ev["response"]["output"][0]["content"][0]["text"])
    return {"text": text, "args": [args[k] for k in sorted(args)], "copies": copies, "seqs": seqs}


def anthropic_messages(raw: bytes, stream: bool) -> dict:
    if not stream:
        blocks = json.loads(raw)["content"]
        return {"text": "".join(b["text"] for b in blocks if b["type"] == "text"),
                "args": [json.dumps(b["input"]) for b in blocks if b["type"] == "tool_use"],
                "thinking": [b["thinking"] for b in blocks if b["type"] == "thinking"]}
    text, args, thinking = "", {}, ""
    for _, ev in sse_events(raw):
        if ev.get("type") != "content_block_delta":
            continue
        d = ev["delta"]
        if d["type"] == "text_delta":
            text += d["text"]
        elif d["type"] == "input_json_delta":
            args[ev["index"]] = args.get(ev["index"], "") + d["partial_json"]
        elif d["type"] == "thinking_delta":
            thinking += d["thinking"]
    return {"text": text, "args": [args[k] for k in sorted(args)],
            "thinking": [thinking] if thinking else []}


def ollama(raw: bytes, stream: bool) -> dict:
    lines = [json.loads(x) for x in raw.decode().splitlines() if x.strip()]
    text = "".join((x.get("message") or {}).get("content", "") or x.get("response", "")
                   for x in lines)
    assert lines[-1]["done"] is True
    return {"text": text, "args": []}


PARSERS = {"openai_chat": openai_chat, "openai_responses": openai_responses,
           "anthropic": anthropic_messages, "ollama_chat": ollama, "ollama_generate": ollama}
