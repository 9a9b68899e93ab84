"""Which hosts are intercepted, and decoding of compressed streams cut anywhere."""
from __future__ import annotations

import gzip
import re
import zlib

import brotli
import pytest
import zstandard
from hypothesis import given, settings
from hypothesis import strategies as st

from proxy.mitm.content_decode import stream_decoder
from proxy.hostnames import normalize_host
from proxy.mitm.hosts import CHAT_HOSTS, HostPolicy
from proxy.sites import is_web_host, load_adapters
from proxy.sites.chatgpt.ws import WS_HOSTS


@pytest.mark.parametrize("host, chat", [
    ("chatgpt.com", True), ("CHATGPT.COM", True), ("chatgpt.com:443", True), ("claude.ai.", True),
    ("api.openai.com", True), ("api.anthropic.com", True), ("gemini.google.com", True),
    ("chat.openai.com", True), ("ollama.lan:11434", True),
    ("evilchatgpt.com", False), ("chatgpt.com.evil.net", False), ("google.com", False),
    ("accounts.google.com", False), ("auth.openai.com", False), ("sentinel.openai.com", False),
    ("cdn.oaistatic.com", False), ("[::1]:8080", False),
])
def test_is_chat_host(host, chat):
    assert HostPolicy(["ollama.lan"]).is_chat_host(host) is chat


@pytest.mark.parametrize("address", ["chatgpt.com:443", "api.openai.com:443", "claude.ai:8443",
                                     "ollama.lan:11434"])
def test_allow_hosts_patterns_match_chat_hosts(address):
    patterns = HostPolicy(["ollama.lan"]).allow_hosts_patterns()
    assert any(re.search(p, address, re.IGNORECASE) for p in patterns)


@pytest.mark.parametrize("address", ["xchatgpt.com:443", "chatgpt.com.evil.net:443",
                                     "example.org:443", "api.openai.com.evil:443", "10.0.0.1:443"])
def test_allow_hosts_patterns_reject_others(address):
    assert not any(re.search(p, address, re.IGNORECASE) for p in HostPolicy().allow_hosts_patterns())


def test_web_hosts_and_normalizing():
    assert is_web_host("ChatGPT.com:443") and not is_web_host("api.openai.com")
    assert normalize_host("[::1]:80") == "::1" and normalize_host("Claude.AI.") == "claude.ai"
    assert set(CHAT_HOSTS) <= set(HostPolicy().hosts)


def test_the_host_lists_are_the_adapters_hosts():
    """Adding a site is one file and one line: its adapter's hosts are intercepted, and a web
    app's hosts are kept from the API adapters, with no other list to edit."""
    adapters = load_adapters()
    declared = {h for a in adapters for h in a.hosts}
    assert all(normalize_host(h) == h for h in declared)  # declared in the compared form
    assert set(CHAT_HOSTS) == declared | WS_HOSTS and len(CHAT_HOSTS) == len(set(CHAT_HOSTS))
    for a in adapters:
        for h in a.hosts:
            assert is_web_host(h) is a.web_app, (a.name, h)
    assert all(is_web_host(h) for h in WS_HOSTS)


DATA = ("data: {\"delta\": \"héllo ✓\"}\n\n" * 200).encode()
ENCODERS = {"gzip": gzip.compress, "x-gzip": gzip.compress, "deflate": zlib.compress,
            "br": brotli.compress, "zstd": zstandard.ZstdCompressor().compress,
            "identity": lambda b: b, "": lambda b: b}


def decode_in_pieces(encoding: str, blob: bytes, cuts: list[int]) -> bytes:
    dec = stream_decoder(encoding)
    points = [0, *sorted({c for c in cuts if 0 < c < len(blob)}), len(blob)]
    return b"".join(dec(blob[a:b]) for a, b in zip(points, points[1:])) + dec(b"")


@pytest.mark.parametrize("encoding", list(ENCODERS))
def test_every_cut(encoding):
    blob = ENCODERS[encoding](DATA)
    for cut in range(0, len(blob) + 1, max(1, len(blob) // 97)):
        assert decode_in_pieces(encoding, blob, [cut]) == DATA


@pytest.mark.parametrize("encoding", ["gzip", "br", "zstd", "deflate"])
@settings(max_examples=30, deadline=None)
@given(cuts=st.lists(st.integers(min_value=0, max_value=2000), max_size=20))
def test_random_cuts(encoding, cuts):
    assert decode_in_pieces(encoding, ENCODERS[encoding](DATA), cuts) == DATA


def test_raw_deflate_is_accepted_too():
    raw = zlib.compressobj(wbits=-15)
    blob = raw.compress(DATA) + raw.flush()
    assert decode_in_pieces("deflate", blob, [3, 50]) == DATA


def test_unknown_encoding_is_refused():
    assert stream_decoder("compress") is None
