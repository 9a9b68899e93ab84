"""OpenAI chat completions (POST .../chat/completions), also spoken by Ollama, vLLM, LM Studio.

Request texts: messages[].content (a string or parts[].text; the parts of one message, and the
messages of consecutive user turns, form one run), assistant tool_calls[].function.arguments
(JSON in a string: strings, numbers and keys), tool results, legacy function_call.arguments;
then everything else the body holds but STRUCTURE (default-deny, proxy/sites/structure.py):
tool and function descriptions and schema descriptions, messages[].name, user, metadata (keys,
values and numbers), prediction, stop sequences, unknown and misspelled keys.
Streamed reply: SSE ``data: {chunk}`` ... ``data: [DONE]``; one restorer per choice index for
content, refusal and reasoning, and one per (choice, tool-call index) for arguments. Text still
held back when a choice finishes goes out in an extra chunk just before the finishing one.
"""
from __future__ import annotations

from mitmproxy import http

from proxy.sites.base import RequestFormatError, ResponseRewriter
from proxy.sites.channels import TextChannels
from proxy.sites.json_api import JsonApiAdapter, messages_of
from proxy.sites.jsonwalk import MessageRuns, TextSlots
from proxy.sites.stream import SseEvent, SseRewriter, dumps, loads_or_none
from proxy.sites.structure import BASE_KEYS, Structure

_TEXT_FIELDS = ("content", "refusal", "reasoning_content", "reasoning")

STRUCTURE = Structure(
    keys=BASE_KEYS | frozenset({"tool_choice", "service_tier", "reasoning_effort", "verbosity",
                                "modalities", "voice", "format"}),  # enum-like settings
    schemas=frozenset({"parameters", "schema"}),  # tool parameters, structured output
    free=frozenset({"metadata"}),
    json_text=frozenset({"arguments"}))
"""Chat completions' structure: everything else in a body is text (default-deny)."""


def add_content(slots: TextSlots, item: dict, where: str) -> None:
    """A message's `content` (a string or a list of parts) into `slots`: the text of each part
    (the other fields of a part, media parts included, are left to ``TextSlots.cover``, which
    keeps attached payloads and protects the rest: file names, URLs, unknown keys)."""
    content = item.get("content")
    if isinstance(content, str):
        slots.add(item, "content")
    elif isinstance(content, list):
        for j, part in enumerate(content):
            if not isinstance(part, dict):
                raise RequestFormatError(f"{where}.content[{j}] is not an object")
            if "text" in part:
                if not isinstance(part["text"], str):
                    raise RequestFormatError(f"{where}.content[{j}].text is not a string")
                slots.add(part, "text")
    elif content is not None:
        raise RequestFormatError(f"{where}.content is neither a string nor a list")


def _slots(body) -> TextSlots:
    messages = messages_of(body)
    slots = TextSlots()
    runs = MessageRuns(slots)
    for i, msg in enumerate(messages):
        if not isinstance(msg, dict):
            raise RequestFormatError(f"messages[{i}] is not an object")
        runs.open(msg.get("role") == "user")
        add_content(slots, msg, f"messages[{i}]")
        slots.end_run()
        tool_calls = msg.get("tool_calls") or []
        if not isinstance(tool_calls, list):
            raise RequestFormatError(f"messages[{i}].tool_calls is not a list")
        for call in tool_calls:
            fn = call.get("function") if isinstance(call, dict) else None
            if isinstance(fn, dict) and "arguments" in fn:
                slots.add_json_string(fn, "arguments")
        legacy = msg.get("function_call")
        if isinstance(legacy, dict) and "arguments" in legacy:
            slots.add_json_string(legacy, "arguments")
    slots.cover_body(body, STRUCTURE)
    return slots


