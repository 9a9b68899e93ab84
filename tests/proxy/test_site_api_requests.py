"""The API adapters' request side: which requests they match, which texts they find, how they
write protected texts back, what they refuse, and how they scope a conversation."""
from __future__ import annotations

import json

import pytest
from mitmproxy import http

from proxy.sites.scope import MemoryPrefixStore, api_scope, client_id
from proxy.sites import find_adapter, load_adapters
from proxy.sites.base import RequestFormatError

ADAPTERS = load_adapters()


def req(path: str, body, *, method: str = "POST", host: str = "api.test",
        headers: dict | None = None) -> http.Request:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return http.Request.make(method, f"https://{host}{path}", raw,
                             {"content-type": "application/json", **(headers or {})})


def adapter(request):
    a = find_adapter(ADAPTERS, request)
    assert a is not None
    return a


@pytest.mark.parametrize("method, host, path, name", [
    ("POST", "api.openai.com", "/v1/chat/completions", "openai-chat"),
    ("POST", "localhost:11434", "/v1/chat/completions?x=1", "openai-chat"),
    ("POST", "api.openai.com", "/v1/responses", "openai-responses"),
    ("POST", "api.anthropic.com", "/v1/messages", "anthropic-messages"),
    ("POST", "api.anthropic.com", "/v1/messages/count_tokens", "anthropic-messages"),
    ("POST", "ollama.lan", "/api/chat", "ollama"),
    ("POST", "ollama.lan", "/api/generate", "ollama"),
    ("GET", "api.openai.com", "/v1/chat/completions", "openai-chat"),  # a GET with a body
    ("PUT", "api.openai.com", "/v1/chat/completions", "openai-chat"),  # any method with one
    # path families: every spelling a server may treat as the chat endpoint
    ("POST", "api.openai.com", "/v1/Chat/Completions", "openai-chat"),
    ("POST", "api.openai.com", "/v1/chat/completions;x=1", "openai-chat"),
    ("POST", "api.openai.com", "/v1/chat%2Fcompletions", "openai-chat"),
    ("POST", "api.openai.com", "/v1/chat%252Fcompletions/", "openai-chat"),
    ("POST", "api.openai.com", "/v1//chat/./completions", "openai-chat"),
    ("POST", "api.anthropic.com", "/V1/Messages", "anthropic-messages"),
    ("POST", "ollama.lan", "/API/Chat;jsessionid=1", "ollama"),
    ("GET", "api.openai.com", "/v1/models", None),
    ("POST", "api.openai.com", "/v1/files", None),
    ("POST", "api.openai.com", "/v1/audio/transcriptions", None),
    ("POST", "api.openai.com", "/v1/threads/t1/messages", None),
    ("POST", "chatgpt.com", "/v1/chat/completions", None),  # a web app: its own adapter only
    ("POST", "claude.ai", "/v1/messages", None),
    ("POST", "gemini.google.com", "/api/generate", None),
    # host names compare normalised: a web app's adapter, never an API one, on any spelling
    ("POST", "ChatGPT.com.", "/backend-api/conversation", "chatgpt-web"),
    ("POST", "CHATGPT.COM:443", "/v1/chat/completions", None),
    ("POST", "Claude.AI", "/api/organizations/o/chat_conversations/c/completion", "claude-web"),
    ("POST", "Gemini.Google.com.", "/_/BardChatUi/data/batchexecute", "gemini-web"),
])
def test_match(method, host, path, name):
    a = find_adapter(ADAPTERS, req(path, {}, method=method, host=host))
    assert (a.name if a else None) == name


def test_a_read_without_a_body_is_not_a_chat_request():
    assert find_adapter(ADAPTERS, req("/v1/chat/completions", b"", method="GET",
                                      host="api.openai.com")) is None


