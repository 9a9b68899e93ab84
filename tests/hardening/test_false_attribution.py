"""False attribution: a reply that holds a stand-in issued in ANOTHER conversation is left alone.

Through a real `doppel start` (the session's): conversation A protects Ingrid's values; the
cloud then answers conversation B (another first message, another client key) with A's
stand-ins in its text. B's client must see those stand-ins as they are, never A's real values
(naive reversers restore them: veilstream measured 2-32 % false attributions), while B's own
stand-ins are restored as usual.
"""
from __future__ import annotations

import json
import re

import httpx
import pytest

from tests.e2e import wire
from tests.hardening.harness import PATHS, request_body

pytestmark = pytest.mark.xdist_group("doppel-session")

A_PROMPT = "I'm Ingrid Lindqvist, mail ingrid.lindqvist@fastmail.com today."
B_PROMPT = "Hello, this is Tomasz Kowalski, write to tomasz.kowalski@proton.me please."
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def user_text_sent(up, fmt: str) -> str:
    """The last user text the upstream received (what the cloud saw)."""
    from tests.e2e.upstreams import last_user_text
    rec = up.seen[-1]
    return last_user_text(rec.path, json.loads(rec.body))


def send(session, fmt: str, prompt: str, stream: bool, key: str) -> str:
    r = httpx.post(session.url + PATHS[fmt], json=request_body(fmt, prompt, stream),
                   headers={"authorization": f"Bearer {key}"}, timeout=60, trust_env=False)
    assert r.status_code == 200, r.text[:300]
    return wire.PARSERS[fmt](r.content, stream)["text"]


@pytest.mark.parametrize("fmt", ["openai_chat", "anthropic", "openai_responses", "ollama_chat"])
@pytest.mark.parametrize("stream", [True, False])
def test_standins_of_another_conversation_are_left_alone(doppel_session, fmt, stream):
    up = doppel_session.upstream.upstream
    template = up.template
    try:
        send(doppel_session, fmt, A_PROMPT, stream, key="sk-client-a")
        a_sent = user_text_sent(up, fmt)
        a_email = EMAIL.search(a_sent).group()
        a_name = a_sent.split("I'm ", 1)[1].split(",", 1)[0]
        assert a_email != "ingrid.lindqvist@fastmail.com" and a_name != "Ingrid Lindqvist"

        # The cloud answers conversation B with A's stand-ins in it.
        up.template = "You said: {text} Also, " + a_name + " (" + a_email + ") called."
        got = send(doppel_session, fmt, B_PROMPT, stream, key="sk-client-b")
        b_sent = user_text_sent(up, fmt)
        assert "Tomasz Kowalski" not in b_sent  # B was protected too
        assert got == f"You said: {B_PROMPT} Also, {a_name} ({a_email}) called."
        assert "Ingrid" not in got and "lindqvist" not in got.lower()
    finally:
        up.template = template


def test_a_standin_of_the_same_conversation_is_restored(doppel_session):
    """The control case: the same reply in conversation A itself IS restored."""
    up = doppel_session.upstream.upstream
    template = up.template
    try:
        send(doppel_session, "openai_chat", A_PROMPT, False, key="sk-client-c")
        a_sent = user_text_sent(up, "openai_chat")
        a_email = EMAIL.search(a_sent).group()
        up.template = "You said: {text} Mail sent to " + a_email + "."
        got = send(doppel_session, "openai_chat", A_PROMPT, False, key="sk-client-c")
        assert got == f"You said: {A_PROMPT} Mail sent to ingrid.lindqvist@fastmail.com."
    finally:
        up.template = template


def chat_body(messages: list[dict], stream: bool) -> dict:
    return {"model": "m", "stream": stream, "messages": messages}


def send_chat(session, messages: list[dict], stream: bool, key: str) -> str:
    r = httpx.post(session.url + PATHS["openai_chat"], json=chat_body(messages, stream),
                   headers={"authorization": f"Bearer {key}"}, timeout=60, trust_env=False)
    assert r.status_code == 200, r.text[:300]
    return wire.PARSERS["openai_chat"](r.content, stream)["text"]


@pytest.mark.parametrize("stream", [True, False])
def test_two_hello_conversations_of_one_client_share_nothing(doppel_session, stream):
    """#15: two conversations from one client both open with "hello"; one then names a
    doctor's email. The cloud answers the other conversation's second turn with that email's
    stand-in: the client must see the stand-in, never the doctor's real address."""
    up = doppel_session.upstream.upstream
    template, key = up.template, f"sk-hello-{stream}"
    doctor = "dr.ingrid.lindqvist@fastmail.com"
    hello = {"role": "user", "content": "hello"}
    try:
        up.template = "Hi! How can I help?"
        first_a = send_chat(doppel_session, [hello], stream, key)
        first_b = send_chat(doppel_session, [hello], stream, key)
        assert first_a == first_b == "Hi! How can I help?"
        up.template = "Noted: {text}"
        a2 = [hello, {"role": "assistant", "content": first_a},
              {"role": "user", "content": f"My doctor is at {doctor}, please remember."}]
        send_chat(doppel_session, a2, stream, key)
        a_email = EMAIL.search(user_text_sent(up, "openai_chat")).group()
        assert a_email != doctor
        up.template = "Sure. By the way, " + a_email + " wrote to you."
        b2 = [hello, {"role": "assistant", "content": first_b},
              {"role": "user", "content": "Book a table for two tonight."}]
        got = send_chat(doppel_session, b2, stream, key)
        assert got == f"Sure. By the way, {a_email} wrote to you."
        assert doctor not in got
        # conversation A itself still gets its doctor's address back
        a3 = a2 + [{"role": "assistant", "content": f"Noted: {a2[-1]['content']}"},
                   {"role": "user", "content": "Who is my doctor?"}]
        assert send_chat(doppel_session, a3, stream, key) == f"Sure. By the way, {doctor} wrote to you."
    finally:
        up.template = template
