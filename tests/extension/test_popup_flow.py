"""The extension in real Chromium: pair, protect a prompt on a chat page, badge and popup counts,
then switch protection off (globally, and for one site) and see the raw text go direct."""
from __future__ import annotations

import pytest

from tests.extension.conftest import CHAT_HOST, GOLD, IMG_DIR, PROMPT, badge_of, pair, send_prompt, tab_id_of

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.timeout(90)]


def proxy_setting(popup) -> dict:
    return popup.evaluate("async () => (await chrome.proxy.settings.get({})).value")


def test_protects_prompt_counts_it_and_turning_off_sends_raw(browser, backend):
    popup = pair(browser, backend)
    routing = proxy_setting(popup)
    assert routing["mode"] == "pac_script"
    assert f'"{CHAT_HOST}"' in routing["pacScript"]["data"]
    assert routing["pacScript"]["mandatory"] is True

    chat = browser.new_page()
    chat.goto(f"https://{CHAT_HOST}/")
    seen_before = len(backend.site.seen)
    reply = send_prompt(chat)

    # The cloud got stand-ins only; the page shows the real values.
    sent = backend.site.user_texts()[seen_before:]
    assert len(sent) == 1
    assert all(v not in sent[0] for v in GOLD.values()), "a real value reached the upstream"
    assert reply == f"You said: {PROMPT} Noted, {PROMPT}!"

    # Badge and popup: three values replaced in this tab, per category.
    tab = tab_id_of(popup, f"https://{CHAT_HOST}/*")
    assert badge_of(popup, tab, "3") == "3"
    popup.goto(popup.url.split("?")[0] + f"?tab={tab}")
    popup.wait_for_selector('#backend[data-state="on"]')
    assert popup.inner_text("#tab-total") == "3"
    cats = popup.locator("#tab-categories li")
    assert sorted(cats.evaluate_all("els => els.map(e => e.dataset.category)")) == \
        ["EMAIL", "PERSON", "PHONE"]
    assert popup.inner_text("#site-host") == CHAT_HOST
    assert popup.is_checked("#toggle-all") and popup.is_checked("#toggle-site")
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    popup.locator("body").screenshot(path=str(IMG_DIR / "popup.png"))

    # Off for all sites: the routing is removed and the popup says so.
    popup.click("#toggle-all")
    popup.wait_for_selector('#backend[data-state="off"]')
    assert "unprotected" in popup.inner_text("#message")
    assert proxy_setting(popup)["mode"] != "pac_script"
    assert backend.api("GET", "/api/settings")["enabled"] is False
    popup.locator("body").screenshot(path=str(IMG_DIR / "popup-off.png"))

    events_before = len(backend.events())
    reply = send_prompt(chat)
    assert backend.site.user_texts()[-1] == PROMPT, "with protection off the raw text goes"
    assert reply == f"You said: {PROMPT} Noted, {PROMPT}!"
    assert len(backend.events()) == events_before, "the request went direct, not via Doppel"


def test_site_switch_routes_only_that_host_direct(browser, backend):
    popup = pair(browser, backend)
    chat = browser.new_page()
    chat.goto(f"https://{CHAT_HOST}/")
    tab = tab_id_of(popup, f"https://{CHAT_HOST}/*")
    popup.goto(popup.url.split("?")[0] + f"?tab={tab}")
    popup.wait_for_selector('#backend[data-state="on"]')

    popup.click("#toggle-site")
    popup.wait_for_selector("#message:not([hidden])")
    assert f"off for {CHAT_HOST}" in popup.inner_text("#message")
    pac = proxy_setting(popup)["pacScript"]["data"]
    assert f'"{CHAT_HOST}"' not in pac and '"claude.ai"' in pac, "only that site goes direct"

    send_prompt(chat)
    assert backend.site.user_texts()[-1] == PROMPT

    popup.click("#toggle-site")  # back on: protected again
    popup.wait_for_selector("#message", state="hidden")
    send_prompt(chat)
    assert all(v not in backend.site.user_texts()[-1] for v in GOLD.values())
