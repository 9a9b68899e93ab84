"""The three web apps end to end: a browser-like HTTPS client going through Doppel (embedded
mitmproxy, regular proxy mode, the client trusting Doppel's CA) to a local server speaking each
site's wire format. Real Protector + Detector("fast") + encrypted Vault on disk.

Checks per site: the upstream never sees a real value; the client sees exactly the original
text (streamed turn, echo, title, history reload, conversation list); streams cut at every byte
give the same result; malformed bodies neither crash nor leak.
"""
from __future__ import annotations

import json
import ssl
from pathlib import Path

import aiohttp
import pytest

from detector.protect import Protector
from proxy.mitm.addon import DoppelAddon
from proxy.mitm.embedded import EmbeddedProxy
from proxy.mitm.hosts import HostPolicy
from proxy.sites import claude_web
from proxy.sites.chatgpt import web as chatgpt_web
from proxy.sites.gemini import web as gemini_web
from proxy.sites.chatgpt.ws import ChatGptHandoff
from proxy.vault import Vault
from tests.fixtures.web import chatgpt_wire as cw
from tests.fixtures.web import claude_wire as clw
from tests.fixtures.web import gemini_wire as gw
from tests.fixtures.web.flows import GOLD, PASTE, PROMPT, detector, leaked
from tests.fixtures.web.upstreams import TEMPLATE, TITLE, WebUpstream

# The upstream writes its stream in pieces cut at these byte offsets (each piece its own write).
# Every byte is slow on 2 shared cores (about a minute per site), so it is marked slow.
CUTS = [pytest.param(list(range(1, 40_000, 7)), id="every-7th-byte"),
        pytest.param(list(range(1, 40_000)), id="every-byte", marks=pytest.mark.slow)]


class ToLocalUpstream:
    """Sends every intercepted request to the local fake server, keeping the Host header, so
    chatgpt.com & co. are served locally while Doppel sees the real host names. Registered
    after Doppel's addon: it runs once Doppel has matched and protected the request."""

    def __init__(self, port: int) -> None:
        self.port = port

    def request(self, flow) -> None:
        host = flow.request.pretty_host
        flow.request.scheme, flow.request.host, flow.request.port = "http", "127.0.0.1", self.port
        flow.request.headers["host"] = host


class Web:
    def __init__(self, upstream: WebUpstream, proxy: EmbeddedProxy, vault: Vault,
                 confdir: Path) -> None:
        self.upstream, self.proxy, self.vault = upstream, proxy, vault
        self.ssl = ssl.create_default_context(cafile=str(confdir / "mitmproxy-ca-cert.pem"))

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.proxy.port}"

    async def call(self, method: str, url: str, *, body: bytes | None = None,
                   ctype: str = "application/json") -> tuple[int, bytes]:
        async with aiohttp.ClientSession() as s:
            async with s.request(method, url, data=body, proxy=self.proxy_url, ssl=self.ssl,
                                 headers={"content-type": ctype,
                                          "accept-encoding": "gzip, br"}) as resp:
                # #15: nothing a chat page could read tells it that values were replaced
                assert not [h for h in resp.headers if h.lower().startswith("x-doppel")]
                return resp.status, await resp.read()

    def assert_upstream_saw_no_real_value(self) -> None:
        found = leaked(self.upstream.seen_text())
        assert not found, f"{len(found)} real values reached the upstream"


