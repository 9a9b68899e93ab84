"""Proxy benchmark: time to first token added by Doppel, and restore cost per stream chunk.

``run()`` (called by `doppel bench --proxy`) measures, in one process and one run:
  - TTFT: a local OpenAI-chat upstream streams its first delta at once; a client asks for it
    directly and through Doppel (reverse mode, fast detector, in-memory store), interleaved,
    with a fresh 200-word prompt each time (so the detector's cache never helps); then again
    with a detector without layers, to separate the proxy's own cost from detection;
  - restore cost: the OpenAI chat stream rewriter (SSE parsing, JSON, restorer) over a long
    stream of small deltas, per chunk; and the detector's stream restorer alone.
Targets (issue 3): <= 30 ms added TTFT (median), <= 0.1 ms per chunk.
"""
from __future__ import annotations

import asyncio
import json
import random
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web
from mitmproxy import http

from bench.metrics import median, percentile

WORDS = ("the of and to in is for on with as at by from about our your this that plan "
         "meeting budget report draft review team project client email schedule").split()


def prompt_200_words(i: int) -> str:
    rng = random.Random(i)
    filler = " ".join(rng.choice(WORDS) for _ in range(170))
    return (f"Hi, I'm Maria Gonzalez (maria.gonzalez{i}@gmail.com, +1 415 555 {1000 + i % 9000}). "
            f"I work at Acme Insurance in Denver. {filler} Please summarise this for my manager "
            f"Tom Becker before Friday, request {i}.")


class FirstTokenUpstream:
    """Streams one delta immediately, then a few more and [DONE]."""

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/chat/completions", self.chat)

    async def start(self) -> int:
        app = web.Application(client_max_size=8 * 1024 * 1024)
        self.routes(app)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        return site._server.sockets[0].getsockname()[1]

    async def chat(self, request: web.Request) -> web.StreamResponse:
        await request.read()
        resp = web.StreamResponse(headers={"content-type": "text/event-stream"})
        await resp.prepare(request)
        for piece in ("Sure", ", here", " is the summary.", ""):
            chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
                     "choices": [{"index": 0, "delta": {"content": piece} if piece else {},
                                  "finish_reason": None if piece else "stop"}]}
            await resp.write(f"data: {json.dumps(chunk)}\n\n".encode())
        await resp.write(b"data: [DONE]\n\n")
        await resp.write_eof()
        return resp


class FirstTokenWsUpstream(FirstTokenUpstream):
    """Responses WebSocket mode: answers each response.create with its first delta at once."""

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/v1/responses", self.socket)

    async def socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for _ in ws:
            base = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
            await ws.send_str(json.dumps({"type": "response.created", "sequence_number": 0,
                                          "response": {"id": "resp_b", "status": "in_progress"}}))
            for i, piece in enumerate(("Sure", ", here", " is the summary.")):
                await ws.send_str(json.dumps({"type": "response.output_text.delta",
                                              "sequence_number": i + 1, **base, "delta": piece}))
            await ws.send_str(json.dumps({"type": "response.completed", "sequence_number": 4,
                                          "response": {"id": "resp_b", "status": "completed"}}))
        return ws


async def ws_time_to_first_token(ws: aiohttp.ClientWebSocketResponse, prompt: str) -> float:
    t0 = time.perf_counter()
    await ws.send_str(json.dumps({"type": "response.create", "model": "m", "input": prompt}))
    ttft = None
    while True:
        event = json.loads((await ws.receive(timeout=30)).data)
        if ttft is None and event["type"] == "response.output_text.delta":
            ttft = (time.perf_counter() - t0) * 1000
        if event["type"] in ("response.completed", "error"):
            if ttft is None:
                raise RuntimeError(f"no token received ({event['type']})")
            return ttft


