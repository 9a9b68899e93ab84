"""The Responses API's WebSocket mode through a real in-process mitmproxy (reverse mode), a local
aiohttp WebSocket upstream speaking the format (tests/e2e/ws_upstream.py) and real clients
(aiohttp, and the openai SDK's ``responses.connect()``)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import aiohttp
import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.pipeline import Detector
from detector.protect import Protector
from detector.store import InMemoryStore
from proxy.mitm.addon import DoppelAddon
from proxy.control.events import EventLog
from proxy.mitm.embedded import EmbeddedProxy
from proxy.sites.openai.responses import OpenAIResponsesAdapter
from proxy.sites.openai.responses_ws import ResponsesSocket
from tests.e2e.conftest import GOLD, PROMPT, assert_no_gold, make_protector
from tests.e2e.ws_upstream import WsUpstream, response_events

TEMPLATE = "You said: {text} Noted, {text}!"


def create(text: str, **fields) -> dict:
    return {"type": "response.create", "model": "m", "instructions": "Be brief.",
            "input": [{"role": "user", "content": [{"type": "input_text", "text": text}]}],
            **fields}


class Turn:
    """What a client makes of one response's events (as the SDKs assemble them)."""

    def __init__(self, events: list[dict]) -> None:
        self.events = events
        self.text = "".join(e["delta"] for e in events if e["type"] == "response.output_text.delta")
        args: dict = {}
        for e in events:
            if e["type"] == "response.function_call_arguments.delta":
                args[e["output_index"]] = args.get(e["output_index"], "") + e["delta"]
        self.args = [args[k] for k in sorted(args)]
        self.copies = []
        for e in events:
            if e["type"] == "response.output_text.done":
                self.copies.append(e["text"])
            elif e["type"] == "response.content_part.done":
                self.copies.append(e["part"]["text"])
            elif e["type"] == "response.output_item.done" and e["item"]["type"] == "message":
                self.copies.append(e["item"]["content"][0]["text"])
            elif e["type"] == "response.completed":
                self.copies.append(e["response"]["output"][0]["content"][0]["text"])
        self.response_id = next((e["response"]["id"] for e in events
                                 if e["type"] == "response.completed"), None)
        self.seqs = [e.get("sequence_number") for e in events if "sequence_number" in e]


async def receive_turn(ws, raw: list | None = None) -> Turn:
    events = []
    while True:
        msg = await ws.receive(timeout=30)
        assert msg.type == aiohttp.WSMsgType.TEXT, msg
        if raw is not None:
            raw.append(msg.data)
        try:
            event = json.loads(msg.data)
        except ValueError:
            continue
        if not isinstance(event, dict) or "type" not in event:
            continue
        events.append(event)
        if event["type"] in ("response.completed", "error"):
            return Turn(events)


async def ask(ws, body: dict | str | bytes) -> Turn:
    if isinstance(body, bytes):
        await ws.send_bytes(body)
    else:
        await ws.send_str(body if isinstance(body, str) else json.dumps(body))
    return await receive_turn(ws)


@pytest.fixture
def protector() -> Protector:
    return make_protector()


@pytest.fixture
async def ws_upstream():
    up = await WsUpstream(template=TEMPLATE).start()
    yield up
    await up.stop()


async def start_proxy(upstream: WsUpstream, protector, tmp_path: Path, **addon_kw):
    addon = DoppelAddon(protector, detect_timeout_s=20, **addon_kw)
    proxy = EmbeddedProxy([addon], confdir=tmp_path / "conf", listen_host="127.0.0.1",
                          listen_port=0, mode=[f"reverse:{upstream.url}"])
    await proxy.start()
    return proxy, addon


@pytest.fixture
async def doppel(ws_upstream, protector, tmp_path: Path):
    proxy, addon = await start_proxy(ws_upstream, protector, tmp_path, events=EventLog())
    yield proxy, addon
    await proxy.stop()


def ws_url(proxy: EmbeddedProxy) -> str:
    return f"ws://127.0.0.1:{proxy.port}/v1/responses"


HEADERS = {"authorization": "Bearer sk-test-key"}


async def test_upstream_sees_stand_ins_client_sees_originals(doppel, ws_upstream):
    ws_upstream.tool = True
    proxy, addon = doppel
    async with aiohttp.ClientSession() as s, s.ws_connect(ws_url(proxy), headers=HEADERS) as ws:
        turn = await ask(ws, create(PROMPT))
    assert_no_gold(ws_upstream.seen_text())
    assert_no_gold("".join(ws_upstream.replies))  # the reply the model "wrote" had stand-ins
    expected = TEMPLATE.format(text=PROMPT)
    assert turn.text == expected
    assert turn.copies == [expected] * 4
    assert len(turn.args) == 1 and json.loads(turn.args[0])["query"] == expected
    assert turn.seqs == sorted(turn.seqs) and len(set(turn.seqs)) == len(turn.seqs)
    assert addon.stats.protected_requests == 1 and addon.stats.replaced >= 3


