"""No silent pass-through on a chat host: generic protection of requests no adapter reads
(proxy/sites/generic.py, bodies.py, multipart.py), the list of endpoints that pass untouched
(untouched.py), the query string, `--on-unknown pass`, routing by destination (proxy/mitm/
hosts.py), runs protected together (protect_group) and profile scopes (proxy/profiles.py).

Through the real addon hook (mitmproxy.test.tflow) with the real Protector, stand-in engine and
restorer; detection is tests/hardening/seeds.SeedLayer (finds exactly the planted values)."""
from __future__ import annotations

import asyncio
import json
from urllib.parse import parse_qsl, urlencode

import pytest
from mitmproxy import http
from mitmproxy.test import tflow

from detector.pipeline import Detector
from detector.protect import Protector
from detector.store import InMemoryStore
from proxy.mitm.addon import METADATA_KEY, DoppelAddon
from proxy.mitm.hosts import HostPolicy
from proxy.profiles import ProfileLinkedStore, linked_profile, profile_scope, site_scope
from proxy.sites import claude_web, load_adapters
from proxy.sites.chatgpt import web as chatgpt_web
from proxy.sites.gemini import web as gemini_web
from proxy.sites.untouched import UNTOUCHED, untouched_reason
from tests.hardening.seeds import SeedLayer, seeds_in

ADAPTERS = [*load_adapters(), chatgpt_web.ADAPTER, claude_web.ADAPTER, gemini_web.ADAPTER]
SEED = "Ingrid Lindqvist, ingrid.lindqvist@fastmail.com"


def make_addon(protector=None, **kw) -> DoppelAddon:
    protector = protector or Protector(Detector(layers=[SeedLayer()]), InMemoryStore())
    return DoppelAddon(protector, adapters=ADAPTERS, **kw)


def send(addon: DoppelAddon, method: str, url: str, body: bytes = b"",
         headers: dict | None = None) -> http.HTTPFlow:
    headers = dict(headers or {})
    host = headers.pop("host", None)
    flow = tflow.tflow(req=http.Request.make(method, url, body, headers))
    if host is not None:  # Request.make writes the URL's host; a client may send another
        flow.request.headers["host"] = host
    asyncio.run(addon.request(flow))
    return flow


def forwarded(flow: http.HTTPFlow) -> bytes:
    assert flow.response is None, flow.response and flow.response.content
    return flow.request.path.encode() + b"\n" + (flow.request.get_content() or b"")


@pytest.fixture
def addon():
    a = make_addon()
    yield a
    a.done()


# --- bodies of every readable kind ----------------------------------------------------------

@pytest.mark.parametrize("url, body, ctype", [
    ("https://api.openai.com/v1/completions", json.dumps({"model": "m", "prompt": SEED}),
     "application/json"),
    ("https://api.openai.com/v1/embeddings", json.dumps({"input": [SEED, "x"]}),
     "application/json"),
    ("https://api.openai.com/v1/threads/t1/messages", json.dumps(
        {"role": "user", "content": SEED, "metadata": {"k": SEED}}), "application/json"),
    ("https://api.anthropic.com/v1/messages/batches", json.dumps({"requests": [
        {"custom_id": "r1", "params": {"messages": [{"role": "user", "content": SEED}]}}]}),
     "application/json"),
    ("https://api.anthropic.com/v1/complete", json.dumps(
        {"prompt": f"\n\nHuman: {SEED}\n\nAssistant:"}), "application/json"),
    ("https://chatgpt.com/backend-api/user_system_messages", json.dumps(
        {"about_user_message": SEED, "enabled": True}), "application/json"),
    ("https://api.openai.com/v1/x", urlencode({"q": SEED, "j": json.dumps([SEED, json.dumps(
        {"deeper": SEED})])}), "application/x-www-form-urlencoded"),
    ("https://api.openai.com/v1/x", SEED, "text/plain"),
    ("https://api.openai.com/v1/x", SEED, ""),  # no type: UTF-8 text is read
    ("https://api.openai.com/v1/x", json.dumps(SEED), ""),  # a bare JSON string
])
def test_unknown_endpoints_get_generic_protection(addon, url, body, ctype):
    headers = {"content-type": ctype} if ctype else {}
    flow = send(addon, "POST", url, body.encode(), headers)
    assert not seeds_in(forwarded(flow).decode(), squeeze=False)
    state = flow.metadata[METADATA_KEY]
    assert state.adapter.name == "generic" and state.replaced >= 2


