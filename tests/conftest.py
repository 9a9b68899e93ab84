"""Shared test fixtures. Shared evaluation data is read from ../shared/data, never copied."""
import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples every run, so `make test` (and CI) cannot turn red on a
# rare draw nobody can reproduce. HYPOTHESIS_PROFILE=explore draws fresh ones: run it while
# working on a property, and turn what it finds into an @example or a fix.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    assert SHARED_DATA.is_dir(), f"shared data not found at {SHARED_DATA}"
    return SHARED_DATA
