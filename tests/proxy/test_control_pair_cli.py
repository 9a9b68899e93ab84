"""`doppel pair`: asks the running control server for a one-time code that redeems to the token."""
from __future__ import annotations

import asyncio
import importlib
import re
import socket

import aiohttp
import pytest
from typer.testing import CliRunner

from proxy.cli import COMMAND_MODULES
from proxy.cli.app import app
from proxy.control.server import ControlState, create_control_app, start_control_server
from proxy.control.auth import EXTENSION_ID, load_or_create_token
from proxy.mitm.hosts import HostPolicy


for _module in COMMAND_MODULES:  # the whole `doppel` app, as its console script builds it
    importlib.import_module(_module)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CODE = re.compile(r"Pairing code: (\d+-[A-Z2-9]{4}-[A-Z2-9]{4})")


@pytest.fixture
async def running(tmp_path):
    token = load_or_create_token(tmp_path)
    state = ControlState(proxy_host="127.0.0.1", proxy_port=8080, mode="regular",
                         detector="fast", hosts=HostPolicy(), token=token, ready=True)
    port = free_port()
    runner = await start_control_server(create_control_app(state), port)
    yield tmp_path, port, token
    await runner.cleanup()


async def invoke(*args: str):
    # The command blocks on HTTP: run it off the loop that serves the control server.
    return await asyncio.get_running_loop().run_in_executor(
        None, lambda: CliRunner().invoke(app, ["pair", *args]))


async def test_pair_prints_a_code_that_unlocks_the_token(running):
    data_dir, port, token = running
    result = await invoke("--data-dir", str(data_dir), "--control-port", str(port))
    assert result.exit_code == 0, result.output
    assert token not in result.output
    code = CODE.search(result.output).group(1)
    assert code.startswith(f"{port}-")
    async with aiohttp.ClientSession() as s:
        async with s.post(f"http://127.0.0.1:{port}/api/pair", json={"code": code},
                          headers={"Origin": f"chrome-extension://{EXTENSION_ID}"}) as r:
            assert r.status == 200 and (await r.json())["token"] == token


async def test_pair_with_another_data_dir_says_so(running, tmp_path_factory):
    _, port, _ = running
    other = tmp_path_factory.mktemp("other")
    load_or_create_token(other)
    result = await invoke("--data-dir", str(other), "--control-port", str(port))
    assert result.exit_code == 1 and "another data dir" in result.output


@pytest.mark.parametrize("make_token", [True, False])
def test_pair_without_a_running_doppel_says_so(tmp_path, make_token):
    if make_token:
        load_or_create_token(tmp_path)
    result = CliRunner().invoke(app, ["pair", "--data-dir", str(tmp_path),
                                      "--control-port", str(free_port())])
    assert result.exit_code == 1
    assert ("not running" if make_token else "start Doppel first") in result.output
