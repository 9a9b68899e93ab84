"""ChatGPT web through the real DoppelAddon (in-process flows), real Protector + Detector("fast")
+ encrypted Vault: requests leave with stand-ins, every place the reply carries them back is
restored (delta stream, old snapshots, echo, title, history, sidebar), scopes rebind."""
from __future__ import annotations

import json

import pytest
from chunk_invariance import assert_chunk_invariant

from detector.restore import Restorer
from proxy.sites.base import ResponseContext
from proxy.sites.chatgpt.web import ADAPTER, ChatGptSseRewriter, conversation_scope
from tests.fixtures.web import chatgpt_wire as cw
from tests.fixtures.web.flows import PROMPT, SPLIT_STEPS, Doppel, leaked, two_part_splits
from tests.fixtures.web.upstreams import TEMPLATE, TITLE

BASE = "https://chatgpt.com"
SSE = "text/event-stream; charset=utf-8"


@pytest.fixture
def doppel(tmp_path, monkeypatch):
    monkeypatch.setenv("DOPPEL_NO_KEYRING", "1")
    d = Doppel(ADAPTER, tmp_path / "data")
    yield d
    d.close()


def sent_prompt(flow) -> str:
    return json.loads(flow.request.content)["messages"][0]["content"]["parts"][-1]


async def first_turn(doppel, **kw):
    body = json.dumps(cw.turn_request(PROMPT, **kw)).encode()
    flow = await doppel.send("POST", BASE + "/backend-api/f/conversation", body)
    assert flow.response is None, flow.response and flow.response.content
    return flow, sent_prompt(flow)


@pytest.mark.parametrize("method, url, expected", [
    ("POST", BASE + "/backend-api/f/conversation", True),
    ("POST", BASE + "/backend-api/conversation", True),
    ("POST", BASE + "/backend-api/f/conversation/prepare", True),
    ("POST", "https://chat.openai.com/backend-api/conversation", True),
    ("GET", BASE + "/backend-api/conversation/6744a1f2-0c1d-8009-b2a5-3f41c9d7e0aa", True),
    ("PATCH", BASE + "/backend-api/conversation/6744a1f2-0c1d-8009-b2a5-3f41c9d7e0aa", True),
    ("GET", BASE + "/backend-api/conversations?offset=0&limit=28&order=updated", True),
    ("POST", BASE + "/backend-api/sentinel/chat-requirements", False),
    ("POST", BASE + "/backend-api/sentinel/ping", False),
    ("GET", BASE + "/backend-api/me", False),
    ("POST", BASE + "/backend-api/files", False),
    ("POST", BASE + "/ces/v1/t", False),
    ("POST", "https://claude.ai/backend-api/f/conversation", False),
    ("GET", BASE + "/backend-api/f/conversation", False),
])
def test_match(method, url, expected):
    from mitmproxy import http
    assert ADAPTER.match(http.Request.make(method, url)) is expected


async def test_turn_request_leaves_with_stand_ins_only(doppel):
    flow, sent = await first_turn(doppel, image_part=True)
    body = json.loads(flow.request.content)
    assert leaked(flow.request.content.decode()) == []
    assert sent != PROMPT
    parts = body["messages"][0]["content"]["parts"]
    image = cw.turn_request(PROMPT, image_part=True)["messages"][0]["content"]["parts"][0]
    assert parts[0] == image  # the image pointer is not text: untouched
    expected = cw.turn_request(PROMPT, image_part=True)
    expected["messages"][0]["content"]["parts"][1] = sent
    assert body == expected  # nothing else changed
    assert flow.request.headers["accept-encoding"] == "identity"
    assert flow.request.headers["x-openai-web-sse-compression"] == "identity"


async def test_first_turn_scope_is_temporary_then_rebound(doppel):
    flow, sent = await first_turn(doppel, message_id="m-123")
    assert doppel.scope_of(flow) == "chatgpt-web:new:m-123"
    reply = TEMPLATE.format(text=sent)
    stream = cw.delta_stream(sent, reply, title=TITLE.format(text=sent)).encode()
    out = await doppel.reply(flow, stream, SSE, chunks=[7, 300, 301])
    client = cw.Client().feed(out.decode())
    assert client.text(0) == PROMPT  # the echo of what the user typed
    assert client.text(1) == TEMPLATE.format(text=PROMPT)
    assert client.title == TITLE.format(text=PROMPT)
    assert client.done
    cid_scope = conversation_scope(cw.CONVERSATION_ID)
    assert doppel.vault.mappings("chatgpt-web:new:m-123") == []
    moved = doppel.vault.mappings(cid_scope)
    assert moved and all(m.standin in sent for m in moved)
    assert Restorer(moved).restore_exact(sent) == PROMPT


async def test_next_turn_is_scoped_by_conversation_id(doppel):
    body = json.dumps(cw.turn_request(PROMPT, conversation_id=cw.CONVERSATION_ID)).encode()
    flow = await doppel.send("POST", BASE + "/backend-api/f/conversation", body)
    assert doppel.scope_of(flow) == conversation_scope(cw.CONVERSATION_ID)
    assert leaked(flow.request.content.decode()) == []


