"""Load test: many concurrent streaming conversations through a real `doppel start` subprocess.

    python -m bench.load                       # 50 conversations for 60 s (the figures in
                                               # docs/reliability.md), report as JSON + a table
    python -m bench.load --conversations 10 --duration 5 --json out/load.json

What runs: a local upstream speaking the real API wire formats (tests/e2e/upstreams.py, the
same one the end-to-end tests use; run from the repository root) and `doppel start --mode
reverse:<upstream>` in fast mode with a fresh data dir. Each conversation has its own person
(name, e-mail, phone), uses one API format (OpenAI chat, OpenAI Responses, Anthropic, Ollama),
and loops: send a streamed turn (its first message plus the last exchanges, as API clients
resend history), read the whole stream, check it, think, repeat, until the time is up.

What is checked per turn:
- the reply the client reads is exactly the upstream's template filled with THIS conversation's
  original text (stand-ins restored, nothing from another conversation: a "crossed mapping"
  would show another conversation's real values);
- the upstream never received one of the e-mails or phone numbers (the rules layer's values;
  names depend on NER recall and are counted separately, not asserted).
Figures: latency (time to first byte, total) direct to the upstream and through Doppel, so the
added latency is the difference; Doppel's RSS sampled every second (ready, after warm-up, end).
Nothing real is printed: conversations are named by number, leaks by category and count.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.metrics import median, percentile

ROOT = Path(__file__).resolve().parent.parent
READY_WORDS = "Doppel is ready"  # proxy.start.READY_WORDS (not imported: keeps this light)
FORMATS = ("openai_chat", "anthropic", "openai_responses", "ollama_chat")
PATHS = {"openai_chat": "/v1/chat/completions", "openai_responses": "/v1/responses",
         "anthropic": "/v1/messages", "ollama_chat": "/api/chat"}

FIRST = ["Maria", "Lukas", "Aisha", "Tomasz", "Ingrid", "Rafael", "Keiko", "Olumide", "Sofia",
         "Henrik", "Priya", "Mateo", "Yara", "Dmitri", "Chloe", "Emeka", "Annika", "Joaquin"]
LAST = ["Gonzalez", "Brenner", "Okafor", "Kowalski", "Lindqvist", "Moreau", "Tanaka", "Haddad",
        "Fernandes", "Vogel", "Raman", "Castillo", "Nakamura", "Petrov", "Dubois", "Eze"]


# --- free ports, the doppel subprocess -------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def doppel_command() -> list[str]:
    """The `doppel` console script next to this Python (the one `pip install -e .` made)."""
    script = Path(sys.executable).with_name("doppel")
    return [str(script)] if script.exists() else [sys.executable, "-m", "proxy.cli"]


def rss_mb(pid: int) -> float | None:
    """Resident set size of a process, from /proc (Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class DoppelProcess:
    """`doppel start` as a real subprocess with its own data dir, HOME and working directory
    (so anything it writes lands where a test can inspect it), stdout/stderr collected."""

    def __init__(self, data_dir: Path, *, upstream_url: str | None = None,
                 args: list[str] | None = None, env: dict[str, str] | None = None,
                 home: Path | None = None, verbose: bool = True) -> None:
        self.data_dir = Path(data_dir)
        self.home = Path(home) if home else self.data_dir.parent / (self.data_dir.name + "-home")
        self.control_port = free_port()
        self.requested_port = free_port()
        self.upstream_url = upstream_url
        self.args = list(args or [])
        self.extra_env = dict(env or {})
        self.verbose = verbose
        self.proc: subprocess.Popen | None = None
        self.proxy_port: int | None = None
        self.lines: list[str] = []  # stdout and stderr lines, in arrival order
        self._ready = threading.Event()
        self._readers: list[threading.Thread] = []

    def command(self) -> list[str]:
        cmd = [*doppel_command(), "start", "--listen-port", str(self.requested_port),
               "--control-port", str(self.control_port), "--data-dir", str(self.data_dir)]
        if self.upstream_url:
            cmd += ["--mode", f"reverse:{self.upstream_url}"]
        if self.verbose:
            cmd.append("--verbose")
        return cmd + self.args

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        env.update(DOPPEL_NO_KEYRING="1", HOME=str(self.home), PYTHONUNBUFFERED="1",
                   XDG_RUNTIME_DIR=str(self.home / "run"))
        env.update(self.extra_env)
        return env

    def start(self, timeout_s: float = 180.0, *, expect_ready: bool = True) -> "DoppelProcess":
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "run").mkdir(mode=0o700, exist_ok=True)
        self.proc = subprocess.Popen(self.command(), stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                     cwd=self.home, env=self.env())
        for stream in (self.proc.stdout, self.proc.stderr):
            t = threading.Thread(target=self._read, args=(stream,), daemon=True)
            t.start()
            self._readers.append(t)
        if not expect_ready:
            return self
        deadline = time.monotonic() + timeout_s
        while not self._ready.wait(0.2):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("doppel start did not become ready:\n" + self.output()[-3000:])
        return self

    def _read(self, stream) -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace")
            self.lines.append(line)
            if line.startswith(READY_WORDS):
                m = re.search(r"proxy [^ ]+:(\d+) ", line)
                self.proxy_port = int(m.group(1)) if m else self.requested_port
                self._ready.set()
        stream.close()

    def wait_exit(self, timeout_s: float = 180.0) -> int:
        """For a start that must fail: its exit code once it stopped by itself."""
        code = self.proc.wait(timeout_s)
        for t in self._readers:
            t.join(5)
        return code

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.proxy_port}"

    @property
    def control_url(self) -> str:
        return f"http://127.0.0.1:{self.control_port}"

    def rss_mb(self) -> float | None:
        return rss_mb(self.proc.pid) if self.proc else None

    def output(self) -> str:
        return "".join(self.lines)

    def stop(self, timeout_s: float = 30.0) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        for t in self._readers:
            t.join(5)
        return self.proc.returncode


