"""Every API wire format through Doppel in reverse mode: the upstream never sees a real value,
the client sees exactly the original text; non-streamed, streamed, and streams cut everywhere."""
from __future__ import annotations

import json

import aiohttp
import pytest

from tests.e2e import wire
from tests.e2e.conftest import PATHS, PROMPT, assert_no_gold, request_body

FORMATS = list(PATHS)


async def post(session, doppel, fmt: str, prompt: str = PROMPT, stream: bool = True):
    async with session.post(doppel.url + PATHS[fmt], json=request_body(fmt, prompt, stream),
                            headers={"authorization": "Bearer sk-test"}) as resp:
        return resp.status, dict(resp.headers), await resp.read()


def expected(upstream, prompt: str = PROMPT) -> str:
    return upstream.template.format(text=prompt)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stream", [False, True])
async def test_round_trip(doppel, upstream, fmt, stream):
    upstream.tool = fmt in ("openai_chat", "openai_responses", "anthropic")
    upstream.thinking = fmt == "anthropic"
    async with aiohttp.ClientSession() as s:
        status, headers, raw = await post(s, doppel, fmt, stream=stream)
    assert status == 200, raw[:300]
    assert_no_gold(upstream.seen_text())
    got = wire.PARSERS[fmt](raw, stream)
    assert got["text"] == expected(upstream)
    for args in got["args"]:
        assert json.loads(args)["query"] == expected(upstream)
    for copy in got.get("copies", []):  # Responses API: every repeated copy restored too
        assert copy == expected(upstream)
    for thinking in got.get("thinking", []):  # signed thinking passes untouched (stand-ins)
        assert thinking == "Thinking about " + upstream.replies[-1]
    if stream:
        assert "content-length" not in {k.lower() for k in headers}


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
async def test_stream_cut_at_every_byte(doppel, upstream, fmt):
    """The upstream writes its stream one byte per write: every byte offset is a cut.
    (tests/proxy/test_site_streams.py cuts the full bodies, tool calls included, in-process.)"""
    upstream.template = "Hi {text}"
    prompt = "I'm Maria Gonzalez, café ☕."
    async with aiohttp.ClientSession() as s:
        _, _, whole = await post(s, doppel, fmt, prompt)
        upstream.splits = list(range(1, 20_000))
        upstream.pause_s = 0.0005
        _, _, cut = await post(s, doppel, fmt, prompt)
    assert wire.PARSERS[fmt](cut, True) == wire.PARSERS[fmt](whole, True)
    assert wire.PARSERS[fmt](cut, True)["text"] == expected(upstream, prompt)
    assert_no_gold(upstream.seen_text())


@pytest.mark.parametrize("fmt", FORMATS)
async def test_stream_cut_in_two_at_sampled_offsets(doppel, upstream, fmt):
    upstream.tool = fmt in ("openai_chat", "openai_responses", "anthropic")
    prompt = "I'm Maria Gonzalez, café ☕."
    async with aiohttp.ClientSession() as s:
        _, _, whole = await post(s, doppel, fmt, prompt)
        want = wire.PARSERS[fmt](whole, True)
        assert want["text"] == expected(upstream, prompt)
        for cut in range(1, len(whole), max(1, len(whole) // 40)):
            upstream.splits = [cut]
            _, _, raw = await post(s, doppel, fmt, prompt)
            assert wire.PARSERS[fmt](raw, True) == want, cut
