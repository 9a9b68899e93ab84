"""One valid request per adapter endpoint, with seeded user texts in every place its wire format
puts user text, and what the upstream would read out of a forwarded body.

A case is (adapter, method, URL, content type, build(texts) -> body object, encode(body) -> bytes).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import parse_qsl, urlencode

from tests.fixtures.web import chatgpt_wire as cw
from tests.fixtures.web import claude_wire as clw

TEXTS = 6  # seeded texts a builder may use


def _json(body: Any) -> bytes:
    return json.dumps(body).encode()


def _gemini_form(inner: Any) -> bytes:
    outer = json.dumps([None, json.dumps(inner, separators=(",", ":"))], separators=(",", ":"))
    return urlencode({"f.req": outer, "at": "AJvLN6N:1764000000000"}).encode() + b"&"


@dataclass(frozen=True)
class Case:
    name: str
    adapter: str
    method: str
    url: str
    build: Callable[[list[str]], Any]
    encode: Callable[[Any], bytes] = _json
    content_type: str = "application/json"

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


CASES = [
    Case("openai_chat", "openai-chat", "POST", "https://api.openai.com/v1/chat/completions",
         _openai_chat),
    Case("openai_responses", "openai-responses", "POST", "https://api.openai.com/v1/responses",
         _openai_responses),
    Case("anthropic", "anthropic-messages", "POST", "https://api.anthropic.com/v1/messages",
         _anthropic),
    Case("ollama_chat", "ollama", "POST", "http://localhost:11434/api/chat", _ollama_chat),
    Case("ollama_generate", "ollama", "POST", "http://localhost:11434/api/generate",
         lambda t: {"model": "m", "prompt": t[0], "system": t[1], "suffix": t[2]}),
    Case("chatgpt_turn", "chatgpt-web", "POST", "https://chatgpt.com/backend-api/f/conversation",
         lambda t: {**cw.turn_request(t[0], image_part=True),
                    "partial_query": {"id": "pq", "author": {"role": "user"},
                                      "content": {"content_type": "text", "parts": [t[1]]}}}),
    Case("chatgpt_rename", "chatgpt-web", "PATCH",
         f"https://chatgpt.com/backend-api/conversation/{cw.CONVERSATION_ID}",
         lambda t: {"title": t[0]}),
    Case("claude_completion", "claude-web", "POST", "https://claude.ai" + clw.completion_path(),
         lambda t: {**clw.completion_request(t[0]), "attachments": [
             {"file_name": "paste.txt", "file_type": "txt", "file_size": len(t[1]),
              "extracted_content": t[1]}]}),
    Case("claude_title", "claude-web", "POST",
         "https://claude.ai" + clw.conversation_path() + "/title",
         lambda t: {"message_content": t[0], "recent_titles": [t[1], "Trip plans"]}),
    Case("gemini_generate", "gemini-web", "POST",
         "https://gemini.google.com/_/BardChatUi/data/assistant.lamda.BardFrontendService/"
         "StreamGenerate?bl=boq&_reqid=1&rt=c", _gemini_inner, _gemini_form,
         "application/x-www-form-urlencoded;charset=UTF-8"),
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
    out, stack = [], [node]
    while stack:  # iterative: bodies may nest thousands deep
        n = stack.pop()
        if isinstance(n, str):
            out.append(n)
        elif isinstance(n, dict):
            out += [k for k in n if isinstance(k, str)]
            stack += list(n.values())
        elif isinstance(n, list):
            stack += n
    return out