# --- conversations ---------------------------------------------------------------------------

@dataclass
class Person:
    name: str
    email: str
    phone: str


def person(i: int) -> Person:
    first, last = FIRST[i % len(FIRST)], LAST[(i * 7 + i // len(FIRST)) % len(LAST)]
    return Person(name=f"{first} {last}",
                  email=f"{first.lower()}.{last.lower()}{i:02d}@fastmail.com",
                  phone=f"+1 415 555 {100 + i % 100:04d}" if i < 100 else f"+44 7700 900{i % 1000:03d}")


def turn_text(p: Person, conv: int, turn: int) -> str:
    if turn == 0:
        return (f"Hi, I'm {p.name} (conversation {conv}). Please reply to {p.email} or call "
                f"{p.phone} about my claim.")
    return (f"Turn {turn}: did you note {p.email}? If not, ring {p.phone} after {turn} pm. "
            f"Thanks, {p.name.split()[0]}.")


def request_body(fmt: str, history: list[tuple[str, str]], text: str) -> dict:
    """A streamed request with ``history`` (user, assistant) pairs resent before ``text``."""
    if fmt == "openai_responses":
        items = []
        for user, assistant in history:
            items.append({"role": "user", "content": [{"type": "input_text", "text": user}]})
            items.append({"role": "assistant", "content": [{"type": "output_text",
                                                            "text": assistant}]})
        items.append({"role": "user", "content": [{"type": "input_text", "text": text}]})
        return {"model": "m", "stream": True, "input": items}
    messages = []
    for user, assistant in history:
        messages += [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]
    messages.append({"role": "user", "content": text})
    body = {"model": "m", "stream": True, "messages": messages}
    if fmt == "anthropic":
        body["max_tokens"] = 256
    return body


def reply_text(fmt: str, raw: bytes) -> str:
    """The text a client shows for a streamed reply (parsed like the SDKs do)."""
    from tests.e2e import wire
    return wire.PARSERS[fmt](raw, True)["text"]


# --- the upstream, with service times and a leak check -----------------------------------

def make_upstream(watch: list[Person], piece_bytes: int, pause_s: float):
    """tests/e2e/upstreams.Upstream, timing each request and counting real values it receives.
    Bodies are not kept (memory stays flat over long runs)."""
    from tests.e2e.upstreams import Upstream

    emails = [p.email.casefold() for p in watch]
    phones = [p.phone.casefold() for p in watch]
    names = [p.name.casefold() for p in watch]

    class TimedUpstream(Upstream):
        def __init__(self, **kw) -> None:
            super().__init__(**kw)
            self.service_ms: dict[str, float] = {}
            self.leaks = {"EMAIL": 0, "PHONE": 0, "PERSON": 0}
            self.requests = 0

        async def handle(self, request):
            began = time.perf_counter()
            raw = await request.read()
            text = raw.decode("utf-8", "replace").casefold()
            self.leaks["EMAIL"] += sum(e in text for e in emails)
            self.leaks["PHONE"] += sum(p in text for p in phones)
            self.leaks["PERSON"] += sum(n in text for n in names)
            self.requests += 1
            response = await super().handle(request)
            self.seen.clear()
            self.replies.clear()
            load_id = request.headers.get("x-load-id")
            if load_id:
                self.service_ms[load_id] = (time.perf_counter() - began) * 1000
            return response

    up = TimedUpstream(pause_s=pause_s)
    up.splits = list(range(piece_bytes, 200_000, piece_bytes))
    return up


# --- one phase: N conversations against one base URL for D seconds -------------------------

@dataclass
class Turn:
    conv: int
    fmt: str
    status: int
    ok: bool
    outcome: str  # ok | crossed | mismatch | http_error | exception
    ttfb_ms: float
    total_ms: float
    service_ms: float | None = None


@dataclass
class Phase:
    name: str
    turns: list[Turn] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def add(self, turn: Turn) -> None:
        self.turns.append(turn)
        if turn.outcome != "ok":
            self.errors[turn.outcome] = self.errors.get(turn.outcome, 0) + 1


async def conversation(session, base: str, conv: int, fmt: str, people: list[Person],
                       deadline: float, phase: Phase, upstream, think_s: float,
                       history_turns: int, rng: random.Random) -> None:
    import aiohttp

    me = people[conv]
    others = [p for i, p in enumerate(people) if i != conv]
    template = upstream.template
    first: tuple[str, str] | None = None
    recent: list[tuple[str, str]] = []
    turn = 0
    await asyncio.sleep(rng.uniform(0, think_s))  # do not start all conversations in one burst
    while time.monotonic() < deadline:
        text = turn_text(me, conv, turn)
        history = ([first] if first else []) + recent[-history_turns:]
        body = request_body(fmt, history, text)
        load_id = f"{phase.name}-{conv}-{turn}"
        began = time.perf_counter()
        ttfb = None
        status, outcome = 0, "ok"
        try:
            async with session.post(base + PATHS[fmt], json=body,
                                    headers={"authorization": f"Bearer sk-load-{conv}",
                                             "x-load-id": load_id}) as resp:
                status = resp.status
                chunks = []
                async for chunk in resp.content.iter_any():
                    if ttfb is None:
                        ttfb = (time.perf_counter() - began) * 1000
                    chunks.append(chunk)
                raw = b"".join(chunks)
        except (aiohttp.ClientError, asyncio.TimeoutError):
            outcome, raw = "exception", b""
        total = (time.perf_counter() - began) * 1000
        if outcome == "ok" and status != 200:
            outcome = "http_error"
        got = ""
        if outcome == "ok":
            try:
                got = reply_text(fmt, raw)
            except (ValueError, KeyError, TypeError, IndexError, AssertionError):
                outcome = "mismatch"
        want = template.format(text=text)
        if outcome == "ok" and got != want:
            crossed = any(v.casefold() in got.casefold()
                          for p in others for v in (p.email, p.phone))
            outcome = "crossed" if crossed else "mismatch"
        phase.add(Turn(conv, fmt, status, outcome == "ok", outcome, ttfb or total, total,
                       upstream.service_ms.pop(load_id, None)))
        if outcome != "ok":
            await asyncio.sleep(think_s)
            turn += 1
            continue
        if first is None:
            first = (text, got)
        else:
            recent.append((text, got))
        turn += 1
        await asyncio.sleep(rng.uniform(0.5 * think_s, 1.5 * think_s))


async def run_phase(name: str, base: str, cfg: "LoadConfig", people: list[Person], upstream,
                    duration_s: float) -> Phase:
    import aiohttp

    phase = Phase(name)
    deadline = time.monotonic() + duration_s
    rng = random.Random(7)
    timeout = aiohttp.ClientTimeout(total=120)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        await asyncio.gather(*(
            conversation(session, base, i, cfg.formats[i % len(cfg.formats)], people, deadline,
                         phase, upstream, cfg.think_s, cfg.history_turns,
                         random.Random(rng.random()))
            for i in range(cfg.conversations)))
    return phase


# --- the whole run ---------------------------------------------------------------------------

@dataclass
class LoadConfig:
    conversations: int = 50
    duration_s: float = 60.0
    baseline_s: float = 10.0
    warmup_s: float = 5.0
    think_s: float = 0.5
    history_turns: int = 2
    piece_bytes: int = 64   # the upstream writes its stream in pieces this size...
    pause_s: float = 0.01   # ...with this pause between them (a token stream)
    formats: tuple[str, ...] = FORMATS


def latency_summary(phase: Phase) -> dict:
    ok = [t for t in phase.turns if t.ok]
    over = [t.total_ms - t.service_ms for t in ok if t.service_ms is not None]

    def q(vals):
        return {"p50": _r(median(vals)), "p95": _r(percentile(vals, 95)),
                "max": _r(max(vals) if vals else None)}
    return {"turns": len(phase.turns), "ok": len(ok), "errors": dict(phase.errors),
            "ttfb_ms": q([t.ttfb_ms for t in ok]), "total_ms": q([t.total_ms for t in ok]),
            "overhead_ms": q(over)}


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


async def run(cfg: LoadConfig, *, data_dir: Path | None = None, log=print,
              on_output=None) -> dict:
    """Baseline (direct) phase, then the same load through `doppel start`; returns the report.
    ``on_output(text)`` receives doppel's stdout+stderr (tests scan it for real values)."""
    load_before = round(os.getloadavg()[0], 2)
    people = [person(i) for i in range(cfg.conversations)]
    upstream = make_upstream(people, cfg.piece_bytes, cfg.pause_s)
    await upstream.start()
    tmp = Path(tempfile.mkdtemp(prefix="doppel-load-"))
    data_dir = Path(data_dir) if data_dir else tmp / "data"
    doppel = DoppelProcess(data_dir, upstream_url=upstream.url, home=tmp / "home", verbose=False)
    samples: list[tuple[float, float]] = []
    try:
        log(f"load: starting doppel (fast mode, data dir {data_dir})")
        started = time.monotonic()
        await asyncio.get_running_loop().run_in_executor(None, doppel.start)
        ready_s = time.monotonic() - started
        rss_ready = doppel.rss_mb()
        log(f"load: ready in {ready_s:.1f} s, RSS {rss_ready:.0f} MB; baseline {cfg.baseline_s:g} s direct")
        baseline = await run_phase("direct", upstream.url, cfg, people, upstream, cfg.baseline_s)
        leaks_before = dict(upstream.leaks)  # direct: the upstream sees everything (expected)
        upstream.leaks = {k: 0 for k in upstream.leaks}
        log(f"load: warm-up {cfg.warmup_s:g} s through doppel")
        await run_phase("warmup", doppel.url, cfg, people, upstream, cfg.warmup_s)
        rss_warm = doppel.rss_mb()
        upstream.leaks = {k: 0 for k in upstream.leaks}
        requests_before = upstream.requests

        async def sample():
            t0 = time.monotonic()
            while True:
                samples.append((round(time.monotonic() - t0, 1), doppel.rss_mb() or 0.0))
                await asyncio.sleep(1.0)

        sampler = asyncio.create_task(sample())
        log(f"load: {cfg.conversations} conversations x {cfg.duration_s:g} s through doppel")
        via = await run_phase("doppel", doppel.url, cfg, people, upstream, cfg.duration_s)
        sampler.cancel()
        rss_end = doppel.rss_mb()
    finally:
        code = doppel.stop()
        await upstream.stop()
    output = doppel.output()
    if on_output is not None:
        on_output(output)
    shutil.rmtree(tmp, ignore_errors=True)
    direct, through = latency_summary(baseline), latency_summary(via)
    added = {name: {k: _r(through[name][k] - direct[name][k])
                    if through[name][k] is not None and direct[name][k] is not None else None
                    for k in ("p50", "p95")}
             for name in ("ttfb_ms", "overhead_ms", "total_ms")}
    rss_values = [v for _, v in samples if v]
    slope = _slope(samples)
    return {
        "config": asdict(cfg),
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                    "load_average_1min": {"start": load_before,
                                          "end": round(os.getloadavg()[0], 2)}},
        "ready_s": round(ready_s, 1),
        "direct": direct,
        "doppel": through,
        "added_latency_ms": added,
        "requests_upstream": upstream.requests - requests_before,
        "upstream_leaks": upstream.leaks,  # EMAIL/PHONE must be 0; PERSON: NER recall
        "direct_phase_values_seen": leaks_before,
        "crossed": via.errors.get("crossed", 0),
        "errors": via.errors,
        "rss_mb": {"ready": _r(rss_ready), "after_warmup": _r(rss_warm), "end": _r(rss_end),
                   "max": _r(max(rss_values) if rss_values else None),
                   "every_30_s": [_r(v) for t, v in samples if v and int(t) % 30 == 0],
                   "slope_mb_per_min": _r(slope)},
        "doppel_exit_code": code,
        "doppel_tracebacks": output.count("Traceback"),
        "doppel_warnings": sum(1 for line in output.splitlines()
                               if line.startswith(("WARNING", "ERROR"))),
    }


def _slope(samples: list[tuple[float, float]]) -> float | None:
    """Least-squares RSS slope in MB per minute."""
    pts = [(t, v) for t, v in samples if v]
    if len(pts) < 3:
        return None
    mt = statistics.fmean(t for t, _ in pts)
    mv = statistics.fmean(v for _, v in pts)
    den = sum((t - mt) ** 2 for t, _ in pts)
    return 60 * sum((t - mt) * (v - mv) for t, v in pts) / den if den else None


def table(report: dict) -> str:
    d, v, a = report["direct"], report["doppel"], report["added_latency_ms"]
    rss = report["rss_mb"]

    def row(label: str, key: str) -> str:
        return (f"| {label} | {d[key]['p50']} / {d[key]['p95']} | {v[key]['p50']} / "
                f"{v[key]['p95']} | {a[key]['p50']} / {a[key]['p95']} |")
    rows = [
        "| p50 / p95 in ms | direct to upstream | through doppel | added by doppel |",
        "|---|---|---|---|",
        row("time to first byte", "ttfb_ms"),
        row("end of stream after upstream's last byte", "overhead_ms"),
        row("whole streamed turn", "total_ms"),
        "",
        f"turns ok/all: direct {d['ok']}/{d['turns']}, doppel {v['ok']}/{v['turns']}; "
        f"errors {report['errors'] or 0}; crossed mappings {report['crossed']}; "
        f"values reaching the upstream {report['upstream_leaks']}; "
        f"RSS ready {rss['ready']} MB, after warm-up {rss['after_warmup']} MB, end {rss['end']} MB "
        f"(max {rss['max']} MB, slope {rss['slope_mb_per_min']} MB/min); "
        f"tracebacks in doppel's output {report['doppel_tracebacks']}; machine: "
        f"{report['machine']['cpus']} cores, 1-min load average "
        f"{report['machine']['load_average_1min']['start']} -> "
        f"{report['machine']['load_average_1min']['end']}",
    ]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    ap.add_argument("--conversations", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds through doppel")
    ap.add_argument("--baseline", type=float, default=10.0, help="seconds direct (no doppel)")
    ap.add_argument("--warmup", type=float, default=5.0)
    ap.add_argument("--think", type=float, default=0.5, help="mean pause between turns (s)")
    ap.add_argument("--json", type=Path, help="also write the report here")
    a = ap.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # tests.e2e.upstreams: run from the repository root
    cfg = LoadConfig(conversations=a.conversations, duration_s=a.duration,
                     baseline_s=a.baseline, warmup_s=a.warmup, think_s=a.think)
    report = asyncio.run(run(cfg, log=lambda m: print(m, file=sys.stderr)))
    print(json.dumps(report, indent=2))
    print(table(report), file=sys.stderr)
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(report, indent=2))
    bad = report["errors"] or report["crossed"] or report["upstream_leaks"]["EMAIL"] \
        or report["upstream_leaks"]["PHONE"]
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
