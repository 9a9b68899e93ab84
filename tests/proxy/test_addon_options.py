"""The addon's mitmproxy options: --on-error's choices come from one list (addon option,
`doppel start --on-error`, StartOptions), and a bad value set through mitmproxy is refused with
OptionsError, which mitmproxy rolls back (any other exception would leave it half applied)."""
from __future__ import annotations

import asyncio

import pytest
from mitmproxy import http
from mitmproxy.exceptions import OptionsError
from mitmproxy.test import taddons
from typer.testing import CliRunner

from proxy.cli.app import app
from proxy.cli import start as _start_command  # noqa: F401 - registers `doppel start`
from proxy.mitm.addon import ON_ERROR_CHOICES, DoppelAddon
from proxy.start import StartError, StartOptions, serve


def test_the_option_lists_its_choices_and_refuses_others_with_a_rollback():
    addon = DoppelAddon(object())
    try:
        with taddons.context(addon) as tctx:
            assert tctx.options._options["doppel_on_error"].choices == ON_ERROR_CHOICES
            tctx.configure(addon, doppel_on_error="pass")
            assert addon.on_error == "pass"
            with pytest.raises(OptionsError, match="block, pass"):
                tctx.configure(addon, doppel_on_error="maybe")
            assert tctx.options.doppel_on_error == "pass" and addon.on_error == "pass"
    finally:
        addon.done()


def test_the_constructor_start_and_the_command_line_refuse_the_same_values():
    assert ON_ERROR_CHOICES == ("block", "pass")
    with pytest.raises(ValueError, match="block, pass"):
        DoppelAddon(object(), on_error="maybe")
    with pytest.raises(StartError, match="block, pass"):
        asyncio.run(serve(StartOptions(on_error="maybe"), announce=lambda line: None))
    result = CliRunner().invoke(app, ["start", "--on-error", "maybe"])
    assert result.exit_code == 2 and "'block'" in result.output and "'pass'" in result.output


# --- no tell-tale headers towards web pages (#15) ----------------------------------------------

async def _replied(addon, adapter_url: str, body: bytes) -> http.HTTPFlow:
    from mitmproxy.test import tflow
    flow = tflow.tflow(req=http.Request.make("POST", adapter_url, body,
                                             {"content-type": "application/json"}))
    await addon.request(flow)
    flow.response = http.Response.make(200, b"{}", {"content-type": "application/json"})
    await addon.responseheaders(flow)
    return flow


@pytest.mark.parametrize("count_headers", [False, True])
async def test_counts_reach_api_clients_only_when_asked_and_web_pages_never(count_headers):
    import json as _json
    from detector.protect import Protector
    from detector.store import InMemoryStore
    from proxy.control.events import EventLog
    from proxy.mitm.addon import DoppelAddon, request_digest
    from tests.fixtures.web import chatgpt_wire as cw
    from tests.fixtures.web.flows import PROMPT, detector

    events = EventLog()
    addon = DoppelAddon(Protector(detector(), InMemoryStore()), events=events,
                        count_headers=count_headers)
    api = await _replied(addon, "https://api.openai.com/v1/chat/completions", _json.dumps(
        {"model": "m", "messages": [{"role": "user", "content": PROMPT}]}).encode())
    web = await _replied(addon, "https://chatgpt.com/backend-api/f/conversation",
                         _json.dumps(cw.turn_request(PROMPT)).encode())
    assert ("x-doppel-replaced" in api.response.headers) is count_headers
    assert not [h for h in web.response.headers if h.lower().startswith("x-doppel")]
    # the counts are in the event log, named by the request the browser sent
    last = events.recent()[-1]
    assert last.replaced == 3 and last.request == request_digest(
        "POST", "https://chatgpt.com/backend-api/f/conversation")
    addon.done()
