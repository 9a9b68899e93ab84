"""Issue #14, default-deny: every case the issue lists, each one parametrized entry, through a
real in-process mitmproxy with the real Protector and Detector("fast"), against local upstreams
that record every body (tests/e2e/upstreams.py, tests/fixtures/web/upstreams.py).

Each case: no real value reaches the upstream, and a well-formed request is still delivered
(the upstream got it; Doppel did not block it). Run one with
`PYTHONPATH=$PWD .venv/bin/python -m pytest -q tests/e2e/test_default_deny.py -k <case id>`.
"""
from __future__ import annotations

import json
from urllib.parse import parse_qs, quote, urlencode

import aiohttp
import pytest
from aiohttp import WSMsgType, web as aioweb

from detector.protect import Protector
from proxy.mitm.addon import DoppelAddon
from proxy.mitm.embedded import EmbeddedProxy
from proxy.mitm.hosts import HostPolicy
from proxy.profiles import ProfileLinkedStore
from proxy.sites import claude_web
from proxy.sites.chatgpt import web as chatgpt_web
from proxy.sites.gemini import web as gemini_web
from proxy.vault import Vault
from tests.e2e.conftest import GOLD, PROMPT
from tests.e2e.test_web_apps import ToLocalUpstream, Web
from tests.e2e.upstreams import LocalServer
from tests.e2e.ws_upstream import WsUpstream
from tests.fixtures.web import claude_wire as clw
from tests.fixtures.web import gemini_wire as gw
from tests.fixtures.web.flows import detector
from tests.fixtures.web.upstreams import WebUpstream

CARD, PHONE = 4111111111111111, 4155550134  # a card and a phone sent as JSON numbers
NUMBERS = [str(CARD), str(PHONE)]


def leaks(text: str) -> list[str]:
    low = text.lower()
    return [g for g in [*GOLD, *NUMBERS] if g.lower() in low]


def seen(records) -> str:
    """Everything an upstream received: paths with their query strings, bodies, form values."""
    out = []
    for rec in records:
        path = getattr(rec, "path", "")
        body = rec.body.decode("utf-8", "replace")
        out += [path, body]
        out += [v for vs in parse_qs(body).values() for v in vs]
        out += [v for vs in parse_qs(path.partition("?")[2]).values() for v in vs]
    return "\n".join(out)


# --- API formats, reverse mode (the doppel and upstream fixtures of tests/e2e/conftest.py) ----

def tool_call(arguments: dict) -> dict:
    return {"role": "assistant", "content": None, "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": "pay",
                                                     "arguments": json.dumps(arguments)}}]}


USER = {"role": "user", "content": "Hello"}

