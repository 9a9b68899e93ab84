"""Streams that are compressed anyway, carry unknown events or garbage, or are cut short."""
from __future__ import annotations

import aiohttp
import pytest

from tests.e2e import wire
from tests.e2e.conftest import PATHS, PROMPT, assert_no_gold, request_body
from tests.e2e.upstreams import openai_chat


async def post(doppel, fmt: str, stream: bool = True):
    async with aiohttp.ClientSession(auto_decompress=False) as s:
        async with s.post(doppel.url + PATHS[fmt], json=request_body(fmt, PROMPT, stream),
                          headers={"accept-encoding": "gzip, br, zstd"}) as r:
            return r.status, r.headers, await r.read()


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "zstd"])
@pytest.mark.parametrize("fmt", ["openai_chat", "anthropic", "ollama_chat"])
async def test_compressed_stream_is_decoded_and_restored(doppel, upstream, fmt, encoding):
    upstream.compress = encoding
    upstream.splits = [7, 40, 41, 200]
    status, headers, raw = await post(doppel, fmt)
    assert status == 200
    assert "content-encoding" not in headers  # Doppel decoded it and says so
    assert wire.PARSERS[fmt](raw, True)["text"] == upstream.template.format(text=PROMPT)
    assert upstream.seen[-1].headers.get("Accept-Encoding") == "identity"  # what Doppel asked
    assert_no_gold(upstream.seen_text())


async def test_unknown_events_and_garbage_pass_unchanged(doppel, upstream):
    upstream.raw_reply = (b": comment\n\nevent: surprise\ndata: {\"type\": \"surprise\"}\n\n"
                          b"data: {not json\n\nid: 5\ndata: \xff\xfe binary\n\ndata: [DONE]\n\n")
    status, _, raw = await post(doppel, "openai_chat")
    assert status == 200
    assert raw == upstream.raw_reply


async def test_truncated_stream_still_delivers_what_was_held(doppel, upstream):
    """The upstream stops right after the last content delta (no finish chunk, no [DONE], no
    final blank line): the text the restorer held back is still delivered, restored."""
    await post(doppel, "openai_chat")  # learn the protected reply the upstream will echo
    body, _ = openai_chat(upstream.replies[-1], stream=True, tool=False, thinking=False,
                          generate=False)
    marker = b'"finish_reason":null}]}'
    upstream.raw_reply = body.encode()[:body.encode().rfind(marker) + len(marker)]
    status, _, raw = await post(doppel, "openai_chat")
    assert status == 200
    assert wire.openai_chat(raw, True)["text"] == upstream.template.format(text=PROMPT)
