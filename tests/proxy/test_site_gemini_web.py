"""Gemini web through the real DoppelAddon (in-process flows), real Protector + Detector("fast")
+ encrypted Vault: the prompt inside f.req leaves with stand-ins; the framed reply comes back
restored with every length recomputed; the first turn's scope binds to the conversation id."""
from __future__ import annotations

import json
from urllib.parse import parse_qs, urlencode

import pytest
from chunk_invariance import assert_chunk_invariant
from mitmproxy import http

from proxy.sites.base import ResponseContext
from proxy.sites.gemini.web import ADAPTER, GeminiResponseRewriter, conversation_scope
from tests.fixtures.web import gemini_wire as gw
from tests.fixtures.web.flows import PROMPT, SPLIT_STEPS, Doppel, leaked, two_part_splits
from tests.fixtures.web.upstreams import TEMPLATE, TITLE

BASE = "https://gemini.google.com"
FORM = {"content-type": "application/x-www-form-urlencoded;charset=UTF-8"}
JSON_CT = "application/json; charset=utf-8"


@pytest.fixture
def doppel(tmp_path, monkeypatch):
    monkeypatch.setenv("DOPPEL_NO_KEYRING", "1")
    d = Doppel(ADAPTER, tmp_path / "data")
    yield d
    d.close()


async def turn(doppel, prompt=PROMPT, ids=("", "", "")):
    flow = await doppel.send("POST", BASE + gw.GENERATE_PATH, gw.generate_form(prompt, ids=ids),
                             FORM)
    assert flow.response is None, flow.response and flow.response.content
    return flow, gw.form_prompt(flow.request.content)


@pytest.mark.parametrize("method, path, expected", [
    ("POST", gw.GENERATE_PATH, True),
    ("POST", gw.BATCH_PATH, True),
    ("GET", gw.GENERATE_PATH, False),
    ("POST", "/_/BardChatUi/data/upload", False),
    ("POST", "/gen_204?atyp=i", False),
])
def test_match(method, path, expected):
    assert ADAPTER.match(http.Request.make(method, BASE + path)) is expected
    assert ADAPTER.match(http.Request.make(method, "https://claude.ai" + path)) is False


async def test_prompt_leaves_with_stand_ins_and_the_form_stays_intact(doppel):
    flow, sent = await turn(doppel)
    assert sent != PROMPT and leaked(gw.form_prompt(flow.request.content)) == []
    assert leaked(flow.request.content.decode()) == []
    form = parse_qs(flow.request.content.decode())
    original = parse_qs(gw.generate_form(PROMPT).decode())
    assert form["at"] == original["at"]
    inner, expected = (json.loads(json.loads(f["f.req"][0])[1]) for f in (form, original))
    expected[0][0] = sent
    assert inner == expected  # only the prompt changed


async def test_first_turn_reply_is_restored_and_scope_rebound(doppel):
    flow, sent = await turn(doppel)
    temp = doppel.scope_of(flow)
    assert temp.startswith("gemini-web:new:")
    body = gw.generate_reply(TEMPLATE.format(text=sent), title=TITLE.format(text=sent)).encode()
    out = (await doppel.reply(flow, body, JSON_CT, chunks=[1, 50, 51, 333])).decode()
    view = gw.texts_of(out)  # asserts every frame length in UTF-16 units
    assert view["text"] == TEMPLATE.format(text=PROMPT)
    assert view["title"] == TITLE.format(text=PROMPT)
    assert doppel.vault.mappings(temp) == []
    assert doppel.vault.mappings(conversation_scope(gw.CONVERSATION_ID))


async def test_next_turn_scope_and_history_read(doppel):
    ids = (gw.CONVERSATION_ID, "r_7a8b9c0d1e2f3a4b", "rc_0a1b2c3d4e5f6a7b")
    flow, sent = await turn(doppel, ids=ids)
    assert doppel.scope_of(flow) == conversation_scope(gw.CONVERSATION_ID)
    read = await doppel.send("POST", BASE + gw.BATCH_PATH, gw.batch_form(gw.CONVERSATION_ID), FORM)
    assert doppel.scope_of(read) == conversation_scope(gw.CONVERSATION_ID)
    body = gw.history_reply(gw.CONVERSATION_ID, [(sent, TEMPLATE.format(text=sent))]).encode()
    out = (await doppel.reply(read, body, JSON_CT)).decode()
    frames = gw.parse_frames(out)
    turns = json.loads(frames[0][0][2])[0]
    assert turns[0][2][0][0] == PROMPT and turns[0][3][0][0][1][0] == TEMPLATE.format(text=PROMPT)


