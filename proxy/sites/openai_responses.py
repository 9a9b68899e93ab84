"""OpenAI Responses API (POST .../responses).

Request texts: instructions; input as a string, or items: messages whose content is a string or
parts (input_text / output_text .text), function_call.arguments (JSON in a string),
function_call_output.output (a string or parts).
Streamed reply: SSE events named by "type". Every "*.delta" event feeds the restorer of its
channel (event kind + item + content/summary index); the matching "*.done" first emits what that
channel still holds (an extra delta event, later sequence numbers shifted by one), then every
full copy of the text is restored: output_text.done, content_part.done, output_item.done and
response.completed (or incomplete/failed) all repeat it. No [DONE] here.
"""
from __future__ import annotations

from mitmproxy import http

from proxy.hosts import is_web_host
from proxy.scope import api_scope
from proxy.sites.base import (RequestFormatError, ResponseContext, ResponseRewriter, SiteAdapter,
                              json_body, path_only, set_json_body)
from proxy.sites.channels import JsonTreeRewriter, TextChannels, restore_tree
from proxy.sites.jsonwalk import TextSlots
from proxy.sites.openai_chat import add_content
from proxy.sites.stream import SseEvent, SseRewriter, dumps, loads_or_none

_ARGUMENT_EVENTS = ("response.function_call_arguments", "response.custom_tool_call_input",
                    "response.mcp_call_arguments")


def _slots(body) -> TextSlots:
    if not isinstance(body, dict):
        raise RequestFormatError("the body is not a JSON object")
    slots = TextSlots()
    if "instructions" in body and body["instructions"] is not None:
        if not isinstance(body["instructions"], str):
            raise RequestFormatError("'instructions' is not a string")
        slots.add(body, "instructions")
    inp = body.get("input")
    if isinstance(inp, str):
        slots.add(body, "input")
    elif isinstance(inp, list):
        for i, item in enumerate(inp):
            where = f"input[{i}]"
            if not isinstance(item, dict):
                raise RequestFormatError(f"{where} is not an object")
            kind = item.get("type", "message")
            if kind == "message":
                add_content(slots, item, where)
                slots.add_unknown(item, skip=frozenset({"content"}))  # any other text in it
            elif kind in ("function_call", "custom_tool_call"):
                for key in ("arguments", "input"):
                    if key in item:
                        slots.add_json_string(item, key)
            elif kind in ("function_call_output", "custom_tool_call_output"):
                out = item.get("output")
                if isinstance(out, str):
                    slots.add(item, "output")
                elif isinstance(out, list):
                    add_content(slots, {"content": out}, where + ".output")
                elif isinstance(out, dict):
                    slots.add(item, "output")  # an object instead of text: its strings
            elif kind == "reasoning":
                pass  # encrypted or model-authored summaries: left as the model wrote them
            else:
                # An item kind this adapter does not know (computer_call_output, a future
                # kind...): protect its strings rather than send them unchecked.
                slots.add_unknown(item)
    elif inp is not None:
        raise RequestFormatError("'input' is neither a string nor a list")
    return slots


def _first_user_text(body) -> str:
    if not isinstance(body, dict):
        return ""
    inp = body.get("input")
    if isinstance(inp, str):
        return inp
    for item in inp if isinstance(inp, list) else ():
        if isinstance(item, dict) and item.get("role") == "user":
            c = item.get("content")
            if isinstance(c, str):
                return c
            if isinstance(c, list):
                return "\n".join(p.get("text", "") for p in c
                                 if isinstance(p, dict) and isinstance(p.get("text"), str))
    return body.get("instructions") or "" if isinstance(body.get("instructions"), str) else ""


class OpenAIResponsesAdapter(SiteAdapter):
    name = "openai-responses"

    def match(self, request: http.Request) -> bool:
        return not is_web_host(request.pretty_host) and request.method == "POST" and path_only(request).endswith("/responses")

    def texts(self, request: http.Request) -> list[str]:
        return _slots(json_body(request)).texts()

    def rewrite(self, request: http.Request, protected: list[str]) -> None:
        body = json_body(request)
        _slots(body).write(protected)
        set_json_body(request, body)

    def scope(self, request: http.Request) -> str:
        return api_scope(request, _first_user_text(json_body(request)))

    def response_rewriter(self, response: http.Response,
                          ctx: ResponseContext) -> ResponseRewriter | None:
        channels = TextChannels(ctx.restorer)
        if self.is_stream(response):
            return ResponsesStreamRewriter(channels)
        return JsonTreeRewriter(channels)


def _channel(event: dict, prefix: str) -> tuple:
    return (prefix, event.get("item_id"), event.get("output_index"), event.get("content_index"),
            event.get("summary_index"))


class ResponsesStreamRewriter(SseRewriter):
    def __init__(self, channels: TextChannels) -> None:
        super().__init__()
        self.channels = channels
        self.seq_shift = 0  # events inserted so far (sequence numbers after them move up)

    def on_event(self, event: SseEvent) -> list[SseEvent]:
        obj = loads_or_none(event.data)
        if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
            return [event]
        kind = obj["type"]
        before: list[SseEvent] = []
        changed = False
        if kind.endswith(".delta") and isinstance(obj.get("delta"), str):
            prefix = kind[: -len(".delta")]
            key = _channel(obj, prefix)
            if prefix in _ARGUMENT_EVENTS:
                new = self.channels.feed_json(key, obj["delta"])
            else:
                new = self.channels.feed(key, obj["delta"])
            changed = new != obj["delta"]
            obj["delta"] = new
        else:
            if kind.endswith(".done"):
                before = self._flush(obj, kind[: -len(".done")])
            obj, changed = restore_tree(obj, self.channels)
        changed |= self._shift(obj)
        return before + [event.with_data(dumps(obj)) if changed else event]

    def _shift(self, obj: dict) -> bool:
        if self.seq_shift and isinstance(obj.get("sequence_number"), int):
            obj["sequence_number"] += self.seq_shift
            return True
        return False

    def _flush(self, done: dict, prefix: str) -> list[SseEvent]:
        text = self.channels.flush(_channel(done, prefix))
        if not text:
            return []
        delta = {"type": prefix + ".delta"}
        for k in ("item_id", "output_index", "content_index", "summary_index"):
            if k in done:
                delta[k] = done[k]
        delta["delta"] = text
        if isinstance(done.get("sequence_number"), int):
            delta["sequence_number"] = done["sequence_number"] + self.seq_shift
            self.seq_shift += 1
        event = SseEvent.make(dumps(delta), event=delta["type"], eol=self.eol)
        return [event]

    def on_end(self) -> list[SseEvent]:
        events = []
        for key in self.channels.open_keys():
            text = self.channels.flush(key)
            if text:
                prefix, item_id, out_i, content_i, summary_i = key
                delta = {"type": prefix + ".delta", "item_id": item_id, "output_index": out_i}
                if content_i is not None:
                    delta["content_index"] = content_i
                if summary_i is not None:
                    delta["summary_index"] = summary_i
                delta["delta"] = text
                events.append(SseEvent.make(dumps(delta), event=delta["type"], eol=self.eol))
        return events


ADAPTER = OpenAIResponsesAdapter()
