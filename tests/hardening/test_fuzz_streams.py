"""Fuzzing every site adapter's response side: stream rewriters (SSE, NDJSON, ChatGPT's JSON
patches, Gemini's length-prefixed frames, the ChatGPT WebSocket handoff) and whole-body JSON
rewriters, over the real restorer with stand-ins issued in this conversation.

Inputs: a valid reply of the format carrying stand-ins, then 1-4 of: framing junk inserted
(events without terminators, stray CR, comment lines, [DONE] early, huge lines, binary),
an event's JSON replaced by junk or structurally mutated (wrong types, deep nesting, huge
strings), ChatGPT patch frames with random paths (missing, non-string), ops and values, Gemini
frames with wrong lengths, units dropped / duplicated / swapped, terminators stripped,
truncation, invalid UTF-8; the body is then cut into chunks at random offsets.
Properties, for every input:
- the rewriter never raises (a raising rewriter makes the addon pass the rest of the reply
  through unrestored: not a leak, but the user would see stand-ins);
- the bytes out do not depend on how the body was cut (streaming cannot corrupt a reply).
Default run: 150 inputs per rewriter; `slow`: 10,000 per adapter.
"""
from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from typing import Callable

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from mitmproxy import http

from detector.pipeline import Detector
from detector.protect import Protector
from detector.store import InMemoryStore
from proxy.sites import anthropic_messages, claude_web, ollama
from proxy.sites.chatgpt import web as chatgpt_web
from proxy.sites.gemini import web as gemini_web
from proxy.sites.openai import chat as openai_chat
from proxy.sites.openai import responses as openai_responses
from proxy.sites.base import ResponseContext
from proxy.sites.chatgpt.ws import HandoffRewriter
from tests.e2e import upstreams
from tests.fixtures.web import chatgpt_wire as cw
from tests.fixtures.web import claude_wire as clw
from tests.fixtures.web import gemini_wire as gw
from tests.hardening.fuzz_strategies import (FRAMING_JUNK, INVALID_UTF8, HypothesisPick, Pick,
                                             RandomPick, cuts, framing_junk, mutate)
from tests.hardening.seeds import SeedLayer

FAST, SLOW = 150, 10_000
PHASES = ([Phase.explicit, Phase.generate] if os.environ.get("DOPPEL_FUZZ_NOSHRINK")
          else list(Phase))
SCOPE = "fuzz-scope"
# Short, so a reply is ~30 events: the cost per input is the restoring of every event, twice.
PROMPT = "Hi, Ingrid Lindqvist here: ingrid.lindqvist@fastmail.com, +1 415 555 0187, ☕."
SSE, NDJSON, JSON = "text/event-stream; charset=utf-8", "application/x-ndjson", "application/json"


@dataclass(frozen=True)
class Target:
    name: str
    adapter: object  # SiteAdapter; None for the WebSocket handoff
    content_type: str
    unit: bytes  # what separates units of this body (events, lines, frames)
    body: Callable[[str, str], bytes]  # (user text, reply text) -> a valid body


def _sse_body(builder, **kw):
    return lambda user, reply: builder(reply, stream=True, **kw)[0].encode()


def _json_body(builder, **kw):
    return lambda user, reply: builder(reply, stream=False, **kw)[0].encode()


