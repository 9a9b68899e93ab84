"""Claude.ai web through the real DoppelAddon (in-process flows), real Protector + Detector("fast")
+ encrypted Vault: prompt and pasted attachments leave with stand-ins; the SSE reply (text,
thinking, citation titles), history and the conversation list come back with the real values."""
from __future__ import annotations

import json

import pytest
from chunk_invariance import assert_chunk_invariant
from mitmproxy import http

from proxy.sites.base import ResponseContext
from proxy.sites.claude_web import ADAPTER, ClaudeSseRewriter, conversation_scope
from tests.fixtures.web import claude_wire as clw
from tests.fixtures.web.flows import PASTE, PROMPT, SPLIT_STEPS, Doppel, leaked, two_part_splits
from tests.fixtures.web.upstreams import TEMPLATE, TITLE

BASE = "https://claude.ai"
SSE = "text/event-stream; charset=utf-8"


@pytest.fixture
def doppel(tmp_path, monkeypatch):
    monkeypatch.setenv("DOPPEL_NO_KEYRING", "1")
    d = Doppel(ADAPTER, tmp_path / "data")
    yield d
    d.close()


async def turn(doppel, prompt=PROMPT, paste=None):
    body = json.dumps(clw.completion_request(prompt, paste=paste)).encode()
    flow = await doppel.send("POST", BASE + clw.completion_path(), body)
    assert flow.response is None, flow.response and flow.response.content
    sent = json.loads(flow.request.content)
    return flow, sent


@pytest.mark.parametrize("method, path, expected", [
    ("POST", clw.completion_path(), True),
    ("POST", clw.completion_path().replace("/completion", "/retry_completion"), True),
    ("POST", clw.conversation_path() + "/title", True),
    ("PUT", clw.conversation_path(), True),
    ("GET", clw.conversation_path() + "?tree=True&rendering_mode=messages", True),
    ("GET", clw.list_path() + "?limit=30", True),
    ("POST", clw.list_path(), True),
    ("GET", "/api/organizations", False),
    ("POST", "/api/organizations/o/upload", False),
    ("POST", "/api/event_logging/batch", False),
    ("DELETE", clw.conversation_path(), False),
])
def test_match(method, path, expected):
    assert ADAPTER.match(http.Request.make(method, BASE + path)) is expected
    assert ADAPTER.match(http.Request.make(method, "https://chatgpt.com" + path)) is False


async def test_prompt_and_paste_leave_with_stand_ins_only(doppel):
    flow, sent = await turn(doppel, paste=PASTE)
    assert leaked(flow.request.content.decode()) == []
    assert sent["prompt"] != PROMPT and sent["attachments"][0]["extracted_content"] != PASTE
    expected = clw.completion_request(PROMPT, paste=PASTE)
    expected["prompt"] = sent["prompt"]
    expected["attachments"][0]["extracted_content"] = sent["attachments"][0]["extracted_content"]
    assert sent == expected  # nothing else changed
    assert doppel.scope_of(flow) == conversation_scope(clw.CONVERSATION_ID)


async def test_stream_is_restored_text_thinking_and_citations(doppel):
    flow, sent = await turn(doppel)
    p = sent["prompt"]
    body = clw.completion_stream(TEMPLATE.format(text=p), thinking="The user wants " + p,
                                 citation_title=TITLE.format(text=p)).encode()
    view = clw.client_view((await doppel.reply(flow, body, SSE, chunks=[3, 200, 999])).decode())
    assert view["blocks"] == {0: "The user wants " + PROMPT, 1: TEMPLATE.format(text=PROMPT)}
    assert view["citations"] == [TITLE.format(text=PROMPT)]
    assert view["pings"] == 1 and view["limits"] == 1 and view["stopped"]


