"""The attack surface of a running `doppel start` (a real subprocess): the control server refuses
a missing or wrong token, a foreign Origin and a rebinding Host; every socket it listens on is
loopback; the files that hold secrets (CA private key, vault key, control token, vault) are 0600
in a 0700 data dir."""
from __future__ import annotations

import os
import re
import socket
import stat
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.xdist_group("doppel-session")

API = ["/api/status", "/api/settings", "/api/events", "/api/vault", "/api/pac", "/proxy.pac",
       "/api/openapi.json"]


def token(session) -> str:
    return (session.data_dir / "control-token").read_text().strip()


def get(session, path: str, headers: dict | None = None) -> httpx.Response:
    return httpx.get(session.proc.control_url + path, headers=headers or {}, timeout=30,
                     trust_env=False)


@pytest.mark.parametrize("path", API)
@pytest.mark.parametrize("credential", [
    None, {"x-doppel-token": "dpt_wrong"}, {"authorization": "Bearer dpt_wrong"},
    {"authorization": "Bearer"}, {"x-doppel-token": ""}])
def test_missing_or_wrong_token_is_refused(doppel_session, path, credential):
    r = get(doppel_session, path, credential)
    assert r.status_code == 401, (path, r.status_code)
    assert "token" in r.json()["error"].lower()


def test_a_token_prefix_or_the_token_in_the_query_does_not_open_the_api(doppel_session):
    real = token(doppel_session)
    assert get(doppel_session, "/api/status", {"x-doppel-token": real[:-1]}).status_code == 401
    assert get(doppel_session, f"/api/status?token={real}").status_code == 401
    assert get(doppel_session, "/api/status", {"x-doppel-token": real}).status_code == 200


@pytest.mark.parametrize("origin", [
    "https://evil.example", "http://localhost.evil.example", "null",
    "chrome-extension://aaaabbbbccccddddeeeeffffgggghhhh", "http://127.0.0.1:1"])
def test_foreign_origin_is_refused_even_with_the_token(doppel_session, origin):
    r = get(doppel_session, "/api/status", {"x-doppel-token": token(doppel_session),
                                            "origin": origin})
    assert r.status_code == 403


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.nip.io:{port}",
                                  "localhost.evil.example", "10.0.0.1:{port}", "[::2]:{port}"])
@pytest.mark.parametrize("path", ["/api/status", "/health", "/settings"])
def test_rebinding_host_is_refused(doppel_session, host, path):
    """A DNS-rebinding page reaches 127.0.0.1 under its own name: its Host header gives it away."""
    host = host.format(port=doppel_session.proc.control_port)
    r = get(doppel_session, path, {"host": host, "x-doppel-token": token(doppel_session)})
    assert r.status_code == 421


@pytest.mark.parametrize("path", ["/static/../control-token", "/static/%2e%2e/control-token",
                                  "/static/../../mitmproxy/mitmproxy-ca.pem",
                                  "/static/..%2f..%2fvault.key", "/settings/../control-token"])
def test_no_path_reaches_the_data_dir(doppel_session, path):
    r = get(doppel_session, path, {"x-doppel-token": token(doppel_session)})
    assert r.status_code in (400, 403, 404)
    assert token(doppel_session).encode() not in r.content
    assert b"PRIVATE KEY" not in r.content


def _listening_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            m = re.fullmatch(r"socket:\[(\d+)\]", os.readlink(fd))
        except OSError:
            continue
        if m:
            inodes.add(m.group(1))
    return inodes


def _listen_addresses(pid: int) -> list[tuple[str, int]]:
    """(address, port) of every TCP socket the process listens on (from /proc/net/tcp{,6})."""
    mine = _listening_inodes(pid)
    found = []
    for name, size in (("tcp", 4), ("tcp6", 16)):
        for line in Path(f"/proc/net/{name}").read_text().splitlines()[1:]:
            cols = line.split()
            local, state, inode = cols[1], cols[3], cols[9]
            if state != "0A" or inode not in mine:  # 0A: LISTEN
                continue
            addr_hex, port_hex = local.split(":")
            raw = bytes.fromhex(addr_hex)
            # /proc prints each 32-bit word in host (little-endian) order
            raw = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
            family = socket.AF_INET if size == 4 else socket.AF_INET6
            found.append((socket.inet_ntop(family, raw), int(port_hex, 16)))
    return found


def test_every_listening_socket_is_loopback(doppel_session):
    addrs = _listen_addresses(doppel_session.proc.proc.pid)
    ports = {port for _, port in addrs}
    assert {doppel_session.proc.control_port, doppel_session.proc.proxy_port} <= ports
    assert all(addr in ("127.0.0.1", "::1") for addr, _ in addrs), addrs


def _outside_address() -> str | None:
    """This machine's address on its default route (no packet is sent), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))
            addr = s.getsockname()[0]
        except OSError:
            return None
    return None if addr.startswith("127.") else addr


def test_not_reachable_from_another_address(doppel_session):
    addr = _outside_address()
    targets = [doppel_session.proc.control_port, doppel_session.proc.proxy_port]
    for port in targets if addr else []:
        with pytest.raises(OSError):
            socket.create_connection((addr, port), timeout=3).close()
    # and on loopback both answer (so the refusal above is about the address, not a dead port)
    for port in targets:
        socket.create_connection(("127.0.0.1", port), timeout=3).close()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("name", ["vault.key", "control-token", "vault.db",
                                  "mitmproxy/mitmproxy-ca.pem", "mitmproxy/mitmproxy-ca.p12"])
def test_secret_files_are_owner_only(doppel_session, name):
    path = doppel_session.data_dir / name
    assert _mode(path) == 0o600, (name, oct(_mode(path)))
    assert path.stat().st_uid == os.getuid()


def test_data_dir_is_private_and_the_ca_key_is_a_private_key(doppel_session):
    assert _mode(doppel_session.data_dir) == 0o700
    assert b"PRIVATE KEY" in (doppel_session.data_dir / "mitmproxy" / "mitmproxy-ca.pem").read_bytes()
    # the public certificate a user installs holds no key
    assert b"PRIVATE KEY" not in (doppel_session.data_dir / "mitmproxy" /
                                  "mitmproxy-ca-cert.pem").read_bytes()
