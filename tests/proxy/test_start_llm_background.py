"""`doppel start --detector thorough`: the LLM's model loads in the background, so the proxy
serves at once with the fast layers (detector/llm/layer.py, proxy/cli/start.py)."""
from __future__ import annotations

import asyncio
import os
import signal

import aiohttp
import pytest
from typer.testing import CliRunner

import importlib

from proxy.cli import COMMAND_MODULES
from proxy.cli.app import app
from tests.e2e.conftest import PROMPT, assert_no_gold
from tests.e2e.test_start_cli import free_port, launch, wait_ready
from tests.e2e.upstreams import Upstream


for _module in COMMAND_MODULES:  # what `doppel` itself does before running the app
    importlib.import_module(_module)


@pytest.mark.parametrize(("flags", "strict"), [([], None), (["--llm-strict"], "1")])
def test_start_asks_for_a_background_load(monkeypatch, tmp_path, flags, strict):
    for name in ("DOPPEL_LLM_BACKGROUND", "DOPPEL_LLM_STRICT"):
        monkeypatch.setenv(name, "")  # registers the undo: what start sets is removed afterwards
        monkeypatch.delenv(name)
    # A bad --mode makes start stop right after reading its options (exit 2, nothing served).
    result = CliRunner().invoke(app, ["start", "--data-dir", str(tmp_path), "--mode", "sideways", *flags])
    assert result.exit_code == 2 and "--mode must be" in result.output
    assert os.environ.get("DOPPEL_LLM_BACKGROUND") == "1"
    assert os.environ.get("DOPPEL_LLM_STRICT") == strict


async def test_thorough_start_is_ready_and_protects(tmp_path):
    upstream = await Upstream().start()
    control = free_port()
    proc = await launch("--data-dir", str(tmp_path / "data"), "--listen-port", "0",
                        "--control-port", str(control), "--detector", "thorough",
                        "--mode", f"reverse:{upstream.url}")
    try:
        line = await wait_ready(proc)
        port = int(line.split("proxy 127.0.0.1:")[1].split(" ")[0])
        async with aiohttp.ClientSession() as s:
            async with s.get(f"http://127.0.0.1:{control}/health") as r:
                health = await r.json()
                assert health["ready"] is True and health["llm"] in ("loading", "ready")
            async with s.post(f"http://127.0.0.1:{port}/v1/chat/completions", json={
                    "model": "m", "messages": [{"role": "user", "content": PROMPT}]}) as r:
                assert r.status == 200
                reply = await r.json()
        assert reply["choices"][0]["message"]["content"] == upstream.template.format(text=PROMPT)
        assert_no_gold(upstream.seen_text())
        async with aiohttp.ClientSession() as s:  # the model finishes loading in the background
            for _ in range(120):
                async with s.get(f"http://127.0.0.1:{control}/health") as r:
                    if (await r.json())["llm"] == "ready":
                        break
                await asyncio.sleep(0.5)
            else:
                raise AssertionError("the LLM never reported ready on /health")
    finally:
        proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(proc.wait(), 30)
        await upstream.stop()
    assert code == 0
    assert "Maria" not in (await proc.stdout.read()).decode() + (await proc.stderr.read()).decode()
