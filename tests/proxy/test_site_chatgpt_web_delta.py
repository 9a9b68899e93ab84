"""ChatGPT's delta encoding v1, op by op: whatever mix of explicit, inherited and patched appends,
replaces and truncates upstream sends, the browser's document ends with the real text, and
frames we insert never change what a later inherited frame refers to."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.protect import Protector
from detector.store import InMemoryStore
from proxy.sites.base import ResponseContext
from proxy.sites.chatgpt.delta import DeltaRewriter, is_text_path, utf16_prefix
from proxy.sites.chatgpt.web import ChatGptSseRewriter
from tests.fixtures.web import chatgpt_wire as cw
from tests.fixtures.web.flows import PROMPT, detector, leaked
from tests.fixtures.web.upstreams import TEMPLATE

SCOPE = "chatgpt-web:delta-test"
PART = "/message/content/parts/0"


@pytest.fixture(scope="module")
def protected():
    """(restorer, the reply as upstream writes it with stand-ins, the reply the user must see)."""
    protector = Protector(detector(), InMemoryStore())
    sent = protector.protect(PROMPT, SCOPE).protected
    assert leaked(sent) == []
    return protector.restorer(SCOPE), TEMPLATE.format(text=sent), TEMPLATE.format(text=PROMPT)


def sse(obj, event: str | None = "delta") -> str:
    name = f"event: {event}\n" if event else ""
    return f"{name}data: {json.dumps(obj, ensure_ascii=False)}\n\n"


def head() -> str:
    return sse('"v1"', "delta_encoding") + sse({"p": "", "o": "add", "c": 1, "v": {
        "message": {"id": "m", "author": {"role": "assistant"}, "status": "in_progress",
                    "content": {"content_type": "text", "parts": [""]}, "metadata": {}},
        "conversation_id": "cid-1"}})


def run(restorer, body: str) -> tuple[cw.Client, str]:
    rw = ChatGptSseRewriter(ResponseContext(SCOPE, lambda _: restorer))
    out = (rw.feed(body.encode()) + rw.finish()).decode()
    return cw.Client().feed(out), out


@pytest.mark.parametrize("path, expected", [
    ("/message/content/parts/0", True), ("/message/content/parts/12", True),
    ("/message/content/text", True), ("/message/content/thoughts/0/content", True),
    ("/message/metadata/title", True), ("/message/status", False), ("/message/id", False),
    ("/message/content/parts", False), ("", False), ("/message/author/role", False)])
def test_text_paths(path, expected):
    assert is_text_path(path) is expected


@pytest.mark.parametrize("text, units, expected", [
    ("a😀b", 1, "a"), ("a😀b", 2, "a"), ("a😀b", 3, "a😀"), ("a😀b", 9, "a😀b"), ("", 3, "")])
def test_utf16_prefix_never_splits_a_character(text, units, expected):
    assert utf16_prefix(text, units) == expected


@st.composite
def op_streams(draw, reply: str):
    """Frames that build `reply` at PART: appends (explicit, inherited or inside a patch),
    sometimes a truncate back to an earlier length (then the text is appended again from there),
    a replace of the whole text so far, and unrelated events in between."""
    cuts = sorted(set(draw(st.lists(st.integers(1, len(reply) - 1), max_size=25))))
    bounds = [0, *cuts, len(reply)]
    frames, last_explicit = [], False
    for a, b in zip(bounds, bounds[1:]):
        style = draw(st.sampled_from(["explicit", "inherit", "patch", "truncate", "replace",
                                      "title"]))
        piece = reply[a:b]
        if style == "truncate" and a > 0:
            back = draw(st.integers(0, a))
            units = len(reply[:back].encode("utf-16-le")) // 2
            frames.append(sse({"p": PART, "o": "truncate", "v": units}))
            piece = reply[back:b]
            style = "explicit"
        if style == "replace":
            frames.append(sse({"p": PART, "o": "replace", "v": reply[:b]}))
            last_explicit = False
            continue
        if style == "title":
            frames.append(sse({"type": "title_generation", "title": "t"}, None))
            style = "explicit"
        if style == "inherit" and last_explicit:
            frames.append(sse({"v": piece}))
        elif style == "patch":
            frames.append(sse({"p": "", "o": "patch", "v": [
                {"p": PART, "o": "append", "v": piece},
                {"p": "/message/metadata", "o": "append", "v": {"k": 1}}]}))
            last_explicit = False
            continue
        else:
            frames.append(sse({"p": PART, "o": "append", "v": piece}))
        last_explicit = True
    ending = draw(st.sampled_from(["status", "done", "none"]))
    if ending == "status":
        frames.append(sse({"p": "", "o": "patch", "v": [
            {"p": "/message/status", "o": "replace", "v": "finished_successfully"}]}))
    if ending != "none":
        frames.append("data: [DONE]\n\n")
    return "".join(frames)


@given(data=st.data())
@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_op_sequence_ends_with_the_real_text(protected, data):
    restorer, upstream_reply, real_reply = protected
    body = head() + data.draw(op_streams(upstream_reply))
    client, out = run(restorer, body)
    assert client.text(1) == real_reply
    # and the upstream's own view (no Doppel) would have shown the stand-ins
    assert cw.Client().feed(body).text(1) == upstream_reply


def test_unchanged_frames_keep_their_bytes(protected):
    restorer, _, _ = protected
    body = head() + sse({"p": PART, "o": "append", "v": "plain words"}) + sse({"v": " more"}) \
        + sse({"p": "/message/metadata", "o": "append", "v": {"x": 1}}) + "data: [DONE]\n\n"
    _, out = run(restorer, body)
    assert out == body


def test_inherited_frame_after_inserted_flushes_keeps_its_meaning(protected):
    """Two texts hold back a stand-in's start; message_stream_complete flushes both (the last
    inserted frame appends to parts/1); the next upstream frame inherits parts/0 from the last
    upstream frame, so it must go out with explicit p/o."""
    restorer, upstream_reply, _ = protected
    cut = upstream_reply.index("I noted: ") + len("I noted: Please write to ") + 3
    partial = upstream_reply[:cut]  # ends three letters into the name's stand-in
    head2 = sse('"v1"', "delta_encoding") + sse({"p": "", "o": "add", "c": 1, "v": {"message": {
        "id": "m", "author": {"role": "assistant"}, "status": "in_progress",
        "content": {"content_type": "text", "parts": ["", ""]}}}})
    body = (head2 + sse({"p": PART, "o": "append", "v": "a"})
            + sse({"p": "/message/content/parts/1", "o": "append", "v": partial})
            + sse({"p": PART, "o": "append", "v": partial})
            + sse({"type": "message_stream_complete", "conversation_id": "c"}, None)
            + sse({"v": "z"}))
    client, out = run(restorer, body)
    parts = client.messages[1]["message"]["content"]["parts"]
    assert parts == ["a" + restorer.restore(partial) + "z", restorer.restore(partial)]
    assert restorer.restore(partial) != partial[:-3] and leaked(partial) == []


def test_conversation_id_is_reported_once(protected):
    restorer, _, _ = protected
    seen = []
    rw = DeltaRewriter(restorer, on_conversation_id=seen.append)
    for name, data in cw.parse_sse(cw.delta_stream("hi", "hello")):
        rw.event(name, data)
    assert seen == [cw.CONVERSATION_ID]
