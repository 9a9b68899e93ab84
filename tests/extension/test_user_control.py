"""The user in control, in real Chromium with the extension: a term added from the context menu
protects the next prompt, a never-term passes as typed, shadow mode sends the raw text and the
popup says so, and the settings page's "why" column names layer and rule."""
from __future__ import annotations

import pytest

from tests.extension.conftest import (CHAT_HOST, GOLD, IMG_DIR, PROMPT, badge_of, open_popup, pair,
                                      send_prompt, tab_id_of)
from tests.extension.test_settings_page import open_settings

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.timeout(120)]

CLIENT = "bluebird"  # a client code name: a plain word no detector layer takes for private
MENU_IDS = ["doppel-always", "doppel-never"]


def worker(browser):
    return browser.service_workers[0]


def select_in_prompt(chat, text: str, word: str) -> str:
    """Type ``text`` into the chat box and select ``word`` in it, as a user would before a
    right-click; returns the selection as the browser reports it."""
    chat.fill("#prompt", text)
    start = text.index(word)
    return chat.evaluate("([a, b]) => { const t = document.getElementById('prompt'); t.focus();"
                         " t.setSelectionRange(a, b);"
                         " return t.value.substring(t.selectionStart, t.selectionEnd); }",
                         [start, start + len(word)])


def click_menu(browser, menu_id: str, selection: str) -> dict:
    """What Chromium does on a click of our context menu item: call its onClicked handler with
    the selection (a headless browser cannot open the native menu itself)."""
    return worker(browser).evaluate(
        "([id, text, url]) => doppel.onMenuClicked({menuItemId: id, selectionText: text, pageUrl: url})",
        [menu_id, selection, f"https://{CHAT_HOST}/"])


def test_context_menu_terms_apply_to_the_next_prompt(browser, backend):
    popup = pair(browser, backend)
    # The two items exist (update() fails for an unknown id) and show on chat hosts only.
    assert worker(browser).evaluate("() => doppel.menuIds") == MENU_IDS
    for menu_id in MENU_IDS:
        worker(browser).evaluate("(id) => chrome.contextMenus.update(id, {}).then(() => true)", menu_id)

    chat = browser.new_page()
    chat.goto(f"https://{CHAT_HOST}/")
    prompt = f"{PROMPT} Our client {CLIENT} is waiting."
    send_prompt(chat, prompt)
    assert CLIENT in backend.site.user_texts()[-1], "not private until the user says so"

    selection = select_in_prompt(chat, prompt, CLIENT)
    note = click_menu(browser, "doppel-always", selection)
    assert note["ok"] and note["kind"] == "always" and note["counts"] == {"always": 1, "never": 0}
    assert backend.api("GET", "/api/terms")["always"] == [{"term": CLIENT, "category": "CUSTOM"}]
    reply = send_prompt(chat, prompt)
    assert CLIENT not in backend.site.user_texts()[-1], "the next prompt is protected"
    assert all(v not in backend.site.user_texts()[-1] for v in GOLD.values())
    assert reply == f"You said: {prompt} Noted, {prompt}!", "and the reply restored"

    # Never protect the person's name: it passes as typed, the rest stays protected.
    selection = select_in_prompt(chat, prompt, GOLD["PERSON"])
    assert click_menu(browser, "doppel-never", selection)["kind"] == "never"
    send_prompt(chat, prompt)
    sent = backend.site.user_texts()[-1]
    assert GOLD["PERSON"] in sent and CLIENT not in sent and GOLD["EMAIL"] not in sent

    # The popup says what the menu did, without the term.
    popup.reload()
    popup.wait_for_selector("#term-note:not([hidden])")
    note_text = popup.inner_text("#term-note")
    assert "never protect" in note_text and "1 always, 1 never" in note_text
    assert CLIENT not in note_text and GOLD["PERSON"] not in note_text


