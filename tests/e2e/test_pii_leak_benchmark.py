"""The external `pii-leak-benchmark` suite (PyPI) against Doppel in reverse mode.

It starts its own fake OpenAI upstream (the "capture") and checks that no fixture value reaches
it and that the client gets the values back. The capture port is chosen free here (default 8765
is also Doppel's control port), and Doppel's reverse mode points at it.
"""
from __future__ import annotations

import asyncio
import json
import socket
import sys
from pathlib import Path

import pytest

from proxy.mitm.addon import DoppelAddon
from proxy.mitm.embedded import EmbeddedProxy
from tests.e2e.conftest import make_protector

BENCH = str(Path(sys.executable).parent / "pii-leak-benchmark")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def selfcheck(target: str, capture_port: int, report: Path) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        BENCH, "selfcheck", "--target-base-url", target, "--capture-port", str(capture_port),
        "--json-out", str(report), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(proc.communicate(), 240)
    return proc.returncode, out.decode()


@pytest.mark.slow
async def test_negative_control_reports_leak(tmp_path):
    """Without Doppel the suite must see the leak, or a CLEAN below would mean nothing."""
    code, out = await selfcheck("capture://self", free_port(), tmp_path / "self.json")
    assert code == 1 and "LEAK" in out


@pytest.mark.slow
async def test_doppel_reverse_mode_is_clean(tmp_path):
    capture = free_port()
    addon = DoppelAddon(make_protector())
    async with EmbeddedProxy([addon], confdir=tmp_path / "conf", listen_host="127.0.0.1",
                             listen_port=0, mode=[f"reverse:http://127.0.0.1:{capture}"]) as proxy:
        code, out = await selfcheck(f"http://127.0.0.1:{proxy.port}/v1", capture,
                                    tmp_path / "report.json")
    report = json.loads((tmp_path / "report.json").read_text())
    assert code == 0, out[-2000:]
    assert "CLEAN" in out
    assert report["passed"] is True
    assert report["checks"] and all(check["passed"] for check in report["checks"].values())
    assert addon.stats.replaced > 0
