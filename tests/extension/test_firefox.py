"""The extension in Debian's firefox-esr (WebDriver BiDi, tests/extension/bidi.py): installed as a
temporary add-on from the same folder Chromium loads, paired, routing a chat host through Doppel
with browser.proxy.onRequest (the prompt reaches the upstream with stand-ins, the reply comes back
restored), and a term from the context menu's handler protecting the next prompt."""
from __future__ import annotations

import json

import pytest

from tests.extension.bidi import Firefox
from tests.extension.conftest import CHAT_HOST, EXTENSION_DIR, GOLD, IMG_DIR, POPUP_SIZE, PROMPT

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"), pytest.mark.timeout(180)]

GECKO_ID = json.loads((EXTENSION_DIR / "manifest.json").read_text())[
    "browser_specific_settings"]["gecko"]["id"]
UUID = "6f1c2d3e-0d0e-4f00-9a11-d0bbe1000001"  # the extension's moz-extension:// host here
POPUP = f"moz-extension://{UUID}/popup.html"
CLIENT = "bluebird"


@pytest.fixture
def firefox(backend, tmp_path):
    backend.reset_settings()
    ff = Firefox(tmp_path / "profile", prefs={
        # A fixed internal UUID, so the test knows the popup's address.
        "extensions.webextensions.uuids": json.dumps({GECKO_ID: UUID}),
    })
    try:
        yield ff
    finally:
        ff.close()


def send_prompt(ff: Firefox, tab: str, prompt: str = PROMPT) -> str:
    ff.evaluate(tab, f"(() => {{ document.getElementById('prompt').value = {json.dumps(prompt)};"
                     " document.getElementById('send').click(); return true; })()")
    ff.wait_for(tab, "['done', 'error'].includes(document.getElementById('reply').dataset.state)")
    return ff.evaluate(tab, "document.getElementById('reply').textContent"
                            " || document.getElementById('error').textContent")


def test_extension_routes_protects_and_takes_terms_in_firefox(firefox, backend):
    assert firefox.install_extension(EXTENSION_DIR) == GECKO_ID
    popup = firefox.new_tab()
    firefox.navigate(popup, POPUP)
    firefox.wait_for(popup, "!document.getElementById('pair').hidden")
    code = backend.pairing_code()
    firefox.evaluate(popup, f"(() => {{ document.getElementById('pair-code').value = {json.dumps(code)};"
                            " document.getElementById('pair-button').click(); return true; })()")
    firefox.wait_for(popup, "document.getElementById('backend').dataset.state === 'on'")
    route = firefox.evaluate(popup, "browser.storage.local.get('route').then((r) => r.route)")
    assert CHAT_HOST in route["hosts"] and route["proxy"]["type"] == "http"

    chat = firefox.new_tab()
    firefox.navigate(chat, f"https://{CHAT_HOST}/")
    seen = len(backend.site.seen)
    reply = send_prompt(firefox, chat)
    sent = backend.site.user_texts()[seen:]
    assert len(sent) == 1, "the prompt went through Doppel to the chat site"
    assert all(v not in sent[0] for v in GOLD.values()), "a real value reached the upstream"
    assert reply == f"You said: {PROMPT} Noted, {PROMPT}!"
    assert backend.events()[-1]["outcome"] == "protected"

    # The context menu's handler (Firefox's background is an event page: reachable from the popup).
    prompt = f"Our client {CLIENT} called."
    note = firefox.evaluate(popup, "browser.runtime.getBackgroundPage().then((bg) => bg.doppel.onMenuClicked("
                                   f"{{menuItemId: 'doppel-always', selectionText: {json.dumps(CLIENT)}}}))")
    assert note["ok"] and note["counts"] == {"always": 1, "never": 0}
    reply = send_prompt(firefox, chat, prompt)
    assert CLIENT not in backend.site.user_texts()[-1] and reply.count(CLIENT) == 2

    # Badge and popup counts: the background pairs Doppel's events with the tab's requests once
    # a request completes, a moment after the page has its reply, so the test waits for them.
    tab = firefox.evaluate(popup, f"browser.tabs.query({{url: 'https://{CHAT_HOST}/*'}}).then((t) => t[0].id)")
    firefox.wait_for(popup, f"browser.action.getBadgeText({{tabId: {tab}}}).then((t) => t === '4')")
    firefox.navigate(popup, f"{POPUP}?tab={tab}")
    firefox.wait_for(popup, "document.getElementById('backend').dataset.state === 'on'")
    firefox.wait_for(popup, "document.getElementById('tab-total').textContent === '4'")
    firefox.set_viewport(popup, *POPUP_SIZE.values())
    IMG_DIR.mkdir(parents=True, exist_ok=True)
    firefox.screenshot(popup, IMG_DIR / "popup-firefox.png")
