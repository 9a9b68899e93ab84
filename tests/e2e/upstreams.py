"""Local upstreams speaking the real wire formats (docs/architecture.md#wire-formats), for
end-to-end tests.

One aiohttp app answers every format at its real path. It records every request body (so a test
can assert no real value reached "the cloud") and echoes the last user text back inside a
sentence, so the client must see that sentence with the ORIGINAL values once Doppel restored it.
``splits`` controls how the upstream cuts its streamed body (byte offsets), to test every way a
stream can be chunked. With ``tool=True`` the reply also carries a tool call whose JSON arguments
hold the echoed text, written with ASCII escapes (\\u00e9) so fragments cut mid escape.
"""
from __future__ import annotations

import asyncio
import json
import ssl
from dataclasses import dataclass, field

from pathlib import Path

from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from mitmproxy.certs import CertStore

MODEL = "test-model"
CHAT_PATHS = ("/chat/completions", "/responses", "/messages", "/api/chat", "/api/generate")


def compact(obj) -> str:
    return json.dumps(obj, separators=(",", ":"))


def pieces(text: str, n: int = 3) -> list[str]:
    """Cut text into small deltas, as a tokenizer would."""
    return [text[i:i + n] for i in range(0, len(text), n)] or [""]


def last_user_text(path: str, body: dict) -> str:
    """The last user-authored text of a request, per wire format."""
    if path.endswith("/api/generate"):
        return body.get("prompt", "")
    if path.endswith("/responses"):
        inp = body.get("input")
        if isinstance(inp, str):
            return inp
        for item in reversed(inp or []):
            if item.get("role") == "user":
                c = item.get("content")
                return c if isinstance(c, str) else " ".join(p.get("text", "") for p in c)
        return ""
    for msg in reversed(body.get("messages", [])):
        if msg.get("role") == "user":
            c = msg.get("content")
            if isinstance(c, str):
                return c
            return " ".join(p.get("text", "") for p in c if isinstance(p, dict) and "text" in p)
    return ""


def tls_server_context(tmp_path: Path, hosts: list[str]) -> tuple[ssl.SSLContext, Path]:
    """A server TLS context whose certificate (from a fresh test CA) names every one of
    ``hosts``, and the PEM of that CA (for clients, or mitmproxy's upstream verification)."""
    store = CertStore.from_store(tmp_path / "upstream-ca", "testca", 2048)
    entry = store.get_cert(hosts[0], [x509.DNSName(h) for h in hosts])
    cert, key = tmp_path / "up.pem", tmp_path / "up.key"
    cert.write_bytes(entry.cert.to_pem())
    key.write_bytes(entry.privatekey.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()))
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx, tmp_path / "upstream-ca" / "testca-ca-cert.pem"


@dataclass
class Recorded:
    path: str
    body: bytes
    headers: dict