def test_a_form_keeps_its_shape_and_nested_json_stays_json(addon):
    body = urlencode({"f.req": json.dumps([None, json.dumps([[SEED, 1], "c_1a2b"])]),
                      "at": "TOKEN:1"})
    flow = send(addon, "POST", "https://gemini.google.com/_/BardChatUi/other", body.encode(),
                {"content-type": "application/x-www-form-urlencoded"})
    fields = dict(parse_qsl(forwarded(flow).decode().split("\n", 1)[1]))
    inner = json.loads(json.loads(fields["f.req"])[1])
    assert inner[1] == "c_1a2b" and inner[0][1] == 1 and not seeds_in(inner[0][0])
    assert fields["at"] == "TOKEN:1"


def _multipart(file_bytes: bytes) -> tuple[bytes, str]:
    b = "XyZb0undary"
    body = (f"--{b}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n{SEED}\r\n"
            f"--{b}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"Ingrid Lindqvist.png\"\r\nContent-Type: image/png\r\n\r\n").encode() \
        + file_bytes + f"\r\n--{b}--\r\n".encode()
    return body, f"multipart/form-data; boundary={b}"


def test_multipart_text_fields_and_file_names_are_protected_file_bytes_pass(addon):
    image = b"\x89PNG\r\n\x00\xffIngrid Lindqvist\x00" * 50
    body, ctype = _multipart(image)
    flow = send(addon, "POST", "https://api.openai.com/v1/files", body, {"content-type": ctype})
    out = flow.request.get_content()
    assert image in out  # the file, byte for byte
    head, _, tail = out.partition(image)
    assert not seeds_in(head.decode(), squeeze=False) and b"filename=\"" in head
    assert tail == b"\r\n--XyZb0undary--\r\n"
    assert out.count(b"--XyZb0undary") == 3


@pytest.mark.parametrize("ctype", ["image/png", "application/octet-stream", "audio/webm",
                                   "application/pdf"])
def test_files_pass_as_they_are(addon, ctype):
    raw = b"\x00\x01 Ingrid Lindqvist \xff"
    flow = send(addon, "POST", "https://api.openai.com/v1/uploads/u1/parts", raw,
                {"content-type": ctype})
    assert flow.response is None and flow.request.content == raw


@pytest.mark.parametrize("ctype, raw", [
    ("application/x-protobuf", b"\x0a\x10Ingrid Lindqvist\xff"),
    ("", b"\xff\xfe binary Ingrid Lindqvist"),
    ("application/json", b"{not json Ingrid Lindqvist"),
    ("multipart/form-data", b"--x\r\n\r\nIngrid Lindqvist"),  # no boundary
])
def test_what_cannot_be_read_is_blocked(addon, ctype, raw):
    flow = send(addon, "POST", "https://claude.ai/api/unknown", raw,
                {"content-type": ctype} if ctype else {})
    assert flow.response is not None and flow.response.status_code == 502
    err = json.loads(flow.response.content)["error"]
    assert err["code"] == "unreadable_request" and not seeds_in(err["message"])


def test_unchanged_bodies_keep_their_bytes(addon):
    raw = b'{"model":  "m", "input": [ "nothing private" ]}'
    flow = send(addon, "POST", "https://api.openai.com/v1/embeddings", raw,
                {"content-type": "application/json"})
    assert flow.request.content == raw


# --- what passes untouched ------------------------------------------------------------------

