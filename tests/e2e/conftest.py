"""End-to-end fixtures: a local upstream per test, Doppel (embedded mitmproxy) in front of it."""
from __future__ import annotations

from pathlib import Path

import pytest

from proxy.mitm.addon import DoppelAddon
from proxy.mitm.embedded import EmbeddedProxy
from detector.pipeline import Detector
from detector.protect import Protector
from detector.store import InMemoryStore
from tests.e2e.upstreams import Upstream

# Fictional private values, and the prompt that carries them.
GOLD = ["Maria", "Gonzalez", "maria.gonzalez@gmail.com", "+1 415 555 0134", "415 555 0134"]
PROMPT = ("Hi, I'm Maria Gonzalez. Please write to maria.gonzalez@gmail.com or call "
          "+1 415 555 0134 about my claim. Merci, café ☕.")

PATHS = {"openai_chat": "/v1/chat/completions", "openai_responses": "/v1/responses",
         "anthropic": "/v1/messages", "ollama_chat": "/api/chat", "ollama_generate": "/api/generate"}


def request_body(fmt: str, prompt: str, stream: bool) -> dict:
    if fmt == "openai_chat":
        return {"model": "m", "stream": stream, "messages": [
            {"role": "system", "content": "Be brief."}, {"role": "user", "content": prompt}]}
    if fmt == "openai_responses":
        return {"model": "m", "stream": stream, "instructions": "Be brief.", "input": [
            {"role": "user", "content": [{"type": "input_text", "text": prompt}]}]}
    if fmt == "anthropic":
        return {"model": "m", "max_tokens": 64, "stream": stream,
                "messages": [{"role": "user", "content": prompt}]}
    if fmt == "ollama_chat":
        return {"model": "m", "stream": stream, "messages": [{"role": "user", "content": prompt}]}
    return {"model": "m", "stream": stream, "prompt": prompt}


_DETECTOR: Detector | None = None


def shared_detector() -> Detector:
    """One warmed fast Detector for the whole session (spaCy loads once, ~10 s here)."""
    global _DETECTOR
    if _DETECTOR is None:
        _DETECTOR = Detector("fast")
        _DETECTOR.warm()
    return _DETECTOR


def make_protector() -> Protector:
    """The real Protector + Detector("fast") over a fresh in-memory store."""
    return Protector(shared_detector(), InMemoryStore())


@pytest.fixture
def protector() -> Protector:
    return make_protector()


@pytest.fixture
async def upstream():
    up = await Upstream().start()
    yield up
    await up.stop()


class Doppel:
    def __init__(self, proxy: EmbeddedProxy, addon: DoppelAddon) -> None:
        self.proxy = proxy
        self.addon = addon

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.proxy.port}"


@pytest.fixture
async def doppel(upstream, protector, tmp_path: Path):
    addon = DoppelAddon(protector, detect_timeout_s=20)
    proxy = EmbeddedProxy([addon], confdir=tmp_path / "conf", listen_host="127.0.0.1",
                          listen_port=0, mode=[f"reverse:{upstream.url}"])
    await proxy.start()
    yield Doppel(proxy, addon)
    await proxy.stop()


def assert_no_gold(text: str, gold=GOLD) -> None:
    leaked = [g for g in gold if g.lower() in text.lower()]
    assert not leaked, f"{len(leaked)} real values reached the upstream"
