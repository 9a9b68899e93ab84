"""Faults: each one ends in a clear error for the client and a line in the log, and never in an
unprotected request.

In-process (the real addon in the real embedded mitmproxy, real detector, real vault on disk):
upstream closes mid-stream / before answering / never answers, a detector layer raises, the spaCy
model is missing, the vault is locked by another process, the vault's disk is full (SQLite page
limit). As a real `doppel start` subprocess: the vault is locked (passphrase, none given), the
configured model file is missing, and the data dir's file system is full (a 2 MB tmpfs mounted
here; where mounting is not allowed, the in-process SQLite page limit test stands in for it).
"""
from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import subprocess
import uuid
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bench.load import DoppelProcess
from detector.pipeline import Detector
from detector.protect import Protector
from detector.store import InMemoryStore
from proxy.mitm.addon import DoppelAddon
from proxy.mitm.embedded import EmbeddedProxy
from proxy.vault import Vault
from tests.e2e.conftest import shared_detector
from tests.e2e.upstreams import Upstream
from tests.hardening.harness import PATHS, WATCH, ThreadedUpstream, blocked_error, request_body
from tests.hardening.seeds import SEED_PROMPT, seeds_in

CHAT = PATHS["openai_chat"]


def body(prompt: str = SEED_PROMPT, stream: bool = True) -> dict:
    return request_body("openai_chat", prompt, stream)


class Doppel:
    """DoppelAddon in an embedded mitmproxy (reverse mode) in front of ``upstream_url``."""

    def __init__(self, protector, upstream_url: str, confdir: Path, **addon_kw) -> None:
        self.addon = DoppelAddon(protector, **addon_kw)
        self.proxy = EmbeddedProxy([self.addon], confdir=confdir, listen_host="127.0.0.1",
                                   listen_port=0, mode=[f"reverse:{upstream_url}"])

    async def __aenter__(self) -> "Doppel":
        await self.proxy.start()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.proxy.stop()
        self.addon.done()

    async def post(self, payload: dict | bytes, path: str = CHAT, timeout_s: float = 60):
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout_s)) as s:
            async with s.post(f"http://127.0.0.1:{self.proxy.port}{path}", data=data,
                              headers={"content-type": "application/json",
                                       "authorization": "Bearer sk-faults"}) as r:
                return r.status, await r.read()


