"""Who may talk to the control server: the token, the Origin allow-list, the Host guard and
pairing codes, checked over real HTTP with aiohttp's client."""
from __future__ import annotations

import base64
import hashlib
import json
import stat
from pathlib import Path

import aiohttp
import pytest
from hypothesis import given, strategies as st

from proxy.control.server import ControlState, create_control_app, start_control_server
from proxy.control.auth import (EXTENSION_ID, LOOPBACK_NAMES, PairingCodes, is_loopback_host,
                                load_or_create_token, origin_allowed)
from proxy.mitm.hosts import HostPolicy

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "dpt_test-token-0123456789"

PROTECTED = [("GET", "/api/status"), ("GET", "/api/settings"), ("GET", "/api/events"),
             ("GET", "/api/vault"), ("GET", "/api/pac"), ("GET", "/proxy.pac"),
             ("GET", "/api/openapi.json"), ("POST", "/api/try"), ("PATCH", "/api/settings"),
             ("PUT", "/api/enabled"), ("PUT", "/api/sites/claude.ai"),
             ("PUT", "/api/policy/EMAIL"), ("POST", "/api/vault/forget"),
             ("POST", "/api/pair/code")]


@pytest.fixture
async def server():
    state = ControlState(proxy_host="127.0.0.1", proxy_port=8080, mode="regular",
                         detector="fast", hosts=HostPolicy(), token=TOKEN, ready=True)
    runner = await start_control_server(create_control_app(state), 0)
    port = runner.addresses[0][1]
    async with aiohttp.ClientSession() as session:
        yield session, f"http://127.0.0.1:{port}", port, state
    await runner.cleanup()


@pytest.mark.parametrize("method,path", PROTECTED)
@pytest.mark.parametrize("token_header", [None, {"X-Doppel-Token": "dpt_wrong"},
                                          {"Authorization": "Bearer dpt_wrong"},
                                          {"Authorization": f"Basic {TOKEN}"}])
async def test_no_or_wrong_token_is_refused(server, method, path, token_header):
    session, base, _, _ = server
    async with session.request(method, base + path, headers=token_header or {}, json={}) as r:
        assert r.status == 401
        assert "token" in (await r.json())["error"].lower()


@pytest.mark.parametrize("headers", [{"X-Doppel-Token": TOKEN},
                                     {"Authorization": f"Bearer {TOKEN}"},
                                     {"authorization": f"bearer {TOKEN}"}])
async def test_token_in_either_header_is_accepted(server, headers):
    session, base, _, _ = server
    async with session.get(base + "/api/status", headers=headers) as r:
        assert r.status == 200
        assert (await r.json())["state"] == "running"


async def test_query_token_only_for_the_pac_file(server):
    session, base, _, _ = server
    async with session.get(base + f"/proxy.pac?token={TOKEN}") as r:
        assert r.status == 200
        assert "FindProxyForURL" in await r.text()
    async with session.get(base + f"/api/status?token={TOKEN}") as r:
        assert r.status == 401


@pytest.mark.parametrize("origin", ["https://evil.example", "http://127.0.0.1:1",
                                    "http://localhost", "chrome-extension://" + "a" * 32,
                                    "null", "https://127.0.0.1", "moz-extension://x"])
async def test_foreign_origin_is_refused_even_with_the_token(server, origin):
    session, base, _, _ = server
    async with session.get(base + "/api/status",
                           headers={"X-Doppel-Token": TOKEN, "Origin": origin}) as r:
        assert r.status == 403
    # /api/pair needs no token, but a foreign page may not try codes either
    async with session.post(base + "/api/pair", json={"code": "1-AAAA-BBBB"},
                            headers={"Origin": origin}) as r:
        assert r.status == 403


async def test_extension_and_own_settings_origin_are_allowed(server):
    session, base, port, _ = server
    for origin, host in [(f"chrome-extension://{EXTENSION_ID}", f"127.0.0.1:{port}"),
                         (f"http://127.0.0.1:{port}", f"127.0.0.1:{port}"),
                         (f"http://localhost:{port}", f"localhost:{port}")]:
        async with session.get(base + "/api/status", headers={
                "X-Doppel-Token": TOKEN, "Origin": origin, "Host": host}) as r:
            assert r.status == 200, origin


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.nip.io:{port}",
                                  "localhost.evil.example:{port}", "10.0.0.1:{port}", ""])
@pytest.mark.parametrize("path", ["/health", "/api/status", "/settings", "/proxy.pac"])
async def test_non_loopback_host_gets_421(server, host, path):
    session, base, port, _ = server
    async with session.get(base + path, headers={"Host": host.format(port=port),
                                                 "X-Doppel-Token": TOKEN}) as r:
        assert r.status == 421