TARGETS = [
    Target("openai-chat/sse", openai_chat.ADAPTER, SSE, b"\n\n",
           _sse_body(upstreams.openai_chat, tool=True, thinking=False, generate=False)),
    Target("openai-chat/json", openai_chat.ADAPTER, JSON, b",",
           _json_body(upstreams.openai_chat, tool=True, thinking=False, generate=False)),
    Target("openai-responses/sse", openai_responses.ADAPTER, SSE, b"\n\n",
           _sse_body(upstreams.openai_responses, tool=True, thinking=False, generate=False)),
    Target("openai-responses/json", openai_responses.ADAPTER, JSON, b",",
           _json_body(upstreams.openai_responses, tool=True, thinking=False, generate=False)),
    Target("anthropic-messages/sse", anthropic_messages.ADAPTER, SSE, b"\n\n",
           _sse_body(upstreams.anthropic_messages, tool=True, thinking=True, generate=False)),
    Target("anthropic-messages/json", anthropic_messages.ADAPTER, JSON, b",",
           _json_body(upstreams.anthropic_messages, tool=True, thinking=True, generate=False)),
    Target("ollama/ndjson", ollama.ADAPTER, NDJSON, b"\n",
           _sse_body(upstreams.ollama, tool=False, thinking=False, generate=False)),
    Target("ollama/json", ollama.ADAPTER, JSON, b",",
           _json_body(upstreams.ollama, tool=False, thinking=False, generate=True)),
    Target("chatgpt-web/delta-sse", chatgpt_web.ADAPTER, SSE, b"\n\n",
           lambda user, reply: cw.delta_stream(user, reply, title="About " + reply).encode()),
    Target("chatgpt-web/delta-long-sse", chatgpt_web.ADAPTER, SSE, b"\n\n",
           lambda user, reply: "".join(cw.long_answer_events(user, reply, piece=4,
                                                             batch_every=3)).encode()),
    Target("chatgpt-web/snapshot-sse", chatgpt_web.ADAPTER, SSE, b"\n\n",
           lambda user, reply: cw.snapshot_stream(reply).encode()),
    Target("chatgpt-web/history-json", chatgpt_web.ADAPTER, JSON, b",",
           lambda user, reply: json.dumps(cw.history(cw.CONVERSATION_ID, "About " + reply,
                                                     [(user, reply)])).encode()),
    Target("chatgpt-web/websocket", None, "", b"\n\n",
           lambda user, reply: "\x1e".join(
               cw.ws_message(item, n) for n, item in
               enumerate(cw.handoff_rest(reply, handoff_after=2))).encode()),
    Target("chatgpt-web/desktop-websocket", None, "", b"\n\n",
           lambda user, reply: "\x1e".join(
               cw.desktop_ws_message(item) for item in cw.long_answer_events(user, reply)[1:]
           ).encode()),
    Target("claude-web/sse", claude_web.ADAPTER, SSE, b"\n\n",
           lambda user, reply: clw.completion_stream(reply, citation_title=reply[:20],
                                                     thinking="About " + reply).encode()),
    Target("claude-web/history-json", claude_web.ADAPTER, JSON, b",",
           lambda user, reply: json.dumps(clw.history(clw.CONVERSATION_ID, "About " + reply,
                                                      [(user, reply, None)])).encode()),
    Target("gemini-web/frames", gemini_web.ADAPTER, "application/json+protobuf", b"\n",
           lambda user, reply: gw.generate_reply(reply, title="About " + reply).encode()),
    Target("gemini-web/history-frames", gemini_web.ADAPTER, "application/json+protobuf", b"\n",
           lambda user, reply: gw.history_reply(gw.CONVERSATION_ID, [(user, reply)]).encode()),
]
BY_ADAPTER: dict[str, list[Target]] = {}
for _t in TARGETS:
    BY_ADAPTER.setdefault(_t.name.split("/")[0], []).append(_t)


@pytest.fixture(scope="module")
def rig():
    """A protector whose scope has stand-ins for every seed, and the reply that carries them."""
    protector = Protector(Detector(layers=[SeedLayer()]), InMemoryStore())
    bodies = {}
    for t in TARGETS:
        # the WebSocket handoff restores in the conversation its items name
        scope = SCOPE if t.adapter is not None else chatgpt_web.conversation_scope(cw.CONVERSATION_ID)
        protected = protector.protect(PROMPT, scope).protected
        assert protected != PROMPT
        bodies[t.name] = t.body(protected, f"You said: {protected} Noted!")
    # Restorers are built from the store's mappings, which no longer change: build each once.
    protector.restorer = functools.lru_cache(maxsize=None)(protector.restorer)
    return protector, bodies


def rewrite(protector, target: Target, data: bytes, cut_at: list[int]) -> bytes:
    """The bytes a client gets for ``data`` cut at ``cut_at`` (raises what the rewriter raises)."""
    ctx = ResponseContext(SCOPE, protector.restorer)
    points = [0, *cut_at, len(data)]
    if target.adapter is None:  # WebSocket: each message is rewritten on its own
        ws = HandoffRewriter(protector.restorer)
        return "\x1e".join(ws.message(m) for m in
                           data.decode("utf-8", "surrogateescape").split("\x1e")).encode(
            "utf-8", "surrogateescape")
    response = http.Response.make(200, b"", {"content-type": target.content_type})
    rw = target.adapter.response_rewriter(response, ctx)
    assert rw is not None
    out = b"".join(rw.feed(data[a:b]) for a, b in zip(points, points[1:]) if b > a)
    return out + rw.finish()


# --- mutations of a valid body ----------------------------------------------------------------

def _units(data: bytes, sep: bytes) -> list[bytes]:
    parts = data.split(sep)
    return [p + sep for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])


def _mutate_unit(pick: Pick, unit: bytes) -> bytes:
    """Replace the JSON inside one unit (an SSE data line, an NDJSON line, a frame payload)."""
    text = unit.decode("utf-8", "surrogateescape")
    start = text.find("{") if "{" in text else text.find("[")
    if start < 0:
        return unit
    end = max(text.rfind("}"), text.rfind("]")) + 1
    try:
        obj = json.loads(text[start:end])
    except ValueError:
        return unit
    new = pick.junk() if pick.int(0, 3) == 0 else mutate(pick, obj)[0]
    try:
        dumped = json.dumps(new, ensure_ascii=False)
    except RecursionError:
        dumped = "[" * 1200
    return (text[:start] + dumped + text[end:]).encode("utf-8", "surrogatepass")


