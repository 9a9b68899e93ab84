"""The vault through a real `doppel start` (reverse mode, local OpenAI-style upstream):
nothing real on disk or in the logs after a full round trip, the same stand-ins after a
restart between turns, and after kill -9."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import aiohttp
import pytest

pytestmark = pytest.mark.slow  # each `doppel start` loads spaCy: ~10-30 s per test here

from proxy.vault import Vault
from tests.e2e import wire
from tests.proxy.test_vault_support import ROOT, all_bytes, encodings

DOPPEL = ROOT / ".venv" / "bin" / "doppel"
# Values the fast detector's validated rules find (email, IBAN with a valid mod-97 checksum).
EMAIL = "qzorvath.brimbleton@gmail.com"
IBAN = "DE89370400440532013000"
REALS = [EMAIL, IBAN]
TURN_1 = f"Please write to {EMAIL} and confirm the refund to IBAN {IBAN}."
TURN_2 = f"Also put {EMAIL} in copy of the letter."
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
READY = "Doppel is ready"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DoppelProcess:
    """`doppel start` in reverse mode in front of the upstream, logging to a file."""

    def __init__(self, data_dir: Path, upstream_url: str, log_path: Path, **env: str):
        self.data_dir, self.upstream_url, self.log_path = data_dir, upstream_url, log_path
        self.env = env
        self.proc: subprocess.Popen | None = None
        self.port = 0

    def start(self, timeout_s: float = 180) -> "DoppelProcess":
        self.port = free_port()
        env = dict(os.environ, DOPPEL_NO_KEYRING="1", PYTHONUNBUFFERED="1",
                   DOPPEL_RUNTIME_DIR=str(self.log_path.parent / "runtime"))
        env.pop("DOPPEL_PASSPHRASE", None)
        env.update(self.env)
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [str(DOPPEL), "start", "--mode", f"reverse:{self.upstream_url}", "--data-dir",
             str(self.data_dir), "--listen-port", str(self.port), "--control-port",
             str(free_port()), "--verbose"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        log.close()
        deadline = time.monotonic() + timeout_s
        while READY not in self.log_path.read_text()[offset:]:  # this run's lines only
            if self.proc.poll() is not None:
                raise AssertionError(f"doppel start exited: {self.log_path.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError("doppel start was not ready in time")
            time.sleep(0.2)
        return self

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        assert self.proc.wait(timeout=60) == 0, self.log_path.read_text()[-3000:]

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=60)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


async def chat(doppel: DoppelProcess, messages: list[dict], stream: bool) -> str:
    async with aiohttp.ClientSession() as s:
        async with s.post(doppel.url + "/v1/chat/completions",
                          json={"model": "m", "stream": stream, "messages": messages},
                          headers={"authorization": "Bearer sk-test-vault-e2e"}) as resp:
            raw = await resp.read()
            assert resp.status == 200, raw[:500]
    return wire.openai_chat(raw, stream)["text"]


def leaks(folder: Path) -> list[str]:
    found = []
    for name, blob in all_bytes(folder).items():
        found += [f"{name}: value #{i}" for i, v in enumerate(REALS)
                  if any(form in blob for form in encodings(v))]
    return found


def upstream_emails(upstream, index: int) -> list[str]:
    return EMAIL_RE.findall(upstream.seen[index].body.decode())


@pytest.fixture
def paths(tmp_path):
    return tmp_path / "data", tmp_path / "doppel.log"


@pytest.mark.parametrize("stream", [True, False])
async def test_round_trip_leaves_nothing_real_on_disk_or_in_logs(upstream, paths, stream):
    data, log = paths
    doppel = DoppelProcess(data, upstream.url, log).start()
    try:
        reply = await chat(doppel, [{"role": "user", "content": TURN_1}], stream)
        assert reply == upstream.template.format(text=TURN_1)   # restored for the user
        seen = upstream.seen_text()
        assert not [v for v in REALS if v in seen]               # the cloud saw stand-ins only
        assert (data / "vault.db").exists()
        assert leaks(data) == []                                 # while running (WAL present)
    finally:
        doppel.stop()
    assert leaks(data) == []                                     # and after a clean stop
    log_text = log.read_text()
    assert READY in log_text and not [v for v in REALS if v in log_text]
    with Vault.open(data) as vault:                              # the mappings are really there
        reals = {m["real"] for m in vault.export()}
    assert set(REALS) <= reals


async def test_restart_between_turns_keeps_stand_ins(upstream, paths):
    data, log = paths
    first = DoppelProcess(data, upstream.url, log).start()
    try:
        reply_1 = await chat(first, [{"role": "user", "content": TURN_1}], True)
    finally:
        first.stop()
    second = DoppelProcess(data, upstream.url, log).start()
    try:
        history = [{"role": "user", "content": TURN_1}, {"role": "assistant", "content": reply_1},
                   {"role": "user", "content": TURN_2}]
        reply_2 = await chat(second, history, True)
    finally:
        second.stop()
    assert reply_2 == upstream.template.format(text=TURN_2)
    standin = upstream_emails(upstream, 0)
    assert len(standin) == 1 and standin[0] != EMAIL
    # turn 2 resends turn 1 and repeats the email: one stand-in, the one issued before restart
    assert set(upstream_emails(upstream, 1)) == set(standin)
    assert not [v for v in REALS if v in upstream.seen_text()]
    assert leaks(data) == []


async def respond(doppel: DoppelProcess, body: dict) -> str:
    async with aiohttp.ClientSession() as s:
        async with s.post(doppel.url + "/v1/responses", json={"model": "m", "stream": True, **body},
                          headers={"authorization": "Bearer sk-test-vault-e2e"}) as resp:
            raw = await resp.read()
            assert resp.status == 200, raw[:500]
    return wire.openai_responses(raw, True)["text"]


async def test_responses_continuation_after_a_restart_keeps_its_conversation(upstream, paths):
    """A Responses client sends only its new turn and names the response it continues
    (previous_response_id): after a restart that turn still lands in the first turn's
    conversation, so the same real value gets the same stand-in and a stand-in from the first
    turn that the model repeats is restored."""
    data, log = paths
    first = DoppelProcess(data, upstream.url, log).start()
    try:
        await respond(first, {"input": TURN_1})
    finally:
        first.stop()
    iban_standin = sorted({m for m in re.findall(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", upstream.replies[0])
                           if m != IBAN})
    assert len(iban_standin) == 1
    # The model's next reply repeats the first turn's IBAN stand-in.
    upstream.template = "You said: {text} The refund went to " + iban_standin[0] + "."
    second = DoppelProcess(data, upstream.url, log).start()
    try:
        reply = await respond(second, {"previous_response_id": "resp_1", "input": TURN_2})
    finally:
        second.stop()
    assert reply == f"You said: {TURN_2} The refund went to {IBAN}."
    assert set(upstream_emails(upstream, 1)) == set(upstream_emails(upstream, 0))
    assert not [v for v in REALS if v in upstream.seen_text()]
    assert leaks(data) == [] and not [v for v in REALS if v in log.read_text()]


async def test_kill_9_keeps_committed_mappings(upstream, paths):
    data, log = paths
    first = DoppelProcess(data, upstream.url, log).start()
    await chat(first, [{"role": "user", "content": TURN_1}], True)
    first.kill()                                                  # no clean shutdown at all
    assert leaks(data) == []
    second = DoppelProcess(data, upstream.url, log).start()
    try:
        reply = await chat(second, [{"role": "user", "content": TURN_1},
                                    {"role": "user", "content": TURN_2}], False)
    finally:
        second.stop()
    assert reply == upstream.template.format(text=TURN_2)
    assert set(upstream_emails(upstream, 1)) == set(upstream_emails(upstream, 0))
    with Vault.open(data) as vault:
        rows = vault.export()                                     # every row decrypts
    assert {EMAIL, IBAN} <= {r["real"] for r in rows}
    assert leaks(data) == []


async def test_passphrase_vault_behind_doppel_start(upstream, paths, tmp_path):
    """A passphrase vault: `doppel start` gets the passphrase from DOPPEL_PASSPHRASE, refuses
    to run without it, and runs again after `doppel vault unlock`."""
    data, log = paths
    first = DoppelProcess(data, upstream.url, log, DOPPEL_PASSPHRASE="long enough passphrase").start()
    try:
        await chat(first, [{"role": "user", "content": TURN_1}], True)
    finally:
        first.stop()
    assert not (data / "vault.key").exists() and leaks(data) == []
    locked = DoppelProcess(data, upstream.url, log)
    with pytest.raises(AssertionError, match="exited"):
        locked.start()
    assert "passphrase-protected" in log.read_text()
    env = dict(os.environ, DOPPEL_NO_KEYRING="1", DOPPEL_PASSPHRASE="long enough passphrase",
               DOPPEL_RUNTIME_DIR=str(log.parent / "runtime"))
    unlock = subprocess.run([str(DOPPEL), "vault", "unlock", "--for", "10m", "--data-dir", str(data)],
                            capture_output=True, text=True, env=env, timeout=120)
    assert unlock.returncode == 0, unlock.stderr
    second = DoppelProcess(data, upstream.url, log).start()   # no passphrase in its environment
    try:
        await chat(second, [{"role": "user", "content": TURN_1},      # same conversation
                            {"role": "user", "content": TURN_2}], False)
    finally:
        second.stop()
    assert set(upstream_emails(upstream, 1)) == set(upstream_emails(upstream, 0))
    assert not [v for v in REALS if v in log.read_text()]
