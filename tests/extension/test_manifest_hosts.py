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