def _inside_name(text: str) -> int:
    """An offset two letters into the stand-in name the reply repeats after "Noted, "."""
    return text.index("I'm ", text.index("Noted")) + len("I'm ") + 2


async def test_a_stand_in_split_across_two_messages_is_restored(doppel, ws_upstream):
    proxy, _ = doppel
    ws_upstream.cut = lambda text: [text[:_inside_name(text)], text[_inside_name(text):]]
    async with aiohttp.ClientSession() as s, s.ws_connect(ws_url(proxy)) as ws:
        turn = await ask(ws, create(PROMPT))
    reply = ws_upstream.replies[0]
    cut = _inside_name(reply)
    stand_in = re.search(r"I'm (\w+ \w+)\.", reply).group(1)
    assert reply[cut - 2:cut - 2 + len(stand_in)] == stand_in  # the cut falls inside it
    assert turn.text == TEMPLATE.format(text=PROMPT)


async def test_every_split_offset_of_the_deltas_gives_the_same_text(doppel, ws_upstream):
    """One socket, one turn per way of cutting the reply in two (plus one delta per character):
    what the client assembles is always the original text."""
    proxy, _ = doppel
    expected = TEMPLATE.format(text=PROMPT)
    async with aiohttp.ClientSession() as s, s.ws_connect(ws_url(proxy)) as ws:
        ws_upstream.cut = list
        turn = await ask(ws, create(PROMPT))
        assert turn.text == expected and turn.copies == [expected] * 4
        reply_len = len(ws_upstream.replies[0])
        for k in range(reply_len + 1):
            ws_upstream.cut = lambda text, k=k: [text[:k], text[k:]]
            turn = await ask(ws, create(PROMPT))
            assert turn.text == expected, k
            assert turn.copies == [expected] * 4, k
    assert len(ws_upstream.replies) == reply_len + 2
    assert_no_gold(ws_upstream.seen_text())


@pytest.mark.parametrize("cut", [list, lambda text: [text]])
async def test_text_held_back_at_the_end_goes_out_before_done_in_order(doppel, ws_upstream, cut):
    """A reply ending in a stand-in: its restorer holds the tail back until output_text.done,
    then Doppel sends it as an extra delta ahead of the done event (injected, as are all later
    events, so the client gets them in order, numbered 0, 1, 2, ...)."""
    proxy, _ = doppel
    prompt = "Please write to maria.gonzalez@gmail.com"
    ws_upstream.template, ws_upstream.cut = "{text}", cut
    async with aiohttp.ClientSession() as s, s.ws_connect(ws_url(proxy)) as ws:
        for _ in range(2):  # the second turn starts with nothing injected pending
            turn = await ask(ws, create(prompt))
            assert turn.text == prompt and turn.copies == [prompt] * 4
            assert turn.seqs == list(range(len(turn.seqs)))
            kinds = [e["type"] for e in turn.events]
            done = kinds.index("response.output_text.done")
            assert kinds[done - 1] == "response.output_text.delta"
            assert "response.output_text.delta" not in kinds[done:]
            sent = response_events(ws_upstream.replies[-1], "resp", cut, tool=False)
            assert len(turn.events) == len(sent) + 1  # the extra delta
    assert_no_gold(ws_upstream.seen_text() + "".join(ws_upstream.replies))


@pytest.mark.parametrize("bad", [
    "this is not JSON: Maria Gonzalez",
    '["response.create", "Maria Gonzalez"]',
    '{"type": 5, "input": "Maria Gonzalez"}',
    '{"type": "response.create", "input": 5}',
    '{"type": "response.create", "input": [{"role": "user", "content": 7}]}',
    '{"type": "response.create", "input": "hi", "input": "Maria Gonzalez"}',  # repeated key
    # The same JSON as a binary frame: Doppel reads text frames only, so it is refused.
    b'{"type": "response.create", "input": "Maria Gonzalez"}',
])
async def test_an_unreadable_client_message_is_blocked(doppel, ws_upstream, bad):
    proxy, addon = doppel
    async with aiohttp.ClientSession() as s, s.ws_connect(ws_url(proxy)) as ws:
        turn = await ask(ws, bad)
        (event,) = turn.events
        assert event["type"] == "error"
        err = event["error"]
        assert err["type"] == "doppel_blocked" and err["code"] == "unreadable_request"
        assert err["message"].startswith("Doppel blocked this request")
        assert_no_gold(err["message"])
        assert ws_upstream.seen == [] and ws_upstream.seen_binary == []  # nothing went upstream
        # The socket is still usable afterwards.
        turn = await ask(ws, create(PROMPT))
        assert turn.text == TEMPLATE.format(text=PROMPT)
    assert len(ws_upstream.seen) == 1
    assert addon.stats.blocked == 1
    # Recorded like the HTTP path (for the popup): the refusal, then the protected turn.
    blocked, protected = addon.events.recent()
    assert (blocked.outcome, blocked.reason) == ("blocked", "unreadable_request")
    assert (protected.outcome, protected.adapter) == ("protected", "openai-responses")