@pytest.fixture
async def web(tmp_path, monkeypatch):
    monkeypatch.setenv("DOPPEL_NO_KEYRING", "1")
    upstream = await WebUpstream().start()
    vault = Vault.open(tmp_path / "data")
    protector = Protector(detector(), vault)
    addon = DoppelAddon(protector, adapters=[chatgpt_web.ADAPTER, claude_web.ADAPTER,
                                             gemini_web.ADAPTER],
                        hosts=HostPolicy(["ws.chatgpt.com"]), rebind_scope=vault.rebind_scope,
                        detect_timeout_s=60)
    # lazy: connect upstream only when a request goes out (after ToLocalUpstream redirected it),
    # not at CONNECT time, when "chatgpt.com:443" would be dialled for real.
    proxy = EmbeddedProxy([addon, ChatGptHandoff(protector.restorer),
                           ToLocalUpstream(upstream.port)],
                          confdir=tmp_path / "conf", listen_host="127.0.0.1", listen_port=0,
                          mode=["regular"], connection_strategy="lazy")
    await proxy.start()
    yield Web(upstream, proxy, vault, tmp_path / "conf")
    await proxy.stop()
    addon.done()
    vault.close()
    await upstream.stop()


# --- ChatGPT -------------------------------------------------------------------------------

CHATGPT = "https://chatgpt.com"


async def chatgpt_turn(web: Web, conversation_id: str | None = None) -> cw.Client:
    body = json.dumps(cw.turn_request(PROMPT, conversation_id=conversation_id)).encode()
    status, raw = await web.call("POST", CHATGPT + "/backend-api/f/conversation", body=body)
    assert status == 200, raw[:300]
    return cw.Client().feed(raw.decode())


@pytest.mark.parametrize("mode", ["delta", "snapshot"])
async def test_chatgpt_turn_history_and_sidebar(web, mode):
    web.upstream.chatgpt_mode = mode
    client = await chatgpt_turn(web)
    web.assert_upstream_saw_no_real_value()
    if mode == "delta":
        assert client.text(0) == PROMPT
        assert client.text(1) == TEMPLATE.format(text=PROMPT)
        assert client.title == TITLE.format(text=PROMPT)
    else:
        assert client.text(0) == TEMPLATE.format(text=PROMPT)

    status, raw = await web.call("GET", f"{CHATGPT}/backend-api/conversation/{cw.CONVERSATION_ID}")
    history = json.loads(raw)
    assert status == 200 and history["title"] == TITLE.format(text=PROMPT)
    texts = [n["message"]["content"]["parts"][0] for n in history["mapping"].values()
             if n["message"]]
    assert texts == [PROMPT, TEMPLATE.format(text=PROMPT)]
    status, raw = await web.call("GET", f"{CHATGPT}/backend-api/conversations?offset=0&limit=28")
    assert [i["title"] for i in json.loads(raw)["items"]] == [TITLE.format(text=PROMPT)]

    # the second turn is scoped by the conversation id: same stand-ins, restored again
    seen_before = web.upstream.seen[0].body
    client = await chatgpt_turn(web, cw.CONVERSATION_ID)
    if mode == "delta":
        assert client.text(1) == TEMPLATE.format(text=PROMPT)
    first, second = (json.loads(r.body)["messages"][0]["content"]["parts"][0]
                     for r in (web.upstream.seen[0], web.upstream.seen[-1]))
    assert first == second and seen_before == web.upstream.seen[0].body
    web.assert_upstream_saw_no_real_value()


@pytest.mark.parametrize("cuts", CUTS)
async def test_chatgpt_stream_cut_everywhere(web, cuts):
    whole = await chatgpt_turn(web)
    web.upstream.splits = cuts
    cut = await chatgpt_turn(web, cw.CONVERSATION_ID)
    assert cut.text(1) == whole.text(1) == TEMPLATE.format(text=PROMPT)
    web.assert_upstream_saw_no_real_value()


async def test_chatgpt_websocket_handoff(web):
    """The HTTP stream stops at stream_handoff; the rest arrives over wss://ws.chatgpt.com."""
    client = await chatgpt_turn(web)  # first, a normal turn binds the conversation
    sent = json.loads(web.upstream.seen[-1].body)["messages"][0]["content"]["parts"][0]
    reply = TEMPLATE.format(text=sent)
    web.upstream.raw_reply = cw.delta_stream(sent, reply, handoff_after=5).encode()
    client = await chatgpt_turn(web, cw.CONVERSATION_ID)
    web.upstream.ws_items = [cw.ws_message(item, n) for n, item in
                             enumerate(cw.handoff_rest(reply, handoff_after=5))]
    async with aiohttp.ClientSession() as s:
        async with s.ws_connect("wss://ws.chatgpt.com/ws/user", proxy=web.proxy_url,
                                ssl=web.ssl) as ws:
            async for msg in ws:
                item = json.loads(msg.data)["payload"]["payload"]["encoded_item"]
                client.feed(item)
    assert client.text(1) == TEMPLATE.format(text=PROMPT)
    assert client.done


