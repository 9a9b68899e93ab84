"""Load: 50 concurrent streaming conversations through a real `doppel start` subprocess for
10 s (the 60-s run with figures is `python -m bench.load`, see docs/reliability.md)."""
from __future__ import annotations

import pytest

from bench.load import LoadConfig, run
from tests.hardening.harness import WATCH

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("load")]


@pytest.mark.timeout(600)
async def test_fifty_conversations_for_ten_seconds(tmp_path):
    cfg = LoadConfig(conversations=50, duration_s=10, baseline_s=3, warmup_s=3)
    WATCH.directory(tmp_path)
    report = await run(cfg, data_dir=tmp_path / "data", log=lambda m: None,
                       on_output=lambda out: WATCH.text("doppel start under load", out))
    via = report["doppel"]
    assert via["turns"] >= 50 and via["ok"] == via["turns"], report["errors"]
    assert report["errors"] == {} and report["crossed"] == 0
    assert report["upstream_leaks"]["EMAIL"] == 0 and report["upstream_leaks"]["PHONE"] == 0
    assert report["doppel_exit_code"] == 0 and report["doppel_tracebacks"] == 0
    rss = report["rss_mb"]
    assert rss["end"] <= rss["after_warmup"] * 1.25 + 32, rss  # no runaway growth
    assert report["added_latency_ms"]["ttfb_ms"]["p95"] is not None
