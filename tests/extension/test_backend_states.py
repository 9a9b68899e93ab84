"""The popup tells the backend's state: loading the model, running, and down (then the routing
stays in place, so chat sites fail closed instead of going out unprotected)."""
from __future__ import annotations

import pytest

from proxy.control import ControlState, create_control_app, start_control_server
from proxy.hosts import HostPolicy
from tests.extension.conftest import IMG_DIR, free_port, open_popup

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.timeout(90)]


def test_popup_says_loading_then_down_and_keeps_routing(browser, backend):
    # A second, bare control server the popup pairs with (the shared Doppel keeps running).
    port = free_port()
    state = ControlState(proxy_host="127.0.0.1", proxy_port=free_port(), mode="regular",
                         detector="fast", hosts=HostPolicy(), token="dpt_states-test")
    runner = backend.call(start_control_server(create_control_app(state), port))
    try:
        popup = open_popup(browser)
        popup.fill("#pair-code", state.pairing.issue(port).code)
        popup.click("#pair-button")
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


def test_wrong_pairing_code_is_refused(browser, backend):
    popup = open_popup(browser)
    popup.fill("#pair-code", f"{backend.control_port}-AAAA-BBBB")
    popup.click("#pair-button")
    popup.wait_for_selector("#pair-error", state="visible")
    assert "wrong, used or expired" in popup.inner_text("#pair-error")
    assert popup.get_attribute("#backend", "data-state") == "unpaired"
