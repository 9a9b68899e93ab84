"""proxy/files.write_private: 0600 from creation whatever the umask, whole or nothing, and
exclusive creation that never overwrites (the control token, a vault export)."""
from __future__ import annotations

import os
import stat
from concurrent.futures import ThreadPoolExecutor

import pytest

from proxy.control.auth import load_or_create_token
from proxy.files import write_private


@pytest.fixture
def loose_umask():
    old = os.umask(0o002)  # a umask that would leave a plain new file group/world-readable
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_replaces_with_mode_0600_and_leaves_no_temp_file(tmp_path, loose_umask):
    target = tmp_path / "settings.json"
    target.write_text("old, readable by others")
    os.chmod(target, 0o644)
    write_private(target, "new ✓")
    assert target.read_text("utf-8") == "new ✓" and mode(target) == 0o600
    write_private(target, b"\x00bytes")
    assert target.read_bytes() == b"\x00bytes" and mode(target) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_exclusive_never_overwrites(tmp_path, loose_umask):
    target = tmp_path / "export.json"
    write_private(target, "first", exclusive=True)
    with pytest.raises(FileExistsError):
        write_private(target, "second", exclusive=True)
    assert target.read_text() == "first" and mode(target) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["export.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path):
    target = tmp_path / "vault.key"
    target.write_text("the old key")
    with pytest.raises(TypeError):
        write_private(target, 12345)  # not text or bytes: fails after the temp file exists
    assert target.read_text() == "the old key"
    assert [p.name for p in tmp_path.iterdir()] == ["vault.key"]


def test_concurrent_first_starts_agree_on_one_whole_token(tmp_path):
    for attempt in range(20):
        folder = tmp_path / str(attempt)
        folder.mkdir()
        with ThreadPoolExecutor(8) as pool:
            tokens = set(pool.map(lambda _: load_or_create_token(folder), range(8)))
        assert len(tokens) == 1 and tokens.pop().startswith("dpt_")
        assert mode(folder / "control-token") == 0o600
