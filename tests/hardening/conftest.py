"""Hardening fixtures, and the session-wide check that no real value is ever at rest or logged.

How the check works (``no_secrets_anywhere``, autouse, once per test session):
1. set-up: a real `doppel start` subprocess (fast mode, reverse proxy to a local upstream, its
   own data dir, HOME and working dir) protects requests carrying every seed (tests/hardening/
   seeds.py) in every API wire format, streamed and whole, plus unreadable ones it must block;
2. during the session: every log record of every hardening test (root logger at DEBUG), every
   captured stdout/stderr section, and the output of every `doppel start` a test runs are
   collected (harness.WATCH), and tests register the data dirs they used;
3. tear-down: doppel start is stopped, then every collected text and every file under every
   registered directory (vault.db included: real values exist there only as ciphertext) is
   searched for the seeds; any hit fails the session, naming where and which seed label.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bench.load import DoppelProcess
from tests.hardening.harness import PATHS, WATCH, ThreadedUpstream, blocked_error, request_body
from tests.hardening.seeds import SEED_PROMPT, seeds_in


@dataclass
class SessionDoppel:
    """One `doppel start` for the whole session, in front of one local upstream."""
    proc: DoppelProcess
    upstream: ThreadedUpstream
    root: Path
    stopped: bool = False

    @property
    def url(self) -> str:
        return self.proc.url

    @property
    def data_dir(self) -> Path:
        return self.proc.data_dir

    def stop(self) -> None:
        if not self.stopped:
            self.stopped = True
            self.proc.stop()
            WATCH.text("output of the session's doppel start", self.proc.output())
            self.upstream.stop()


@pytest.fixture(scope="session")
def doppel_session(tmp_path_factory) -> SessionDoppel:
    root = tmp_path_factory.mktemp("doppel-session")
    upstream = ThreadedUpstream()
    proc = DoppelProcess(root / "data", upstream_url=upstream.url, home=root / "home")
    WATCH.directory(root)  # the data dir, HOME and the working dir of the subprocess
    try:
        proc.start()
    except BaseException:
        upstream.stop()
        WATCH.text("output of a doppel start that failed", proc.output())
        raise
    session = SessionDoppel(proc, upstream, root)
    yield session
    session.stop()


def _seed_through_proxy(session: SessionDoppel) -> int:
    """Every seed through every API format, streamed and whole; returns requests protected."""
    up = session.upstream.upstream
    done = 0
    with httpx.Client(base_url=session.url, timeout=60, trust_env=False) as client:
        for fmt, path in PATHS.items():
            for stream in (True, False):
                before = len(up.seen)
                r = client.post(path, json=request_body(fmt, SEED_PROMPT, stream),
                                headers={"authorization": "Bearer sk-hardening"})
                assert r.status_code == 200, (fmt, stream, r.status_code)
                sent = b"".join(rec.body for rec in up.seen[before:])
                assert sent and not seeds_in(sent), f"{fmt}: seeds reached the upstream"
                done += 1
        # Unreadable chat requests carrying seeds: blocked, and the error echoes none of them.
        before = len(up.seen)
        for raw in (json.dumps(request_body("openai_chat", SEED_PROMPT, True)).encode()[:-9],
                    b"\xff\xfe" + SEED_PROMPT.encode("utf-16-le")):
            r = client.post(PATHS["openai_chat"], content=raw,
                            headers={"content-type": "application/json"})
            assert r.status_code == 502 and not seeds_in(r.content)
            blocked_error(r.content)
        assert len(up.seen) == before
    # The settings page's "try it" box: real values go back to the local caller, nowhere else.
    token = (session.data_dir / "control-token").read_text().strip()
    r = httpx.post(session.proc.control_url + "/api/try", json={"text": SEED_PROMPT},
                   headers={"x-doppel-token": token}, timeout=60, trust_env=False)
    assert r.status_code == 200 and not seeds_in(r.json()["protected"])
    return done + 1


@pytest.fixture(scope="session", autouse=True)
def no_secrets_anywhere(doppel_session):
    WATCH.seeded_through_proxy += _seed_through_proxy(doppel_session)
    yield WATCH
    doppel_session.stop()
    assert WATCH.seeded_through_proxy >= 2 * len(PATHS)
    assert WATCH.files_seen() > 0
    findings = WATCH.findings()
    assert not findings, ("real values found where they must never be (seed labels from "
                          "tests/hardening/seeds.py):\n" + "\n".join(findings))


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = f"{record.name} {record.levelname} {record.getMessage()}"
        except Exception:  # a record whose args do not format: keep what there is
            line = f"{record.name} {record.levelname} {record.msg!r} {record.args!r}"
        if record.exc_info and record.exc_info[1] is not None:
            line += " | " + logging.Formatter().formatException(record.exc_info)
        self.lines.append(line)


@pytest.fixture(autouse=True)
def all_log_records(request):
    """Every log record of the test, at every level, goes to the leak watch."""
    handler = _Records()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        WATCH.text(f"log records of {request.node.nodeid}", "\n".join(handler.lines))


def pytest_runtest_logreport(report) -> None:
    """Captured stdout, stderr and log sections of every hardening test phase."""
    for name, content in report.sections:
        WATCH.text(f"{name} ({report.nodeid})", content)

