"""Default-deny inside the adapters (proxy/sites/structure.py, proxy/sites/jsonwalk.py): every
string of a body is text unless it is a declared slot or structure on the format's short list;
inside free-form JSON numbers and keys are text too; runs and profile scopes."""
from __future__ import annotations

import json

import pytest
from mitmproxy import http

from proxy.profiles import profile_scope
from proxy.sites import claude_web, find_adapter, load_adapters
from proxy.sites.base import RequestFormatError
from proxy.sites.jsonwalk import TextSlots, dumps_like, number_back
from proxy.sites.structure import GENERIC, Structure
from tests.fixtures.web import claude_wire as clw

ADAPTERS = [*load_adapters(), claude_web.ADAPTER]


def req(url: str, body, method: str = "POST") -> http.Request:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return http.Request.make(method, url, raw, {"content-type": "application/json"})


def texts_of(url: str, body) -> list[str]:
    r = req(url, body)
    return find_adapter(ADAPTERS, r).texts(r)


def rewritten(url: str, body, replace: dict[str, str]) -> dict:
    """The body after protecting: each text in ``replace`` becomes its value."""
    r = req(url, body)
    a = find_adapter(ADAPTERS, r)
    a.rewrite(r, [replace.get(t, t) for t in a.texts(r)])
    return json.loads(r.content)


CHAT = "https://api.openai.com/v1/chat/completions"
MESSAGES = "https://api.anthropic.com/v1/messages"
RESPONSES = "https://api.openai.com/v1/responses"

TOOL = {"type": "function", "function": {
    "name": "send_mail", "description": "Mail Maria Gonzalez",
    "parameters": {"type": "object", "title": "Mail to Maria", "required": ["to"],
                   "properties": {"to": {"type": "string", "format": "email",
                                         "description": "use maria@x.com",
                                         "enum": ["a", "b"]}}}}}


def test_tools_user_metadata_and_names_are_text_structure_is_not():
    body = {"model": "gpt-4o", "user": "maria@x.com", "metadata": {"owner": "Maria"},
            "tools": [TOOL], "tool_choice": "auto", "prediction": {"type": "content",
                                                                  "content": "Dear Maria"},
            "messages": [{"role": "user", "name": "Maria", "content": "hi"}]}
    texts = texts_of(CHAT, body)
    for text in ("Mail Maria Gonzalez", "Mail to Maria", "use maria@x.com", "maria@x.com",
                 "owner", "Maria", "Dear Maria", "hi"):
        assert text in texts
    for structure in ("gpt-4o", "user", "auto", "send_mail", "object", "string", "email", "to",
                      "a", "function", "content"):
        assert structure not in texts


@pytest.mark.parametrize("url, body", [
    (CHAT, {"messages": [{"role": "user", "contnet": "Maria Gonzalez"}]}),  # a typo
    (CHAT, {"messages": [], "inputs": ["Maria Gonzalez"]}),  # an unknown top-level list
    (CHAT, {"messages": [{"role": "user", "content": [
        {"type": "text", "text": "hi", "annotation": "Maria Gonzalez"}]}]}),  # extra key in a part
    (MESSAGES, {"messages": [], "metadata": {"user_id": "Maria Gonzalez"}}),
    (MESSAGES, {"messages": [], "tools": [{"name": "t", "description": "Maria Gonzalez",
                                           "input_schema": {"type": "object"}}]}),
    (RESPONSES, {"instructions": "x", "tools": [{"type": "function", "name": "t",
                                                "description": "Maria Gonzalez"}]}),
    (RESPONSES, {"input": [{"type": "reasoning", "summary": [
        {"type": "summary_text", "text": "Maria Gonzalez"}]}]}),
    (RESPONSES, {"type": "response.create", "response": {"input": "Maria Gonzalez"}}),
    (CHAT, {"messages": [], "a": {"b": [{"c": {"d": "Maria Gonzalez"}}]}}),  # any depth
])
def test_fields_no_adapter_declares_are_protected(url, body):
    assert "Maria Gonzalez" in texts_of(url, body)


def test_numbers_and_keys_in_tool_arguments():
    args = json.dumps({"card": 4111111111111111, "Maria Gonzalez": "x", "n": 2.5})
    body = {"messages": [{"role": "assistant", "tool_calls": [
        {"id": "c", "type": "function", "function": {"name": "pay", "arguments": args}}]}]}
    texts = texts_of(CHAT, body)
    assert {"4111111111111111", "Maria Gonzalez", "card", "2.5"} <= set(texts)
    out = rewritten(CHAT, body, {"4111111111111111": "4532015112830366",
                                 "Maria Gonzalez": "Elena Ruiz"})
    sent = json.loads(out["messages"][0]["tool_calls"][0]["function"]["arguments"])
    assert sent == {"card": 4532015112830366, "Elena Ruiz": "x", "n": 2.5}  # order kept


def test_anthropic_tool_input_numbers():
    body = {"messages": [{"role": "assistant", "content": [
        {"type": "tool_use", "id": "t", "name": "call", "input": {"phone": 4155550187}}]}]}
    out = rewritten(MESSAGES, body, {"4155550187": "4046310106"})
    assert out["messages"][0]["content"][0]["input"] == {"phone": 4046310106}


