"""The settings file (settings.json in the data dir) and the event log behind the control API."""
from __future__ import annotations

import json
import stat

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from detector.categories import Category
from proxy.control.events import EventLog
from proxy.settings import SETTINGS_FILE, Settings, SettingsStore

HOSTS = ["chatgpt.com", "claude.ai", "api.openai.com", "chat.doppel.test"]

settings_strategy = st.builds(
    Settings,
    enabled=st.booleans(),
    sites=st.dictionaries(st.sampled_from(HOSTS), st.booleans()),
    detector_mode=st.sampled_from(["fast", "thorough"]),
    model_path=st.none() | st.text(min_size=1, max_size=40),
    policy=st.dictionaries(st.sampled_from(list(Category)),
                           st.sampled_from(["replace", "strict", "keep", "block"])),
)


@hsettings(max_examples=40, deadline=None)
@given(chosen=settings_strategy)
def test_settings_round_trip_through_the_file(tmp_path_factory, chosen):
    folder = tmp_path_factory.mktemp("s")
    SettingsStore.load(folder).update(**chosen.model_dump())
    assert SettingsStore.load(folder).current == chosen
    assert stat.S_IMODE((folder / SETTINGS_FILE).stat().st_mode) == 0o600


@pytest.mark.parametrize("enabled,sites,host,on", [
    (True, {}, "claude.ai", True),
    (True, {"claude.ai": False}, "claude.ai", False),
    (True, {"claude.ai": False}, "CLAUDE.AI:443", False),
    (True, {"claude.ai": False}, "chatgpt.com", True),
    (False, {}, "chatgpt.com", False),
    (False, {"chatgpt.com": True}, "chatgpt.com", False),
])
def test_site_on(enabled, sites, host, on):
    assert Settings(enabled=enabled, sites=sites).site_on(host) is on


def test_policy_defaults_to_replace_and_converts_for_the_protector():
    s = Settings(policy={Category.EMAIL: "keep"})
    assert s.action("EMAIL") == "keep" and s.action("PHONE") == "replace"
    assert s.protector_policy() == {"EMAIL": "keep"}


def test_listeners_hear_changes_from_the_api_and_from_the_file(tmp_path):
    store = SettingsStore.load(tmp_path)
    heard = []
    store.subscribe(lambda old, new: heard.append((old.enabled, new.enabled)))
    store.update(enabled=False)
    assert heard == [(True, False)]
    path = tmp_path / SETTINGS_FILE
    path.write_text(json.dumps({**json.loads(path.read_text()), "enabled": True, "policy": {}}))
    assert store.current.enabled is True
    assert heard == [(True, False), (False, True)]


@pytest.mark.parametrize("content", ["{not json", json.dumps({"enabled": "perhaps"}),
                                     json.dumps({"policy": {"EMAIL": "shout"}}),
                                     json.dumps({"unknown_field": 1})])
def test_a_broken_file_keeps_the_previous_settings(tmp_path, content):
    store = SettingsStore.load(tmp_path)
    store.update(policy={Category.PHONE: "block"})
    (tmp_path / SETTINGS_FILE).write_text(content)
    assert store.current.policy == {Category.PHONE: "block"}


def test_invalid_update_changes_nothing(tmp_path):
    store = SettingsStore.load(tmp_path)
    with pytest.raises(ValueError):
        store.update(detector_mode="turbo")
    assert store.current == Settings()
    assert not (tmp_path / SETTINGS_FILE).exists()


def test_event_log_is_bounded_and_pages_by_id():
    log = EventLog(maxlen=5)
    for i in range(8):
        log.record(host="claude.ai", adapter="claude-web", conversation=f"conv-{i % 2}",
                   outcome="protected", categories={"EMAIL": 1}, replaced=1)
    events = log.recent()
    assert [e.id for e in events] == [4, 5, 6, 7, 8]
    assert [e.id for e in log.recent(after=6)] == [7, 8]
    assert [e.id for e in log.recent(limit=2)] == [7, 8]
    convs = log.conversations()
    assert sorted(c["requests"] for c in convs) == [2, 3]
    assert sum(c["categories"]["EMAIL"] for c in convs) == 5
    with pytest.raises(ValueError):
        log.record(host="h", adapter="a", conversation="c", outcome="leaked")


def test_conversation_labels_are_opaque_stable_and_per_process():
    a, b = EventLog(), EventLog()
    scope = "api:0123456789abcdef0123456789abcdef"
    assert a.label(scope) == a.label(scope) != b.label(scope)
    assert scope[4:] not in a.label(scope) and a.label("") == ""
    event = a.record(host="h", adapter="a", conversation=scope, outcome="blocked")
    assert event.conversation == a.label(scope)