PATCH_PATHS = ["", "/", "/message/content/parts/0", "/message/content/parts/7", "/message/status",
               "/nope/deeper/still", "/message/content/parts/-1", "~1~0", 5, None, ["p"]]
PATCH_OPS = ["add", "replace", "append", "remove", "truncate", "patch", "move", "", 3, None]


def _patch_frame(pick: Pick) -> bytes:
    frame: dict = {}
    if pick.int(0, 3):
        frame["p"] = pick.choice(PATCH_PATHS)
    if pick.int(0, 3):
        frame["o"] = pick.choice(PATCH_OPS)
    kind = pick.int(0, 4)
    if kind == 0:
        frame["v"] = [{"p": pick.choice(PATCH_PATHS), "o": pick.choice(PATCH_OPS),
                       "v": pick.junk()} for _ in range(pick.int(0, 3))]
    elif kind == 1:
        frame["v"] = pick.int(-5, 10**6)
    elif kind != 2:
        frame["v"] = pick.junk()
    name = "delta" if pick.int(0, 2) else None
    head = f"event: {name}\n" if name else ""
    return (head + "data: " + json.dumps(frame) + "\n\n").encode()


def _gemini_frame(pick: Pick) -> bytes:
    payload = json.dumps([["wrb.fr", None, json.dumps(pick.junk())]])
    length = len(payload) + 1 + pick.choice([0, 0, -1, 1, 5, -3, 10**6])
    return f"{length}\n{payload}\n".encode()


MUTATIONS = ("junk_between", "mutate_unit", "drop", "duplicate", "swap", "strip_terminators",
             "truncate", "invalid_utf8", "special")


def hostile_body(pick: Pick, target: Target, valid: bytes) -> tuple[bytes, list[str]]:
    units = _units(valid, target.unit)
    done = []
    for _ in range(pick.int(1, 4)):
        kind = pick.choice(MUTATIONS)
        i = pick.int(0, max(0, len(units) - 1))
        if kind == "junk_between":
            units.insert(i, framing_junk(pick))
        elif kind == "mutate_unit" and units:
            units[i] = _mutate_unit(pick, units[i])
        elif kind == "drop" and units:
            units.pop(i)
        elif kind == "duplicate" and units:
            units.insert(i, units[i])
        elif kind == "swap" and len(units) > 1:
            j = pick.int(0, len(units) - 1)
            units[i], units[j] = units[j], units[i]
        elif kind == "strip_terminators":
            units = [u.rstrip(b"\n") + b"\n" if pick.int(0, 1) else u for u in units]
        elif kind == "truncate":
            body = b"".join(units)
            units = [body[:pick.int(0, len(body))]]
        elif kind == "invalid_utf8":
            body = b"".join(units)
            at = pick.int(0, len(body))
            units = [body[:at] + pick.choice(INVALID_UTF8) + body[at:]]
        elif kind == "special":
            if target.name.startswith("chatgpt-web/delta"):
                units.insert(i, _patch_frame(pick))
            elif target.name.startswith("gemini"):
                units.insert(i, _gemini_frame(pick))
            else:
                units.insert(i, pick.choice(FRAMING_JUNK))
        else:
            continue
        done.append(kind)
    return b"".join(units), done


# --- the tests ----------------------------------------------------------------------------------

def fuzz(rig, targets: list[Target], n: int) -> None:
    protector, bodies = rig

    @settings(max_examples=n, deadline=None, database=None, derandomize=True, phases=PHASES,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def run(data):
        pick = HypothesisPick(data) if n <= FAST else RandomPick(
            data.draw(st.integers(0, 2**64 - 1)))
        target = pick.choice(targets)
        body, kinds = hostile_body(pick, target, bodies[target.name])
        for kind in kinds:
            event(f"{target.name}: {kind}")
        whole = rewrite(protector, target, body, [])
        if target.adapter is not None:
            cut = rewrite(protector, target, body, cuts(pick, len(body)))
            assert cut == whole, "the output depends on how the stream was cut"
    run()


ADAPTER_NAMES = sorted(BY_ADAPTER)


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_hostile_replies(rig, target):
    fuzz(rig, [target], FAST)


@pytest.mark.slow
@pytest.mark.parametrize("adapter", ADAPTER_NAMES)
def test_ten_thousand_replies_per_adapter(rig, adapter):
    fuzz(rig, BY_ADAPTER[adapter], SLOW)


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_valid_reply_is_restored(rig, target):
    """The harness itself: each valid body carries stand-ins and the rewriter changes it (whole
    JSON bodies: the real value is back in one piece; streams restore it across deltas, which
    tests/proxy and tests/e2e check with each format's client model)."""
    protector, bodies = rig
    valid = bodies[target.name]
    out = rewrite(protector, target, valid, [])
    assert out != valid
    if target.content_type == JSON:
        assert "Ingrid Lindqvist" in out.decode("utf-8")
