"""One valid request per adapter endpoint, with seeded user texts in every place its wire format
puts user text, and what the upstream would read out of a forwarded body.

A case is (adapter, method, URL, content type, build(texts) -> body object, encode(body) -> bytes,
extras(body, texts): the fields a client may add that the format defines but no user-text
list would name (tools and their descriptions, metadata, user fields, profile text, file names,
numbers and keys in tool arguments), and the site's own path spellings).
The "generic" cases are endpoints on chat hosts that no adapter reads (proxy/sites/generic.py).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qsl, unquote, urlencode

from tests.fixtures.web import chatgpt_wire as cw
from tests.fixtures.web import claude_wire as clw
from tests.hardening.seeds import NUMERIC_SEEDS

TEXTS = 6  # seeded texts a builder may use
CARD, PHONE = (n for _, n in NUMERIC_SEEDS.values())


def _json(body: Any) -> bytes:
    return json.dumps(body).encode()


def _gemini_form(inner: Any) -> bytes:
    outer = json.dumps([None, json.dumps(inner, separators=(",", ":"))], separators=(",", ":"))
    return urlencode({"f.req": outer, "at": "AJvLN6N:1764000000000"}).encode() + b"&"


def _no_extras(body: Any, t: list[str]) -> Any:
    return body


@dataclass(frozen=True)
class Case:
    name: str
    adapter: str
    method: str
    url: str
    build: Callable[[list[str]], Any]
    encode: Callable[[Any], bytes] = _json
    content_type: str = "application/json"
    extras: Callable[[Any, list[str]], Any] = _no_extras
    spellings: tuple[tuple[str, str], ...] = ()  # (from, to): the site's own path spellings

    def headers(self) -> dict[str, str]:
        return {"content-type": self.content_type, "authorization": "Bearer sk-fuzz",
                "accept-encoding": "gzip, br"}


def _openai_chat(t: list[str]) -> dict:
    return {"model": "m", "stream": True, "messages": [
        {"role": "system", "content": t[0]},
        {"role": "user", "content": t[1]},
        {"role": "assistant", "content": t[2], "tool_calls": [
            {"id": "c1", "type": "function",
             "function": {"name": "lookup", "arguments": json.dumps({"q": t[3]})}}]},
        {"role": "tool", "tool_call_id": "c1", "content": t[4]},
        {"role": "user", "content": [{"type": "text", "text": t[5]},
                                     {"type": "image_url", "image_url": {"url": "data:,"}}]}]}


def _openai_responses(t: list[str]) -> dict:
    return {"model": "m", "stream": True, "instructions": t[0], "input": [
        {"role": "user", "content": [{"type": "input_text", "text": t[1]}]},
        {"type": "function_call", "call_id": "c1", "name": "lookup",
         "arguments": json.dumps({"q": t[2]})},
        {"type": "function_call_output", "call_id": "c1", "output": t[3]},
        {"role": "assistant", "content": [{"type": "output_text", "text": t[4]}]},
        {"role": "user", "content": t[5]}]}


def _anthropic(t: list[str]) -> dict:
    return {"model": "m", "max_tokens": 64, "stream": True,
            "system": [{"type": "text", "text": t[0]}], "messages": [
                {"role": "user", "content": t[1]},
                {"role": "assistant", "content": [
                    {"type": "text", "text": t[2]},
                    {"type": "tool_use", "id": "tu1", "name": "lookup", "input": {"q": t[3]}}]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "tu1", "content": t[4]},
                    {"type": "text", "text": t[5]}]}]}


def _ollama_chat(t: list[str]) -> dict:
    return {"model": "m", "messages": [
        {"role": "system", "content": t[0]}, {"role": "user", "content": t[1]},
        {"role": "assistant", "content": t[2],
         "tool_calls": [{"function": {"name": "lookup", "arguments": {"q": t[3]}}}]},
        {"role": "tool", "content": t[4]}, {"role": "user", "content": t[5]}]}


def _gemini_inner(t: list[str]) -> list:
    return [[t[0], 0, None, None, None, None, 0], ["en"], ["", "", ""] + [None] * 6 + [""],
            "!k3Jx...antibot", "6b1f0e3c9a", None, [1], 1, None, None, 1, 0]


def _tool_schema(t: list[str]) -> dict:
    return {"type": "object", "title": t[0], "required": ["q"], "properties": {
        "q": {"type": "string", "description": t[1], "enum": ["a", "b"]}}}


def _openai_chat_extras(body: dict, t: list[str]) -> dict:
    body["tools"] = [{"type": "function", "function": {"name": "lookup", "description": t[2],
                                                       "parameters": _tool_schema(t)}}]
    body["user"], body["metadata"] = t[3], {"note": t[4], t[5]: "x", "n": CARD}
    body["prediction"] = {"type": "content", "content": t[0]}
    body["response_format"] = {"type": "json_schema", "json_schema": {
        "name": "r", "description": t[1], "schema": {"type": "object", "title": t[2]}}}
    body["messages"][1]["name"] = t[3]
    body["messages"].append({"role": "assistant", "content": None, "tool_calls": [
        {"id": "c9", "type": "function", "function": {"name": "pay", "arguments": json.dumps(
            {"card": CARD, "phone": PHONE, t[4]: t[5]})}}]})
    return body


def _responses_extras(body: dict, t: list[str]) -> dict:
    body["tools"] = [{"type": "function", "name": "lookup", "description": t[2],
                      "parameters": _tool_schema(t)}]
    body["metadata"], body["user"] = {"note": t[3], t[4]: "x", "n": PHONE}, t[5]
    body["text"] = {"format": {"type": "json_schema", "name": "r",
                               "schema": {"type": "object", "description": t[0]}}}
    body["input"].append({"type": "function_call", "call_id": "c9", "name": "pay",
                          "arguments": json.dumps({"card": CARD, t[1]: t[2]})})
    body["input"][0]["content"][0]["annotations"] = [{"type": "url_citation", "title": t[3],
                                                      "url": "https://x.test/a"}]
    return body


def _anthropic_extras(body: dict, t: list[str]) -> dict:
    body["tools"] = [{"name": "lookup", "description": t[2], "input_schema": _tool_schema(t)}]
    body["metadata"], body["stop_sequences"] = {"user_id": t[3]}, [t[4]]
    body["messages"].append({"role": "assistant", "content": [
        {"type": "tool_use", "id": "tu9", "name": "pay",
         "input": {"card": CARD, "phone": PHONE, t[5]: t[0]}}]})
    return body


def _ollama_chat_extras(body: dict, t: list[str]) -> dict:
    body["tools"] = [{"type": "function", "function": {"name": "lookup", "description": t[2],
                                                       "parameters": _tool_schema(t)}}]
    body["options"] = {"temperature": 0.2, "stop": [t[3]]}
    body["messages"].append({"role": "assistant", "content": "", "tool_calls": [
        {"function": {"name": "pay", "arguments": {"card": CARD, t[4]: t[5]}}}]})
    return body


def _ollama_generate_extras(body: dict, t: list[str]) -> dict:
    body["template"], body["options"] = t[3], {"stop": [t[4]], "seed": 7}
    return body


def _chatgpt_turn_extras(body: dict, t: list[str]) -> dict:
    body["messages"][0]["metadata"] = {"targeted_reply": t[2], "attachments": [
        {"id": "file-1", "name": t[3], "mime_type": "image/png", "size": 12}]}
    body["suggestions"] = [t[4]]
    return body


def _claude_completion_extras(body: dict, t: list[str]) -> dict:
    body["personalized_styles"].append({"type": "custom", "key": "k1", "name": t[2],
                                        "prompt": t[3], "summary": t[4], "isDefault": False})
    body["create_conversation_params"] = {"name": t[5], "model": "claude-x",
                                          "is_temporary": False}
    body["attachments"][0]["file_name"] = t[0]
    return body


def _gemini_extras(inner: list, t: list[str]) -> list:
    inner[0][3] = [[["/contrib_service/ttl_1d/1709764705", 1], t[2]]]  # upload file names
    inner.append([t[3], [t[4]]])
    return inner


def _chatgpt_rename_extras(body: dict, t: list[str]) -> dict:
    body["is_visible"], body["gizmo_note"] = True, t[1]
    return body


def _header_safe(text: str) -> str:
    return "".join(" " if c in '\r\n"' else c for c in text)


def _multipart(body: dict) -> bytes:
    """A multipart body: each field a text part, and one file whose name is ``body["file"]``."""
    if not isinstance(body, dict):  # a mutation replaced the whole body: one field holds it
        body = {"note": body}
    out = b""
    for key, value in body.items():
        value = value if isinstance(value, str) else json.dumps(value)
        key = _header_safe(key)
        if key == "file":
            value = _header_safe(value)
            out += (f'--B0undary\r\nContent-Disposition: form-data; name="file"; '
                    f'filename="{value}"\r\nContent-Type: image/png\r\n\r\n'
                    ).encode("utf-8", "surrogatepass") + b"\x89PNG\x00\xff\r\n"
        else:
            out += (f'--B0undary\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                    f'{value}\r\n').encode("utf-8", "surrogatepass")
    return out + b"--B0undary--\r\n"


def _form(body: dict) -> bytes:
    if not isinstance(body, dict):  # a mutation replaced the whole body: one field holds it
        body = {"q": body}
    return urlencode({k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()},
                     errors="surrogatepass").encode()


def _generic_extras(body: dict, t: list[str]) -> dict:
    body["metadata"], body["extra"] = {"k": t[3]}, [t[4], {"deeper": t[5]}]
    return body


GEMINI = "https://gemini.google.com"
GENERATE = ("/_/BardChatUi/data/assistant.lamda.BardFrontendService/StreamGenerate"
            "?bl=boq&_reqid=1&rt=c")

CASES = [
    Case("openai_chat", "openai-chat", "POST", "https://api.openai.com/v1/chat/completions",
         _openai_chat, extras=_openai_chat_extras),
    Case("openai_responses", "openai-responses", "POST", "https://api.openai.com/v1/responses",
         _openai_responses, extras=_responses_extras),
    Case("anthropic", "anthropic-messages", "POST", "https://api.anthropic.com/v1/messages",
         _anthropic, extras=_anthropic_extras),
    Case("ollama_chat", "ollama", "POST", "http://localhost:11434/api/chat", _ollama_chat,
         extras=_ollama_chat_extras),
    Case("ollama_generate", "ollama", "POST", "http://localhost:11434/api/generate",
         lambda t: {"model": "m", "prompt": t[0], "system": t[1], "suffix": t[2]},
         extras=_ollama_generate_extras),
    Case("chatgpt_turn", "chatgpt-web", "POST", "https://chatgpt.com/backend-api/f/conversation",
         lambda t: {**cw.turn_request(t[0], image_part=True),
                    "partial_query": {"id": "pq", "author": {"role": "user"},
                                      "content": {"content_type": "text", "parts": [t[1]]}}},
         extras=_chatgpt_turn_extras, spellings=(("/backend-api/", "/backend-alt/"),)),
    Case("chatgpt_rename", "chatgpt-web", "PATCH",
         f"https://chatgpt.com/backend-api/conversation/{cw.CONVERSATION_ID}",
         lambda t: {"title": t[0]}, extras=_chatgpt_rename_extras,
         spellings=(("/backend-api/", "/backend-alt/"),)),
    Case("claude_completion", "claude-web", "POST", "https://claude.ai" + clw.completion_path(),
         lambda t: {**clw.completion_request(t[0]), "attachments": [
             {"file_name": "paste.txt", "file_type": "txt", "file_size": len(t[1]),
              "extracted_content": t[1]}]}, extras=_claude_completion_extras),
    Case("claude_title", "claude-web", "POST",
         "https://claude.ai" + clw.conversation_path() + "/title",
         lambda t: {"message_content": t[0], "recent_titles": [t[1], "Trip plans"]}),
    Case("gemini_generate", "gemini-web", "POST", GEMINI + GENERATE, _gemini_inner, _gemini_form,
         "application/x-www-form-urlencoded;charset=UTF-8", extras=_gemini_extras,
         spellings=(("/_/", "/u/1/_/"), ("/_/", "/u/0/_/"))),
    # endpoints on chat hosts that no adapter reads: generic protection
    Case("generic_completions", "generic", "POST", "https://api.openai.com/v1/completions",
         lambda t: {"model": "m", "prompt": [t[0], t[1]], "suffix": t[2]},
         extras=_generic_extras),
    Case("generic_threads", "generic", "POST",
         "https://api.openai.com/v1/threads/thread_1/messages",
         lambda t: {"role": "user", "content": [{"type": "text", "text": t[0]}],
                    "attachments": [{"file_id": "file-1", "tools": [{"type": "file_search"}]}]},
         extras=_generic_extras),
    Case("generic_custom_instructions", "generic", "POST",
         "https://chatgpt.com/backend-api/user_system_messages",
         lambda t: {"about_user_message": t[0], "about_model_message": t[1], "enabled": True},
         extras=_generic_extras),
    Case("generic_project_doc", "generic", "POST",
         "https://claude.ai/api/organizations/o1/projects/p1/docs",
         lambda t: {"file_name": t[0], "content": t[1]}, extras=_generic_extras),
    Case("generic_form", "generic", "POST", "https://gemini.google.com/_/BardChatUi/other",
         lambda t: {"q": t[0], "j": [None, json.dumps([[t[1], 0], "c_1a2b"])]}, _form,
         "application/x-www-form-urlencoded", extras=_generic_extras),
    Case("generic_multipart", "generic", "POST", "https://api.openai.com/v1/files",
         lambda t: {"purpose": t[0], "note": t[1], "file": t[2]}, _multipart,
         "multipart/form-data; boundary=B0undary", extras=_generic_extras),
]
BY_ADAPTER: dict[str, list[Case]] = {}
for _case in CASES:
    BY_ADAPTER.setdefault(_case.adapter, []).append(_case)


def upstream_view(body: bytes) -> str:
    """Everything an upstream could read out of ``body``: the bytes as text, form fields
    decoded, and every string inside the JSON (JSON strings holding JSON parsed again)."""
    text = body.decode("utf-8", "replace")
    views = [text]
    try:
        fields = parse_qsl(text, keep_blank_values=True)
    except ValueError:
        fields = []
    docs = [text] + [v for _, v in fields]
    views += [v for _, v in fields]
    while docs:
        doc = docs.pop()
        try:
            obj = json.loads(doc)
        except (ValueError, RecursionError):
            continue
        for s in _strings(obj):
            views.append(s)
            if s[:1] in "[{\"":
                docs.append(s)
    return "\n".join(views)


def _strings(node: Any) -> list[str]:
    """Every string, key and number (as JSON writes it) in a JSON tree."""
    out, stack = [], [node]
    while stack:  # iterative: bodies may nest thousands deep
        n = stack.pop()
        if isinstance(n, str):
            out.append(n)
        elif isinstance(n, (int, float)) and not isinstance(n, bool):
            out.append(json.dumps(n))
        elif isinstance(n, dict):
            out += [k for k in n if isinstance(k, str)]
            stack += list(n.values())
        elif isinstance(n, list):
            stack += n
    return out
