"""Anthropic messages (POST .../v1/messages and .../v1/messages/count_tokens).

Request texts: system (a string or text blocks); messages[].content as a string or blocks: text
(the text blocks of one message, and of consecutive user messages, form one run),
tool_use.input (free-form: strings, numbers and keys), tool_result.content (a string or text
blocks), document blocks with a text source; then everything else but STRUCTURE (default-deny,
proxy/sites/structure.py): tool descriptions, metadata.user_id, citations, search results,
unknown blocks and keys. Thinking blocks are signed by the API: never touched.
Streamed reply: SSE message_start, content_block_start/delta/stop, message_delta, message_stop,
ping, error. text_delta and input_json_delta (JSON fragments cut anywhere) feed one restorer per
content block index; what a block still holds back goes out as an extra delta just before its
content_block_stop. thinking_delta and signature_delta pass byte for byte.
"""
from __future__ import annotations

from mitmproxy import http

from proxy.sites.base import RequestFormatError, ResponseRewriter
from proxy.sites.channels import TextChannels
from proxy.sites.json_api import JsonApiAdapter, messages_of
from proxy.sites.jsonwalk import MessageRuns, TextSlots
from proxy.sites.restore_walk import restore_json
from proxy.sites.stream import SseEvent, SseRewriter, dumps, loads_or_none
from proxy.sites.structure import BASE_KEYS, Structure

SIGNED = frozenset({"thinking", "redacted_thinking"})


def is_signed(node: dict) -> bool:
    """Signed thinking: any change breaks the signature the API checks next turn."""
    return isinstance(node.get("type"), str) and node["type"] in SIGNED


STRUCTURE = Structure(
    keys=BASE_KEYS | frozenset({"service_tier", "container", "stop_reason"}),
    schemas=frozenset({"input_schema"}),
    free=frozenset({"metadata", "input"}),  # tool_use.input: what the model passed a tool
    opaque=frozenset({"authorization_token"}),  # an MCP server's credential
    skip=is_signed)
"""Anthropic messages' structure: everything else in a body is text (default-deny)."""


def _add_blocks(slots: TextSlots, blocks: list, where: str, run: int | None = None) -> None:
    """The blocks of one message; its text blocks join ``run`` when given (the run of the
    message's text), every other text stands alone."""
    for j, block in enumerate(blocks):
        if not isinstance(block, dict):
            raise RequestFormatError(f"{where}[{j}] is not an object")
        kind = block.get("type") if isinstance(block.get("type"), str) else None
        if kind in SIGNED:
            continue
        if kind == "text":
            if not isinstance(block.get("text"), str):
                raise RequestFormatError(f"{where}[{j}].text is not a string")
            if run is not None:
                slots.resume_run(run)
            slots.add(block, "text")
            slots.end_run()
        elif kind == "tool_use":
            if "input" in block:
                slots.add(block, "input")  # free-form: strings, numbers and keys
        elif kind == "tool_result":
            content = block.get("content")
            if isinstance(content, list):
                _add_blocks(slots, content, f"{where}[{j}].content")
            elif content is not None:
                slots.add(block, "content")  # a string, or an object: its strings
        elif kind == "document":
            source = block.get("source")
            if isinstance(source, dict) and source.get("type") == "text":
                slots.add(source, "data")
            elif isinstance(source, dict) and source.get("type") == "content":
                if isinstance(source.get("content"), list):
                    _add_blocks(slots, source["content"], f"{where}[{j}].source.content")
            for key in ("title", "context"):  # the user's own words about the document
                if isinstance(block.get(key), str):
                    slots.add(block, key)
        # Any other block (search_result, a future kind, a type-less block) is read by
        # cover: its strings are protected, payloads and signed blocks kept.


def _slots(body) -> TextSlots:
    messages = messages_of(body)
    slots = TextSlots()
    system = body.get("system")
    if isinstance(system, str):
        slots.add(body, "system")
    elif isinstance(system, list):
        _add_blocks(slots, system, "system")
    elif system is not None:
        raise RequestFormatError("'system' is neither a string nor a list")
    runs = MessageRuns(slots)
    for i, msg in enumerate(messages):
        if not isinstance(msg, dict):
            raise RequestFormatError(f"messages[{i}] is not an object")
        content = msg.get("content")
        run = runs.open(msg.get("role") == "user")
        if isinstance(content, str):
            slots.add(msg, "content")
        slots.end_run()
        if isinstance(content, list):
            _add_blocks(slots, content, f"messages[{i}].content", run)
        elif not isinstance(content, str):
            raise RequestFormatError(f"messages[{i}].content is neither a string nor a list")
    slots.cover_body(body, STRUCTURE)
    return slots


class AnthropicMessagesAdapter(JsonApiAdapter):
    name = "anthropic-messages"
    hosts = ("api.anthropic.com",)
    paths = ("/v1/messages", "/v1/messages/count_tokens")

    def slots(self, body, request: http.Request) -> TextSlots:
        return _slots(body)

    def history(self, body, request: http.Request) -> list:
        if not isinstance(body, dict):
            return []
        messages = body.get("messages")
        system = [{"system": body["system"]}] if body.get("system") else []
        return system + (list(messages) if isinstance(messages, list) else [])

    def stream_rewriter(self, channels: TextChannels) -> ResponseRewriter:
        return AnthropicStreamRewriter(channels)

    def skip(self, node: dict) -> bool:
        return is_signed(node)


_DELTA_FIELDS = {"text_delta": ("text", False), "input_json_delta": ("partial_json", True)}


class AnthropicStreamRewriter(SseRewriter):
    def __init__(self, channels: TextChannels) -> None:
        super().__init__()
        self.channels = channels

    def on_event(self, event: SseEvent) -> list[SseEvent]:
        obj = loads_or_none(event.data)
        if not isinstance(obj, dict):
            return [event]
        kind = obj.get("type")
        if kind == "content_block_delta":
            delta = obj.get("delta")
            if not isinstance(delta, dict) or not isinstance(delta.get("type"), str) \
                    or delta["type"] not in _DELTA_FIELDS:
                return [event]  # thinking, signature, citations...: untouched
            name, is_json = _DELTA_FIELDS[delta["type"]]
            if not isinstance(delta.get(name), str):
                return [event]
            key = (obj.get("index"), delta["type"])
            new = (self.channels.feed_json(key, delta[name]) if is_json
                   else self.channels.feed(key, delta[name]))
            if new == delta[name]:
                return [event]
            delta[name] = new
            return [event.with_data(dumps(obj))]
        if kind == "content_block_stop":
            return self._flush(obj.get("index")) + [event]
        if kind in ("message_start", "content_block_start", "error", "message_delta"):
            obj, changed = restore_json(obj, self.channels.restorer, in_place=True, skip=is_signed)
            return [event.with_data(dumps(obj)) if changed else event]
        return [event]

    def _flush(self, index) -> list[SseEvent]:
        events = []
        for key in self.channels.open_keys():
            if index is not None and key[0] != index:
                continue
            text = self.channels.flush(key)
            if text:
                name, _ = _DELTA_FIELDS[key[1]]
                obj = {"type": "content_block_delta", "index": key[0],
                       "delta": {"type": key[1], name: text}}
                events.append(SseEvent.make(dumps(obj), event="content_block_delta", eol=self.eol))
        return events

    def on_end(self) -> list[SseEvent]:
        return self._flush(None)


ADAPTER = AnthropicMessagesAdapter()
