"""ChatGPT web turns that do not end in one response (#15), through the real DoppelAddon with the
real Protector and an encrypted Vault: a long answer in the 2026 shape (bare frames after patch
batches and bare adds), a stream broken off and resumed over /f/conversation/resume (also under
/backend-alt/), and the Desktop app's turn that moves to ws.chatgpt.com after a handoff-only
reply. The page (chatgpt_wire.Client, which decodes like the page) must end with the real text
and count exactly the events upstream sent."""
from __future__ import annotations

import json

import pytest
from chunk_invariance import assert_chunk_invariant
from mitmproxy.test import taddons

from proxy.sites.chatgpt.web import ADAPTER
from proxy.sites.chatgpt.ws import ChatGptHandoff
from tests.fixtures.web import chatgpt_wire as cw
from tests.fixtures.web.flows import PROMPT, SPLIT_STEPS, Doppel, leaked, two_part_splits
from tests.fixtures.web.upstreams import TEMPLATE
from tests.proxy.test_site_chatgpt_web_ws import deliver, ws_flow

SSE = "text/event-stream; charset=utf-8"
HEADER_EVENTS = 7  # long_answer_events' events before the first piece of text


@pytest.fixture
def doppel(tmp_path, monkeypatch):
    monkeypatch.setenv("DOPPEL_NO_KEYRING", "1")
    d = Doppel(ADAPTER, tmp_path / "data")
    yield d
    d.close()


async def first_turn(doppel, base: str = "backend-api"):
    body = json.dumps(cw.turn_request(PROMPT)).encode()
    flow = await doppel.send("POST", f"https://chatgpt.com/{base}/f/conversation", body)
    assert flow.response is None
    sent = json.loads(flow.request.content)["messages"][0]["content"]["parts"][0]
    assert leaked(sent) == []
    return flow, sent, TEMPLATE.format(text=sent)


async def test_a_long_answer_shows_real_values(doppel):
    flow, sent, reply = await first_turn(doppel)
    events = cw.long_answer_events(sent, reply, piece=4, batch_every=3)
    body = "".join(events).encode()
    out = (await doppel.reply(flow, body, SSE, chunks=[100, 101, 777])).decode()
    page = cw.Client().feed(out)
    assert page.text(2) == TEMPLATE.format(text=PROMPT)
    assert page.messages[0]["message"]["content"]["parts"] == [PROMPT]  # the user echo
    assert page.events == cw.Client().feed(body.decode()).events
    # without Doppel the page would have shown stand-ins
    assert cw.Client().feed(body.decode()).text(2) == reply != TEMPLATE.format(text=PROMPT)


@pytest.mark.parametrize("step", SPLIT_STEPS)
async def test_a_long_answer_is_the_same_however_it_is_cut(doppel, step):
    flow, sent, reply = await first_turn(doppel)
    body = "".join(cw.long_answer_events(sent, reply, piece=6, batch_every=4)).encode()
    from proxy.sites.base import ResponseContext
    from proxy.sites.chatgpt.web import ChatGptSseRewriter, conversation_scope
    scope = conversation_scope(cw.CONVERSATION_ID)
    doppel.vault.rebind_scope(doppel.scope_of(flow), scope)
    restorer = doppel.protector.restorer(scope)

    def streamed(chunks):
        rw = ChatGptSseRewriter(ResponseContext(scope, lambda _: restorer))
        for c in chunks:
            yield rw.feed(c)
        yield rw.finish()

    def whole(data: bytes) -> bytes:
        return b"".join(streamed([data]))

    splits = two_part_splits(body, step)
    assert assert_chunk_invariant(streamed, whole, body, splits=splits) == len(splits)


@pytest.mark.parametrize("base", ["backend-api", "backend-alt"])
async def test_a_broken_stream_resumed_shows_real_values(doppel, base):
    flow, sent, reply = await first_turn(doppel, base)
    events = cw.long_answer_events(sent, reply, piece=5, batch_every=4)
    name_at = reply.index("I noted: ") + len("I noted: Please write to ") + 3
    upto = HEADER_EVENTS + name_at // 5 + 1  # broken off inside the name's stand-in
    page = cw.Client().feed((await doppel.reply(flow, "".join(events[:upto]).encode(), SSE)).decode())
    # the page has the text up to the name, whose stand-in's start was held back
    assert not page.done and TEMPLATE.format(text=PROMPT).startswith(page.text(2))
    resume = await doppel.send(
        "POST", f"https://chatgpt.com/{base}/f/conversation/resume",
        json.dumps({"conversation_id": cw.CONVERSATION_ID, "offset": page.events}).encode())
    assert resume.response is None
    assert json.loads(resume.request.content) == {"conversation_id": cw.CONVERSATION_ID,
                                                  "offset": page.events}  # sent as it came
    rest = "".join(cw.resume_events(events, page.events)).encode()
    page.feed((await doppel.reply(resume, rest, SSE, chunks=[50, 51])).decode())
    assert page.text(2) == TEMPLATE.format(text=PROMPT) and page.done
    whole = cw.Client().feed("".join(events))
    assert page.events == whole.events + 1  # + the resumed stream's own delta_encoding


async def test_the_desktop_apps_turn_moves_to_the_websocket(doppel):
    flow, sent, reply = await first_turn(doppel)
    out = (await doppel.reply(flow, cw.desktop_handoff_only().encode(), SSE)).decode()
    assert [o.get("type") for o in cw.Client().feed(out).others][-1] == "stream_handoff"
    addon = ChatGptHandoff(doppel.protector.restorer)
    page, ws = cw.Client(), ws_flow()
    items = cw.long_answer_events(sent, reply, piece=4, batch_every=3)[1:]  # no delta_encoding
    with taddons.context(addon):
        for item in items:
            got = json.loads(await deliver(addon, ws, cw.desktop_ws_message(item)))
            page.feed(got[0]["payload"]["payload"]["encoded_item"])
    assert page.text(2) == TEMPLATE.format(text=PROMPT)
    assert leaked(reply) == []
