"""Fail closed: when detection raises, times out, or a known chat request cannot be read,
nothing goes upstream and the client gets a 502 JSON saying why (never echoing values)."""
from __future__ import annotations

import json
import time
from pathlib import Path

import aiohttp
import openai
import pytest

from detector.pipeline import Detector
from detector.protect import Protector
from detector.store import InMemoryStore
from proxy.mitm.addon import DoppelAddon
from proxy.mitm.embedded import EmbeddedProxy
from tests.e2e.conftest import PATHS, PROMPT, assert_no_gold, request_body, shared_detector


class CrashingLayer:
    name = "crashy"

    def find(self, text):
        raise RuntimeError("boom " + text)  # the message holds the text: it must not leak


class SlowLayer:
    name = "slow"

    def find(self, text):
        time.sleep(2.0)
        return []


async def start(upstream, protector, tmp_path: Path, **addon_kw):
    addon = DoppelAddon(protector, **addon_kw)
    proxy = EmbeddedProxy([addon], confdir=tmp_path / "conf", listen_host="127.0.0.1",
                          listen_port=0, mode=[f"reverse:{upstream.url}"])
    await proxy.start()
    return proxy, addon


async def send(proxy, path: str, data: bytes, ctype: str = "application/json"):
    async with aiohttp.ClientSession() as s:
        async with s.post(f"http://127.0.0.1:{proxy.port}{path}", data=data,
                          headers={"content-type": ctype}) as r:
            return r.status, await r.read()


def assert_blocked(status: int, body: bytes, reason: str) -> dict:
    assert status == 502
    err = json.loads(body)["error"]
    assert err["type"] == "doppel_blocked" and err["code"] == reason
    assert err["message"].startswith("Doppel blocked this request")
    assert_no_gold(err["message"])
    return err


@pytest.mark.parametrize("fmt", list(PATHS))
async def test_crashing_layer_blocks_every_format(upstream, tmp_path, fmt):
    proxy, addon = await start(upstream, Protector(Detector(layers=[CrashingLayer()]), InMemoryStore()),
                               tmp_path)
    try:
        status, body = await send(proxy, PATHS[fmt], json.dumps(request_body(fmt, PROMPT, True)).encode())
    finally:
        await proxy.stop()
    err = assert_blocked(status, body, "detection_failed")
    assert "crashy" in err["message"]
    assert upstream.seen == []  # nothing went upstream
    assert addon.stats.blocked == 1


async def test_sdk_sees_a_clear_error(upstream, tmp_path):
    proxy, _ = await start(upstream, Protector(Detector(layers=[CrashingLayer()]), InMemoryStore()),
                           tmp_path)
    client = openai.AsyncOpenAI(base_url=f"http://127.0.0.1:{proxy.port}/v1", api_key="k",
                                max_retries=0)
    try:
        with pytest.raises(openai.APIStatusError) as info:
            await client.chat.completions.create(model="m", messages=[{"role": "user", "content": PROMPT}])
    finally:
        await proxy.stop()
    assert info.value.status_code == 502
    assert "Doppel blocked this request" in str(info.value)
    assert_no_gold(str(info.value))
    assert upstream.seen == []


async def test_timeout_blocks(upstream, tmp_path):
    proxy, _ = await start(upstream, Protector(Detector(layers=[SlowLayer()]), InMemoryStore()),
                           tmp_path, detect_timeout_s=0.3)
    try:
        status, body = await send(proxy, PATHS["openai_chat"],
                                  json.dumps(request_body("openai_chat", PROMPT, False)).encode())
    finally:
        await proxy.stop()
    assert "0.3 s" in assert_blocked(status, body, "detection_timeout")["message"]
    assert upstream.seen == []


async def test_policy_block_names_the_category(upstream, tmp_path):
    protector = Protector(shared_detector(), InMemoryStore(), policy={"EMAIL": "block"})
    proxy, _ = await start(upstream, protector, tmp_path)
    try:
        status, body = await send(proxy, PATHS["anthropic"],
                                  json.dumps(request_body("anthropic", PROMPT, True)).encode())
    finally:
        await proxy.stop()
    err = assert_blocked(status, body, "policy")
    assert err["category"] == "EMAIL" and "EMAIL" in err["message"]
    assert upstream.seen == []


async def test_on_error_pass_sends_unprotected_but_is_opt_in(upstream, tmp_path):
    proxy, addon = await start(upstream, Protector(Detector(layers=[CrashingLayer()]), InMemoryStore()),
                               tmp_path, on_error="pass")
    try:
        status, _ = await send(proxy, PATHS["openai_chat"],
                               json.dumps(request_body("openai_chat", PROMPT, False)).encode())
    finally:
        await proxy.stop()
    assert status == 200
    assert addon.stats.passed_on_error == 1
    assert "Maria Gonzalez" in upstream.seen_text()  # what the user explicitly chose
    assert DoppelAddon(object()).on_error == "block"  # the default


@pytest.mark.parametrize("body, reason", [
    (b'{"model": "m", "messages": [{"role": "user", "content": "I am Maria Gonz', "unreadable_request"),
    (b"\x00\xff\xfe binary \x89PNG Maria Gonzalez", "unreadable_request"),
    (b"", "unreadable_request"),
    (b'{"model": "m", "messages": "I am Maria Gonzalez"}', "unreadable_request"),
    (b'{"model": "m", "messages": [{"role": "user", "content": 42}]}', "unreadable_request"),
    (b'{"model": "m", "messages": [{"role": "user", "content": [{"type": "text", "text": 7}]}]}',
     "unreadable_request"),
    (b'["Maria Gonzalez"]', "unreadable_request"),
])
async def test_unreadable_chat_requests_are_blocked(upstream, protector, tmp_path, body, reason):
    proxy, _ = await start(upstream, protector, tmp_path)
    try:
        status, out = await send(proxy, PATHS["openai_chat"], body)
    finally:
        await proxy.stop()
    assert_blocked(status, out, reason)
    assert upstream.seen == []


@pytest.mark.parametrize("fmt, body", [
    ("anthropic", b'{"messages": [{"role": "user", "content": {"text": "Maria Gonzalez"}}]}'),
    ("anthropic", b'{"system": 5, "messages": []}'),
    ("openai_responses", b'{"input": 12}'),
    ("openai_responses", b'{"input": [{"role": "user", "content": [{"type": "input_text", "text": null}]}]}'),
    ("ollama_chat", b'{"messages": [{"role": "user", "content": ["Maria Gonzalez"]}]}'),
    ("ollama_generate", b'{"prompt": {"text": "Maria Gonzalez"}}'),
])
async def test_wrong_types_in_known_fields(upstream, protector, tmp_path, fmt, body):
    proxy, _ = await start(upstream, protector, tmp_path)
    try:
        status, out = await send(proxy, PATHS[fmt], body)
    finally:
        await proxy.stop()
    assert_blocked(status, out, "unreadable_request")
    assert upstream.seen == []


async def test_too_large_is_blocked_not_truncated(upstream, protector, tmp_path):
    proxy, _ = await start(upstream, protector, tmp_path)
    big = "Maria Gonzalez lives here. " * 400_000  # ~10.8 MB of text
    try:
        status, out = await send(proxy, PATHS["openai_chat"], json.dumps(
            {"model": "m", "messages": [{"role": "user", "content": big}]}).encode())
    finally:
        await proxy.stop()
    assert_blocked(status, out, "request_too_large")
    assert upstream.seen == []
