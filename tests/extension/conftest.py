"""Browser fixtures: Doppel as `doppel start` runs it, a local HTTPS chat site, and Debian's
Chromium (Playwright, headless) with the unpacked extension.

How a prompt travels here (the real path, TLS included):
  chat page https://api.openai.com/ (a built-in chat host, so the extension's PAC routes it and
  its manifest host permissions cover it; see the note below)
  -> Chromium, PAC from the extension: PROXY 127.0.0.1:<doppel> -> CONNECT api.openai.com:443
  -> Doppel's mitmproxy opens TLS with its own CA (Chromium trusts that CA's key through
     --ignore-certificate-errors-spki-list), protects the prompt, and connects upstream; the
     ``SendTo`` addon points that connection at the local chat site instead of the internet.
  With protection off the PAC is gone and Chromium goes DIRECT; --host-resolver-rules maps
  api.openai.com:443 to the local chat site, whose self-signed key is in the same SPKI list.
Why api.openai.com and not an --extra-host name: the badge pairs the site's requests, seen
through chrome.webRequest, with Doppel's events; webRequest needs a host permission for the
site, and built-in chat hosts
have one in the manifest, an extra host needs the user to grant it from a prompt a headless
test cannot click. No request leaves the machine: the resolver rule and SendTo keep it local.
"""
from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from proxy.control.auth import EXTENSION_ID, load_or_create_token
from proxy.start import READY_WORDS, StartOptions, serve
from tests.extension.chat_site import ChatSite, spki_hash_of_pem

ROOT = Path(__file__).resolve().parents[2]
EXTENSION_DIR = ROOT / "extension"
IMG_DIR = ROOT / "docs" / "img"
CHROMIUM = "/usr/bin/chromium"
CHAT_HOST = "api.openai.com"
POPUP_SIZE = {"width": 360, "height": 520}

# Fictional private values and the prompt that carries them.
GOLD = {"PERSON": "Maria Gonzalez", "EMAIL": "maria.gonzalez@gmail.com", "PHONE": "+1 415 555 0134"}
PROMPT = (f"Hi, I'm {GOLD['PERSON']}. Please write to {GOLD['EMAIL']} or call {GOLD['PHONE']} "
          "about my claim.")

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SendTo:
    """mitmproxy addon (tests only): connect to ``port`` on 127.0.0.1 whenever the upstream is
    ``host``; the request itself (Host, SNI) is left as the browser sent it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port

    def server_connect(self, data) -> None:
        if data.server.address and data.server.address[0] == self.host:
            data.server.address = ("127.0.0.1", self.port)


@dataclass
class Backend:
    """`serve()` (what `doppel start` runs) and the chat site, on one asyncio loop in a thread."""
    folder: Path
    control_port: int = field(default_factory=free_port)
    lines: list[str] = field(default_factory=list)

    def start(self) -> "Backend":
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="doppel-backend",
                                       daemon=True)
        self.thread.start()
        self.site = self.call(ChatSite(CHAT_HOST, self.folder).start())
        self.stop_event = self.call(_new_event())
        ready = threading.Event()
        opts = StartOptions(listen_port=0, data_dir=self.folder / "data",
                            control_port=self.control_port,
                            mitm_options={"ssl_insecure": True},
                            extra_addons=(SendTo(CHAT_HOST, self.site.port),))

        def announce(line: str) -> None:
            self.lines.append(line)
            if line.startswith(READY_WORDS):
                ready.set()

        self.task = asyncio.run_coroutine_threadsafe(
            serve(opts, announce=announce, stop=self.stop_event), self.loop)
        while not ready.wait(0.5):
            if self.task.done():
                self.task.result()  # raises why Doppel did not start
                raise RuntimeError("Doppel stopped during start-up")
        self.token = load_or_create_token(self.folder / "data")
        self.ca_spki = spki_hash_of_pem(self.folder / "data" / "mitmproxy" / "mitmproxy-ca-cert.pem")
        return self

    def call(self, coro, timeout: float = 60):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.stop_event.set)
        try:
            self.task.result(30)
        finally:
            self.call(self.site.stop())
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)

    # --- the control API, as a local client with the token ---
    def api(self, method: str, path: str, body: dict | None = None) -> dict:
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.control_port}{path}", method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"X-Doppel-Token": self.token, "Content-Type": "application/json"})
        with _NO_PROXY.open(req, timeout=30) as resp:
            return json.loads(resp.read())

    def pairing_code(self) -> str:
        return self.api("POST", "/api/pair/code")["code"]

    def reset_settings(self) -> None:
        self.api("PATCH", "/api/settings", {"enabled": True, "shadow": False,
                                            "sites": {CHAT_HOST: True},
                                            "policy": {"EMAIL": "replace", "PHONE": "replace",
                                                       "PERSON": "replace"}})
        terms = self.api("GET", "/api/terms")
        for t in terms["always"] + terms["never"]:
            self.api("POST", "/api/terms/remove", {"term": t["term"]})

    def events(self) -> list[dict]:
        return self.api("GET", "/api/events")["events"]


async def _new_event() -> asyncio.Event:
    return asyncio.Event()


@pytest.fixture(scope="package")
def backend(tmp_path_factory) -> Backend:
    """One Doppel for the browser tests (package scope: mitmproxy allows one per process at a
    time, so it is gone before other packages' proxies start)."""
    b = Backend(tmp_path_factory.mktemp("doppel-backend")).start()
    yield b
    b.stop()


def launch_args(backend: Backend) -> list[str]:
    ext = str(EXTENSION_DIR)
    return [
        f"--disable-extensions-except={ext}", f"--load-extension={ext}",
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--host-resolver-rules=MAP {CHAT_HOST}:443 127.0.0.1:{backend.site.port}",
        f"--ignore-certificate-errors-spki-list={backend.ca_spki},{backend.site.spki}",
    ]


@pytest.fixture
def browser(backend: Backend, tmp_path: Path):
    """A fresh Chromium profile with the extension loaded (closed after the test)."""
    from playwright.sync_api import sync_playwright

    backend.reset_settings()
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True,
            args=launch_args(backend), ignore_default_args=["--disable-extensions"],
            viewport={"width": 1100, "height": 900})
        try:
            if not context.service_workers:
                context.wait_for_event("serviceworker", timeout=15000)
            yield context
        finally:
            context.close()


