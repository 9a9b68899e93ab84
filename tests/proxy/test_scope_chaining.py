"""API conversations scoped through their history (proxy/sites/scope.py, #15): resent history
finds its scope; two conversations that open alike ("hello") share nothing once one goes on;
the same through the vault, after a restart."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mitmproxy import http

from proxy.sites.openai.chat import ADAPTER as CHAT
from proxy.sites.anthropic_messages import ADAPTER as ANTHROPIC
from proxy.sites.openai.responses import ADAPTER as RESPONSES
from proxy.sites.scope import MemoryPrefixStore, PrefixScopes
from proxy.vault import Vault
from proxy.vault.db import db_path

HELLO = {"role": "user", "content": "hello"}


def turn(*messages, key="sk-a") -> http.Request:
    return http.Request.make("POST", "https://api.openai.com/v1/chat/completions",
                             json.dumps({"model": "m", "messages": list(messages)}).encode(),
                             {"content-type": "application/json", "authorization": f"Bearer {key}"})


def say(text: str, role: str = "user") -> dict:
    return {"role": role, "content": text}


@pytest.fixture
def chat():
    return CHAT.with_continuations(MemoryPrefixStore())


def test_a_conversation_keeps_one_scope_turn_after_turn(chat):
    t1 = chat.scope(turn(HELLO))
    t2 = chat.scope(turn(HELLO, say("Hi!", "assistant"), say("my doctor is Dr. Rowe")))
    t3 = chat.scope(turn(HELLO, say("Hi!", "assistant"), say("my doctor is Dr. Rowe"),
                         say("Noted.", "assistant"), say("write to her")))
    assert t1 == t2 == t3
    # a retry of the last request (the reply failed) stays too
    assert chat.scope(turn(HELLO, say("Hi!", "assistant"), say("my doctor is Dr. Rowe"),
                           say("Noted.", "assistant"), say("write to her"))) == t3


def test_two_hello_conversations_split_when_the_second_turn_differs(chat):
    a1 = chat.scope(turn(HELLO))
    b1 = chat.scope(turn(HELLO))
    assert a1 == b1  # the same request: nothing told them apart yet (and nothing was issued)
    a2 = chat.scope(turn(HELLO, say("Hi!", "assistant"), say("my doctor: rowe@clinic.example")))
    b2 = chat.scope(turn(HELLO, say("Hi!", "assistant"), say("book me a table")))
    assert a2 == a1 and b2 != a2
    # and each goes on in its own
    b3 = chat.scope(turn(HELLO, say("Hi!", "assistant"), say("book me a table"),
                         say("Where?", "assistant"), say("downtown")))
    assert b3 == b2


def test_a_new_hello_after_someone_went_on_from_it_gets_its_own_scope(chat):
    a1 = chat.scope(turn(HELLO))
    a2 = chat.scope(turn(HELLO, say("Hi!", "assistant"), say("my doctor: rowe@clinic.example")))
    c1 = chat.scope(turn(HELLO))  # another conversation (or A's first turn regenerated)
    assert a1 == a2 and c1 != a1


def test_the_scope_of_another_client_is_never_found(chat):
    assert chat.scope(turn(HELLO)) != chat.scope(turn(HELLO, key="sk-b"))


def test_every_api_adapter_scopes_through_its_history():
    for adapter, path, body in [
        (ANTHROPIC, "/v1/messages", lambda ms: {"model": "m", "max_tokens": 5, "messages": ms}),
        (RESPONSES, "/v1/responses", lambda ms: {"model": "m", "input": ms}),
    ]:
        a = adapter.with_continuations(MemoryPrefixStore())

        def scope(*ms):
            return a.scope(http.Request.make("POST", "https://api.test" + path,
                                             json.dumps(body(list(ms))).encode(),
                                             {"content-type": "application/json"}))
        s1, s2 = scope(HELLO), scope(HELLO, say("Hi!", "assistant"), say("a"))
        assert s1 == s2 != scope(HELLO, say("Hi!", "assistant"), say("b"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["hello", "hi", "a", "b"]), min_size=1, max_size=4),
                min_size=2, max_size=6))
def test_no_two_histories_that_went_on_differently_share_a_scope(conversations):
    """Any set of conversations, each sent turn by turn (a prefix at a time), interleaved: two
    requests share a scope only if one history is a prefix of the other's, as sent first."""
    scopes = PrefixScopes(MemoryPrefixStore())
    seen: dict[str, tuple] = {}
    longest = max(map(len, conversations))
    for n in range(1, longest + 1):
        for conv in conversations:
            if n <= len(conv):
                history = tuple(conv[:n])
                scope = scopes.scope_for("client", list(history))
                other = seen.setdefault(scope, history)
                assert history[:len(other)] == other or other[:len(history)] == history
                if len(history) > len(other):
                    seen[scope] = history


def test_the_vault_keeps_histories_across_a_restart(tmp_path, monkeypatch):
    monkeypatch.setenv("DOPPEL_NO_KEYRING", "1")
    with Vault.open(tmp_path) as vault:
        before = CHAT.with_continuations(vault)
        a1 = before.scope(turn(HELLO, say("Hi!", "assistant"), say("my doctor: rowe")))
    with Vault.open(tmp_path) as vault:  # a restart: nothing in memory
        after = CHAT.with_continuations(vault)
        a2 = after.scope(turn(HELLO, say("Hi!", "assistant"), say("my doctor: rowe"),
                              say("ok", "assistant"), say("more")))
        b2 = after.scope(turn(HELLO, say("Hi!", "assistant"), say("other")))
    assert a2 == a1 and b2 != a1
    raw = b"".join(f.read_bytes() for f in tmp_path.iterdir() if f.is_file())
    assert db_path(tmp_path).exists() and b"doctor" not in raw and b"hello" not in raw