class LocalServer:
    """A local aiohttp server on a free port (TLS with ``ssl_context``); subclasses add their
    handlers in ``routes``."""

    runner: web.AppRunner | None = None
    port: int = 0

    def routes(self, app: web.Application) -> None:
        raise NotImplementedError

    async def start(self, ssl_context: ssl.SSLContext | None = None):
        app = web.Application(client_max_size=64 * 1024 * 1024)
        self.routes(app)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0, ssl_context=ssl_context)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Upstream(LocalServer):
    splits: list[int] | None = None  # byte offsets where the streamed body is cut
    tool: bool = False
    thinking: bool = False
    template: str = "You said: {text} Noted, {text}!"
    seen: list[Recorded] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)  # the reply texts sent (with stand-ins)
    compress: str | None = None  # gzip | deflate | br | zstd: compress the streamed body
    pause_s: float = 0.002  # between streamed pieces, so each travels as its own read
    raw_reply: bytes | None = None  # if set, sent as the streamed body verbatim
    content_type: str | None = None

    # --- server ---
    def routes(self, app: web.Application) -> None:
        app.router.add_post("/{tail:.*}", self.handle)
        app.router.add_get("/{tail:.*}", self.handle_get)
        app.router.add_route("*", "/{tail:.*}", self.handle_other)  # PUT, PATCH, DELETE...

    def seen_text(self) -> str:
        return "\n".join(r.body.decode("utf-8", "replace") for r in self.seen)

    async def handle_get(self, request: web.Request) -> web.StreamResponse:
        self.seen.append(Recorded(request.path, b"", dict(request.headers)))
        return web.Response(text="plain page, not a chat endpoint")

    async def handle_other(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        self.seen.append(Recorded(request.path, raw, dict(request.headers)))
        return web.json_response({"ok": True, "bytes": len(raw)})

    async def handle(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        self.seen.append(Recorded(request.path, raw, dict(request.headers)))
        if not request.path.endswith(CHAT_PATHS):
            return web.json_response({"ok": True, "bytes": len(raw)})
        try:
            body = json.loads(raw)
        except ValueError:
            return web.json_response({"error": {"message": "bad json"}}, status=400)
        text = self.template.format(text=last_user_text(request.path, body))
        self.replies.append(text)
        path = request.path
        if path.endswith("/chat/completions"):
            builder = openai_chat
        elif path.endswith("/responses"):
            builder = openai_responses
        elif path.endswith("/messages"):
            builder = anthropic_messages
        elif path.endswith("/api/chat") or path.endswith("/api/generate"):
            builder = ollama
        else:
            return web.json_response({"ok": True, "echo": body})
        stream = body.get("stream", path.startswith("/api/"))
        payload, ctype = builder(text, stream=stream, tool=self.tool, thinking=self.thinking,
                                 generate=path.endswith("/api/generate"))
        if not stream:
            return web.Response(body=payload.encode(), content_type="application/json")
        return await self.send_stream(request, self.raw_reply or payload.encode(),
                                      self.content_type or ctype)

    async def send_stream(self, request: web.Request, data: bytes, ctype: str) -> web.StreamResponse:
        headers = {"content-type": ctype, "cache-control": "no-cache"}
        if self.compress:  # a server that compresses even though Doppel asked for identity
            data = compress(data, self.compress)
            headers["content-encoding"] = self.compress
        resp = web.StreamResponse(headers=headers)
        await resp.prepare(request)
        cuts = [0, *sorted(c for c in (self.splits or []) if 0 < c < len(data)), len(data)]
        for a, b in zip(cuts, cuts[1:]):
            await resp.write(data[a:b])
            await asyncio.sleep(self.pause_s)
        await resp.write_eof()
        return resp


def compress(data: bytes, encoding: str) -> bytes:
    import gzip
    import zlib

    import brotli
    import zstandard
    return {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress,
            "zstd": zstandard.ZstdCompressor().compress}[encoding](data)


# --- body builders: (body text, content type) ----------------------------------------------

def tool_args(text: str) -> str:
    return json.dumps({"query": text, "note": "quote \" and slash \\"}, ensure_ascii=True)


def openai_chat(text: str, *, stream: bool, tool: bool, thinking: bool, generate: bool):
    base = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": MODEL}
    if not stream:
        message = {"role": "assistant", "content": text}
        if tool:
            message["tool_calls"] = [{"id": "call_1", "type": "function",
                                      "function": {"name": "lookup", "arguments": tool_args(text)}}]
        return compact({**base, "object": "chat.completion", "choices": [
            {"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10}}), "application/json"
    events = [{**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""},
                                    "finish_reason": None}]}]
    for p in pieces(text):
        events.append({**base, "choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}]})
    if tool:
        events.append({**base, "choices": [{"index": 0, "delta": {"tool_calls": [
            {"index": 0, "id": "call_1", "type": "function",
             "function": {"name": "lookup", "arguments": ""}}]}, "finish_reason": None}]})
        for p in pieces(tool_args(text), 5):
            events.append({**base, "choices": [{"index": 0, "delta": {"tool_calls": [
                {"index": 0, "function": {"arguments": p}}]}, "finish_reason": None}]})
    events.append({**base, "choices": [{"index": 0, "delta": {},
                                        "finish_reason": "tool_calls" if tool else "stop"}]})
    body = "".join(f"data: {compact(e)}\n\n" for e in events) + "data: [DONE]\n\n"
    return body, "text/event-stream; charset=utf-8"


def openai_responses(text: str, *, stream: bool, tool: bool, thinking: bool, generate: bool):
    part = {"type": "output_text", "text": text, "annotations": []}
    item = {"id": "msg_1", "type": "message", "status": "completed", "role": "assistant",
            "content": [part]}
    items = [item]
    if tool:
        items.append({"id": "fc_1", "type": "function_call", "status": "completed",
                      "call_id": "call_1", "name": "lookup", "arguments": tool_args(text)})
    response = {"id": "resp_1", "object": "response", "created_at": 1, "status": "completed",
                "model": MODEL, "output": items, "parallel_tool_calls": True, "tool_choice": "auto",
                "tools": [], "usage": {"input_tokens": 5, "output_tokens": 5, "total_tokens": 10,
                                       "input_tokens_details": {"cached_tokens": 0},
                                       "output_tokens_details": {"reasoning_tokens": 0}}}
    if not stream:
        return compact(response), "application/json"
    seq = iter(range(10_000))
    events = [
        {"type": "response.created", "response": {**response, "status": "in_progress", "output": []}},
        {"type": "response.output_item.added", "output_index": 0,
         "item": {**item, "status": "in_progress", "content": []}},
        {"type": "response.content_part.added", "item_id": "msg_1", "output_index": 0,
         "content_index": 0, "part": {**part, "text": ""}},
    ]
    for p in pieces(text):
        events.append({"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0,
                       "content_index": 0, "delta": p})
    events += [
        {"type": "response.output_text.done", "item_id": "msg_1", "output_index": 0,
         "content_index": 0, "text": text},
        {"type": "response.content_part.done", "item_id": "msg_1", "output_index": 0,
         "content_index": 0, "part": part},
        {"type": "response.output_item.done", "output_index": 0, "item": item},
    ]
    if tool:
        fc = items[1]
        events.append({"type": "response.output_item.added", "output_index": 1,
                       "item": {**fc, "arguments": "", "status": "in_progress"}})
        for p in pieces(fc["arguments"], 5):
            events.append({"type": "response.function_call_arguments.delta", "item_id": "fc_1",
                           "output_index": 1, "delta": p})
        events.append({"type": "response.function_call_arguments.done", "item_id": "fc_1",
                       "output_index": 1, "arguments": fc["arguments"]})
        events.append({"type": "response.output_item.done", "output_index": 1, "item": fc})
    events.append({"type": "response.completed", "response": response})
    body = ""
    for e in events:
        e["sequence_number"] = next(seq)
        body += f"event: {e['type']}\ndata: {compact(e)}\n\n"
    return body, "text/event-stream; charset=utf-8"


SIGNATURE = "EqQBCkgIARABGAIiQL1kY3Rlc3Qtc2lnbmF0dXJl"


def anthropic_messages(text: str, *, stream: bool, tool: bool, thinking: bool, generate: bool):
    blocks = []
    if thinking:
        blocks.append({"type": "thinking", "thinking": "Thinking about " + text,
                       "signature": SIGNATURE})
    blocks.append({"type": "text", "text": text})
    if tool:
        blocks.append({"type": "tool_use", "id": "toolu_1", "name": "lookup",
                       "input": json.loads(tool_args(text))})
    message = {"id": "msg_1", "type": "message", "role": "assistant", "model": MODEL,
               "content": blocks, "stop_reason": "tool_use" if tool else "end_turn",
               "stop_sequence": None, "usage": {"input_tokens": 5, "output_tokens": 5}}
    if not stream:
        return compact(message), "application/json"
    events = [("message_start", {"type": "message_start", "message": {
        **message, "content": [], "stop_reason": None, "usage": {"input_tokens": 5, "output_tokens": 1}}}),
        ("ping", {"type": "ping"})]
    for i, block in enumerate(blocks):
        if block["type"] == "thinking":
            events.append(("content_block_start", {"type": "content_block_start", "index": i,
                                                   "content_block": {"type": "thinking", "thinking": ""}}))
            for p in pieces(block["thinking"]):
                events.append(("content_block_delta", {"type": "content_block_delta", "index": i,
                                                       "delta": {"type": "thinking_delta", "thinking": p}}))
            events.append(("content_block_delta", {"type": "content_block_delta", "index": i,
                                                   "delta": {"type": "signature_delta",
                                                             "signature": SIGNATURE}}))
        elif block["type"] == "text":
            events.append(("content_block_start", {"type": "content_block_start", "index": i,
                                                   "content_block": {"type": "text", "text": ""}}))
            for p in pieces(block["text"]):
                events.append(("content_block_delta", {"type": "content_block_delta", "index": i,
                                                       "delta": {"type": "text_delta", "text": p}}))
        else:
            events.append(("content_block_start", {"type": "content_block_start", "index": i,
                                                   "content_block": {**block, "input": {}}}))
            for p in pieces(tool_args(text), 5):
                events.append(("content_block_delta", {"type": "content_block_delta", "index": i,
                                                       "delta": {"type": "input_json_delta",
                                                                 "partial_json": p}}))
        events.append(("content_block_stop", {"type": "content_block_stop", "index": i}))
    events += [("message_delta", {"type": "message_delta", "delta": {
        "stop_reason": message["stop_reason"], "stop_sequence": None}, "usage": {"output_tokens": 9}}),
        ("message_stop", {"type": "message_stop"})]
    body = "".join(f"event: {name}\ndata: {compact(e)}\n\n" for name, e in events)
    return body, "text/event-stream; charset=utf-8"


def ollama(text: str, *, stream: bool, tool: bool, thinking: bool, generate: bool):
    head = {"model": MODEL, "created_at": "2026-01-01T00:00:00Z"}
    final = {"done": True, "done_reason": "stop", "total_duration": 1000, "eval_count": 5}

    def line(content: str, done: bool) -> dict:
        if generate:
            return {**head, "response": content, "done": done}
        return {**head, "message": {"role": "assistant", "content": content}, "done": done}

    if not stream:
        return compact({**line(text, True), **final}), "application/json"
    lines = [line(p, False) for p in pieces(text)] + [{**line("", True), **final}]
    return "".join(compact(x) + "\n" for x in lines), "application/x-ndjson"
