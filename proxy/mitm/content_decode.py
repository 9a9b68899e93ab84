"""Incremental decoding of compressed response streams (gzip, deflate, br, zstd).

mitmproxy decodes whole bodies itself, but hands streamed chunks over still compressed. Doppel
asks upstream for identity encoding; this covers servers that compress anyway.
"""
from __future__ import annotations

import zlib
from typing import Callable

import brotli  # a mitmproxy dependency
import zstandard  # a mitmproxy dependency

Decoder = Callable[[bytes], bytes]


def stream_decoder(encoding: str) -> Decoder | None:
    """A function decoding successive chunks (b"" at the end), or None if unknown."""
    enc = encoding.strip().lower()
    if enc in ("", "identity"):
        return lambda data: data
    if enc in ("gzip", "x-gzip"):
        gz = zlib.decompressobj(32 + 15)  # 32+: expect a gzip header
        return lambda data: gz.decompress(data) if data else gz.flush()
    if enc == "deflate":
        # "deflate" is zlib-wrapped per RFC, but some servers send raw deflate: look at byte 1.
        state: dict = {}

        def inflate(data: bytes) -> bytes:
            if "d" not in state:
                if not data:
                    return b""
                state["d"] = zlib.decompressobj(15 if data[0] == 0x78 else -15)
            return state["d"].decompress(data) if data else state["d"].flush()
        return inflate
    if enc == "br":
        br = brotli.Decompressor()
        return lambda data: br.process(data) if data else b""
    if enc == "zstd":
        zd = zstandard.ZstdDecompressor().decompressobj()
        return lambda data: zd.decompress(data) if data else b""
    return None
