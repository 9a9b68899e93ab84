"""Each adapter's response rewriter, in-process, over the real restorer: the streamed body cut
at EVERY byte offset (and one byte at a time, and at random cut sets) gives the client exactly
the original text, tool arguments included; whole (non-streamed) bodies too."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mitmproxy import http

from proxy.sites import load_adapters
from proxy.sites.base import ResponseContext
from tests.e2e import upstreams, wire
from tests.e2e.conftest import make_protector

PROMPT = "I'm Maria Gonzalez, mail maria.gonzalez@gmail.com, café ☕."
TEMPLATE = "You said: {text} Noted, {text}!"
SHORT_PROMPT = "I'm Maria Gonzalez ☕."  # every-cut tests cost O(body size squared)
SHORT_TEMPLATE = "Hi {text}"
SCOPE = "test-scope"

BUILDERS = {"openai_chat": upstreams.openai_chat, "openai_responses": upstreams.openai_responses,
            "anthropic": upstreams.anthropic_messages, "ollama_chat": upstreams.ollama,
            "ollama_generate": upstreams.ollama}
PATHS = {"openai_chat": "/v1/chat/completions", "openai_responses": "/v1/responses",
         "anthropic": "/v1/messages", "ollama_chat": "/api/chat", "ollama_generate": "/api/generate"}
ADAPTERS = {a.name: a for a in load_adapters()}


@pytest.fixture(scope="module")
def setup():
    protector = make_protector()
    protected = protector.protect(PROMPT, SCOPE).protected
    assert "Maria" not in protected
    return protector, protected


def adapter_for(fmt: str):
    req = http.Request.make("POST", "http://api.test" + PATHS[fmt])
    match = [a for a in ADAPTERS.values() if a.match(req)]
    assert len(match) == 1
    return match[0]


def body_for(fmt: str, protected: str, stream: bool, template: str = TEMPLATE) -> tuple[bytes, str]:
    text = template.format(text=protected)
    tool = fmt in ("openai_chat", "openai_responses", "anthropic")
    body, ctype = BUILDERS[fmt](text, stream=stream, tool=tool, thinking=fmt == "anthropic",
                                generate=fmt == "ollama_generate")
    return body.encode(), ctype


def rewrite(fmt: str, protector, data: bytes, ctype: str, cuts: list[int]) -> bytes:
    response = http.Response.make(200, b"", {"content-type": ctype})
    rw = adapter_for(fmt).response_rewriter(response, ResponseContext(SCOPE, protector.restorer))
    points = [0, *sorted({c for c in cuts if 0 < c < len(data)}), len(data)]
    return b"".join(rw.feed(data[a:b]) for a, b in zip(points, points[1:])) + rw.finish()


def check(fmt: str, got: dict, stream: bool, want: str = TEMPLATE.format(text=PROMPT)) -> None:
    assert got["text"] == want
    for args in got["args"]:
        assert json.loads(args)["query"] == want
    for copy in got.get("copies", []):
        assert copy == want


@pytest.mark.parametrize("fmt", list(PATHS))
def test_whole_body(setup, fmt):
    protector, protected = setup
    data, ctype = body_for(fmt, protected, stream=False)
    check(fmt, wire.PARSERS[fmt](rewrite(fmt, protector, data, ctype, []), False), False)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", list(PATHS))
def test_stream_every_cut_and_every_byte(setup, fmt):
    protector, _ = setup
    protected = protector.protect(SHORT_PROMPT, SCOPE).protected
    data, ctype = body_for(fmt, protected, stream=True, template=SHORT_TEMPLATE)
    whole = rewrite(fmt, protector, data, ctype, [])
    want = wire.PARSERS[fmt](whole, True)
    check(fmt, want, True, SHORT_TEMPLATE.format(text=SHORT_PROMPT))
    for cut in range(len(data) + 1):
        assert wire.PARSERS[fmt](rewrite(fmt, protector, data, ctype, [cut]), True) == want, cut
    one_by_one = rewrite(fmt, protector, data, ctype, list(range(len(data))))
    assert wire.PARSERS[fmt](one_by_one, True) == want


@pytest.mark.parametrize("fmt", list(PATHS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(min_value=0, max_value=6000), max_size=25))
def test_stream_random_cuts(setup, fmt, cuts):
    protector, protected = setup
    data, ctype = body_for(fmt, protected, stream=True)
    got = wire.PARSERS[fmt](rewrite(fmt, protector, data, ctype, cuts), True)
    check(fmt, got, True)


def test_responses_sequence_numbers_stay_increasing(setup):
    protector, protected = setup
    data, ctype = body_for("openai_responses", protected, stream=True)
    got = wire.openai_responses(rewrite("openai_responses", protector, data, ctype, []), True)
    seqs = got["seqs"]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def test_unknown_events_and_comments_pass_byte_for_byte(setup):
    protector, _ = setup
    data = (b": keep-alive\n\nevent: mystery\ndata: {\"type\":\"mystery\",\"x\":1}\n\n"
            b"data: not json at all\n\ndata: [DONE]\n\n")
    for fmt in ("openai_chat", "openai_responses", "anthropic"):
        assert rewrite(fmt, protector, data, "text/event-stream", [7]) == data


def test_anthropic_thinking_and_signature_untouched(setup):
    protector, protected = setup
    data, ctype = body_for("anthropic", protected, stream=True)
    out = rewrite("anthropic", protector, data, ctype, [len(data) // 3])
    think_in = [e for e in wire.sse_events(data) if e[0] == "content_block_delta"
                and e[1]["delta"]["type"] in ("thinking_delta", "signature_delta")]
    think_out = [e for e in wire.sse_events(out) if e[0] == "content_block_delta"
                 and e[1]["delta"]["type"] in ("thinking_delta", "signature_delta")]
    assert think_in == think_out
