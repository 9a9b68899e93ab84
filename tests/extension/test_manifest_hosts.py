"""The extension's manifest grants exactly the hosts the site adapters declare.

The manifest is static JSON, so it cannot import the adapters' host lists: this test is what
keeps the two in step (the badge reads Doppel's response headers through chrome.webRequest,
which needs a host permission for each chat site). Adding a site makes it fail until the
manifest has the new host's line."""
from __future__ import annotations

import json
from pathlib import Path

from proxy.hostnames import normalize_host
from proxy.sites import load_adapters

MANIFEST = Path(__file__).resolve().parents[2] / "extension" / "manifest.json"
CONTROL_SERVER = {"http://127.0.0.1/*", "http://localhost/*"}  # the extension's own backend


def test_manifest_host_permissions_are_the_adapters_hosts():
    permissions = json.loads(MANIFEST.read_text())["host_permissions"]
    chat = [p for p in permissions if p not in CONTROL_SERVER]
    granted = {normalize_host(p.removeprefix("https://").removesuffix("/*")) for p in chat}
    declared = {h for a in load_adapters() for h in a.hosts}
    assert all(p.startswith("https://") and p.endswith("/*") for p in chat), chat
    assert sorted(declared - granted) == [], "add these hosts to extension/manifest.json"
    assert sorted(granted - declared) == [], "no adapter declares these manifest hosts"
    assert CONTROL_SERVER <= set(permissions)


def test_one_manifest_serves_chromium_and_firefox():
    """Chromium runs background.service_worker (121+ ignores "scripts"), Firefox runs
    background.scripts (it refuses a service worker): the same file for both, and Firefox's
    add-on id. Both browsers load this manifest in tests/extension/ (test_firefox.py)."""
    manifest = json.loads(MANIFEST.read_text())
    background = manifest["background"]
    assert background["scripts"] == [background["service_worker"]]
    assert background["type"] == "module"
    assert int(manifest["minimum_chrome_version"]) >= 121
    assert manifest["browser_specific_settings"]["gecko"]["id"]
    assert "contextMenus" in manifest["permissions"] and "proxy" in manifest["permissions"]
