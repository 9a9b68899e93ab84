"""A local upstream speaking the Responses API's WebSocket mode (see
proxy/sites/openai/responses_ws.py for the format and where it was checked).

Each ``response.create`` (or beta ``response.steer``/``response.inject``, answered like a
successor response) gets the same events as the HTTP stream (tests/e2e/upstreams.py builds
them), one JSON event per text message, with a response id of its own. Like the real server it
keeps the turns of the socket, so ``{first}`` in the template is the first user text of the
conversation a ``previous_response_id`` continues: a reply can mention what only an earlier turn
said. ``cut(text)`` decides how the reply text is split into output_text deltas. Binary messages
are echoed back; ``extra`` messages are sent verbatim before each turn's events.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable

from aiohttp import WSMsgType, web

from tests.e2e.upstreams import LocalServer, compact, last_user_text, openai_responses, pieces
from tests.e2e.wire import sse_events


def response_events(text: str, response_id: str, cut: Callable[[str], list[str]],
                    tool: bool) -> list[dict]:
    """The HTTP stream's events for a reply ``text``, deltas cut by ``cut``, renumbered."""
    raw, _ = openai_responses(text, stream=True, tool=tool, thinking=False, generate=False)
    events: list[dict] = []
    for _, ev in sse_events(raw.encode()):
        if ev["type"] == "response.output_text.delta":
            if events[-1]["type"] != "response.output_text.delta":  # the first: all of them
                events += [{**ev, "delta": piece} for piece in cut(text)]
            continue
        if isinstance(ev.get("response"), dict):
            ev["response"]["id"] = response_id
        events.append(ev)
    for i, ev in enumerate(events):
        ev["sequence_number"] = i
    return events


@dataclass
class WsUpstream(LocalServer):
    template: str = "You said: {text} Noted, {text}!"
    tool: bool = False
    cut: Callable[[str], list[str]] = pieces
    extra: list[str | bytes] = field(default_factory=list)  # bytes go as binary messages
    seen: list[str] = field(default_factory=list)  # every text message received
    seen_binary: list[bytes] = field(default_factory=list)
    headers: list[dict] = field(default_factory=list)  # of each upgrade request
    replies: list[str] = field(default_factory=list)  # reply texts sent (with stand-ins)
    firsts: dict[str, str] = field(default_factory=dict)  # response id -> first user text

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/{tail:.*}", self.handle)

    def seen_text(self) -> str:
        return "\n".join(self.seen)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.headers.append(dict(request.headers))
        async for msg in ws:
            if msg.type == WSMsgType.BINARY:
                self.seen_binary.append(msg.data)
                await ws.send_bytes(msg.data)
            elif msg.type == WSMsgType.TEXT:
                self.seen.append(msg.data)
                await self.turn(ws, json.loads(msg.data))
        return ws

    async def turn(self, ws: web.WebSocketResponse, body: dict) -> None:
        if body.get("type") not in ("response.create", "response.steer", "response.inject"):
            await ws.send_str(compact({"type": "error", "status": 400, "error": {
                "type": "invalid_request_error", "code": "unknown_event", "message": "?"}}))
            return
        text = last_user_text("/responses", body)
        prev = body.get("previous_response_id") or body.get("response_id")
        first = self.firsts.get(prev, text) if prev else text
        reply = self.template.format(text=text, first=first)
        response_id = f"resp_{len(self.replies) + 1}"
        self.firsts[response_id] = first
        self.replies.append(reply)
        for raw in self.extra:
            await (ws.send_bytes(raw) if isinstance(raw, bytes) else ws.send_str(raw))
        for event in response_events(reply, response_id, self.cut, self.tool):
            await ws.send_str(compact(event))
