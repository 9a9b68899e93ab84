"""Fuzzing every site adapter's request side through the real addon hook (the code mitmproxy
runs for each request), with the real Protector, stand-in engine and restorer.

Detection is SeedLayer (tests/hardening/seeds.py): it finds exactly the planted values, so
10,000s of requests run in minutes and every miss is the adapter's, not the NER model's.
Inputs: valid requests with seeded texts; the same after structural mutations (junk subtrees,
type confusions, deep nesting, huge strings, dropped fields); after default-deny mutations
(issue #14: unknown and misspelled keys at every depth, texts moved under new nesting, the
format's tools/metadata/profile fields and numbers and keys in tool arguments added, another
method, another spelling of the path, a seeded query parameter; also for endpoints no adapter
reads, "generic"); the serialized bytes after byte mutations (truncation, invalid UTF-8,
inserted/deleted bytes, duplicate keys, UTF-16/32, BOM, binary junk, empty, swapped case).
Properties, for every input:
- the hook returns (no exception, no hang): the proxy survives;
- blocked -> a 502 whose JSON says "Doppel blocked this request ..." with a reason code, and
  echoes no seed;
- forwarded -> no seed anywhere the upstream could read it (strict: body, query string, keys
  and numbers included), except after byte mutations that rename fields (then: no seed in any
  field the adapter itself reads back);
- default-deny inputs that stay well-formed (unknown keys, the format's extra fields, another
  method or path spelling, a query parameter) are delivered, by the case's own adapter.
Default run: a few hundred inputs per adapter; `slow`: 10,000 per adapter for the structural
and byte families (the default-deny family runs its few hundred only: at 10,000 it still finds
structural keys such as `user_id` trusted under a misspelled `metadata`).
"""
from __future__ import annotations

import asyncio
import json
import os
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from mitmproxy import http
from mitmproxy.test import tflow

from detector.pipeline import Detector
from detector.protect import Protector
from detector.store import InMemoryStore
from proxy.mitm.addon import METADATA_KEY, DoppelAddon
from proxy.sites import claude_web, is_web_host, load_adapters
from proxy.sites.chatgpt import web as chatgpt_web
from proxy.sites.gemini import web as gemini_web
from proxy.sites import anthropic_messages, ollama
from proxy.sites.openai import chat as openai_chat, responses as openai_responses
from proxy.sites.structure import SCHEMA_KEYWORDS
from tests.hardening.fuzz_requests_cases import BY_ADAPTER, CASES, TEXTS, Case, upstream_view
from tests.hardening.fuzz_strategies import (KEEPS_FORM, HypothesisPick, Pick, RandomPick,
                                              byte_mutate, deny_mutate, mutate, request_variant,
                                              user_text)
from tests.hardening.seeds import SeedLayer, seeds_in

REASONS = {"unreadable_request", "request_too_large", "policy", "detection_failed",
           "detection_timeout", "internal_error"}
# Byte mutations after which the upstream reads the same document as Doppel did (strict check).
SAME_DOCUMENT = {"utf16", "utf32", "bom", "duplicate_key"}
FAST, SLOW = 150, 5_000  # inputs per adapter and family; slow: 2 x 5,000 = 10,000 per adapter
# DOPPEL_FUZZ_NOSHRINK=1: report the first failing input as found (shrinking megabyte inputs
# can take minutes).
PHASES = ([Phase.explicit, Phase.generate] if os.environ.get("DOPPEL_FUZZ_NOSHRINK")
          else list(Phase))

ADAPTERS = [*load_adapters(), chatgpt_web.ADAPTER, claude_web.ADAPTER, gemini_web.ADAPTER]
ADAPTER_NAMES = sorted(BY_ADAPTER)
# Key names some format reads as structure (proxy/sites/structure.py): a typo never lands on one.
STRUCTURAL = frozenset({"name", *SCHEMA_KEYWORDS}).union(*(
    m.STRUCTURE.keys | m.STRUCTURE.opaque | m.STRUCTURE.schemas
    for m in (openai_chat, openai_responses, anthropic_messages, ollama, chatgpt_web, claude_web)))


@pytest.fixture(scope="module")
def rig():
    """(addon, event loop): the real addon over the real Protector with the seed detector."""
    protector = Protector(Detector(layers=[SeedLayer()]), InMemoryStore())
    # max_text_chars 100,000 (default 1,000,000) so "too large" costs milliseconds per input;
    # tests/e2e/test_fail_closed.py blocks a real 10 MB request.
    addon = DoppelAddon(protector, adapters=ADAPTERS, detect_timeout_s=60, max_text_chars=100_000)
    loop = asyncio.new_event_loop()
    yield addon, loop
    addon.done()
    loop.close()


def run_request(rig, case: Case, raw: bytes, method: str | None = None,
                url: str | None = None) -> http.HTTPFlow:
    addon, loop = rig
    flow = tflow.tflow(req=http.Request.make(method or case.method, url or case.url, raw,
                                             case.headers()))
    loop.run_until_complete(addon.request(flow))
    return flow