@pytest.mark.parametrize("step", SPLIT_STEPS)
async def test_reply_is_identical_for_every_split(doppel, step):
    flow, sent = await turn(doppel)
    body = gw.generate_reply(TEMPLATE.format(text=sent), piece=9).encode()
    scope = conversation_scope(gw.CONVERSATION_ID)  # no rebind inside the loop
    doppel.vault.rebind_scope(doppel.scope_of(flow), scope)
    restorer = doppel.protector.restorer(scope)  # built once: streams keep their own state

    def whole(data: bytes) -> bytes:
        rw = GeminiResponseRewriter(ResponseContext(scope, lambda _: restorer))
        return rw.feed(data) + rw.finish()

    def streamed(chunks):
        rw = GeminiResponseRewriter(ResponseContext(scope, lambda _: restorer))
        for c in chunks:
            yield rw.feed(c)
        yield rw.finish()

    splits = two_part_splits(body, step)
    assert assert_chunk_invariant(streamed, whole, body, splits=splits) == len(splits)
    assert gw.texts_of(whole(body).decode())["text"] == TEMPLATE.format(text=PROMPT)


@pytest.mark.parametrize("body, what", [
    (b"at=x", "no f.req"),
    (urlencode({"f.req": "not json"}).encode(), "not [null"),
    (urlencode({"f.req": "[null, 5]"}).encode(), "not [null"),
    (urlencode({"f.req": json.dumps([None, json.dumps([[5]])])}).encode(), "inner[0][0]"),
])
async def test_malformed_requests_fail_closed_without_echoing_values(doppel, body, what):
    flow = await doppel.send("POST", BASE + gw.GENERATE_PATH, body, FORM)
    assert flow.response is not None and flow.response.status_code == 502
    message = json.loads(flow.response.content)["error"]["message"]
    assert what in message and leaked(message) == []


@pytest.mark.parametrize("body", [
    b"<html><body>Error 429 (Too Many Requests)</body></html>",
    b")]}'\n\n12\n[[\"wrb.fr\"",  # cut short
    b")]}'\n\nabc\n[1]\n",
    b")]}'\n\n9\n[\"wrb.fr\"]\n",
])
async def test_malformed_replies_pass_without_a_crash(doppel, body):
    flow, _ = await turn(doppel)
    assert await doppel.reply(flow, body, JSON_CT, chunks=[3, 7]) == body


@pytest.mark.parametrize("piece", [3, 5, 9])
async def test_a_stand_in_cut_across_snapshots_never_shows(doppel, piece):
    """Each frame holds the whole text so far; a frame that ends inside a stand-in shows the
    text only up to where it could start (#15), and the last text comes whole."""
    flow, sent = await turn(doppel)
    reply = TEMPLATE.format(text=sent)
    body = gw.generate_reply(reply, piece=piece).encode()
    out = (await doppel.reply(flow, body, JSON_CT, chunks=[7, 300])).decode()
    real = TEMPLATE.format(text=PROMPT)
    texts = []
    for payload in gw.parse_frames(out):  # asserts every frame length
        for env in payload:
            if env[0] == "wrb.fr":
                inner = json.loads(env[2])
                if len(inner) > 4 and inner[4]:
                    texts.append(inner[4][0][1][0])
    assert texts and texts[-1] == real
    assert all(real.startswith(t) for t in texts), [t for t in texts if not real.startswith(t)]
    # upstream's own frames would have shown pieces of the stand-ins
    upstream = [json.loads(env[2])[4][0][1][0] for p in gw.parse_frames(body.decode())
                for env in p if env[0] == "wrb.fr" and len(json.loads(env[2])) > 4]
    assert any(not real.startswith(t) for t in upstream)