@pytest.mark.parametrize("method, url", [
    ("POST", "https://chatgpt.com/backend-api/sentinel/chat-requirements"),
    ("POST", "https://chatgpt.com/backend-alt/sentinel/ping"),
    ("POST", "https://chatgpt.com/ces/v1/t"),
    ("GET", "https://chatgpt.com/_next/static/chunks/app.js"),
    ("POST", "https://claude.ai/api/event_logging/batch"),
    ("POST", "https://gemini.google.com/_/BardChatUi/jserror?x=1"),
    ("GET", "https://api.openai.com/v1/models"),
])
def test_the_untouched_list(addon, method, url):
    body = json.dumps({"p": SEED}).encode() if method == "POST" else b""
    flow = send(addon, method, url, body, {"content-type": "application/json"})
    assert untouched_reason(flow.request)
    assert flow.response is None and METADATA_KEY not in flow.metadata
    assert flow.request.content == body


def test_every_untouched_entry_says_why():
    assert all(len(entry.why) > 10 for entry in UNTOUCHED)


def test_on_unknown_pass_is_the_opt_out():
    a = make_addon(on_unknown="pass")
    try:
        raw = json.dumps({"prompt": SEED}).encode()
        flow = send(a, "POST", "https://api.openai.com/v1/completions", raw,
                    {"content-type": "application/json"})
        assert flow.request.content == raw and METADATA_KEY not in flow.metadata
        chat = send(a, "POST", "https://api.openai.com/v1/chat/completions", json.dumps(
            {"messages": [{"role": "user", "content": SEED}]}).encode(),
            {"content-type": "application/json"})
        assert not seeds_in(forwarded(chat).decode(), squeeze=False)  # adapters still protect
    finally:
        a.done()
    with pytest.raises(ValueError):
        make_addon(on_unknown="maybe")


# --- query strings --------------------------------------------------------------------------

def test_query_values_are_text_paging_and_ids_are_not(addon):
    url = ("https://chatgpt.com/backend-api/conversations/search?"
           + urlencode({"query": SEED, "offset": "20", "limit": "28", "hl": "en-US"}))
    flow = send(addon, "GET", url)
    query = dict(flow.request.query)
    assert not seeds_in(query["query"]) and query["query"]
    assert (query["offset"], query["limit"], query["hl"]) == ("20", "28", "en-US")


def test_query_of_a_chat_endpoint_is_read_too(addon):
    flow = send(addon, "POST", "https://api.openai.com/v1/chat/completions?note=" + SEED.replace(
        " ", "%20"), json.dumps({"messages": []}).encode(), {"content-type": "application/json"})
    assert not seeds_in(flow.request.path, squeeze=False)
    assert flow.metadata[METADATA_KEY].adapter.name == "openai-chat"


# --- routing by destination -----------------------------------------------------------------

@pytest.fixture
def regular():
    a = make_addon(hosts=HostPolicy())
    yield a
    a.done()


def test_a_host_header_naming_another_host_is_refused_on_chat_hosts(regular):
    body = json.dumps({"messages": [{"role": "user", "content": SEED}]}).encode()
    flow = send(regular, "POST", "https://api.openai.com/v1/chat/completions", body,
                {"content-type": "application/json", "host": "other.example"})
    assert flow.response.status_code == 502
    assert json.loads(flow.response.content)["error"]["code"] == "host_mismatch"


@pytest.mark.parametrize("host", ["ChatGPT.com.", "CHATGPT.COM:443", "chatgpt.com"])
def test_host_spellings_of_the_same_host_are_that_host(regular, host):
    body = json.dumps({"messages": [{"author": {"role": "user"},
                                     "content": {"parts": [SEED]}}]}).encode()
    flow = send(regular, "POST", "https://chatgpt.com/backend-api/conversation", body,
                {"content-type": "application/json", "host": host})
    assert flow.metadata[METADATA_KEY].adapter.name == "chatgpt-web"
    assert not seeds_in(forwarded(flow).decode(), squeeze=False)


