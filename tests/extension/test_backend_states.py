"""The popup tells the backend's state: loading the model, running, and down (then the routing
stays in place, so chat sites fail closed instead of going out unprotected)."""
from __future__ import annotations

import pytest

from proxy.control.server import ControlState, create_control_app, start_control_server
from proxy.mitm.hosts import HostPolicy
from tests.extension.conftest import IMG_DIR, free_port, open_popup

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.timeout(90)]


def _paired_popup(browser, state: ControlState, port: int):
    """The popup, paired with the control server of `state` on `port`."""
    popup = open_popup(browser)
    popup.fill("#pair-code", state.pairing.issue(port).code)
    popup.click("#pair-button")
    return popup


def test_popup_says_loading_then_down_and_keeps_routing(browser, backend):
    # A second, bare control server the popup pairs with (the shared Doppel keeps running).
    port = free_port()
    state = ControlState(proxy_host="127.0.0.1", proxy_port=free_port(), mode="regular",
                         detector="fast", hosts=HostPolicy(), token="dpt_states-test")
    runner = backend.call(start_control_server(create_control_app(state), port))
    try:
        popup = _paired_popup(browser, state, port)
        popup.wait_for_selector('#backend[data-state="loading"]')
        assert "loading" in popup.inner_text("#message")

        state.ready = True
        popup.reload()
        popup.wait_for_selector('#backend[data-state="on"]')
        routing = popup.evaluate("async () => (await chrome.proxy.settings.get({})).value")
        assert routing["mode"] == "pac_script"
    finally:
        backend.call(runner.cleanup())

    popup.reload()
    popup.wait_for_selector('#backend[data-state="down"]')
    assert "not running" in popup.inner_text("#message")
    assert "nothing is sent unprotected" in popup.inner_text("#message")
    assert popup.is_hidden("#toggle-all")
    assert "unavailable" in popup.inner_text("#toggle-all-label")
    routing = popup.evaluate("async () => (await chrome.proxy.settings.get({})).value")
    assert routing["mode"] == "pac_script", "down: chat hosts stay routed to Doppel (fail closed)"
    assert popup.evaluate("async () => chrome.action.getBadgeText({})") == "!"
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    popup.locator("body").screenshot(path=str(IMG_DIR / "popup-backend-down.png"))


def test_popup_says_when_the_thorough_model_cannot_help(browser, backend, tmp_path):
    """Thorough mode whose model file is broken: messages still go out, checked by the fast
    layers alone, and the popup says so instead of a plain "on"."""
    from detector.llm import EventLog as LLMEventLog
    from detector.llm import LLMLayer
    from detector.pipeline import Detector
    from detector.rules import RulesLayer
    from detector.store import InMemoryStore
    from proxy.control.events import EventLog
    from proxy.mitm.runtime import Runtime
    from proxy.settings import SettingsStore

    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"not a model at all" * 64)
    llm = LLMLayer(junk, events=LLMEventLog(), background=True)
    rt = Runtime(SettingsStore.load(tmp_path), hosts=HostPolicy(), events=EventLog(), data_dir=tmp_path,
                 store=InMemoryStore(),
                 detector_factory=lambda mode, model_path=None: Detector("thorough", layers=[RulesLayer(), llm]))
    rt.load()
    llm.load_in_background().join(60)
    port = free_port()
    state = ControlState(proxy_host="127.0.0.1", proxy_port=free_port(), mode="regular", detector="thorough",
                         hosts=rt.hosts, runtime=rt, token="dpt_llm-note-test", ready=True)
    runner = backend.call(start_control_server(create_control_app(state), port))
    try:
        popup = _paired_popup(browser, state, port)
        popup.wait_for_selector('#backend[data-state="on"]')
        popup.wait_for_selector("#message", state="visible")
        assert "thorough model could not load" in popup.inner_text("#message")
        assert popup.get_attribute("#message", "data-kind") == "warn"
    finally:
        backend.call(runner.cleanup())


def test_wrong_pairing_code_is_refused(browser, backend):
    popup = open_popup(browser)
    popup.fill("#pair-code", f"{backend.control_port}-AAAA-BBBB")
    popup.click("#pair-button")
    popup.wait_for_selector("#pair-error", state="visible")
    assert "wrong, used or expired" in popup.inner_text("#pair-error")
    assert popup.get_attribute("#backend", "data-state") == "unpaired"
