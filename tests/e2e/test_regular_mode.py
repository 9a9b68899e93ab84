"""Regular (system/browser) proxy mode with real TLS.

How the real hostnames reach local servers: a tiny test addon re-targets the server connection
(mitmproxy's ``server_connect`` hook) for test hostnames to a local aiohttp TLS server, like an
/etc/hosts entry: the client still CONNECTs to "api.openai.com:443", sends that SNI and Host, and
mitmproxy still verifies the upstream certificate (issued for those names by a test CA it is
told to trust). Only the TCP destination changes. Chat hosts are intercepted with Doppel's CA;
any other host is tunnelled: the client then sees the upstream's own certificate.
"""
from __future__ import annotations

import json
import ssl
from pathlib import Path

import httpx
import pytest

from proxy.mitm.addon import DoppelAddon
from proxy.mitm.embedded import EmbeddedProxy
from proxy.mitm.hosts import HostPolicy
from proxy.start import StartOptions, addon_hosts, mitm_options
from tests.e2e.conftest import PROMPT, assert_no_gold
from tests.e2e.upstreams import Upstream, tls_server_context

HOSTS = ["api.openai.com", "api.anthropic.com", "tunnel.example.org", "ollama.lan"]


class Resolve:
    """Test addon: send connections for known test hostnames to a local port."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.seen: list[str] = []

    def server_connect(self, data) -> None:
        host, port = data.server.address
        if host in HOSTS:
            self.seen.append(host)
            data.server.address = ("127.0.0.1", self.port)


@pytest.fixture
async def tls_upstream(tmp_path: Path):
    """A local TLS upstream whose certificate (from a test CA) names every test host."""
    ctx, ca_pem = tls_server_context(tmp_path, HOSTS)
    up = await Upstream().start(ssl_context=ctx)
    up.ca_pem = ca_pem
    yield up
    await up.stop()


@pytest.fixture
async def regular(tls_upstream, protector, tmp_path: Path):
    opts = StartOptions(mode="regular", listen_port=0, extra_hosts=("ollama.lan",),
                        mitm_options={"ssl_verify_upstream_trusted_ca": str(tls_upstream.ca_pem)})
    hosts = HostPolicy(opts.extra_hosts)
    resolve = Resolve(tls_upstream.port)
    addon = DoppelAddon(protector, hosts=addon_hosts(opts, hosts))
    proxy = EmbeddedProxy([resolve, addon], confdir=tmp_path / "doppel", **mitm_options(opts, hosts))
    await proxy.start()
    yield proxy, resolve
    await proxy.stop()


def client(proxy: EmbeddedProxy, ca: Path) -> httpx.AsyncClient:
    return httpx.AsyncClient(proxy=f"http://127.0.0.1:{proxy.port}",
                             verify=ssl.create_default_context(cafile=str(ca)), timeout=20)


@pytest.mark.parametrize("host, path, body", [
    ("api.openai.com", "/v1/chat/completions",
     {"model": "m", "messages": [{"role": "user", "content": PROMPT}]}),
    ("api.anthropic.com", "/v1/messages",
     {"model": "m", "max_tokens": 9, "messages": [{"role": "user", "content": PROMPT}]}),
    ("ollama.lan", "/v1/chat/completions",  # a user-added OpenAI-compatible host
     {"model": "m", "messages": [{"role": "user", "content": PROMPT}]}),
])
async def test_chat_host_is_intercepted_with_doppels_ca(regular, tls_upstream, host, path, body):
    proxy, resolve = regular
    async with client(proxy, proxy.ca_cert_path) as c:
        r = await c.post(f"https://{host}{path}", json=body)
    assert r.status_code == 200, r.text[:300]
    assert host in resolve.seen
    assert_no_gold(tls_upstream.seen_text())
    text = json.dumps(r.json())
    assert "Maria Gonzalez" in text  # restored for the client
    assert tls_upstream.seen[-1].headers["Host"] == host


async def test_other_host_is_tunnelled_untouched(regular, tls_upstream):
    proxy, resolve = regular
    body = {"model": "m", "messages": [{"role": "user", "content": PROMPT}]}
    # Trusting ONLY the upstream's CA works: the TLS session is end to end, not Doppel's.
    async with client(proxy, tls_upstream.ca_pem) as c:
        r = await c.post("https://tunnel.example.org/v1/chat/completions", json=body)
    assert r.status_code == 200
    assert "tunnel.example.org" in resolve.seen
    assert "Maria Gonzalez" in tls_upstream.seen_text()  # not touched: not a chat host
    # Trusting ONLY Doppel's CA fails there, since nobody intercepts it.
    async with client(proxy, proxy.ca_cert_path) as c:
        with pytest.raises(httpx.ConnectError):
            await c.post("https://tunnel.example.org/v1/chat/completions", json=body)


async def test_chat_host_is_not_reachable_with_upstream_ca_only(regular, tls_upstream):
    """The converse: api.openai.com IS intercepted, so its certificate comes from Doppel."""
    proxy, _ = regular
    async with client(proxy, tls_upstream.ca_pem) as c:
        with pytest.raises(httpx.ConnectError):
            await c.get("https://api.openai.com/v1/models")


async def test_non_chat_endpoints_on_chat_hosts_pass(regular, tls_upstream):
    proxy, _ = regular
    async with client(proxy, proxy.ca_cert_path) as c:
        r = await c.get("https://api.openai.com/v1/models")
        upload = await c.post("https://api.openai.com/v1/files", content=b"\x00\x01 Maria Gonzalez",
                              headers={"content-type": "application/octet-stream"})
    assert r.status_code == 200 and r.text == "plain page, not a chat endpoint"
    assert upload.status_code == 200
    assert tls_upstream.seen[-1].body == b"\x00\x01 Maria Gonzalez"  # byte for byte


async def test_streamed_reply_through_tls_interception(regular, tls_upstream):
    """SSE through the intercepted TLS connection, restored on the fly."""
    proxy, _ = regular
    body = {"model": "m", "stream": True, "messages": [{"role": "user", "content": PROMPT}]}
    async with client(proxy, proxy.ca_cert_path) as c:
        async with c.stream("POST", "https://api.openai.com/v1/chat/completions", json=body) as r:
            raw = b"".join([chunk async for chunk in r.aiter_raw()])
            assert r.status_code == 200
            assert "content-length" not in r.headers
    text = "".join(json.loads(line[6:])["choices"][0]["delta"].get("content") or ""
                   for line in raw.decode().splitlines()
                   if line.startswith("data: {"))
    assert text == tls_upstream.template.format(text=PROMPT)
    assert_no_gold(tls_upstream.seen_text())


# --- routing by where the connection goes (issue #14), proxy/mitm/hosts.py -------------------

@pytest.mark.parametrize("url", [
    pytest.param("https://api.openai.com/v1/chat/completions", id="connect-to-chat-host"),
    pytest.param("http://api.openai.com/v1/chat/completions", id="absolute-url-to-chat-host"),
])
async def test_a_host_header_naming_another_host_is_refused(regular, tls_upstream, url):
    """The connection goes to a chat host while the Host header names another one: judged by
    one name and delivered by another, so refused, whatever it carries."""
    proxy, _ = regular
    body = {"model": "m", "messages": [{"role": "user", "content": PROMPT}]}
    async with client(proxy, proxy.ca_cert_path) as c:
        r = await c.post(url, json=body, headers={"host": "other.example"})
    assert r.status_code == 502
    assert r.json()["error"]["code"] == "host_mismatch"
    assert tls_upstream.seen == []


async def test_a_host_header_spelled_otherwise_is_the_same_host(regular, tls_upstream):
    """`Host: API.OpenAI.com.` is api.openai.com: protected, and delivered."""
    proxy, _ = regular
    body = {"model": "m", "messages": [{"role": "user", "content": PROMPT}]}
    async with client(proxy, proxy.ca_cert_path) as c:
        r = await c.post("https://api.openai.com/v1/chat/completions", json=body,
                         headers={"host": "API.OpenAI.com."})
    assert r.status_code == 200, r.text[:300]
    assert_no_gold(tls_upstream.seen_text())
    assert "Maria Gonzalez" in json.dumps(r.json())
