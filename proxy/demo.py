"""`doppel demo`: see Doppel work without a cloud account.

A local upstream speaks the OpenAI chat format (it streams your text back inside a sentence,
as a model quoting you would). Doppel runs in reverse mode in front of it with the real detector
and an in-memory store. One prompt with (fictional) private values goes through; the demo shows
what the upstream received and what the user got back. The sample values are made up, so
printing them is fine; nothing is written to the vault.
"""
from __future__ import annotations

import asyncio
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from aiohttp import web

from proxy.mitm.addon import DoppelAddon
from proxy.mitm.embedded import EmbeddedProxy

SAMPLE_PROMPT = ("Hi, I'm Maria Gonzalez, you can reach me at maria.gonzalez@gmail.com or "
                 "+1 415 555 0134. My card 4111 1111 1111 1111 was charged twice by Acme "
                 "Insurance. Please draft a short complaint.")


@dataclass
class DemoResult:
    prompt: str
    upstream_saw: str   # the user message as the upstream received it
    upstream_said: str  # the reply as the upstream sent it
    user_got: str       # the reply as the client received it through Doppel
    replaced: int


class EchoUpstream:
    """An OpenAI-chat-compatible server that streams the last user message back."""

    def __init__(self) -> None:
        self.saw = ""
        self.said = ""
        self.runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self.chat)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.saw = next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user")
        self.said = f"Here is a draft. \"Dear Sir or Madam, {self.saw}\" Anything else?"
        resp = web.StreamResponse(headers={"content-type": "text/event-stream"})
        await resp.prepare(request)
        for i in range(0, len(self.said), 4):
            chunk = {"id": "chatcmpl-demo", "object": "chat.completion.chunk", "created": 0,
                     "model": "echo", "choices": [{"index": 0, "delta": {"content": self.said[i:i + 4]},
                                                   "finish_reason": None}]}
            await resp.write(f"data: {json.dumps(chunk)}\n\n".encode())
        end = {"id": "chatcmpl-demo", "object": "chat.completion.chunk", "created": 0,
               "model": "echo", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        await resp.write(f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode())
        await resp.write_eof()
        return resp

    async def stop(self) -> None:
        if self.runner:
            await self.runner.cleanup()


async def stream_chat(base_url: str, prompt: str) -> str:
    """A streamed chat completion read the way an SDK does (SSE data lines)."""
    text = ""
    payload = {"model": "echo", "stream": True, "messages": [{"role": "user", "content": prompt}]}
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{base_url}/v1/chat/completions", json=payload,
                                headers={"authorization": "Bearer sk-demo"}) as resp:
            buf = ""
            async for chunk in resp.content.iter_any():
                buf += chunk.decode()
                *events, buf = buf.split("\n\n")
                for event in events:
                    data = event.removeprefix("data: ")
                    if data == "[DONE]":
                        continue
                    if resp.status != 200:
                        raise RuntimeError(f"Doppel answered {resp.status}: {event}")
                    for choice in json.loads(data)["choices"]:
                        text += choice["delta"].get("content") or ""
    return text


async def run_demo(prompt: str = SAMPLE_PROMPT, protector=None) -> DemoResult:
    if protector is None:
        from detector.pipeline import Detector
        from detector.protect import Protector
        from detector.store import InMemoryStore

        detector = Detector("fast")
        await asyncio.get_running_loop().run_in_executor(None, detector.warm)
        protector = Protector(detector, InMemoryStore())
    upstream = EchoUpstream()
    await upstream.start()
    addon = DoppelAddon(protector)
    try:
        with tempfile.TemporaryDirectory() as conf:
            async with EmbeddedProxy([addon], confdir=Path(conf), listen_host="127.0.0.1",
                                     listen_port=0, mode=[f"reverse:http://127.0.0.1:{upstream.port}"]) as proxy:
                got = await stream_chat(f"http://127.0.0.1:{proxy.port}", prompt)
    finally:
        await upstream.stop()
    return DemoResult(prompt, upstream.saw, upstream.said, got, addon.stats.replaced)


def render(result: DemoResult, console=None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    table = Table(title="Doppel demo (fictional sample values)", show_lines=True)
    table.add_column("What the upstream (the cloud) saw", ratio=1)
    table.add_column("What you got back", ratio=1)
    table.add_row(result.upstream_saw, result.prompt)
    table.add_row(result.upstream_said, result.user_got)
    console.print(table)
    same = result.user_got == result.upstream_said.replace(result.upstream_saw, result.prompt)
    console.print(f"{result.replaced} private values replaced; reply restored exactly: "
                  f"{'yes' if same else 'no'}")