class FaultyUpstream:
    """An aiohttp upstream that misbehaves per path, recording what it received."""

    def __init__(self) -> None:
        self.seen: list[bytes] = []
        self.runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> "FaultyUpstream":
        app = web.Application()
        app.router.add_post("/cut/v1/chat/completions", self.cut_mid_stream)
        app.router.add_post("/close/v1/chat/completions", self.close_before_answer)
        app.router.add_post("/hang/v1/chat/completions", self.never_answer)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        await self.runner.cleanup()

    async def cut_mid_stream(self, request: web.Request):
        self.seen.append(await request.read())
        resp = web.StreamResponse(headers={"content-type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(b'data: {"id":"c","choices":[{"index":0,"delta":{"content":"Hel"}}]}\n\n')
        await asyncio.sleep(0.05)
        request.transport.close()  # no terminating chunk: the reply is cut
        return resp

    async def close_before_answer(self, request: web.Request):
        self.seen.append(await request.read())
        request.transport.close()
        return web.Response()

    async def never_answer(self, request: web.Request):
        self.seen.append(await request.read())
        await asyncio.sleep(3600)


@pytest.fixture
async def faulty():
    up = await FaultyUpstream().start()
    yield up
    await up.stop()


@pytest.fixture
def protector():
    return Protector(shared_detector(), InMemoryStore())


def warnings_of(records) -> str:
    """The WARNING and ERROR lines the test logged (conftest.all_log_records collects all)."""
    return "\n".join(line for line in records.lines if " WARNING " in line or " ERROR " in line)


# --- the upstream misbehaves -----------------------------------------------------------------

async def test_upstream_closes_mid_stream(faulty, protector, tmp_path, all_log_records):
    async with Doppel(protector, faulty.url, tmp_path / "conf") as d:
        with pytest.raises(aiohttp.ClientPayloadError):  # the client sees a cut transfer
            await d.post(body(), path="/cut" + CHAT)
        assert faulty.seen and not seeds_in(faulty.seen[0])
        assert "openai-chat reply did not complete" in warnings_of(all_log_records)
        assert "peer closed connection" in warnings_of(all_log_records)
        # the proxy carries on
        up = await Upstream().start()
        try:
            async with Doppel(protector, up.url, tmp_path / "conf2") as d2:
                status, _ = await d2.post(body())
            assert status == 200
        finally:
            await up.stop()


async def test_upstream_closes_before_answering(faulty, protector, tmp_path, all_log_records):
    async with Doppel(protector, faulty.url, tmp_path / "conf") as d:
        status, raw = await d.post(body(), path="/close" + CHAT)
    assert status == 502 and b"server closed connection" in raw
    assert not seeds_in(raw) and not seeds_in(faulty.seen[0])
    assert "reply did not complete: server closed connection" in warnings_of(all_log_records)


async def test_upstream_never_answers(faulty, protector, tmp_path, all_log_records):
    """mitmproxy has no upstream read timeout (its idle timeout is 10 min), so the client's own
    timeout is the error it sees; the log says the reply never came, and other conversations
    are not held up meanwhile."""
    up = await Upstream().start()
    try:
        async with Doppel(protector, faulty.url, tmp_path / "conf") as d:
            hung = asyncio.create_task(d.post(body(), path="/hang" + CHAT, timeout_s=3))
            await asyncio.sleep(0.5)
            # meanwhile another conversation through the same proxy, to a working upstream path
            async with aiohttp.ClientSession() as s:
                async with s.post(f"http://127.0.0.1:{d.proxy.port}/cut{CHAT}",
                                  json=body("Hi, I'm Ingrid Lindqvist.")) as r:
                    assert r.status == 200  # headers came: not blocked behind the hung request
            with pytest.raises(asyncio.TimeoutError):
                await hung
            await asyncio.sleep(0.5)
        assert all(not seeds_in(b) for b in faulty.seen)
        assert "reply did not complete: Client disconnected" in warnings_of(all_log_records)
    finally:
        await up.stop()


# --- detection fails ---------------------------------------------------------------------------

class ExplodingLayer:
    name = "exploding"

    def find(self, text):
        raise MemoryError("out of memory while reading " + text)  # the text must not leak


async def test_detector_layer_raises(tmp_path, all_log_records):
    up = await Upstream().start()
    try:
        protector = Protector(Detector(layers=[ExplodingLayer()]), InMemoryStore())
        async with Doppel(protector, up.url, tmp_path / "conf") as d:
            status, raw = await d.post(body())
        err = blocked_error(raw)
        assert status == 502 and err["code"] == "detection_failed"
        assert "layer 'exploding'" in err["message"] and not seeds_in(raw)
        assert up.seen == []
        assert "blocked a request (detection_failed)" in warnings_of(all_log_records)
    finally:
        await up.stop()


async def test_model_missing_at_runtime(tmp_path, all_log_records, monkeypatch):
    """Fast mode's tagger cannot be loaded (deleted, broken install): every request is blocked."""
    monkeypatch.setenv("DOPPEL_TAGGER", str(tmp_path / "no-such-tagger.spacy.tar"))
    up = await Upstream().start()
    try:
        protector = Protector(Detector("fast", cache_size=0), InMemoryStore())
        async with Doppel(protector, up.url, tmp_path / "conf") as d:
            status, raw = await d.post(body())
        err = blocked_error(raw)
        assert status == 502 and err["code"] == "detection_failed" and "'model'" in err["message"]
        assert up.seen == [] and not seeds_in(raw)
        assert "blocked a request (detection_failed)" in warnings_of(all_log_records)
    finally:
        await up.stop()


# --- the vault fails ---------------------------------------------------------------------------

@pytest.fixture
def vault(tmp_path, monkeypatch):
    monkeypatch.setenv("DOPPEL_NO_KEYRING", "1")
    v = Vault.open(tmp_path / "data")
    WATCH.directory(tmp_path / "data")
    yield v
    v.close()


SENT_EMAILS: list[str] = []


def unique_prompt() -> str:
    """A prompt with values never seen before, so protecting it must write to the vault."""
    n = uuid.uuid4().hex[:8]
    SENT_EMAILS.append(f"ingrid.{n}@fastmail.com")
    return f"Write to {SENT_EMAILS[-1]} please."


def real_emails_in(text: str) -> list[str]:
    return [e for e in SENT_EMAILS if e in text]


async def test_vault_locked_by_another_process(vault, tmp_path, all_log_records):
    up = await Upstream().start()
    other = sqlite3.connect(tmp_path / "data" / "vault.db", isolation_level=None)
    try:
        protector = Protector(shared_detector(), vault)
        async with Doppel(protector, up.url, tmp_path / "conf", detect_timeout_s=2) as d:
            other.execute("BEGIN EXCLUSIVE")  # e.g. a `doppel vault` command mid-write
            status, raw = await d.post(body(unique_prompt()))
            err = blocked_error(raw)
            assert status == 502 and err["code"] == "detection_timeout"
            assert up.seen == []
            other.execute("ROLLBACK")
            await asyncio.sleep(0.5)
            status, raw = await d.post(body(unique_prompt()))  # the lock is gone: works again
            assert status == 200, raw[:200]
        assert "blocked a request (detection_timeout)" in warnings_of(all_log_records)
        assert len(up.seen) == 1 and not real_emails_in(up.seen_text())
    finally:
        other.close()
        await up.stop()


async def test_vault_disk_full_sqlite_limit(vault, tmp_path, all_log_records):
    """The vault cannot grow (SQLite's page limit, what a full disk looks like to SQLite)."""
    up = await Upstream().start()
    try:
        protector = Protector(shared_detector(), vault)
        async with Doppel(protector, up.url, tmp_path / "conf") as d:
            pages = vault._db.execute("PRAGMA page_count").fetchone()[0]
            vault._db.execute(f"PRAGMA max_page_count = {pages}")
            for _ in range(40):  # until a new page is needed
                status, raw = await d.post(body(unique_prompt()))
                if status != 200:
                    break
            err = blocked_error(raw)
            assert status == 502 and err["code"] == "vault_unavailable"
            assert "database or disk is full" in err["message"]
            sent_before = len(up.seen)
            vault._db.execute("PRAGMA max_page_count = 1073741823")
            status, _ = await d.post(body(unique_prompt()))  # space again: works again
            assert status == 200 and len(up.seen) == sent_before + 1
        assert "blocked a request (vault_unavailable)" in warnings_of(all_log_records)
        assert not real_emails_in(up.seen_text())
    finally:
        await up.stop()


# --- `doppel start` cannot protect: it refuses to start ----------------------------------------

def failed_start(tmp_path: Path, *args: str, env: dict | None = None) -> tuple[int, str]:
    proc = DoppelProcess(tmp_path / "data", upstream_url="http://127.0.0.1:9", args=list(args),
                         env=env, home=tmp_path / "home")
    WATCH.directory(tmp_path)
    proc.start(expect_ready=False)
    try:
        code = proc.wait_exit(180)
    finally:
        proc.stop()
    WATCH.text("doppel start that must fail", proc.output())
    return code, proc.output()


def test_start_refuses_a_locked_vault(tmp_path, monkeypatch):
    monkeypatch.setenv("DOPPEL_NO_KEYRING", "1")
    Vault.open(tmp_path / "data", passphrase="correct horse battery staple").close()
    code, out = failed_start(tmp_path, env={"DOPPEL_PASSPHRASE": ""})
    assert code == 2
    assert "Doppel could not start" in out and "passphrase" in out and "VaultLocked" in out
    assert "Doppel is ready" not in out


def test_start_refuses_a_missing_model_file(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    (data / "settings.json").write_text(json.dumps(
        {"detector_mode": "thorough", "model_path": str(tmp_path / "missing.gguf")}))
    code, out = failed_start(tmp_path)
    assert code == 2
    assert "Doppel could not start" in out and "model" in out
    assert "Doppel is ready" not in out


# --- the data dir's file system is full (tmpfs) ------------------------------------------------

def _mount_tmpfs(path: Path, size: str) -> bool:
    path.mkdir(parents=True, exist_ok=True)
    try:
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                            str(path)], capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def _fill(path: Path) -> Path:
    """Write zeros into ``path`` until its file system has no byte left."""
    filler = path / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 16, 1 << 10, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler


def test_disk_full_on_the_data_dir(tmp_path, vault):
    """`doppel start` with its data dir on a 2 MB tmpfs, filled to the last byte after start-up.
    Where mount is not permitted (not root), the SQLite page-limit test above covers the same
    path (SQLITE_FULL from the vault)."""
    mnt = tmp_path / "small"
    if not _mount_tmpfs(mnt, "2m"):
        with pytest.raises(sqlite3.OperationalError, match="full"):
            pages = vault._db.execute("PRAGMA page_count").fetchone()[0]
            vault._db.execute(f"PRAGMA max_page_count = {pages}")
            for i in range(500):
                vault.add("s", "EMAIL", f"k{i}", "x" * 500 + str(i), f"s{i}")
        return
    up = ThreadedUpstream()
    proc = DoppelProcess(mnt / "data", upstream_url=up.url, home=tmp_path / "home")
    try:
        proc.start()
        import httpx
        with httpx.Client(base_url=proc.url, timeout=60, trust_env=False) as client:
            assert client.post(CHAT, json=body(unique_prompt())).status_code == 200
            filler = _fill(mnt)
            sent = len(up.upstream.seen)
            blocked = None
            for _ in range(40):
                r = client.post(CHAT, json=body(unique_prompt()))
                if r.status_code != 200:
                    blocked = r
                    break
            assert blocked is not None, "the vault never hit the full disk"
            err = blocked_error(blocked.content)
            assert blocked.status_code == 502 and err["code"] == "vault_unavailable"
            assert "full" in err["message"] and not seeds_in(blocked.content)
            assert not real_emails_in(up.upstream.seen_text())
            filler.unlink()
            assert client.post(CHAT, json=body(unique_prompt())).status_code == 200
    finally:
        proc.stop()
        up.stop()
        out = proc.output()
        WATCH.text("doppel start on a full disk", out)
        for p in mnt.rglob("*"):  # the session check cannot look once it is unmounted
            if p.is_file() and p.name != "filler.bin":
                WATCH.text(f"file on the full tmpfs {p.name}", p.read_bytes().decode("latin-1"))
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)
    assert "blocked a request (vault_unavailable)" in out