class CrashingLayer:
    name = "crashy"

    def find(self, text):
        raise RuntimeError("boom " + text)  # the message holds the text: it must not leak


async def test_a_failed_detection_blocks_the_message(ws_upstream, tmp_path):
    protector = Protector(Detector(layers=[CrashingLayer()]), InMemoryStore())
    proxy, addon = await start_proxy(ws_upstream, protector, tmp_path)
    try:
        async with aiohttp.ClientSession() as s, s.ws_connect(ws_url(proxy)) as ws:
            turn = await ask(ws, create(PROMPT))
    finally:
        await proxy.stop()
    (event,) = turn.events
    assert event["error"]["code"] == "detection_failed"
    assert "crashy" in event["error"]["message"]
    assert_no_gold(json.dumps(event))
    assert ws_upstream.seen == []
    assert addon.stats.blocked == 1


async def test_multi_turn_on_one_socket_keeps_one_persona(doppel, ws_upstream):
    """Turn 2 continues turn 1 by previous_response_id and sends no private value itself; the
    upstream's reply mentions turn 1's text (stand-ins). The client must see them restored, so
    turn 2 landed in turn 1's conversation scope; a value repeated in turn 3 gets the same
    stand-in."""
    proxy, addon = doppel
    ws_upstream.template = "You said: {text} Earlier: {first}"
    async with aiohttp.ClientSession() as s, s.ws_connect(ws_url(proxy), headers=HEADERS) as ws:
        one = await ask(ws, create(PROMPT))
        two = await ask(ws, create("What did I tell you?", previous_response_id=one.response_id))
        three = await ask(ws, create("Again: Maria Gonzalez, maria.gonzalez@gmail.com.",
                                     previous_response_id=two.response_id))
    assert one.text == f"You said: {PROMPT} Earlier: {PROMPT}"
    assert two.text == f"You said: What did I tell you? Earlier: {PROMPT}"
    assert three.text == f"You said: Again: Maria Gonzalez, maria.gonzalez@gmail.com. " \
                         f"Earlier: {PROMPT}"
    assert_no_gold(ws_upstream.seen_text())
    events = addon.events.recent()
    assert [e.outcome for e in events] == ["protected"] * 3
    assert len({e.conversation for e in events}) == 1  # one conversation, one persona
    first, third = json.loads(ws_upstream.seen[0]), json.loads(ws_upstream.seen[2])
    email = re.compile(r"[\w.+-]+@[\w.-]+\.\w+")
    name = re.search(r"I'm (\w+ \w+)\.", first["input"][0]["content"][0]["text"]).group(1)
    third_text = third["input"][0]["content"][0]["text"]
    assert third_text.startswith(f"Again: {name}, ")
    assert email.findall(third_text) == email.findall(first["input"][0]["content"][0]["text"])


@pytest.mark.parametrize("kind, ref", [("response.steer", "previous_response_id"),
                                       ("response.inject", "response_id")])
async def test_steered_or_injected_input_is_protected_in_the_same_scope(doppel, ws_upstream,
                                                                       kind, ref):
    """Input added to a response under way (beta events) is protected like a create's, in the
    scope of the response it names: the same stand-ins, and the reply to it restored."""
    proxy, _ = doppel
    ws_upstream.template = "You said: {text} Earlier: {first}"
    added = "Also tell Maria Gonzalez at maria.gonzalez@gmail.com."
    async with aiohttp.ClientSession() as s, s.ws_connect(ws_url(proxy), headers=HEADERS) as ws:
        one = await ask(ws, create(PROMPT))
        two = await ask(ws, {"type": kind, ref: one.response_id, "input": [
            {"role": "user", "content": [{"type": "input_text", "text": added}]}]})
    assert two.text == f"You said: {added} Earlier: {PROMPT}"
    assert_no_gold(ws_upstream.seen_text())
    sent = json.loads(ws_upstream.seen[1])
    assert sent["type"] == kind and sent[ref] == one.response_id
    first = json.loads(ws_upstream.seen[0])["input"][0]["content"][0]["text"]
    name = re.search(r"I'm (\w+ \w+)\.", first).group(1)
    assert sent["input"][0]["content"][0]["text"].startswith(f"Also tell {name} at ")