def test_shadow_mode_sends_raw_text_and_the_popup_says_so(browser, backend):
    popup = pair(browser, backend)
    settings = open_settings(browser, popup)
    settings.click("#shadow")
    settings.wait_for_selector("#shadow-banner", state="visible")
    assert backend.api("GET", "/api/status")["shadow"] is True

    chat = browser.new_page()
    chat.goto(f"https://{CHAT_HOST}/")
    reply = send_prompt(chat)
    assert backend.site.user_texts()[-1] == PROMPT, "shadow mode: the raw text goes out"
    assert reply == f"You said: {PROMPT} Noted, {PROMPT}!"
    event = backend.events()[-1]
    assert event["outcome"] == "shadow" and event["replaced"] == 3

    tab = tab_id_of(popup, f"https://{CHAT_HOST}/*")
    assert badge_of(popup, tab, "SHDW") == "SHDW"
    popup = open_popup(browser, tab)
    popup.wait_for_selector('#backend[data-state="shadow"]')
    assert popup.is_visible("#shadow-banner")
    assert "nothing is being protected" in popup.inner_text("#shadow-banner").lower()
    assert popup.inner_text("#tab-shadow") == "1" and popup.inner_text("#tab-would") == "3"
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    popup.locator("body").screenshot(path=str(IMG_DIR / "popup-shadow.png"))

    settings.wait_for_selector('#events tr[data-outcome="shadow"]')
    assert "SHADOW" in settings.locator('#events tr[data-outcome="shadow"]').first.inner_text()
    settings.click("#shadow")
    settings.wait_for_selector("#shadow-banner", state="hidden")
    send_prompt(chat)
    assert all(v not in backend.site.user_texts()[-1] for v in GOLD.values()), "protected again"


def test_why_column_reveal_and_never_protect_from_the_recent_list(browser, backend):
    popup = pair(browser, backend)
    settings = open_settings(browser, popup)
    chat = browser.new_page()
    chat.goto(f"https://{CHAT_HOST}/")
    send_prompt(chat)

    row = settings.locator(f'#events tr[data-id="{backend.events()[-1]["id"]}"]')
    row.wait_for()
    items = {i.get_attribute("data-category"): i for i in row.locator("ul.why li").all()}
    assert set(items) == {"PERSON", "EMAIL", "PHONE"}
    assert "rule · email/email" in items["EMAIL"].inner_text()
    assert "rule · phone/valid" in items["PHONE"].inner_text()
    assert items["PERSON"].get_attribute("data-layer") in ("model", "names")
    listed = settings.inner_text("#events")
    assert all(v not in listed for v in GOLD.values()), "no value in the list"

    items["EMAIL"].locator('button[data-action="reveal"]').click()
    items["EMAIL"].locator('button[data-action="reveal"]').wait_for(state="detached")
    assert GOLD["EMAIL"] in items["EMAIL"].inner_text(), "shown on an explicit click, here only"
    items["PHONE"].locator('button[data-action="never"]').click()
    settings.wait_for_selector("#events-result", state="visible")
    assert GOLD["PHONE"] not in settings.inner_text("#events-result")
    settings.wait_for_selector(f'#terms-never li[data-term="{GOLD["PHONE"]}"]')

    send_prompt(chat)
    sent = backend.site.user_texts()[-1]
    assert GOLD["PHONE"] in sent and GOLD["EMAIL"] not in sent and GOLD["PERSON"] not in sent

    # Terms from the settings page too: an always-term with a category.
    settings.fill("#term-text", CLIENT)
    settings.select_option("#term-category", "ORG")
    settings.click("#term-form button[type=submit]")
    settings.wait_for_selector(f'#terms-always li[data-term="{CLIENT}"]')
    assert "org" in settings.inner_text("#terms-always")
    send_prompt(chat, f"Ask {CLIENT} about it.")
    assert CLIENT not in backend.site.user_texts()[-1]

    # The README's picture: terms, the try-it box with its why columns, the recent list.
    settings.fill("#try-text", f"{PROMPT} Ask {CLIENT}.")
    settings.click("#try-button")
    settings.wait_for_selector("#try-result", state="visible")
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    settings.screenshot(path=str(IMG_DIR / "settings.png"), full_page=True)