@pytest.mark.parametrize("base", ["backend-api", "backend-alt"])
async def test_chatgpt_long_answer_broken_off_and_resumed(web, base):
    """A long answer in the 2026 shape (bare frames after patch batches), first whole, then
    broken off mid-answer and resumed from the page's event count (#15)."""
    web.upstream.chatgpt_mode = "long"
    whole = await chatgpt_turn(web)
    assert whole.text(2) == TEMPLATE.format(text=PROMPT) and whole.done
    assert whole.events == cw.Client().feed("".join(web.upstream.chatgpt_events)).events
    web.upstream.chatgpt_break_after = 60
    body = json.dumps(cw.turn_request(PROMPT, conversation_id=cw.CONVERSATION_ID)).encode()
    status, raw = await web.call("POST", f"{CHATGPT}/{base}/f/conversation", body=body)
    page = cw.Client().feed(raw.decode())
    assert status == 200 and not page.done
    resume = json.dumps({"conversation_id": cw.CONVERSATION_ID, "offset": page.events}).encode()
    status, raw = await web.call("POST", f"{CHATGPT}/{base}/f/conversation/resume", body=resume)
    assert status == 200, raw[:300]
    page.feed(raw.decode())
    assert page.text(2) == TEMPLATE.format(text=PROMPT) and page.done
    web.assert_upstream_saw_no_real_value()


# --- Claude.ai -----------------------------------------------------------------------------

CLAUDE = "https://claude.ai"


async def claude_turn(web: Web) -> dict:
    body = json.dumps(clw.completion_request(PROMPT, paste=PASTE)).encode()
    status, raw = await web.call("POST", CLAUDE + clw.completion_path(), body=body)
    assert status == 200, raw[:300]
    return clw.client_view(raw.decode())


async def test_claude_turn_history_and_list(web):
    view = await claude_turn(web)
    web.assert_upstream_saw_no_real_value()
    assert view["blocks"] == {0: TEMPLATE.format(text=PROMPT + " " + PASTE)}
    assert view["citations"] == [TITLE.format(text=PROMPT)]
    assert view["pings"] == 1 and view["stopped"]

    status, raw = await web.call("GET", CLAUDE + clw.conversation_path() + "?tree=True")
    history = json.loads(raw)
    assert history["name"] == TITLE.format(text=PROMPT)
    human, assistant = history["chat_messages"]
    assert human["content"][0]["text"] == PROMPT
    assert human["attachments"][0]["extracted_content"] == PASTE
    assert assistant["content"][0]["text"] == TEMPLATE.format(text=PROMPT + " " + PASTE)
    status, raw = await web.call("GET", CLAUDE + clw.list_path() + "?limit=30")
    assert [c["name"] for c in json.loads(raw)] == [TITLE.format(text=PROMPT)]

    status, raw = await web.call("PUT", CLAUDE + clw.conversation_path(),
                                 body=json.dumps({"name": "Lease for " + GOLD[0]}).encode())
    assert json.loads(raw)["name"] == "Lease for " + GOLD[0]
    web.assert_upstream_saw_no_real_value()


@pytest.mark.parametrize("cuts", CUTS)
async def test_claude_stream_cut_everywhere(web, cuts):
    whole = await claude_turn(web)
    web.upstream.splits = cuts
    assert await claude_turn(web) == whole
    web.assert_upstream_saw_no_real_value()


# --- Gemini --------------------------------------------------------------------------------