CHAT_BODY = {"model": "m", "messages": [
    {"role": "system", "content": "S1"},
    {"role": "user", "content": "U1"},
    {"role": "assistant", "content": None, "tool_calls": [
        {"id": "c", "type": "function", "function": {"name": "f", "arguments": '{"q": "A1", "n": 3}'}}]},
    {"role": "tool", "tool_call_id": "c", "content": "T1"},
    {"role": "user", "content": [{"type": "text", "text": "U2"},
                                 {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]},
]}
RESPONSES_BODY = {"model": "m", "instructions": "S1", "input": [
    {"role": "user", "content": "U1"},
    {"type": "function_call", "call_id": "c", "name": "f", "arguments": '{"q": "A1"}'},
    {"type": "function_call_output", "call_id": "c", "output": "T1"},
    {"type": "reasoning", "summary": [{"type": "summary_text", "text": "R"}]},
    {"role": "user", "content": [{"type": "input_text", "text": "U2"},
                                 {"type": "input_image", "image_url": "https://x"}]},
]}
ANTHROPIC_BODY = {"model": "m", "max_tokens": 5, "system": [{"type": "text", "text": "S1"}],
                  "messages": [
                      {"role": "user", "content": "U1"},
                      {"role": "assistant", "content": [
                          {"type": "thinking", "thinking": "TH", "signature": "sig"},
                          {"type": "tool_use", "id": "t", "name": "f", "input": {"q": "A1"}}]},
                      {"role": "user", "content": [
                          {"type": "tool_result", "tool_use_id": "t", "content": [{"type": "text", "text": "T1"}]},
                          {"type": "text", "text": "U2"}]}]}
OLLAMA_CHAT = {"model": "m", "messages": [
    {"role": "system", "content": "S1"}, {"role": "user", "content": "U1", "images": ["aGk="]},
    {"role": "assistant", "content": "", "tool_calls": [{"function": {"name": "f", "arguments": {"q": "A1"}}}]},
    {"role": "tool", "content": "T1"}, {"role": "user", "content": "U2"}]}
OLLAMA_GENERATE = {"model": "m", "system": "S1", "prompt": "U1", "context": [1, 2, 3]}


# Inside tool arguments and inputs (free-form JSON) keys and numbers are texts too ("q", "n",
# "3"); a Responses reasoning summary and an image URL are texts (default-deny); models, roles,
# ids, signed thinking and base64 images are not.
@pytest.mark.parametrize("path, body, texts", [
    ("/v1/chat/completions", CHAT_BODY, ["S1", "U1", "q", "n", "A1", "3", "T1", "U2"]),
    ("/v1/responses", RESPONSES_BODY, ["S1", "U1", "q", "A1", "T1", "R", "U2", "https://x"]),
    ("/v1/responses", {"input": "U1"}, ["U1"]),
    ("/v1/messages", ANTHROPIC_BODY, ["S1", "U1", "q", "A1", "T1", "U2"]),
    ("/v1/messages", {"system": "S1", "messages": [{"role": "user", "content": "U1"}]}, ["S1", "U1"]),
    ("/api/chat", OLLAMA_CHAT, ["S1", "U1", "q", "A1", "T1", "U2"]),
    ("/api/generate", OLLAMA_GENERATE, ["S1", "U1"]),
])
def test_texts_and_rewrite(path, body, texts):
    r = req(path, body)
    a = adapter(r)
    assert sorted(a.texts(r)) == sorted(texts)
    protected = [f"<{t}>" for t in a.texts(r)]
    a.rewrite(r, protected)
    new = json.loads(r.content)
    dumped = json.dumps(new)
    for t in texts:  # every text replaced, everything else kept
        assert f'"{t}"' not in dumped and f"<{t}>" in dumped
    assert len(r.content) == int(r.headers["content-length"])
    if body is ANTHROPIC_BODY:  # signed thinking is never touched
        assert new["messages"][1]["content"][0] == ANTHROPIC_BODY["messages"][1]["content"][0]
    assert a.texts(r) == protected


def test_tool_arguments_stay_valid_json_after_rewrite():
    r = req("/v1/chat/completions", CHAT_BODY)
    a = adapter(r)
    a.rewrite(r, [t.replace("A1", 'quote " and \\ back') for t in a.texts(r)])
    call = json.loads(r.content)["messages"][2]["tool_calls"][0]["function"]
    assert json.loads(call["arguments"]) == {"q": 'quote " and \\ back', "n": 3}


@pytest.mark.parametrize("path, body", [
    ("/v1/chat/completions", b"{not json"),
    ("/v1/chat/completions", b""),
    ("/v1/chat/completions", b"\xff\xfe\x00"),
    ("/v1/chat/completions", {"messages": {"role": "user"}}),
    ("/v1/chat/completions", {"model": "m"}),
    ("/v1/chat/completions", {"messages": ["hi"]}),
    ("/v1/chat/completions", {"messages": [{"role": "user", "content": 3}]}),
    ("/v1/chat/completions", {"messages": [{"role": "user", "content": [{"text": 3}]}]}),
    ("/v1/chat/completions", {"messages": [{"role": "user", "content": ["bare string part"]}]}),
    ("/v1/responses", {"input": 5}),
    ("/v1/responses", {"input": ["x"]}),
    ("/v1/responses", {"instructions": ["x"], "input": "hi"}),
    ("/v1/messages", {"messages": [{"role": "user", "content": 1}]}),
    ("/v1/messages", {"system": {"text": "S"}, "messages": []}),
    ("/v1/messages", {"messages": [{"role": "user", "content": [{"type": "text", "text": None}]}]}),
    ("/api/chat", {"messages": [{"role": "user", "content": ["x"]}]}),
    ("/api/generate", {"prompt": 12}),
    ("/api/generate", [1, 2]),
])
def test_malformed_bodies_raise_request_format_error(path, body):
    r = req(path, body)
    with pytest.raises(RequestFormatError) as info:
        adapter(r).texts(r)
    assert "Maria" not in str(info.value)


def test_error_messages_name_fields_not_values():
    r = req("/v1/chat/completions", {"messages": [{"role": "user", "content": 1234567}]})
    with pytest.raises(RequestFormatError) as info:
        adapter(r).texts(r)
    assert "messages[0].content" in str(info.value) and "1234567" not in str(info.value)


# --- scopes ---------------------------------------------------------------------------------

def scope_of(body, key="sk-a", host="api.openai.com", path="/v1/chat/completions", fresh=True):
    """The scope a request gets from an adapter that has seen no conversation yet (each test
    starts from nothing: the module's ADAPTERs remember histories)."""
    r = req(path, body, host=host, headers={"authorization": f"Bearer {key}"})
    a = adapter(r)
    return (a.with_continuations(MemoryPrefixStore()) if fresh else a).scope(r)


def test_resent_history_keeps_its_scope():
    a = adapter(req("/v1/chat/completions", {})).with_continuations(MemoryPrefixStore())
    turn1 = {"messages": [{"role": "user", "content": "Hello, I'm Maria"}]}
    turn2 = {"messages": [{"role": "user", "content": "Hello, I'm Maria"},
                          {"role": "assistant", "content": "Hi Maria"},
                          {"role": "user", "content": "More"}]}
    scopes = [a.scope(req("/v1/chat/completions", t, host="api.openai.com"))
              for t in (turn1, turn2, turn2)]
    assert scopes[0] == scopes[1] == scopes[2]


@pytest.mark.parametrize("other", [
    {"key": "sk-b"},                     # another client (API key)
    {"host": "api.anthropic.com"},       # another host
])
def test_other_clients_get_other_scopes(other):
    body = {"messages": [{"role": "user", "content": "Hello, I'm Maria"}]}
    assert scope_of(body) != scope_of(body, **other)


def test_other_first_message_gets_another_scope():
    a = {"messages": [{"role": "user", "content": "Hello, I'm Maria"}]}
    b = {"messages": [{"role": "user", "content": "Hello, I'm Mario"}]}
    assert scope_of(a) != scope_of(b)


def test_scope_and_client_id_never_contain_the_secret_or_text():
    r = req("/v1/chat/completions", {}, headers={"authorization": "Bearer sk-secret-123"})
    s = api_scope(r, "Hello, I'm Maria")
    assert "sk-secret" not in client_id(r) and "Maria" not in s and s.startswith("api:")


def test_scope_without_key_uses_user_agent():
    a = req("/api/chat", {}, headers={"user-agent": "ollama-python/0.4"})
    b = req("/api/chat", {}, headers={"user-agent": "curl/8"})
    assert api_scope(a, "x") != api_scope(b, "x")