async def test_old_snapshot_stream_is_restored_snapshot_by_snapshot(doppel):
    flow, sent = await first_turn(doppel)
    reply = TEMPLATE.format(text=sent)
    out = await doppel.reply(flow, cw.snapshot_stream(reply).encode(), SSE)
    client = cw.Client().feed(out.decode())
    assert client.messages[0]["message"]["content"]["parts"][0] == TEMPLATE.format(text=PROMPT)
    assert leaked(out.decode())  # the real values are back (this is the client's side)


@pytest.mark.parametrize("step", SPLIT_STEPS)
async def test_stream_output_is_identical_for_every_split(doppel, step):
    flow, sent = await first_turn(doppel)
    body = cw.delta_stream(sent, TEMPLATE.format(text=sent), title=sent, piece=2).encode()
    scope = doppel.scope_of(flow)
    restorer = doppel.protector.restorer(scope)  # built once: streams keep their own state

    def rewriter():
        return ChatGptSseRewriter(ResponseContext(scope, lambda _: restorer))

    def whole(data: bytes) -> bytes:
        rw = rewriter()
        return rw.feed(data) + rw.finish()

    def streamed(chunks):
        rw = rewriter()
        for c in chunks:
            yield rw.feed(c)
        yield rw.finish()

    splits = two_part_splits(body, step)
    assert assert_chunk_invariant(streamed, whole, body, splits=splits) == len(splits)
    assert cw.Client().feed(whole(body).decode()).text(1) == TEMPLATE.format(text=PROMPT)


async def test_history_and_sidebar_are_restored_each_in_its_own_conversation(doppel):
    flow, sent = await first_turn(doppel)
    await doppel.reply(flow, cw.delta_stream(sent, "ok").encode(), SSE)  # binds the scope
    other = "7a1b2c3d-0000-4000-8000-000000000000"
    page = await doppel.send("GET", f"{BASE}/backend-api/conversation/{cw.CONVERSATION_ID}")
    history = cw.history(cw.CONVERSATION_ID, TITLE.format(text=sent),
                         [(sent, TEMPLATE.format(text=sent))])
    out = json.loads(await doppel.reply(page, json.dumps(history).encode(), "application/json"))
    assert out["title"] == TITLE.format(text=PROMPT)
    texts = [n["message"]["content"]["parts"][0] for n in out["mapping"].values() if n["message"]]
    assert texts == [PROMPT, TEMPLATE.format(text=PROMPT)]

    side = await doppel.send("GET", f"{BASE}/backend-api/conversations?offset=0&limit=28")
    listing = cw.sidebar([(cw.CONVERSATION_ID, "Re: " + sent), (other, "Re: " + sent)])
    items = json.loads(await doppel.reply(side, json.dumps(listing).encode(),
                                          "application/json"))["items"]
    assert items[0]["title"] == "Re: " + PROMPT
    # another conversation never had these stand-ins: restoring there would misattribute
    assert items[1]["title"] == "Re: " + sent


async def test_rename_is_protected(doppel):
    url = f"{BASE}/backend-api/conversation/{cw.CONVERSATION_ID}"
    flow = await doppel.send("PATCH", url, json.dumps({"title": PROMPT}).encode())
    assert leaked(flow.request.content.decode()) == []
    assert json.loads(flow.request.content)["title"] != PROMPT


async def test_sentinel_passes_byte_for_byte(doppel):
    body = b'{"p":"gAAAAACWzI0MDAsIlNhdCBOb3YgMjIgMjAyNiAxMDowMDowMCBHTVQrMDEwMCJd"}'
    flow = await doppel.send("POST", BASE + "/backend-api/sentinel/chat-requirements", body)
    assert flow.request.content == body and "doppel" not in flow.metadata


@pytest.mark.parametrize("body, what", [
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "not a JSON object"),
    (b'{"messages": {"a": 1}}', "'messages' is not a list"),
    (b'{"messages": ["hi"]}', "message is not an object"),
    (b'{"messages": [{"content": {"parts": "Maria Gonzalez"}}]}', "'content.parts' is not a list"),
])
async def test_malformed_requests_fail_closed_without_echoing_values(doppel, body, what):
    flow = await doppel.send("POST", BASE + "/backend-api/f/conversation", body)
    assert flow.response is not None and flow.response.status_code == 502
    message = json.loads(flow.response.content)["error"]["message"]
    assert what in message and leaked(message) == []


@pytest.mark.parametrize("body", [
    b"data: {broken json\n\ndata: [DONE]\n\n",
    b"event: delta\ndata: {\"p\": \"/message/content/parts/0\", \"o\": \"append\"}\n\n",
    b"event: delta\ndata: [1, 2, 3]\n\n",
    b"event: delta\ndata: {\"v\": \"tail without a message\"}\n\n",
    b"\xff\xfe garbage without newline",
    b"",
])
async def test_malformed_streams_pass_without_a_crash(doppel, body):
    flow, _ = await first_turn(doppel)
    out = await doppel.reply(flow, body, SSE, chunks=[1, 5])
    assert out == body