API_CASES = [
    # fields no adapter read, on known endpoints
    pytest.param("POST", "/v1/chat/completions", {"model": "m", "messages": [USER], "tools": [
        {"type": "function", "function": {"name": "mail", "description": "Write to " + PROMPT,
                                          "parameters": {"type": "object", "properties": {
                                              "to": {"type": "string",
                                                     "description": PROMPT}}}}}]},
        id="openai-chat-tool-and-parameter-descriptions"),
    pytest.param("POST", "/v1/chat/completions",
                 {"model": "m", "messages": [{**USER, "name": "Maria Gonzalez"}]},
                 id="openai-chat-message-name"),
    pytest.param("POST", "/v1/chat/completions",
                 {"model": "m", "messages": [USER], "user": "maria.gonzalez@gmail.com"},
                 id="openai-chat-user"),
    pytest.param("POST", "/v1/chat/completions",
                 {"model": "m", "messages": [USER], "metadata": {"about": PROMPT}},
                 id="openai-chat-metadata"),
    pytest.param("POST", "/v1/chat/completions",
                 {"model": "m", "messages": [USER], "prediction": {"type": "content",
                                                                    "content": PROMPT}},
                 id="openai-chat-prediction-content"),
    pytest.param("POST", "/v1/chat/completions", {"model": "m", "messages": [USER],
                                                  "response_format": {"type": "json_schema",
                                                                      "json_schema": {
        "name": "card", "description": PROMPT, "schema": {"type": "object", "title": PROMPT}}}},
        id="openai-chat-response-format-schema-descriptions"),
    pytest.param("POST", "/v1/chat/completions", {"model": "m", "messages": [
        {"role": "user", "content": [{"type": "text", "text": "Hi", "note": PROMPT}]}]},
        id="openai-chat-extra-key-in-a-text-part"),
    pytest.param("POST", "/v1/chat/completions", {"model": "m", "messages": [
        USER, tool_call({"card": CARD, "phone": PHONE})]},
        id="openai-chat-numbers-in-tool-arguments"),
    pytest.param("POST", "/v1/chat/completions", {"model": "m", "messages": [
        USER, tool_call({"Maria Gonzalez": "maria.gonzalez@gmail.com"})]},
        id="openai-chat-object-keys-in-tool-arguments"),
    pytest.param("POST", "/v1/messages", {"model": "m", "max_tokens": 9, "messages": [USER],
                                          "tools": [{"name": "mail", "description": PROMPT,
                                                     "input_schema": {"type": "object"}}]},
                 id="anthropic-tool-description"),
    pytest.param("POST", "/v1/messages", {"model": "m", "max_tokens": 9, "messages": [USER],
                                          "metadata": {"user_id": "maria.gonzalez@gmail.com"}},
                 id="anthropic-metadata-user-id"),
    pytest.param("POST", "/v1/messages", {"model": "m", "max_tokens": 9, "messages": [USER, {
        "role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "pay",
                                          "input": {"card": CARD, "phone": PHONE}}]}]},
        id="anthropic-numbers-in-tool-use-input"),
    pytest.param("POST", "/v1/responses", {"model": "m", "instructions": PROMPT, "input": "Hi"},
                 id="responses-instructions"),
    pytest.param("POST", "/v1/responses", {"model": "m", "input": "Hi", "tools": [
        {"type": "function", "name": "mail", "description": PROMPT,
         "parameters": {"type": "object"}}]}, id="responses-tools"),
    pytest.param("POST", "/v1/chat/completions",
                 {"model": "m", "messages": [{"role": "user", "contnet": PROMPT}]},
                 id="misspelled-key-contnet"),
    pytest.param("POST", "/v1/responses", {"model": "m", "inputs": [PROMPT]},
                 id="unknown-key-inputs"),
    pytest.param("POST", "/v1/responses", {"model": "m", "input": [
        {"role": "user", "content": [{"type": "input_text", "text": "Hi",
                                      "annotation": PROMPT}]}]}, id="unknown-key-annotation"),
    pytest.param("POST", "/v1/chat/completions",
                 {"model": "m", "messages": [USER], "history_notes": [PROMPT, {"x": PROMPT}]},
                 id="unknown-top-level-list"),
    # paths and methods no adapter claimed
    pytest.param("POST", "/v1/completions", {"model": "m", "prompt": PROMPT},
                 id="path-v1-completions"),
    pytest.param("POST", "/v1/embeddings", {"model": "m", "input": [PROMPT]},
                 id="path-v1-embeddings"),
    pytest.param("POST", "/v1/threads/thread_1/messages", {"role": "user", "content": PROMPT},
                 id="path-v1-threads-messages"),
    pytest.param("POST", "/v1/messages/batches", {"requests": [
        {"custom_id": "r1", "params": {"model": "m", "max_tokens": 9,
                                       "messages": [{"role": "user", "content": PROMPT}]}}]},
        id="path-v1-messages-batches"),
    pytest.param("POST", "/v1/complete", {"model": "m", "prompt": f"\n\nHuman: {PROMPT}"},
                 id="path-v1-complete"),
    pytest.param("POST", "/v1/Chat/Completions",
                 {"model": "m", "messages": [{"role": "user", "content": PROMPT}]},
                 id="path-mixed-case"),
    pytest.param("POST", "/v1/chat/completions;x=1",
                 {"model": "m", "messages": [{"role": "user", "content": PROMPT}]},
                 id="path-params"),
    pytest.param("POST", "/v1/chat%2Fcompletions",
                 {"model": "m", "messages": [{"role": "user", "content": PROMPT}]},
                 id="path-encoded-slash"),
    pytest.param("PUT", "/v1/chat/completions",
                 {"model": "m", "messages": [{"role": "user", "content": PROMPT}]},
                 id="method-put-on-chat-path"),
]