class OpenAIChatAdapter(JsonApiAdapter):
    name = "openai-chat"
    hosts = ("api.openai.com",)
    paths = ("/chat/completions",)

    def slots(self, body, request: http.Request) -> TextSlots:
        return _slots(body)

    def history(self, body, request: http.Request) -> list:
        messages = body.get("messages") if isinstance(body, dict) else None
        return list(messages) if isinstance(messages, list) else []

    def stream_rewriter(self, channels: TextChannels) -> ResponseRewriter:
        return ChatStreamRewriter(channels)


class ChatStreamRewriter(SseRewriter):
    def __init__(self, channels: TextChannels) -> None:
        super().__init__()
        self.channels = channels
        self.last: dict = {}  # the last chunk seen: template for inserted chunks

    def on_event(self, event: SseEvent) -> list[SseEvent]:
        data = event.data
        if data is not None and data.strip() == "[DONE]":
            return self._flush_choices(None) + [event]
        chunk = loads_or_none(data)
        if not isinstance(chunk, dict) or not isinstance(chunk.get("choices"), list):
            return [event]
        self.last = chunk
        before: list[SseEvent] = []
        changed = False
        for choice in chunk["choices"]:
            if not isinstance(choice, dict):
                continue
            idx = choice.get("index", 0)
            delta = choice.get("delta")
            if isinstance(delta, dict):
                changed |= self._restore_delta(idx, delta)
            if choice.get("finish_reason"):
                changed |= self._flush_into(idx, delta if isinstance(delta, dict) else None)
                before += self._flush_choices(idx)
        if not changed:
            return before + [event]
        return before + [event.with_data(dumps(chunk))]

    def _restore_delta(self, idx, delta: dict) -> bool:
        changed = False
        for name in _TEXT_FIELDS:
            if isinstance(delta.get(name), str):
                new = self.channels.feed((idx, name), delta[name])
                changed |= new != delta[name]
                delta[name] = new
        calls = delta.get("tool_calls")
        for call in calls if isinstance(calls, list) else ():
            fn = call.get("function") if isinstance(call, dict) else None
            if isinstance(fn, dict) and isinstance(fn.get("arguments"), str):
                new = self.channels.feed_json((idx, "tool", call.get("index", 0)), fn["arguments"])
                changed |= new != fn["arguments"]
                fn["arguments"] = new
        return changed

    def _flush_into(self, idx, delta: dict | None) -> bool:
        """A finishing chunk that carries a channel's field takes that channel's held text."""
        if delta is None:
            return False
        changed = False
        for name in _TEXT_FIELDS:
            if isinstance(delta.get(name), str):
                held = self.channels.flush((idx, name))
                changed |= bool(held)
                delta[name] += held
        calls = delta.get("tool_calls")
        for call in calls if isinstance(calls, list) else ():
            fn = call.get("function") if isinstance(call, dict) else None
            if isinstance(fn, dict) and isinstance(fn.get("arguments"), str):
                held = self.channels.flush((idx, "tool", call.get("index", 0)))
                changed |= bool(held)
                fn["arguments"] += held
        return changed

    def _flush_choices(self, only_idx) -> list[SseEvent]:
        """Chunks carrying what the channels of one choice (or all) still hold back."""
        per_choice: dict = {}
        for key in self.channels.open_keys():
            idx, name = key[0], key[1]
            if only_idx is not None and idx != only_idx:
                continue
            text = self.channels.flush(key)
            if not text:
                continue
            delta = per_choice.setdefault(idx, {})
            if name == "tool":
                delta.setdefault("tool_calls", []).append(
                    {"index": key[2], "function": {"arguments": text}})
            else:
                delta[name] = text
        events = []
        for idx, delta in per_choice.items():
            chunk = {k: self.last[k] for k in ("id", "object", "created", "model",
                                               "system_fingerprint") if k in self.last}
            chunk["choices"] = [{"index": idx, "delta": delta, "finish_reason": None}]
            events.append(SseEvent.make(dumps(chunk), eol=self.eol))
        return events

    def on_end(self) -> list[SseEvent]:
        return self._flush_choices(None)


ADAPTER = OpenAIChatAdapter()
