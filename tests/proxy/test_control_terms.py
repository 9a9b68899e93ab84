"""The user in control, through the control API and the running addon (real Detector, Protector
and Vault; a local upstream in reverse mode): own terms applied to the next request, "why" on
every replacement, "never protect this" by opaque id, and shadow mode."""
from __future__ import annotations

import json

import pytest

from detector.categories import Category
from tests.proxy.test_control_api import (GOLD, PROMPT, api, call, chat, doppel,  # noqa: F401
                                          runtime)

pytestmark = pytest.mark.timeout(120)
CLIENT = "bluebird"  # a client code name no detector layer takes for private (a plain word)


@pytest.fixture(autouse=True)
def clean_lists(runtime):
    for t in runtime.list_terms():
        runtime.remove_term(t.term)
    runtime.settings.update(shadow=False, policy={})
    yield
    runtime.settings.update(shadow=False, policy={})


def sent(upstream) -> str:
    return upstream.seen[-1].body.decode()


async def test_terms_from_the_api_apply_to_the_next_request(api, doppel, runtime):
    base, upstream = doppel
    prompt = f"{PROMPT} Our client {CLIENT} and Maria Gonzalez's sister."
    await chat(base, prompt)
    assert CLIENT in sent(upstream)

    out = await call(api, "POST", "/api/terms", {"term": CLIENT.lower(), "category": "ORG"})
    assert out == {"kind": "always", "category": "ORG", "counts": {"always": 1, "never": 0}}
    await call(api, "POST", "/api/terms", {"term": "maria gonzalez", "kind": "never"})
    terms = await call(api, "GET", "/api/terms")
    assert terms == {"always": [{"term": CLIENT.lower(), "category": "ORG"}],
                     "never": [{"term": "maria gonzalez"}]}

    status, headers, text = await chat(base, prompt)
    body = sent(upstream)
    assert status == 200 and CLIENT not in body, "always-term replaced"
    assert body.count(GOLD["PERSON"]) == 2, "never-term passes as typed (also the possessive)"
    assert GOLD["EMAIL"] not in body and GOLD["PHONE"] not in body
    assert CLIENT in json.loads(text)["choices"][0]["message"]["content"], "restored"
    event = runtime.events.recent()[-1]
    assert ("ORG", "terms", "your-always-list") in {(r.category, r.layer, r.source)
                                                      for r in event.replacements}

    out = await call(api, "POST", "/api/terms/remove", {"term": CLIENT.upper()})
    assert out["always"] == []
    await call(api, "POST", "/api/terms/remove", {"term": CLIENT}, status=404)
    await chat(base, prompt)
    assert CLIENT in sent(upstream)


@pytest.mark.parametrize("body, status", [
    ({"term": ""}, 400), ({"term": "x" * 201}, 400), ({"term": "555-0134", "kind": "sometimes"}, 400),
    ({"term": "555-0134", "kind": "never", "category": "ORG"}, 400),
    ({"term": "555-0134", "category": "PLANET"}, 400), ({"term": "555-0134", "colour": 1}, 400),
])
async def test_bad_terms_are_refused_without_echo(api, runtime, body, status):
    answer = await call(api, "POST", "/api/terms", body, status=status)
    assert "555-0134" not in json.dumps(answer)
    assert runtime.list_terms() == []


async def test_events_say_why_and_never_protect_this_works_by_id(api, doppel, runtime):
    base, upstream = doppel
    await chat(base)
    events = await call(api, "GET", "/api/events")
    last = events["events"][-1]
    assert all(v not in json.dumps(events) for v in GOLD.values()), "never the value in the list"
    why = {r["category"]: r for r in last["replacements"]}
    assert set(why) == {"PERSON", "EMAIL", "PHONE"}
    assert (why["EMAIL"]["layer"], why["EMAIL"]["source"]) == ("rules", "email/email")
    assert (why["PHONE"]["layer"], why["PHONE"]["source"]) == ("rules", "phone/valid")
    assert why["PERSON"]["layer"] in ("model", "names") and why["PERSON"]["source"]
    assert all(0 < r["score"] <= 1 and r["id"].startswith("r-") for r in why.values())

    revealed = await call(api, "POST", "/api/events/reveal", {"id": why["PHONE"]["id"]})
    assert revealed == {"value": GOLD["PHONE"]}
    out = await call(api, "POST", "/api/terms/never-from-event", {"id": why["PHONE"]["id"]})
    assert out == {"kind": "never", "category": "", "counts": {"always": 0, "never": 1}}
    assert GOLD["PHONE"] not in json.dumps(out)
    assert [t.term for t in runtime.list_terms()] == [GOLD["PHONE"]]
    await call(api, "POST", "/api/terms/never-from-event", {"id": "r-unknown"}, status=404)
    await call(api, "POST", "/api/events/reveal", {"id": "r-unknown"}, status=404)

    await chat(base)
    body = sent(upstream)
    assert GOLD["PHONE"] in body and GOLD["EMAIL"] not in body and GOLD["PERSON"] not in body


async def test_try_it_explains_each_span_and_applies_the_terms(api, runtime):
    runtime.add_term(CLIENT, "always")
    out = await call(api, "POST", "/api/try", {"text": f"{PROMPT} Ask {CLIENT}."})
    by_text = {s["text"]: s for s in out["spans"]}
    assert (by_text[GOLD["EMAIL"]]["layer"], by_text[GOLD["EMAIL"]]["source"]) == ("rules", "email/email")
    assert by_text[GOLD["EMAIL"]]["score"] > 0.5
    term = by_text[CLIENT]
    assert (term["layer"], term["source"], term["category"]) == ("terms", "your-always-list", "CUSTOM")
    assert CLIENT not in out["protected"]


async def test_shadow_mode_sends_the_original_and_records_what_it_would_replace(api, doppel, runtime):
    base, upstream = doppel
    settings = await call(api, "PATCH", "/api/settings", {"shadow": True})
    assert settings["shadow"] is True
    assert (await call(api, "GET", "/api/status"))["shadow"] is True
    mappings = runtime.vault_stats()["mappings"]

    status, headers, text = await chat(base)
    assert status == 200
    assert json.loads(sent(upstream))["messages"][0]["content"] == PROMPT, "sent unchanged"
    assert headers["x-doppel-shadow"] == "3" and "x-doppel-replaced" not in headers
    assert headers["x-doppel-categories"] == "EMAIL=1,PERSON=1,PHONE=1"
    event = runtime.events.recent()[-1]
    assert event.outcome == "shadow" and event.replaced == 3
    assert {r.category for r in event.replacements} == {"EMAIL", "PERSON", "PHONE"}
    assert runtime.vault_stats()["mappings"] == mappings, "no stand-in issued in shadow mode"

    runtime.settings.update(policy={Category.EMAIL: "block"})
    status, _, _ = await chat(base)
    assert status == 200 and json.loads(sent(upstream))["messages"][0]["content"] == PROMPT
    assert runtime.events.recent()[-1].reason == "would_block:EMAIL"

    await call(api, "PATCH", "/api/settings", {"shadow": False})
    runtime.settings.update(policy={})
    await chat(base)
    assert all(v not in sent(upstream) for v in GOLD.values()), "protected again"