async def test_health_and_settings_page_need_no_token_and_hold_none(server):
    session, base, _, _ = server
    async with session.get(base + "/health") as r:
        assert r.status == 200 and (await r.json())["ready"] is True
    async with session.get(base + "/settings") as r:
        assert r.status == 200
        page = await r.text()
        assert TOKEN not in page
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    async with session.get(base + "/static/settings.js") as r:
        assert r.status == 200 and TOKEN not in await r.text()


async def test_pairing_code_unlocks_the_token_once(server):
    session, base, port, _ = server
    async with session.post(base + "/api/pair/code", headers={"X-Doppel-Token": TOKEN}) as r:
        issued = await r.json()
    assert issued["code"].startswith(f"{port}-") and issued["expires_in_s"] == 300
    origin = {"Origin": f"chrome-extension://{EXTENSION_ID}"}
    async with session.post(base + "/api/pair", json={"code": issued["code"].lower()},
                            headers=origin) as r:
        assert r.status == 200 and (await r.json()) == {"token": TOKEN}
    async with session.post(base + "/api/pair", json={"code": issued["code"]}, headers=origin) as r:
        assert r.status == 403 and TOKEN not in await r.text()


def test_many_wrong_codes_void_the_open_ones():
    codes = PairingCodes()
    good = codes.issue(8765).code
    for i in range(PairingCodes.MAX_FAILURES):
        assert not codes.redeem(f"8765-WRNG-{i:04d}")
    assert not codes.redeem(good)


def test_expired_code_is_refused():
    codes = PairingCodes(ttl_s=-1)
    assert not codes.redeem(codes.issue(8765).code)


def test_token_file_is_private_and_stable(tmp_path):
    token = load_or_create_token(tmp_path)
    path = tmp_path / "control-token"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert token.startswith("dpt_") and len(token) > 40
    assert load_or_create_token(tmp_path) == token


def test_extension_id_matches_the_manifest_key():
    key = json.loads((ROOT / "extension" / "manifest.json").read_text())["key"]
    digest = hashlib.sha256(base64.b64decode(key)).hexdigest()[:32]
    assert "".join(chr(ord("a") + int(c, 16)) for c in digest) == EXTENSION_ID


@given(name=st.from_regex(r"[a-zA-Z0-9.\-]{0,30}", fullmatch=True), port=st.integers(1, 65535))
def test_only_loopback_names_pass_the_host_guard(name, port):
    assert is_loopback_host(f"{name}:{port}") == (name.lower() in LOOPBACK_NAMES)


@pytest.mark.parametrize("host,ok", [("[::1]:8765", True), ("[::1]", True), ("localhost", True),
                                     ("LOCALHOST:1", True), ("[::2]:8765", False),
                                     ("127.0.0.2:8765", False), ("127.0.0.1.:8765", False)])
def test_host_guard_cases(host, ok):
    assert is_loopback_host(host) is ok


@given(origin=st.text(min_size=0, max_size=60), port=st.integers(1, 65535))
def test_only_listed_origins_pass(origin, port):
    allowed = {f"chrome-extension://{EXTENSION_ID}", f"http://127.0.0.1:{port}"}
    assert origin_allowed(origin, f"127.0.0.1:{port}") == (origin in allowed)


async def test_a_firefox_install_is_let_in_once_it_paired(server, tmp_path):
    """Firefox gives each install a random moz-extension:// origin: it may try /api/pair, and
    only an origin that redeemed a code gets in (remembered in the data dir)."""
    from proxy.control.auth import PairedOrigins

    session, base, port, state = server
    state.paired_origins.path = tmp_path / "extension-origins"
    ours = "moz-extension://6f1c2d3e-0d0e-4f00-9a11-d0bbe1000001"
    other = "moz-extension://0a1b2c3d-0000-4000-8000-00000000beef"
    for origin in (ours, other):
        async with session.get(base + "/api/status",
                               headers={"X-Doppel-Token": TOKEN, "Origin": origin}) as r:
            assert r.status == 403
    async with session.post(base + "/api/pair", json={"code": f"{port}-AAAA-BBBB"},
                            headers={"Origin": other}) as r:
        assert r.status == 403 and "wrong, used or expired" in (await r.json())["error"]
    code = state.pairing.issue(port).code
    async with session.post(base + "/api/pair", json={"code": code}, headers={"Origin": ours}) as r:
        assert r.status == 200 and (await r.json())["token"] == TOKEN
    async with session.get(base + "/api/status",
                           headers={"X-Doppel-Token": TOKEN, "Origin": ours}) as r:
        assert r.status == 200
    async with session.get(base + "/api/status",
                           headers={"X-Doppel-Token": TOKEN, "Origin": other}) as r:
        assert r.status == 403, "a failed try lets nothing in"
    assert ours in PairedOrigins(tmp_path / "extension-origins")
    assert stat.S_IMODE((tmp_path / "extension-origins").stat().st_mode) == 0o600
