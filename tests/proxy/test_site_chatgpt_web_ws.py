"""ChatGPT's WebSocket handoff: after stream_handoff, the rest of the turn arrives over
wss://ws.chatgpt.com with the same SSE text in `encoded_item`; ChatGptHandoff restores it in a
real mitmproxy WebSocket flow (mitmproxy.test), with the real Protector and Vault."""
from __future__ import annotations

import base64
import json

import pytest
from mitmproxy import http, websocket
from mitmproxy.test import taddons, tflow
from wsproto.frame_protocol import Opcode

from proxy.sites.chatgpt.web import ADAPTER
from proxy.sites.chatgpt.ws import ChatGptHandoff
from tests.fixtures.web import chatgpt_wire as cw
from tests.fixtures.web.flows import PROMPT, Doppel, leaked
from tests.fixtures.web.upstreams import TEMPLATE

SSE = "text/event-stream; charset=utf-8"


@pytest.fixture
def doppel(tmp_path, monkeypatch):
    monkeypatch.setenv("DOPPEL_NO_KEYRING", "1")
    d = Doppel(ADAPTER, tmp_path / "data")
    yield d
    d.close()


async def handed_off_turn(doppel, handoff_after: int):
    """A first turn whose HTTP stream stops at stream_handoff; returns (client, sent, reply)."""
    body = json.dumps(cw.turn_request(PROMPT)).encode()
    flow = await doppel.send("POST", "https://chatgpt.com/backend-api/f/conversation", body)
    sent = json.loads(flow.request.content)["messages"][0]["content"]["parts"][0]
    reply = TEMPLATE.format(text=sent)
    stream = cw.delta_stream(sent, reply, handoff_after=handoff_after).encode()
    client = cw.Client().feed((await doppel.reply(flow, stream, SSE)).decode())
    return client, sent, reply


def ws_flow(host: str = "ws.chatgpt.com") -> http.HTTPFlow:
    flow = tflow.twebsocketflow(messages=False)
    flow.request.host = host
    return flow


async def deliver(addon, flow, text: str, from_client: bool = False) -> str:
    flow.websocket.messages.append(
        websocket.WebSocketMessage(Opcode.TEXT, from_client, text.encode()))
    await addon.websocket_message(flow)
    return flow.websocket.messages[-1].text


@pytest.mark.parametrize("handoff_after", [0, 4, 9])
async def test_turn_continued_over_websocket_is_restored(doppel, handoff_after):
    client, sent, reply = await handed_off_turn(doppel, handoff_after)
    addon = ChatGptHandoff(doppel.protector.restorer)
    flow = ws_flow()
    with taddons.context(addon):
        for seq, item in enumerate(cw.handoff_rest(reply, handoff_after=handoff_after)):
            out = json.loads(await deliver(addon, flow, cw.ws_message(item, seq)))
            client.feed(out["payload"]["payload"]["encoded_item"])
    assert client.text(1) == TEMPLATE.format(text=PROMPT)
    assert client.done


async def test_items_cut_mid_event_and_base64_bodies(doppel):
    client, sent, reply = await handed_off_turn(doppel, 2)
    text = "".join(cw.handoff_rest(reply, handoff_after=2))
    addon = ChatGptHandoff(doppel.protector.restorer)
    flow = ws_flow()
    received = ""
    with taddons.context(addon):
        for i in range(0, len(text), 17):  # items cut mid event, mid stand-in
            raw = text[i:i + 17].encode()
            msg = {"type": "http.response.body", "conversation_id": cw.CONVERSATION_ID,
                   "body": base64.b64encode(raw).decode(), "more_body": True, "response_id": "r1"}
            out = json.loads(await deliver(addon, flow, json.dumps(msg)))
            received += base64.b64decode(out["body"]).decode()
    client.feed(received)
    assert client.text(1) == TEMPLATE.format(text=PROMPT)


async def test_client_messages_other_hosts_and_non_json_pass_untouched(doppel):
    _, sent, _ = await handed_off_turn(doppel, 1)
    addon = ChatGptHandoff(doppel.protector.restorer)
    item = cw.ws_message(cw._sse({"p": "/message/content/parts/0", "o": "append", "v": sent},
                                 "delta"), 1)
    with taddons.context(addon):
        assert await deliver(addon, ws_flow(), item, from_client=True) == item
        assert await deliver(addon, ws_flow("ws.example.com"), item) == item
        assert await deliver(addon, ws_flow(), "ping") == "ping"
        assert await deliver(addon, ws_flow(), '{"type": "pong"}') == '{"type": "pong"}'
        restored = await deliver(addon, ws_flow(), item)
    assert leaked(restored)  # the real values are back, on the client's side only