@pytest.mark.parametrize("step", SPLIT_STEPS)
async def test_stream_output_is_identical_for_every_split(doppel, step):
    flow, sent = await turn(doppel)
    body = clw.completion_stream(TEMPLATE.format(text=sent["prompt"]), piece=2).encode()
    scope = doppel.scope_of(flow)
    restorer = doppel.protector.restorer(scope)  # built once: streams keep their own state

    def whole(data: bytes) -> bytes:
        rw = ClaudeSseRewriter(ResponseContext(scope, lambda _: restorer))
        return rw.feed(data) + rw.finish()

    def streamed(chunks):
        rw = ClaudeSseRewriter(ResponseContext(scope, lambda _: restorer))
        for c in chunks:
            yield rw.feed(c)
        yield rw.finish()

    splits = two_part_splits(body, step)
    assert assert_chunk_invariant(streamed, whole, body, splits=splits) == len(splits)
    assert clw.client_view(whole(body).decode())["blocks"][0] == TEMPLATE.format(text=PROMPT)


async def test_history_and_list_are_restored_each_in_its_own_conversation(doppel):
    _, sent = await turn(doppel, paste=PASTE)
    p, paste = sent["prompt"], sent["attachments"][0]["extracted_content"]
    page = await doppel.send("GET", BASE + clw.conversation_path() + "?tree=True")
    history = clw.history(clw.CONVERSATION_ID, TITLE.format(text=p),
                          [(p, TEMPLATE.format(text=p), paste)])
    out = json.loads(await doppel.reply(page, json.dumps(history).encode(), "application/json"))
    assert out["name"] == TITLE.format(text=PROMPT)
    human, assistant = out["chat_messages"]
    assert human["content"][0]["text"] == PROMPT
    assert human["attachments"][0]["extracted_content"] == PASTE
    assert assistant["content"][0]["text"] == TEMPLATE.format(text=PROMPT)

    other = "0a0a0a0a-1111-4222-8333-444444444444"
    listing = clw.conversation_list([(clw.CONVERSATION_ID, p), (other, p)])
    page = await doppel.send("GET", BASE + clw.list_path() + "?limit=30")
    out = json.loads(await doppel.reply(page, json.dumps(listing).encode(), "application/json"))
    assert [c["name"] for c in out] == [PROMPT, p]  # never restored in another conversation


async def test_title_request_and_rename_are_protected(doppel):
    url = BASE + clw.conversation_path()
    flow = await doppel.send("POST", url + "/title", json.dumps(
        {"message_content": PROMPT, "recent_titles": [PROMPT, "Groceries"]}).encode())
    assert leaked(flow.request.content.decode()) == []
    assert json.loads(flow.request.content)["recent_titles"][1] == "Groceries"
    flow = await doppel.send("PUT", url, json.dumps({"name": PROMPT}).encode())
    assert leaked(flow.request.content.decode()) == []


@pytest.mark.parametrize("body, what", [
    (b"not json", "not valid JSON"),
    (b'"just a string"', "not a JSON object"),
    (b'{"prompt": ["Maria Gonzalez"]}', "'prompt' is not a string"),
    (b'{"prompt": "x", "attachments": "Maria Gonzalez"}', "'attachments' is not a list"),
])
async def test_malformed_requests_fail_closed_without_echoing_values(doppel, body, what):
    flow = await doppel.send("POST", BASE + clw.completion_path(), body)
    assert flow.response is not None and flow.response.status_code == 502
    message = json.loads(flow.response.content)["error"]["message"]
    assert what in message and leaked(message) == []


@pytest.mark.parametrize("body", [
    b"event: content_block_delta\ndata: {oops\n\n",
    b"event: content_block_delta\ndata: {\"type\": \"content_block_delta\", \"delta\": 5}\n\n",
    b"event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\"}}\n\n",
    b": ping\n\n: ping\n\n",
    b"\x00\x01\x02",
])
async def test_malformed_streams_pass_without_a_crash(doppel, body):
    flow, _ = await turn(doppel)
    assert await doppel.reply(flow, body, SSE, chunks=[2, 9]) == body