async def test_server_messages_we_do_not_know_pass_unchanged(doppel, ws_upstream):
    proxy, _ = doppel
    odd = ['{"type": "response.future_event",   "n": 1}', "not json at all", '{"no": "type"}']
    ws_upstream.extra = [*odd, b"\x00\x01binary \xff"]
    async with aiohttp.ClientSession() as s, s.ws_connect(ws_url(proxy)) as ws:
        await ws.send_str(json.dumps(create(PROMPT)))
        msgs = []
        for _ in range(4):  # the extra messages come first, the binary one as binary
            msgs.append(await ws.receive(timeout=30))
        raw: list[str] = [m.data for m in msgs[:3]]
        turn = await receive_turn(ws)
        # A client event type Doppel does not protect passes to the upstream unchanged.
        await ws.send_str('{"type": "response.cancel",  "response_id": "resp_1"}')
        err = await receive_turn(ws)
    assert raw == odd  # byte for byte, not re-serialized
    assert msgs[3].type == aiohttp.WSMsgType.BINARY and msgs[3].data == b"\x00\x01binary \xff"
    assert turn.text == TEMPLATE.format(text=PROMPT)
    assert ws_upstream.seen[-1] == '{"type": "response.cancel",  "response_id": "resp_1"}'
    assert err.events[0]["error"]["code"] == "unknown_event"


async def test_the_openai_sdk_websocket_client(doppel, ws_upstream):
    """openai-python's responses.connect() (the ``websockets`` package underneath)."""
    proxy, _ = doppel
    client = openai.AsyncOpenAI(base_url=f"http://127.0.0.1:{proxy.port}/v1", api_key="sk-test")
    text = ""
    async with client.responses.connect() as conn:
        await conn.response.create(model="m", input=[
            {"role": "user", "content": [{"type": "input_text", "text": PROMPT}]}])
        async for event in conn:
            if event.type == "response.output_text.delta":
                text += event.delta
            elif event.type == "response.completed":
                completed = event.response.output[0].content[0].text
                break
        await conn.send_raw("{not json")  # refused: the SDK parses the error event
        refused = (await conn.recv()).to_dict()
    assert text == completed == TEMPLATE.format(text=PROMPT)
    assert_no_gold(ws_upstream.seen_text())
    assert ws_upstream.headers[0]["Authorization"] == "Bearer sk-test"
    assert refused["type"] == "error" and refused["error"]["code"] == "unreadable_request"
    assert refused["error"]["message"].startswith("Doppel blocked this request")
    assert len(ws_upstream.seen) == 1


def test_gold_values_are_in_the_prompt():
    """The assertions above mean something only if the prompt carries every gold value."""
    assert all(g in PROMPT for g in GOLD)
    assert make_protector().protect(PROMPT, "s").replacements


_PROTECTOR = None


def _protected_reply() -> tuple[Protector, str, str]:
    """A real protector, its scope, and a reply written with the stand-ins it issued."""
    global _PROTECTOR
    if _PROTECTOR is None:
        _PROTECTOR = make_protector()
    protected = _PROTECTOR.protect(PROMPT, "scope-ws").protected
    return _PROTECTOR, "scope-ws", TEMPLATE.format(text=protected)


@settings(max_examples=60, deadline=None)
@given(cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=12))
def test_any_cutting_of_the_deltas_restores_the_same(cuts):
    """ResponsesSocket alone (no proxy): deltas cut at any set of offsets, one message each."""
    protector, scope, reply = _protected_reply()
    offsets = sorted({min(c, len(reply)) for c in cuts} | {0, len(reply)})
    pieces = [reply[a:b] for a, b in zip(offsets, offsets[1:])]
    sock = ResponsesSocket(OpenAIResponsesAdapter())
    sock.protected("response.create", scope, protector.restorer(scope))
    out = []
    for event in response_events(reply, "resp_9", lambda _: pieces, tool=False):
        out += [json.loads(m) for m in sock.server_message(json.dumps(event))]
    turn = Turn(out)
    assert turn.text == TEMPLATE.format(text=PROMPT)
    assert turn.copies == [TEMPLATE.format(text=PROMPT)] * 4
    assert turn.seqs == list(range(len(turn.seqs)))