def test_other_destinations_are_not_chat_flows_whatever_their_host_header(regular):
    body = json.dumps({"messages": [{"role": "user", "content": SEED}]}).encode()
    flow = send(regular, "POST", "https://other.example/v1/chat/completions", body,
                {"content-type": "application/json", "host": "api.openai.com"})
    assert flow.response is None and METADATA_KEY not in flow.metadata


# --- runs and protect_group -----------------------------------------------------------------

class GroupingProtector:
    """The real Protector, plus protect_group (as the detector helper's will have it) that
    records each run it gets and protects its texts one by one (joins nothing)."""

    def __init__(self) -> None:
        self.inner = Protector(Detector(layers=[SeedLayer()]), InMemoryStore())
        self.groups: list[list[str]] = []

    def protect(self, text, scope):
        return self.inner.protect(text, scope)

    def protect_group(self, texts, scope):
        self.groups.append(list(texts))
        return [self.inner.protect(t, scope) for t in texts]

    def restorer(self, scope):
        return self.inner.restorer(scope)


def test_runs_of_several_texts_go_to_protect_group():
    protector = GroupingProtector()
    a = make_addon(protector)
    try:
        body = {"messages": [{"role": "user", "content": [{"type": "text", "text": "ingrid.lind"},
                                                          {"type": "text", "text": "qvist@x.com"}]},
                             {"role": "user", "content": SEED},
                             {"role": "assistant", "content": "ok"}]}
        flow = send(a, "POST", "https://api.openai.com/v1/chat/completions",
                    json.dumps(body).encode(), {"content-type": "application/json"})
    finally:
        a.done()
    assert protector.groups == [["ingrid.lind", "qvist@x.com", SEED]]
    assert not seeds_in(forwarded(flow).decode(), squeeze=False)


# --- profile scopes -------------------------------------------------------------------------

def test_profile_links():
    assert linked_profile("chatgpt-web:abc") == profile_scope("chatgpt-web:")
    assert linked_profile(site_scope("claude-web:")) == profile_scope("claude-web:")
    assert linked_profile(profile_scope("claude-web:")) is None
    assert linked_profile("api:0123") is None


def test_a_conversation_restores_and_reuses_its_sites_profile():
    store = ProfileLinkedStore(InMemoryStore())
    protector = Protector(Detector(layers=[SeedLayer()]), store)
    profile = protector.protect(f"About me: {SEED}", profile_scope("chatgpt-web:"))
    conversation = protector.protect(f"Write to {SEED}", "chatgpt-web:c1")
    standin = profile.replacements[0].replacement
    assert standin in conversation.protected  # one stand-in for one value across the site
    assert protector.restorer("chatgpt-web:c2").restore(f"Hello {standin}") == \
        f"Hello {profile.replacements[0].span.text}"
    assert protector.restorer("claude-web:c1").restore(standin) == standin  # another site
    assert protector.restorer("api:x").restore(standin) == standin


def test_generic_scopes():
    a = make_addon()
    try:
        web = send(a, "POST", "https://chatgpt.com/backend-api/memories",
                   json.dumps({"content": SEED}).encode(), {"content-type": "application/json"})
        other = send(a, "POST", "https://claude.ai/api/whatever", json.dumps({"x": SEED}).encode(),
                     {"content-type": "application/json"})
        project = send(a, "POST", "https://claude.ai/api/organizations/o/projects/p/docs",
                       json.dumps({"file_name": "a.txt", "content": SEED}).encode(),
                       {"content-type": "application/json"})
        api = send(a, "POST", "https://api.openai.com/v1/completions",
                   json.dumps({"prompt": SEED}).encode(), {"content-type": "application/json"})
    finally:
        a.done()
    assert web.metadata[METADATA_KEY].scope == profile_scope("chatgpt-web:")
    assert other.metadata[METADATA_KEY].scope == site_scope("claude-web:")
    assert project.metadata[METADATA_KEY].scope == profile_scope("claude-web:")
    assert api.metadata[METADATA_KEY].scope.startswith("api:")