def check(rig, case: Case, flow: http.HTTPFlow, strict: bool, delivered: bool = False) -> None:
    if delivered:  # a well-formed request: Doppel must not block it
        assert flow.response is None, json.loads(flow.response.content)["error"]["message"]
    if flow.response is not None:
        assert flow.response.status_code == 502
        err = json.loads(flow.response.content)["error"]
        assert err["type"] == "doppel_blocked" and err["code"] in REASONS, err
        assert err["message"].startswith("Doppel blocked this request")
        assert not seeds_in(flow.response.content), "the block message echoes a real value"
        # The reason in a header for API clients; none a chat web app's page could read.
        web = is_web_host(flow.request.pretty_host)
        assert flow.response.headers.get("x-doppel-blocked") == (None if web else err["code"])
        event(f"{case.name}: blocked ({err['code']})")
        return
    state = flow.metadata.get(METADATA_KEY)
    assert state is not None, "a chat request passed without being checked"
    assert state.adapter.name == case.adapter, state.adapter.name
    event(f"{case.name}: forwarded")
    forwarded = flow.request.get_content(strict=False) or b""
    found = seeds_in(unquote(flow.request.path, errors="surrogateescape"), squeeze=False)
    if found:
        raise AssertionError(f"real values reached the upstream in the URL: {found}")
    if strict:
        found = seeds_in(upstream_view(forwarded), squeeze=False)
        if found:  # (no assert rewriting: the body may be megabytes)
            raise AssertionError(f"real values reached the upstream: {found}")
        return
    # Renamed fields pass as unknown; whatever the adapter itself reads must be protected.
    again = http.Request.make(case.method, case.url, forwarded, dict(flow.request.headers))
    try:
        texts = state.adapter.texts(again)
    except ValueError:
        return
    found = seeds_in("\n".join(texts), squeeze=False)
    if found:
        raise AssertionError(f"real values left in texts the adapter reads: {found}")


def seeded_body(pick: Pick, case: Case):
    return case.build([user_text(pick) for _ in range(TEXTS)])


def structural_input(pick: Pick, case: Case) -> tuple[Any, list[str]]:
    body = seeded_body(pick, case)
    return (body, ["valid"]) if pick.int(0, 4) == 0 else mutate(pick, body)


def fuzz_settings(n: int):
    return settings(max_examples=n, deadline=None, database=None, derandomize=True,
                    phases=PHASES, suppress_health_check=list(HealthCheck))


def make_pick(data, n: int) -> Pick:
    """Hypothesis draws every choice (shrinkable) for short runs, one seed per input for long
    ones (see tests/hardening/fuzz_strategies.py)."""
    return HypothesisPick(data) if n <= FAST else RandomPick(data.draw(st.integers(0, 2**64 - 1)))


def _structural(rig, adapter: str, n: int) -> None:
    @fuzz_settings(n)
    @given(data=st.data())
    def run(data):
        pick = make_pick(data, n)
        case = pick.choice(BY_ADAPTER[adapter])
        body, kinds = structural_input(pick, case)
        for kind in kinds:
            event(f"mutation: {kind}")
        try:
            raw = case.encode(body)
        except RecursionError:  # the test's own encoder: such a body cannot be sent at all
            return
        check(rig, case, run_request(rig, case, raw), strict=True)
    run()


def _bytes(rig, adapter: str, n: int) -> None:
    @fuzz_settings(n)
    @given(data=st.data())
    def run(data):
        pick = make_pick(data, n)
        case = pick.choice(BY_ADAPTER[adapter])
        raw, kind = byte_mutate(pick, case.encode(seeded_body(pick, case)))
        event(f"mutation: {kind}")
        check(rig, case, run_request(rig, case, raw), strict=kind in SAME_DOCUMENT)
    run()


def _deny(rig, adapter: str, n: int) -> None:
    @fuzz_settings(n)
    @given(data=st.data())
    def run(data):
        pick = make_pick(data, n)
        case = pick.choice(BY_ADAPTER[adapter])
        body, kinds = seeded_body(pick, case), []
        if pick.int(0, 1):
            body = case.extras(body, [user_text(pick) for _ in range(TEXTS)])
            kinds.append("extras")
        for _ in range(pick.int(0, 3)):
            body, kind = deny_mutate(pick, body, STRUCTURAL)
            kinds.append(kind)
        method, url, variants = request_variant(pick, case.method, case.url, case.spellings)
        for kind in kinds + variants:
            event(f"mutation: {kind}")
        flow = run_request(rig, case, case.encode(body), method, url)
        check(rig, case, flow, strict=True, delivered=all(k in KEEPS_FORM for k in kinds))
    run()


@pytest.mark.parametrize("adapter", ADAPTER_NAMES)
def test_default_deny_mutations(rig, adapter):
    _deny(rig, adapter, FAST)


@pytest.mark.parametrize("adapter", ADAPTER_NAMES)
def test_structural_mutations(rig, adapter):
    _structural(rig, adapter, FAST)


@pytest.mark.parametrize("adapter", ADAPTER_NAMES)
def test_byte_mutations(rig, adapter):
    _bytes(rig, adapter, FAST)


@pytest.mark.slow
@pytest.mark.timeout(1500)  # 10,000 inputs through a real mitmproxy: minutes on 2 busy cores
@pytest.mark.parametrize("adapter", ADAPTER_NAMES)
def test_ten_thousand_inputs_per_adapter(rig, adapter):
    _structural(rig, adapter, SLOW)
    _bytes(rig, adapter, SLOW)


@pytest.mark.slow
@pytest.mark.timeout(1500)
@pytest.mark.parametrize("adapter", ADAPTER_NAMES)
def test_ten_thousand_default_deny_mutations_per_adapter(rig, adapter):
    _deny(rig, adapter, 2 * SLOW)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_every_case_protects_its_valid_request(rig, case):
    """The harness itself: each valid seeded request is forwarded with every seed replaced."""
    texts = [f"note {i}: Ingrid Lindqvist, ingrid.lindqvist@fastmail.com" for i in range(TEXTS)]
    raw = case.encode(case.build(texts))
    assert seeds_in(upstream_view(raw))
    flow = run_request(rig, case, raw)
    assert flow.response is None
    assert flow.metadata[METADATA_KEY].replaced >= 2
    assert not seeds_in(upstream_view(flow.request.get_content()))