@pytest.mark.parametrize("method, path, body", API_CASES)
async def test_api_cases(doppel, upstream, method, path, body):
    async with aiohttp.ClientSession() as s:
        async with s.request(method, doppel.url + path, json=body,
                             headers={"authorization": "Bearer sk-test"}) as r:
            status, raw = r.status, await r.read()
    assert not (status == 502 and b"doppel_blocked" in raw), raw[:300]  # delivered
    assert len(upstream.seen) == 1
    assert leaks(seen(upstream.seen)) == []
    assert doppel.addon.stats.replaced >= 1


# --- WebSockets (reverse mode) ----------------------------------------------------------------

class EchoWsUpstream(LocalServer):
    """A WebSocket upstream on any path: records every message and echoes text back."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.seen_binary: list[bytes] = []

    def routes(self, app: aioweb.Application) -> None:
        app.router.add_get("/{tail:.*}", self.handle)

    async def handle(self, request: aioweb.Request) -> aioweb.WebSocketResponse:
        ws = aioweb.WebSocketResponse()
        await ws.prepare(request)
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                self.seen.append(msg.data)
                await ws.send_str(msg.data)
            elif msg.type == WSMsgType.BINARY:
                self.seen_binary.append(msg.data)
        return ws


async def reverse_proxy(upstream_url: str, tmp_path, protector) -> tuple[EmbeddedProxy,
                                                                          DoppelAddon]:
    addon = DoppelAddon(protector, detect_timeout_s=20)
    proxy = EmbeddedProxy([addon], confdir=tmp_path / "conf", listen_host="127.0.0.1",
                          listen_port=0, mode=[f"reverse:{upstream_url}"])
    await proxy.start()
    return proxy, addon


CREATE = {"model": "m", "input": [{"role": "user", "content": [{"type": "input_text",
                                                                "text": PROMPT}]}]}


@pytest.mark.parametrize("message", [
    pytest.param({"type": "response.create", "response": CREATE}, id="ws-nested-response-create"),
    pytest.param({"type": "conversation.item.create", "item": {
        "type": "message", "role": "user", "content": [{"type": "input_text", "text": PROMPT}]}},
        id="ws-conversation-item-create"),
    pytest.param({"type": "Response.Create", **CREATE}, id="ws-response-create-type-variant"),
])
async def test_responses_socket_messages(protector, tmp_path, message):
    up = await WsUpstream().start()
    proxy, _ = await reverse_proxy(up.url, tmp_path, protector)
    try:
        async with aiohttp.ClientSession() as s, s.ws_connect(
                f"ws://127.0.0.1:{proxy.port}/v1/responses",
                headers={"authorization": "Bearer sk-test"}) as ws:
            await ws.send_str(json.dumps(message))
            reply = await ws.receive(timeout=20)
            assert reply.type == WSMsgType.TEXT
    finally:
        await proxy.stop()
        await up.stop()
    assert len(up.seen) == 1 and leaks("\n".join(up.seen)) == []


@pytest.mark.parametrize("path", [pytest.param("/v1/realtime?model=m", id="ws-v1-realtime"),
                                  pytest.param("/v1/chat/completions", id="ws-text-on-chat-path")])
async def test_other_sockets_are_read_and_their_replies_restored(protector, tmp_path, path):
    up = await EchoWsUpstream().start()
    proxy, _ = await reverse_proxy(up.url, tmp_path, protector)
    session_update = {"type": "session.update", "session": {"instructions": PROMPT}}
    try:
        async with aiohttp.ClientSession() as s, s.ws_connect(
                f"ws://127.0.0.1:{proxy.port}{path}",
                headers={"authorization": "Bearer sk-test"}) as ws:
            await ws.send_str(json.dumps(session_update))
            echoed = json.loads((await ws.receive(timeout=20)).data)
            await ws.send_str(PROMPT)  # a text message that is not JSON: read as text
            echoed_text = (await ws.receive(timeout=20)).data
            await ws.send_bytes(PROMPT.encode())  # binary: refused
            refused = json.loads((await ws.receive(timeout=20)).data)
    finally:
        await proxy.stop()
        await up.stop()
    assert len(up.seen) == 2 and leaks("\n".join(up.seen)) == []
    assert up.seen_binary == []
    assert echoed == session_update and echoed_text == PROMPT  # restored on the way back
    assert refused["error"]["code"] == "unreadable_request"


# --- web apps, regular mode with TLS (the web fixture of tests/e2e/test_web_apps.py) ---------

@pytest.fixture
async def web(tmp_path, monkeypatch):
    """As test_web_apps' fixture, with the vault linked to the sites' profile scopes, as
    `doppel start` links it (proxy/mitm/runtime.py)."""
    monkeypatch.setenv("DOPPEL_NO_KEYRING", "1")
    upstream = await WebUpstream().start()
    vault = Vault.open(tmp_path / "data")
    protector = Protector(detector(), ProfileLinkedStore(vault))
    addon = DoppelAddon(protector, adapters=[chatgpt_web.ADAPTER, claude_web.ADAPTER,
                                             gemini_web.ADAPTER],
                        hosts=HostPolicy(["ws.chatgpt.com"]), rebind_scope=vault.rebind_scope,
                        detect_timeout_s=60)
    proxy = EmbeddedProxy([addon, ToLocalUpstream(upstream.port)], confdir=tmp_path / "conf",
                          listen_host="127.0.0.1", listen_port=0, mode=["regular"],
                          connection_strategy="lazy")
    await proxy.start()
    yield Web(upstream, proxy, vault, tmp_path / "conf")
    await proxy.stop()
    addon.done()
    vault.close()
    await upstream.stop()


FORM = "application/x-www-form-urlencoded;charset=UTF-8"
CHATGPT, CLAUDE, GEMINI = "https://chatgpt.com", "https://claude.ai", "https://gemini.google.com"
ORG = f"/api/organizations/{clw.ORG}"


def chatgpt_turn_body(**message_extra) -> bytes:
    from tests.fixtures.web import chatgpt_wire as cw
    body = cw.turn_request("Hello there")
    body["messages"][0].update(message_extra)
    return json.dumps(body).encode()


def gemini_form(files: list | None = None) -> bytes:
    inner = [[PROMPT, 0, None, files, None, None, 0], ["en"], ["", "", ""] + [None] * 6 + [""],
             "!k3Jx...antibot", "6b1f0e3c9a", None, [1], 1, None, None, 1, 0]
    freq = json.dumps([None, json.dumps(inner)])
    return urlencode({"f.req": freq, "at": "AJvLN6N:1764000000000"}).encode()


WEB_CASES = [
    pytest.param("POST", GEMINI + "/u/1" + gw.GENERATE_PATH, gemini_form(), FORM,
                 id="gemini-account-prefix-stream-generate"),
    pytest.param("POST", GEMINI + "/u/1/_/BardChatUi/data/batchexecute?rpcids=MaZiqc",
                 urlencode({"f.req": json.dumps([[["MaZiqc", json.dumps(
                     [gw.CONVERSATION_ID, PROMPT]), None, "generic"]]])}).encode(), FORM,
                 id="gemini-account-prefix-batchexecute"),
    pytest.param("POST", GEMINI + gw.GENERATE_PATH, gemini_form(
        [[["/contrib_service/ttl_1d/abc", 1], "Maria Gonzalez passport.jpg"]]), FORM,
        id="gemini-upload-file-names"),
    pytest.param("POST", CHATGPT + "/backend-api/user_system_messages", json.dumps(
        {"about_user_message": PROMPT, "about_model_message": "Be brief", "enabled": True}
    ).encode(), "application/json", id="chatgpt-custom-instructions"),
    pytest.param("POST", CHATGPT + "/backend-api/memories", json.dumps(
        {"content": PROMPT}).encode(), "application/json", id="chatgpt-memories"),
    pytest.param("GET", CHATGPT + "/backend-api/conversations/search?query=" + quote(PROMPT),
                 b"", "application/json", id="chatgpt-search-query"),
    pytest.param("POST", CHATGPT + "/Backend-API/conversation", chatgpt_turn_body(
        content={"content_type": "text", "parts": [PROMPT]}), "application/json",
        id="chatgpt-mixed-case-path"),
    pytest.param("POST", CHATGPT + "/backend-api/f/conversation", chatgpt_turn_body(
        metadata={"targeted_reply": PROMPT, "attachments": [{"id": "file-1",
                                                             "name": "Maria Gonzalez.pdf"}]}),
        "application/json", id="chatgpt-message-metadata"),
    pytest.param("POST", CLAUDE + clw.completion_path(), json.dumps({
        **clw.completion_request("Hello there"), "personalized_styles": [
            {"type": "custom", "key": "k", "name": "Mine", "prompt": PROMPT,
             "summary": "Mine", "isDefault": False}]}).encode(), "application/json",
        id="claude-personalized-style-prompt"),
    pytest.param("POST", CLAUDE + clw.completion_path(), json.dumps({
        **clw.completion_request("Hello there"), "create_conversation_params": {
            "name": PROMPT, "model": "claude-x", "is_temporary": False}}).encode(),
        "application/json", id="claude-create-conversation-params-name"),
    pytest.param("POST", CLAUDE + ORG + "/projects/p1/docs", json.dumps(
        {"file_name": "Maria Gonzalez lease.txt", "content": PROMPT}).encode(),
        "application/json", id="claude-project-documents"),
    pytest.param("POST", CLAUDE + clw.conversation_path() + "/append_message", json.dumps(
        {"prompt": PROMPT, "parent_message_uuid": "00000000-0000-4000-8000-000000000000"}
    ).encode(), "application/json", id="claude-append-message"),
]


@pytest.mark.parametrize("method, url, body, ctype", WEB_CASES)
async def test_web_cases(web, method, url, body, ctype):
    status, raw = await web.call(method, url, body=body or None, ctype=ctype)
    assert not (status == 502 and b"doppel_blocked" in raw), raw[:300]  # delivered
    assert len(web.upstream.seen) == 1
    assert leaks(seen(web.upstream.seen)) == []


async def test_profile_text_is_restored_in_any_conversation(web):
    """ChatGPT custom instructions go out in the profile scope; a reply in a conversation that
    quotes them, and a reload of the instructions, show the real text."""
    about = {"about_user_message": PROMPT, "enabled": True}
    await web.call("POST", CHATGPT + "/backend-api/user_system_messages",
                   body=json.dumps(about).encode())
    sent = json.loads(web.upstream.seen[-1].body)["about_user_message"]
    assert sent != PROMPT and leaks(sent) == []
    status, raw = await web.call("GET", CHATGPT + "/backend-api/user_system_messages")
    assert json.loads(raw)["about_user_message"] == PROMPT
    web.upstream.template = "Noted. From your profile: " + sent + " ({text})"
    from tests.fixtures.web import chatgpt_wire as cw
    status, raw = await web.call("POST", CHATGPT + "/backend-api/f/conversation",
                                 body=json.dumps(cw.turn_request("Hello there")).encode())
    assert status == 200
    assert cw.Client().feed(raw.decode()).text(1) == \
        "Noted. From your profile: " + PROMPT + " (Hello there)"