def popup_url(tab_id: int | None = None) -> str:
    base = f"chrome-extension://{EXTENSION_ID}/popup.html"
    return f"{base}?tab={tab_id}" if tab_id is not None else base


def open_popup(context, tab_id: int | None = None):
    page = context.new_page()
    page.set_viewport_size(POPUP_SIZE)
    page.goto(popup_url(tab_id))
    return page


def pair(context, backend: Backend):
    """Pair through the popup with a code from the running Doppel; returns the popup page."""
    popup = open_popup(context)
    popup.wait_for_selector("#pair-code", state="visible")
    popup.fill("#pair-code", backend.pairing_code())
    popup.click("#pair-button")
    popup.wait_for_selector('#backend[data-state="on"]')
    return popup


def send_prompt(page, prompt: str = PROMPT) -> str:
    """Type ``prompt`` into the chat page, send it, wait for the reply; returns the reply text."""
    page.fill("#prompt", prompt)
    page.click("#send")
    page.wait_for_selector('#reply[data-state="done"], #reply[data-state="error"]',
                           state="attached")
    return page.inner_text("#reply") or page.inner_text("#error")


def tab_id_of(popup, url_pattern: str) -> int:
    return popup.evaluate("async (p) => (await chrome.tabs.query({url: p}))[0].id", url_pattern)


def badge_of(popup, tab_id: int, expected: str, timeout: float = 30) -> str:
    """The tab's badge text once it reads ``expected`` (or the last text read after ``timeout``):
    the background counts a request when it completes, a moment after the page has its reply.
    Polled from Python: a string wait_for_function is blocked by the extension page's CSP."""
    deadline = time.monotonic() + timeout
    while True:
        text = popup.evaluate("async (t) => chrome.action.getBadgeText({tabId: t})", tab_id)
        if text == expected or time.monotonic() > deadline:
            return text
        time.sleep(0.1)