async def measure_ws_ttft(n: int = 30, warmup: int = 3) -> dict:
    from proxy.mitm.addon import DoppelAddon
    from proxy.mitm.embedded import EmbeddedProxy
    from detector.pipeline import Detector
    from detector.protect import Protector
    from detector.store import InMemoryStore

    detector = Detector("fast")
    detector.warm()
    upstream = FirstTokenWsUpstream()
    up_port = await upstream.start()
    direct_ms, doppel_ms = [], []
    try:
        with tempfile.TemporaryDirectory() as conf:
            addon = DoppelAddon(Protector(detector, InMemoryStore()))
            async with EmbeddedProxy([addon], confdir=Path(conf), listen_host="127.0.0.1",
                                     listen_port=0,
                                     mode=[f"reverse:http://127.0.0.1:{up_port}"]) as proxy:
                auth = {"authorization": "Bearer sk-bench"}
                async with aiohttp.ClientSession() as s, \
                        s.ws_connect(f"ws://127.0.0.1:{up_port}/v1/responses", headers=auth) as d, \
                        s.ws_connect(f"ws://127.0.0.1:{proxy.port}/v1/responses",
                                     headers=auth) as v:
                    for i in range(warmup):
                        await ws_time_to_first_token(v, prompt_200_words(20_000 + i))
                        await ws_time_to_first_token(d, prompt_200_words(20_000 + i))
                    for i in range(n):
                        prompt = prompt_200_words(30_000 + i)
                        direct_ms.append(await ws_time_to_first_token(d, prompt))
                        doppel_ms.append(await ws_time_to_first_token(v, prompt))
            assert addon.stats.protected_requests == n + warmup
    finally:
        await upstream.runner.cleanup()
    added = [d - c for d, c in zip(doppel_ms, direct_ms)]
    return {"requests": n,
            "direct_ttft_ms": {"median": median(direct_ms), "p95": percentile(direct_ms, 95)},
            "added_ttft_ms": {"median": median(added), "p95": percentile(added, 95)}}


async def time_to_first_token(session: aiohttp.ClientSession, url: str, prompt: str) -> float:
    body = {"model": "m", "stream": True, "messages": [{"role": "user", "content": prompt}]}
    t0 = time.perf_counter()
    async with session.post(url, json=body, headers={"authorization": "Bearer sk-bench"}) as r:
        async for line in r.content:
            if b'"content"' in line:
                ttft = time.perf_counter() - t0
                await r.read()
                return ttft * 1000
    raise RuntimeError("no token received")


async def measure_ttft(n: int = 30, warmup: int = 3, detector=None) -> dict:
    from proxy.mitm.addon import DoppelAddon
    from proxy.mitm.embedded import EmbeddedProxy
    from detector.pipeline import Detector
    from detector.protect import Protector
    from detector.store import InMemoryStore

    if detector is None:
        detector = Detector("fast")
        detector.warm()
    protector = Protector(detector, InMemoryStore())
    upstream = FirstTokenUpstream()
    up_port = await upstream.start()
    direct_ms, doppel_ms = [], []
    try:
        with tempfile.TemporaryDirectory() as conf:
            async with EmbeddedProxy([DoppelAddon(protector)], confdir=Path(conf),
                                     listen_host="127.0.0.1", listen_port=0,
                                     mode=[f"reverse:http://127.0.0.1:{up_port}"]) as proxy:
                direct = f"http://127.0.0.1:{up_port}/v1/chat/completions"
                via = f"http://127.0.0.1:{proxy.port}/v1/chat/completions"
                async with aiohttp.ClientSession() as s:
                    for i in range(warmup):
                        await time_to_first_token(s, via, prompt_200_words(10_000 + i))
                        await time_to_first_token(s, direct, prompt_200_words(10_000 + i))
                    for i in range(n):
                        prompt = prompt_200_words(i)
                        direct_ms.append(await time_to_first_token(s, direct, prompt))
                        doppel_ms.append(await time_to_first_token(s, via, prompt))
    finally:
        await upstream.runner.cleanup()
    added = [d - c for d, c in zip(doppel_ms, direct_ms)]
    return {
        "prompt_words": len(prompt_200_words(0).split()),
        "requests": n,
        "direct_ttft_ms": {"median": median(direct_ms), "p95": percentile(direct_ms, 95)},
        "doppel_ttft_ms": {"median": median(doppel_ms), "p95": percentile(doppel_ms, 95)},
        "added_ttft_ms": {"median": median(added), "p95": percentile(added, 95)},
    }