@pytest.mark.parametrize("old, text, new", [
    (4111111111111111, "4532015112830366", 4532015112830366),  # same digits: a number
    (4111111111111111, "4532 0151 1283 0366", "4532 0151 1283 0366"),  # another shape: text
    (415, "4150", "4150"),  # another length: text
    (2.5, "3.5", 3.5),
    (2.5, "Elena", "Elena"),
])
def test_number_back(old, text, new):
    assert number_back(old, text) == new and type(number_back(old, text)) is type(new)


def test_a_replaced_key_colliding_with_another_refuses():
    body = {"messages": [], "metadata": {"Maria": "1", "Elena": "2"}}
    with pytest.raises(RequestFormatError):
        rewritten(CHAT, body, {"Maria": "Elena"})


@pytest.mark.parametrize("raw", ['{"q":"Maria","n":[1,2]}', '{"q": "Maria", "n": [1, 2]}',
                                 '{"q": "Mar\\u00eda"}'])
def test_json_documents_keep_their_style(raw):
    parsed = json.loads(raw)
    assert dumps_like(parsed, raw) == raw
    parsed["q"] = "Elena"
    again = dumps_like(parsed, raw)
    assert json.loads(again)["q"] == "Elena" and (" " in again) == (" " in raw)


def test_an_unchanged_json_document_is_not_rewritten():
    args = '{ "q" : "x" }'  # a style dumps_like cannot reproduce: kept because unchanged
    body = {"messages": [{"role": "assistant", "tool_calls": [
        {"id": "c", "function": {"name": "f", "arguments": args}}]}, {"role": "user",
                                                                      "content": "Maria"}]}
    out = rewritten(CHAT, body, {"Maria": "Elena"})
    assert out["messages"][0]["tool_calls"][0]["function"]["arguments"] == args
    assert out["messages"][1]["content"] == "Elena"


def test_payloads_are_kept():
    blob = "iVBORw0KGgo" * 40
    body = {"messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": "data:image/png;base64," + blob}},
        {"type": "input_audio", "input_audio": {"data": blob, "format": "wav"}},
        {"type": "file", "file": {"filename": "maria.pdf", "file_data": "data:application/pdf;base64,"
                                  + blob}}]}]}
    assert texts_of(CHAT, body) == ["maria.pdf"]


def test_signed_thinking_is_never_read():
    body = {"messages": [{"role": "assistant", "content": [
        {"type": "thinking", "thinking": "Maria", "signature": "sig"},
        {"type": "redacted_thinking", "data": "Maria"}]}]}
    assert texts_of(MESSAGES, body) == []


def test_the_walk_is_iterative():
    deep: dict = {"x": "Maria"}
    for _ in range(5000):
        deep = {"a": [deep]}
    slots = TextSlots()
    slots.cover([deep], 0, GENERIC)
    assert slots.texts() == ["Maria"]


def test_runs_group_a_messages_parts_and_consecutive_user_messages():
    body = {"messages": [
        {"role": "system", "content": "S"},
        {"role": "user", "content": [{"type": "text", "text": "U1a"}, {"type": "text", "text": "U1b"}]},
        {"role": "user", "content": "U2"},
        {"role": "assistant", "content": "A", "tool_calls": [
            {"id": "c", "function": {"name": "f", "arguments": '{"q": "Q"}'}}]},
        {"role": "user", "content": "U3"}], "user": "X"}
    r = req(CHAT, body)
    a = find_adapter(ADAPTERS, r)
    texts = a.texts(r)
    runs = [[texts[i] for i in run.indexes] for run in a.text_runs(r, len(texts))]
    assert runs == [["S"], ["U1a", "U1b", "U2"], ["A"], ["q"], ["Q"], ["U3"], ["X"]]
    assert sorted(i for run in a.text_runs(r, len(texts)) for i in run.indexes) \
        == list(range(len(texts)))


def test_claude_styles_the_user_wrote_are_profile_text():
    body = clw.completion_request("hello")
    body["personalized_styles"].append({"type": "custom", "key": "k1", "name": "Maria's style",
                                        "prompt": "Write like Maria Gonzalez", "summary": "S"})
    r = req("https://claude.ai" + clw.completion_path(), body)
    a = claude_web.ADAPTER
    texts = a.texts(r)
    profile = {texts[i] for run in a.text_runs(r, len(texts)) for i in run.indexes
               if run.scope == profile_scope(claude_web.SCOPE_PREFIX)}
    assert profile == {"Maria's style", "Write like Maria Gonzalez", "S"}
    assert "Default responses from Claude" not in texts  # the built-in style is Claude's own


def test_structure_names_tools_only_in_tool_places():
    s = Structure()
    assert s.is_structural({"type": "function"}, None, "name")
    assert s.is_structural({}, "tools", "name")
    assert not s.is_structural({"role": "user"}, "messages", "name")
    assert not s.is_structural({"type": ["x"]}, None, "name")  # an unhashable type: no crash
