"""`doppel start` as a user runs it: a real process with the real vault, detector and proxy."""
from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.conftest import PROMPT, assert_no_gold

DOPPEL = str(Path(sys.executable).parent / "doppel")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def launch(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        DOPPEL, "start", *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def wait_ready(proc, timeout: float = 120) -> str:
    async def read() -> str:
        while True:
            line = (await proc.stdout.readline()).decode()
            if not line:
                raise AssertionError("doppel exited before it was ready: "
                                     + (await proc.stderr.read()).decode()[-500:])
            if "Doppel is ready" in line:
                return line
    return await asyncio.wait_for(read(), timeout)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_start_serves_health_protects_and_stops_cleanly(upstream, tmp_path, sig):
    control = free_port()
    proc = await launch("--data-dir", str(tmp_path / "data"), "--listen-port", "0",
                        "--control-port", str(control), "--mode", f"reverse:{upstream.url}")
    try:
        line = await wait_ready(proc)
        port = int(line.split("proxy 127.0.0.1:")[1].split(" ")[0])
        async with aiohttp.ClientSession() as s:
            async with s.get(f"http://127.0.0.1:{control}/health") as r:
                assert r.status == 200
                health = await r.json()
            async with s.post(f"http://127.0.0.1:{port}/v1/chat/completions", json={
                    "model": "m", "messages": [{"role": "user", "content": PROMPT}]}) as r:
                assert r.status == 200
                reply = await r.json()
        assert health["ready"] is True and health["proxy"]["port"] == port
        assert health["llm"] == "off"  # fast mode: no on-device model
        assert reply["choices"][0]["message"]["content"] == upstream.template.format(text=PROMPT)
        assert_no_gold(upstream.seen_text())
        assert (tmp_path / "data" / "mitmproxy" / "mitmproxy-ca-cert.pem").is_file()
    finally:
        proc.send_signal(sig)
        code = await asyncio.wait_for(proc.wait(), 30)
    out = (await proc.stdout.read()).decode()
    assert code == 0
    assert "Doppel stopped." in out
    assert "Maria" not in out + (await proc.stderr.read()).decode()  # nothing real in the logs


async def test_bad_mode_is_a_clear_error(tmp_path):
    proc = await launch("--data-dir", str(tmp_path), "--mode", "sideways")
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    assert "--mode must be regular, local or reverse:" in err.decode()


async def test_busy_control_port_is_a_clear_error(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        proc = await launch("--data-dir", str(tmp_path), "--listen-port", "0",
                            "--control-port", str(busy.getsockname()[1]))
        _, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 2
    assert "control server cannot listen" in err.decode()


async def test_local_mode_says_why_it_is_unavailable_here(tmp_path):
    """mitmproxy 11.0.2's local (OS redirect) mode exists only on Windows and macOS."""
    proc = await launch("--data-dir", str(tmp_path), "--listen-port", "0",
                        "--control-port", str(free_port()), "--mode", "local")
    _, err = await asyncio.wait_for(proc.communicate(), 180)
    assert proc.returncode == 2
    assert "only available on Windows and macOS" in err.decode()


async def _chat(port: int, text: str) -> dict:
    async with aiohttp.ClientSession() as s:
        async with s.post(f"http://127.0.0.1:{port}/v1/chat/completions", json={
                "model": "m", "messages": [{"role": "user", "content": text}]}) as r:
            assert r.status == 200
            return await r.json()


async def _stop(proc) -> str:
    proc.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(proc.wait(), 30) == 0
    return (await proc.stdout.read()).decode() + (await proc.stderr.read()).decode()


async def test_terms_added_by_the_cli_reach_the_running_doppel(upstream, tmp_path):
    """`doppel terms add` in its own process while `doppel start` runs: the next request
    follows it (no restart, no control server involved)."""
    data = str(tmp_path / "data")
    proc = await launch("--data-dir", data, "--listen-port", "0", "--control-port",
                        str(free_port()), "--mode", f"reverse:{upstream.url}")
    try:
        port = int((await wait_ready(proc)).split("proxy 127.0.0.1:")[1].split(" ")[0])
        text = "Our client bluebird signed; Carla Mendes sang."
        await _chat(port, text)
        sent = upstream.seen_text()
        assert "bluebird" in sent and "Carla Mendes" not in sent
        for args in (["bluebird", "--category", "org"], ["--never", "Carla Mendes"]):
            cli = await asyncio.create_subprocess_exec(
                DOPPEL, "terms", "add", *args, "--data-dir", data,
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            await asyncio.wait_for(cli.communicate(), 60)
            assert cli.returncode == 0
        reply = await _chat(port, text)
        sent = upstream.seen[-1].body.decode()
        assert "bluebird" not in sent and "Carla Mendes" in sent
        assert reply["choices"][0]["message"]["content"] == upstream.template.format(text=text)
    finally:
        logs = await _stop(proc)
    assert "bluebird" not in logs


async def test_start_shadow_sends_unchanged_and_says_so(upstream, tmp_path):
    control = free_port()
    proc = await launch("--data-dir", str(tmp_path / "data"), "--listen-port", "0", "--shadow",
                        "--control-port", str(control), "--mode", f"reverse:{upstream.url}")
    try:
        port = int((await wait_ready(proc)).split("proxy 127.0.0.1:")[1].split(" ")[0])
        warning = (await asyncio.wait_for(proc.stdout.readline(), 30)).decode()
        assert warning.startswith("SHADOW MODE: nothing is protected")
        await _chat(port, PROMPT)
        assert json.loads(upstream.seen[-1].body)["messages"][0]["content"] == PROMPT
        token = (tmp_path / "data" / "control-token").read_text().strip()
        async with aiohttp.ClientSession(headers={"X-Doppel-Token": token}) as s:
            async with s.get(f"http://127.0.0.1:{control}/api/status") as r:
                status = await r.json()
            async with s.get(f"http://127.0.0.1:{control}/api/events") as r:
                events = await r.json()
        assert status["shadow"] is True and status["stats"]["shadow_requests"] == 1
        assert events["events"][-1]["outcome"] == "shadow" and events["events"][-1]["replaced"] >= 3
        assert_no_gold(json.dumps(events))
    finally:
        await _stop(proc)