GEMINI = "https://gemini.google.com"
FORM = "application/x-www-form-urlencoded;charset=UTF-8"


async def gemini_turn(web: Web, ids=("", "", "")) -> dict:
    status, raw = await web.call("POST", GEMINI + gw.GENERATE_PATH,
                                 body=gw.generate_form(PROMPT, ids=ids), ctype=FORM)
    assert status == 200, raw[:300]
    return gw.texts_of(raw.decode())  # asserts every frame length


async def test_gemini_turn_and_history(web):
    view = await gemini_turn(web)
    web.assert_upstream_saw_no_real_value()
    assert view["text"] == TEMPLATE.format(text=PROMPT)
    assert view["title"] == TITLE.format(text=PROMPT)
    status, raw = await web.call("POST", GEMINI + gw.BATCH_PATH,
                                 body=gw.batch_form(gw.CONVERSATION_ID), ctype=FORM)
    turns = json.loads(gw.parse_frames(raw.decode())[0][0][2])[0]
    assert turns[0][2][0][0] == PROMPT
    assert turns[0][3][0][0][1][0] == TEMPLATE.format(text=PROMPT)
    view = await gemini_turn(web, ids=(gw.CONVERSATION_ID, "r_1", "rc_1"))
    assert view["text"] == TEMPLATE.format(text=PROMPT)
    web.assert_upstream_saw_no_real_value()


@pytest.mark.parametrize("cuts", CUTS)
async def test_gemini_stream_cut_everywhere(web, cuts):
    whole = await gemini_turn(web)
    web.upstream.splits = cuts
    cut = await gemini_turn(web, ids=(gw.CONVERSATION_ID, "r_1", "rc_1"))
    assert cut["text"] == whole["text"] == TEMPLATE.format(text=PROMPT)
    web.assert_upstream_saw_no_real_value()


# --- malformed bodies ------------------------------------------------------------------------

@pytest.mark.parametrize("url, body, ctype", [
    (CHATGPT + "/backend-api/f/conversation", b'{"messages": "' + GOLD[0].encode() + b'"}',
     "application/json"),
    (CLAUDE + clw.completion_path(), b'{"prompt": 42, "note": "' + GOLD[1].encode() + b'"}',
     "application/json"),
    (GEMINI + gw.GENERATE_PATH, b"f.req=" + GOLD[0].encode(), FORM),
])
async def test_malformed_requests_are_blocked_with_a_clear_error(web, url, body, ctype):
    status, raw = await web.call("POST", url, body=body, ctype=ctype)
    assert status == 502
    error = json.loads(raw)["error"]
    assert error["code"] == "unreadable_request" and "Nothing was sent" in error["message"]
    assert leaked(error["message"]) == []
    assert web.upstream.seen == []


@pytest.mark.parametrize("site, garbage", [
    ("chatgpt", b"event: delta\ndata: {\"p\": \"/message/content/parts/0\", \"o\": \"app"),
    ("claude", b"event: content_block_delta\ndata: {\"type\": \"content_block_delta\"\n\n\xff"),
    ("gemini", b")]}'\n\n99999\n[[\"wrb.fr\",null,\"cut"),
])
async def test_malformed_replies_reach_the_client_unchanged(web, site, garbage):
    web.upstream.raw_reply = garbage
    if site == "chatgpt":
        url, body, ctype = (CHATGPT + "/backend-api/f/conversation",
                            json.dumps(cw.turn_request(PROMPT)).encode(), "application/json")
    elif site == "claude":
        url, body, ctype = (CLAUDE + clw.completion_path(),
                            json.dumps(clw.completion_request(PROMPT)).encode(), "application/json")
    else:
        url, body, ctype = GEMINI + gw.GENERATE_PATH, gw.generate_form(PROMPT), FORM
    status, raw = await web.call("POST", url, body=body, ctype=ctype)
    assert status == 200 and raw == garbage
    web.assert_upstream_saw_no_real_value()
