"""Drive Debian's firefox-esr over WebDriver BiDi (its built-in remote agent), for the Firefox
extension test.

Written by hand over the `websockets` package (a test dependency already) because no registry
client fits here, measured 2026-12 with firefox-esr 153.8 and Playwright 1.65:
  - Playwright's Firefox is its own patched build (a browser download, not allowed here); its
    BiDi channel ("moz-firefox" with executable_path) launches firefox-esr but its first
    context fails: it sends emulation.setMediaFeaturesOverride, which ESR 153 does not know;
  - Selenium needs geckodriver, which Debian does not package and Selenium would download.
Firefox answers BiDi itself: `--remote-debugging-port` prints "WebDriver BiDi listening on
ws://...", and /session takes session.new directly. Only the few commands the test needs are
wrapped: every other one is one `send(method, params)`.
"""
from __future__ import annotations

import base64
import itertools
import json
import re
import subprocess
import time
from pathlib import Path

from websockets.sync.client import connect

FIREFOX = "/usr/bin/firefox-esr"
LISTENING = re.compile(r"WebDriver BiDi listening on (ws://\S+)")


class BidiError(RuntimeError):
    pass


class Firefox:
    """A headless firefox-esr with a fresh profile and one BiDi session."""

    def __init__(self, profile: Path, prefs: dict | None = None, timeout: float = 60) -> None:
        profile.mkdir(parents=True, exist_ok=True)
        (profile / "user.js").write_text("".join(
            f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in (prefs or {}).items()))
        self.proc = subprocess.Popen(
            # --remote-allow-system-access: BiDi may then open moz-extension:// pages (the
            # popup); without it the agent refuses every navigation to a privileged URL.
            [FIREFOX, "--headless", "--no-remote", "--remote-debugging-port=0",
             "--remote-allow-system-access", "--profile", str(profile)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        url = self._wait_for_url(timeout)
        self.ws = connect(url + "/session", max_size=None, open_timeout=timeout)
        self._ids = itertools.count(1)
        self.send("session.new", {"capabilities": {"alwaysMatch": {"acceptInsecureCerts": True}}})

    def _wait_for_url(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        lines = []
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            lines.append(line)
            match = LISTENING.search(line)
            if match:
                return match.group(1)
        self.proc.kill()
        raise BidiError("firefox-esr did not start its BiDi agent: " + "".join(lines[-5:]))

    def send(self, method: str, params: dict, timeout: float = 60) -> dict:
        my_id = next(self._ids)
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message.get("id") != my_id:
                continue  # an event: none subscribed, but skip whatever comes
            if message.get("type") == "error":
                raise BidiError(f"{method}: {message.get('error')}: {message.get('message')}")
            return message["result"]

    # --- the commands the test uses ---
    def install_extension(self, folder: Path) -> str:
        """Install an unpacked extension as a temporary add-on (as about:debugging does)."""
        return self.send("webExtension.install",
                         {"extensionData": {"type": "path", "path": str(folder)}})["extension"]

    def new_tab(self) -> str:
        return self.send("browsingContext.create", {"type": "tab"})["context"]

    def navigate(self, context: str, url: str) -> None:
        self.send("browsingContext.navigate", {"context": context, "url": url, "wait": "complete"})

    def evaluate(self, context: str, expression: str):
        """Run ``expression`` (awaited) in the page; its JSON-serialisable result."""
        result = self.send("script.evaluate", {
            "expression": f"(async () => JSON.stringify(await ({expression})))()",
            "target": {"context": context}, "awaitPromise": True})
        if result["type"] == "exception":
            raise BidiError(result["exceptionDetails"]["text"])
        value = result["result"].get("value")
        return None if value is None else json.loads(value)

    def wait_for(self, context: str, expression: str, timeout: float = 30):
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(context, expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise BidiError(f"timed out waiting for {expression}")
            time.sleep(0.1)

    def set_viewport(self, context: str, width: int, height: int) -> None:
        self.send("browsingContext.setViewport",
                  {"context": context, "viewport": {"width": width, "height": height}})

    def screenshot(self, context: str, path: Path) -> None:
        data = self.send("browsingContext.captureScreenshot", {"context": context})["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            self.send("browser.close", {}, timeout=10)
        except Exception:  # noqa: BLE001 - it may close the socket before it answers
            pass
        try:
            self.ws.close()
        finally:
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
