"""Ollama's native API: POST /api/chat and /api/generate (its /v1 OpenAI-compatible endpoints
go through openai_chat).

Request texts: /api/chat messages[].content (consecutive user messages form one run; +
tool_calls[].function.arguments, an object: strings, numbers and keys) and /api/generate prompt,
system and suffix; then everything else but STRUCTURE (default-deny, proxy/sites/structure.py):
the template, tool descriptions, stop sequences, unknown keys. The reply streams NDJSON by default (one JSON object per line,
message.content or response, done:true at the end) or one JSON object with "stream": false.
One restorer per field (content, thinking); what it holds back goes out in an extra line just
before the done:true line.
"""
from __future__ import annotations

from mitmproxy import http

from proxy.sites.base import RequestFormatError, ResponseRewriter, family_path
from proxy.sites.channels import TextChannels
from proxy.sites.json_api import JsonApiAdapter
from proxy.sites.jsonwalk import MessageRuns, TextSlots
from proxy.sites.stream import LineRewriter, dumps, loads_or_none
from proxy.sites.structure import BASE_KEYS, Structure

STRUCTURE = Structure(
    keys=BASE_KEYS | frozenset({"format", "keep_alive", "think", "tool_name"}),
    schemas=frozenset({"format", "parameters"}),  # structured output, tool parameters
    opaque=frozenset({"images", "context"}))  # base64 images; the token ids of a previous turn
"""Ollama's structure: everything else in a body is text (default-deny)."""


def _is_generate(request: http.Request) -> bool:
    return family_path(request).endswith("/api/generate")


def _slots(body, generate: bool) -> TextSlots:
    if not isinstance(body, dict):
        raise RequestFormatError("the body is not a JSON object")
    slots = TextSlots()
    for key in ("system", "prompt", "suffix") if generate else ("system",):
        if key in body and body[key] is not None:
            if not isinstance(body[key], str):
                raise RequestFormatError(f"'{key}' is not a string")
            slots.add(body, key)
    if not generate:
        _messages(slots, body)
    slots.cover_body(body, STRUCTURE)
    return slots


def _messages(slots: TextSlots, body: dict) -> None:
    messages = body.get("messages")
    if not isinstance(messages, list):
        raise RequestFormatError("'messages' is missing or not a list")
    runs = MessageRuns(slots)
    for i, msg in enumerate(messages):
        if not isinstance(msg, dict):
            raise RequestFormatError(f"messages[{i}] is not an object")
        runs.open(msg.get("role") == "user")
        if msg.get("content") is not None:
            if not isinstance(msg["content"], str):
                raise RequestFormatError(f"messages[{i}].content is not a string")
            slots.add(msg, "content")
        slots.end_run()
        calls = msg.get("tool_calls") or []
        for call in calls if isinstance(calls, list) else [calls]:
            fn = call.get("function") if isinstance(call, dict) else None
            if isinstance(fn, dict) and "arguments" in fn:
                slots.add(fn, "arguments")


class OllamaAdapter(JsonApiAdapter):
    name = "ollama"
    hosts = ()  # a server of the user's own: its host is added (--extra-host), none built in
    paths = ("/api/chat", "/api/generate")

    def slots(self, body, request: http.Request) -> TextSlots:
        return _slots(body, _is_generate(request))

    def history(self, body, request: http.Request) -> list:
        if not isinstance(body, dict):
            return []
        if _is_generate(request):
            # /api/generate has no history; an optional "context" continues a previous turn,
            # so the scope follows the context tokens when present.
            ctx_tokens = body.get("context")
            if isinstance(ctx_tokens, list) and ctx_tokens:
                return [{"context": ctx_tokens[:64]}]
            return [{"system": body.get("system")}, {"prompt": body.get("prompt")}]
        messages = body.get("messages")
        return list(messages) if isinstance(messages, list) else []

    def is_stream(self, response: http.Response) -> bool:
        ctype = response.headers.get("content-type", "").lower()
        return "ndjson" in ctype or super().is_stream(response)

    def stream_rewriter(self, channels: TextChannels) -> ResponseRewriter:
        return NdjsonRewriter(channels)


class NdjsonRewriter(LineRewriter):
    def __init__(self, channels: TextChannels) -> None:
        super().__init__()
        self.channels = channels
        self.last: dict = {}

    def on_line(self, line: str) -> str:
        obj = loads_or_none(line)
        if not isinstance(obj, dict):
            return line
        changed = False
        before = ""
        done = obj.get("done") is True
        for holder, name in self._fields(obj):
            new = self.channels.feed(name, holder[name])
            if done:  # the last line carries what its own channel still holds
                new += self.channels.flush(name)
            changed |= new != holder[name]
            holder[name] = new
        if done:  # channels absent from the last line: an extra line just before it
            before = self._flush_line()
        self.last = obj
        return before + (dumps(obj) if changed else line)

    @staticmethod
    def _fields(obj: dict):
        msg = obj.get("message")
        if isinstance(msg, dict):
            for name in ("content", "thinking"):
                if isinstance(msg.get(name), str):
                    yield msg, name
        for name in ("response", "thinking"):
            if isinstance(obj.get(name), str):
                yield obj, name

    def _flush_line(self) -> str:
        held = {key: self.channels.flush(key) for key in self.channels.open_keys()}
        held = {k: v for k, v in held.items() if v}
        if not held:
            return ""
        line = {k: self.last[k] for k in ("model", "created_at") if k in self.last}
        if "message" in self.last:
            line["message"] = {"role": "assistant", **{k: v for k, v in held.items()
                                                       if k in ("content", "thinking")}}
        else:
            line.update(held)
        line["done"] = False
        return dumps(line) + "\n"

    def on_end(self) -> str:
        return self._flush_line()


ADAPTER = OllamaAdapter()