def measure_restore_per_chunk(chunks: int = 4000) -> dict:
    """SSE chunks of 4 characters each, through the OpenAI chat rewriter with a restorer that
    knows 12 stand-ins (a realistic conversation), and the detector's stream restorer alone."""
    from detector.restore import Restorer
    from detector.store import Mapping
    from proxy.sites.base import ResponseContext
    from proxy.sites.openai.chat import ADAPTER

    pairs = [("Maria", "Elena"), ("Gonzalez", "Ruiz"), ("maria@gmail.com", "elena.ruiz@fastmail.fm"),
             ("+1 415 555 0134", "+1 415 555 0187"), ("Acme Insurance", "Birch Mutual"),
             ("Denver", "Tucson"), ("Tom", "Paul"), ("Becker", "Lindqvist"),
             ("4111 1111 1111 1111", "4556 7375 8689 9855"), ("Dr. Patel", "Dr. Okafor"),
             ("Springfield Clinic", "Harbor Health"), ("diabetes", "asthma")]
    restorer = Restorer([Mapping(real=r, standin=s, category="X") for r, s in pairs])
    text = ("Dear Elena Ruiz, thanks for writing from Tucson. Birch Mutual confirmed the claim; "
            "Paul Lindqvist will call +1 415 555 0187 about asthma at Harbor Health. ") * 60
    deltas = [text[i:i + 4] for i in range(0, 4 * chunks, 4) if text[i:i + 4]][:chunks]
    frames = [("data: " + json.dumps({"id": "c", "object": "chat.completion.chunk", "created": 0,
                                      "model": "m", "choices": [{"index": 0, "delta": {"content": d},
                                                                  "finish_reason": None}]}) + "\n\n").encode()
              for d in deltas]
    response = http.Response.make(200, b"", {"content-type": "text/event-stream"})
    rw = ADAPTER.response_rewriter(response, ResponseContext("bench", lambda scope: restorer))
    # Wall time, and this process's CPU time (steadier when other processes share the cores).
    t0, c0 = time.perf_counter(), time.process_time()
    out = b"".join(rw.feed(f) for f in frames) + rw.finish()
    rewriter_ms = (time.perf_counter() - t0) * 1000 / len(frames)
    rewriter_cpu_ms = (time.process_time() - c0) * 1000 / len(frames)
    assert b"Maria" in out
    stream = restorer.stream()
    t0, c0 = time.perf_counter(), time.process_time()
    restored = "".join(stream.feed(d) for d in deltas) + stream.flush()
    restorer_ms = (time.perf_counter() - t0) * 1000 / len(deltas)
    restorer_cpu_ms = (time.process_time() - c0) * 1000 / len(deltas)
    assert "Maria Gonzalez" in restored
    return {"chunks": len(frames), "standins": len(pairs),
            "rewriter_ms_per_chunk": rewriter_ms, "rewriter_cpu_ms_per_chunk": rewriter_cpu_ms,
            "restorer_only_ms_per_chunk": restorer_ms,
            "restorer_only_cpu_ms_per_chunk": restorer_cpu_ms}


def run() -> dict:
    """Both measurements, with the targets they are held to."""
    from detector.pipeline import Detector

    result = asyncio.run(measure_ttft())
    # The same path with a detector that has no layers: what the proxy itself adds.
    bare = asyncio.run(measure_ttft(detector=Detector(layers=[])))
    result["added_ttft_ms_without_detection"] = bare["added_ttft_ms"]
    result["responses_websocket"] = asyncio.run(measure_ws_ttft())
    result["restore"] = measure_restore_per_chunk()
    result["targets"] = {"added_ttft_median_ms": 30, "restore_ms_per_chunk": 0.1}
    return result


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
