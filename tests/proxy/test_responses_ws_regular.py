"""The Responses WebSocket mode in regular (system/browser) proxy mode with real TLS: the client
CONNECTs to api.openai.com:443 through Doppel, trusts Doppel's CA, and opens
wss://api.openai.com/v1/responses; a test addon sends the server connection to a local TLS
WebSocket upstream (see tests/e2e/test_regular_mode.py for how the hostnames are resolved).
Also: ``previous_response_id`` continuations over HTTP land in the scope of the response they
continue, for the same client only."""
from __future__ import annotations

import json
import ssl
from pathlib import Path

import aiohttp
import pytest
from mitmproxy import http
from mitmproxy.test import tutils

from proxy.mitm.addon import DoppelAddon
from proxy.mitm.embedded import EmbeddedProxy
from proxy.mitm.hosts import HostPolicy
from proxy.sites.base import ResponseContext
from proxy.sites.openai.responses import OpenAIResponsesAdapter
from proxy.start import StartOptions, addon_hosts, mitm_options
from tests.e2e.conftest import PROMPT, assert_no_gold, make_protector
from tests.e2e.test_regular_mode import HOSTS, Resolve
from tests.e2e.upstreams import tls_server_context
from tests.e2e.ws_upstream import WsUpstream
from tests.proxy.test_responses_ws import TEMPLATE, ask, create


@pytest.fixture
async def tls_ws_upstream(tmp_path: Path):
    ctx, ca_pem = tls_server_context(tmp_path, HOSTS)
    up = await WsUpstream(template=TEMPLATE).start(ssl_context=ctx)
    up.ca_pem = ca_pem
    yield up
    await up.stop()


async def test_wss_through_the_regular_proxy_with_doppels_ca(tls_ws_upstream, tmp_path):
    opts = StartOptions(mode="regular", listen_port=0, mitm_options={
        "ssl_verify_upstream_trusted_ca": str(tls_ws_upstream.ca_pem)})
    hosts = HostPolicy(opts.extra_hosts)
    resolve = Resolve(tls_ws_upstream.port)
    addon = DoppelAddon(make_protector(), hosts=addon_hosts(opts, hosts), detect_timeout_s=20)
    proxy = EmbeddedProxy([resolve, addon], confdir=tmp_path / "doppel",
                          **mitm_options(opts, hosts))
    await proxy.start()
    try:
        trust_doppel = ssl.create_default_context(cafile=str(proxy.ca_cert_path))
        async with aiohttp.ClientSession() as s, s.ws_connect(
                "wss://api.openai.com/v1/responses", proxy=f"http://127.0.0.1:{proxy.port}",
                ssl=trust_doppel, headers={"authorization": "Bearer sk-test"}) as ws:
            turn = await ask(ws, create(PROMPT))
            bad = await ask(ws, "{not json")
    finally:
        await proxy.stop()
    assert "api.openai.com" in resolve.seen
    assert tls_ws_upstream.headers[0]["Host"] == "api.openai.com"
    assert turn.text == TEMPLATE.format(text=PROMPT)
    assert_no_gold(tls_ws_upstream.seen_text())
    assert bad.events[0]["error"]["code"] == "unreadable_request"
    assert len(tls_ws_upstream.seen) == 1  # the unreadable message never went upstream


def _request(body: dict, key: str = "sk-one") -> http.Request:
    return tutils.treq(host="api.openai.com", port=443, method=b"POST", path=b"/v1/responses",
                       headers=[(b"authorization", f"Bearer {key}".encode()),
                                (b"content-type", b"application/json")],
                       content=json.dumps(body).encode())


@pytest.mark.parametrize("streamed", [False, True])
def test_previous_response_id_over_http_keeps_the_scope(streamed):
    adapter = OpenAIResponsesAdapter()
    protector = make_protector()
    first = _request({"model": "m", "input": PROMPT})
    scope = adapter.scope(first)
    protector.protect(PROMPT, scope)
    response = {"id": "resp_42", "object": "response", "status": "completed", "output": []}
    if streamed:
        body = f"data: {json.dumps({'type': 'response.created', 'response': response})}\n\n"
        resp = tutils.tresp(headers=[(b"content-type", b"text/event-stream")],
                            content=b"")
    else:
        body = json.dumps(response)
        resp = tutils.tresp(headers=[(b"content-type", b"application/json")], content=b"")
    rw = adapter.response_rewriter(resp, ResponseContext(scope, protector.restorer))
    rw.feed(body.encode()) + rw.finish()
    later = {"model": "m", "previous_response_id": "resp_42", "input": "And then?"}
    assert adapter.scope(_request(later)) == scope
    # Another client naming the same response id does not get that conversation's stand-ins.
    assert adapter.scope(_request(later, key="sk-two")) != scope
    # An id Doppel never saw: the scope of the text, as before.
    unknown = {**later, "previous_response_id": "resp_unknown"}
    assert adapter.scope(_request(unknown)) == adapter.scope(_request({"input": "And then?"}))
    # A conversation id gives its own scope, the same for every turn naming it.
    conv = {"model": "m", "conversation": {"id": "conv_7"}, "input": "x"}
    assert adapter.scope(_request(conv)) == adapter.scope(_request({**conv, "input": "y"}))
    assert adapter.scope(_request(conv)) != adapter.scope(_request({"input": "x"}))
