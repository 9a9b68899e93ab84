"""`doppel demo`: the upstream sees stand-ins, the user gets the original values back."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from proxy.demo import SAMPLE_PROMPT, run_demo
from tests.e2e.conftest import assert_no_gold, make_protector

SAMPLE_GOLD = ["Maria", "Gonzalez", "maria.gonzalez@gmail.com", "415 555 0134",
               "4111 1111 1111 1111"]


async def test_demo_round_trip():
    result = await run_demo(protector=make_protector())
    assert_no_gold(result.upstream_saw + result.upstream_said, SAMPLE_GOLD)
    assert result.user_got == result.upstream_said.replace(result.upstream_saw, SAMPLE_PROMPT)
    assert SAMPLE_PROMPT in result.user_got
    assert result.replaced >= 4


def test_demo_cli_prints_both_sides():
    out = subprocess.run([str(Path(sys.executable).parent / "doppel"), "demo"],
                         capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-500:]
    assert "What the upstream (the cloud) saw" in out.stdout
    assert "reply restored exactly: yes" in out.stdout
