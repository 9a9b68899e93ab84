"""The settings page in real Chromium: opened from the popup, a policy change that the next
request through Doppel follows, the "try it" box, the live list and the vault stats."""
from __future__ import annotations

import pytest

from tests.extension.conftest import CHAT_HOST, GOLD, PROMPT, pair, send_prompt

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.timeout(90)]


def open_settings(browser, popup):
    with browser.expect_page() as opened:
        popup.click("#settings-link")
    page = opened.value
    page.wait_for_selector("#app", state="visible")
    return page


def test_policy_change_is_followed_by_the_next_request(browser, backend):
    popup = pair(browser, backend)
    settings = open_settings(browser, popup)
    assert "#token=" not in settings.url, "the token must leave the address bar"
    assert settings.is_checked(f'input[data-host="{CHAT_HOST}"]')

    settings.select_option('select[data-category="EMAIL"]', "keep")
    settings.wait_for_selector("#policy-saved", state="visible")
    assert backend.api("GET", "/api/settings")["policy"]["EMAIL"] == "keep"

    chat = browser.new_page()
    chat.goto(f"https://{CHAT_HOST}/")
    reply = send_prompt(chat)
    sent = backend.site.user_texts()[-1]
    assert GOLD["EMAIL"] in sent, "EMAIL is kept now"
    assert GOLD["PERSON"] not in sent and GOLD["PHONE"] not in sent
    assert reply == f"You said: {PROMPT} Noted, {PROMPT}!"

    # Block PERSON: the next request is refused and nothing reaches the cloud.
    settings.select_option('select[data-category="PERSON"]', "block")
    settings.wait_for_selector("#policy-saved", state="visible")
    count = len(backend.site.seen)
    send_prompt(chat)
    assert "PERSON" in chat.inner_text("#error") and "Nothing was sent" in chat.inner_text("#error")
    assert len(backend.site.seen) == count

    # The live list shows both requests (counts and categories, no values).
    settings.wait_for_selector('#events tr[data-outcome="blocked"]')
    protected = settings.locator('#events tr[data-outcome="protected"]').first.inner_text()  # newest first
    assert "person 1" in protected and "phone 1" in protected and "email" not in protected
    events_text = settings.inner_text("#events")
    assert all(v not in events_text for v in GOLD.values())
    assert "stand-ins in" in settings.inner_text("#vault-stats")


def test_try_it_box_shows_spans_and_stand_ins(browser, backend):
    popup = pair(browser, backend)
    settings = open_settings(browser, popup)
    settings.select_option('select[data-category="PHONE"]', "keep")
    settings.wait_for_selector("#policy-saved", state="visible")

    settings.fill("#try-text", PROMPT)
    settings.click("#try-button")
    settings.wait_for_selector("#try-result", state="visible")
    rows = {r.get_attribute("data-category"): r.locator("td").all_inner_texts()
            for r in settings.locator("#try-spans tr").all()}
    assert set(rows) == {"PERSON", "EMAIL", "PHONE"}
    found, _, layer, source, confidence, action, standin = rows["PERSON"]
    assert found == GOLD["PERSON"] and action == "replace" and standin not in ("—", GOLD["PERSON"])
    assert source.startswith(("model:", "cue:")) and 0 < float(confidence) <= 1
    assert rows["EMAIL"][2:4] == ["rules", "email/email"] and float(rows["EMAIL"][4]) > 0.5
    assert rows["PHONE"][5] == "keep" and rows["PHONE"][6] == "—"
    protected = settings.inner_text("#try-protected")
    assert GOLD["PHONE"] in protected and GOLD["EMAIL"] not in protected
    assert standin in protected
