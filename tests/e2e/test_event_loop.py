"""Detection runs off mitmproxy's event loop: a slow prompt does not stall other flows, and
concurrent prompts are each protected and restored correctly."""
from __future__ import annotations

import asyncio
import threading
import time

import aiohttp

from detector.pipeline import Detector
from detector.protect import Protector
from detector.store import InMemoryStore
from proxy.mitm.addon import DoppelAddon
from proxy.mitm.embedded import EmbeddedProxy
from tests.e2e.conftest import assert_no_gold, request_body


class GatedLayer:
    """Blocks detection of texts containing "SLOW" until the test opens the gate."""
    name = "gated"

    def __init__(self) -> None:
        self.gate = threading.Event()

    def find(self, text):
        if "SLOW" in text:
            self.gate.wait(10)
        return []


async def test_slow_detection_does_not_stall_other_flows(upstream, tmp_path):
    layer = GatedLayer()
    addon = DoppelAddon(Protector(Detector(layers=[layer]), InMemoryStore()))
    async with EmbeddedProxy([addon], confdir=tmp_path, listen_host="127.0.0.1", listen_port=0,
                             mode=[f"reverse:{upstream.url}"]) as proxy:
        base = f"http://127.0.0.1:{proxy.port}"
        async with aiohttp.ClientSession() as s:
            async def slow():
                async with s.post(base + "/v1/chat/completions",
                                  json=request_body("openai_chat", "SLOW prompt", False)) as r:
                    return r.status
            slow_task = asyncio.create_task(slow())
            await asyncio.sleep(0.3)  # the slow prompt is now inside detection
            t0 = time.perf_counter()
            async with s.post(base + "/v1/chat/completions",
                              json=request_body("openai_chat", "fast prompt", False)) as r:
                assert r.status == 200
            async with s.get(base + "/v1/models") as r:
                assert r.status == 200
            elapsed = time.perf_counter() - t0
            assert not slow_task.done()
            layer.gate.set()
            assert await slow_task == 200
    assert elapsed < 2.0


async def test_concurrent_prompts_are_each_protected(doppel, upstream):
    names = ["Maria Gonzalez", "John Carpenter", "Aisha Khan", "Pierre Dubois", "Li Wei",
             "Sofia Rossi", "Tom Becker", "Emma Schmidt"]
    prompts = [f"Hello, my name is {n} and my email is {n.split()[0].lower()}@gmail.com."
               for n in names]
    async with aiohttp.ClientSession() as s:
        async def one(p):
            async with s.post(doppel.url + "/v1/chat/completions",
                              json=request_body("openai_chat", p, False)) as r:
                body = await r.json()
                assert r.status == 200, (p, body["error"]["message"])
                return body["choices"][0]["message"]["content"]
        replies = await asyncio.gather(*(one(p) for p in prompts))
    for prompt, reply in zip(prompts, replies):
        assert reply == upstream.template.format(text=prompt)
    assert_no_gold(upstream.seen_text(), [f"{n.split()[0].lower()}@gmail.com" for n in names])
