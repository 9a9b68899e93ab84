"""ChatGPT's delta encoding v1, decoded as the page decodes it (one test per rule of its decoder,
proxy/sites/chatgpt/delta.py), and resumed streams: whatever mix of explicit, inherited and
patched appends, replaces and truncates upstream sends, the page's document ends with the real
text, and the page counts exactly the events upstream sent (it resumes from that count)."""
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
        style = draw(st.sampled_from(["explicit", "inherit", "patch", "patch-last-text",
                                      "truncate", "replace", "title"]))
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
            last_explicit = False  # a bare frame would continue the metadata append
            continue
        elif style == "patch-last-text":  # the long answers' shape: bare frames may follow
            frames.append(sse({"p": "", "o": "patch", "v": [
                {"p": "/message/metadata", "o": "append", "v": {"k": 1}},
                {"p": PART, "o": "append", "v": piece}]}))
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
    upstream_view = cw.Client().feed(body)
    assert upstream_view.text(1) == upstream_reply
    assert client.events == upstream_view.events  # rule 5: not one event more or less


def test_unchanged_frames_keep_their_bytes(protected):
    restorer, _, _ = protected
    body = head() + sse({"p": PART, "o": "append", "v": "plain words"}) + sse({"v": " more"}) \
        + sse({"p": "/message/metadata", "o": "append", "v": {"x": 1}}) + "data: [DONE]\n\n"
    _, out = run(restorer, body)
    assert out == body


def test_conversation_id_is_reported_once(protected):
    restorer, _, _ = protected
    seen = []
    rw = DeltaRewriter(restorer, on_conversation_id=seen.append)
    for name, data in cw.parse_sse(cw.delta_stream("hi", "hello")):
        rw.event(name, data)
    assert seen == [cw.CONVERSATION_ID]


# --- one test per rule of the page's decoder -----------------------------------------------------

def cut_into_name(reply: str) -> int:
    """An offset three letters into the name's stand-in (after "Please write to ")."""
    return reply.index("I noted: ") + len("I noted: Please write to ") + 3


def check(restorer, body: str, real: str, channel=1) -> cw.Client:
    client, out = run(restorer, body)
    assert client.text(channel) == real
    assert client.events == cw.Client().feed(body).events
    return client


def test_rule_1_bare_frames_continue_the_last_path_and_op(protected):
    restorer, upstream_reply, real_reply = protected
    cut = cut_into_name(upstream_reply)
    body = head() + sse({"p": PART, "o": "append", "v": upstream_reply[:cut]}) \
        + sse({"v": upstream_reply[cut:cut + 5]}) + sse({"v": upstream_reply[cut + 5:]}) \
        + "data: [DONE]\n\n"
    check(restorer, body, real_reply)


def test_rule_2_a_bare_frame_after_a_patch_continues_its_last_sub_op(protected):
    """The issue's long-answer bug: the bare frame after the batch appends to the text."""
    restorer, upstream_reply, real_reply = protected
    cut = cut_into_name(upstream_reply)
    body = head() + sse({"p": PART, "o": "append", "v": upstream_reply[:10]}) \
        + sse({"p": "", "o": "patch", "v": [
            {"p": "/message/metadata", "o": "append", "v": {"k": 1}},
            {"p": PART, "o": "append", "v": upstream_reply[10:cut]}]}) \
        + sse({"v": upstream_reply[cut:]}) + "data: [DONE]\n\n"
    check(restorer, body, real_reply)


def test_rule_3_a_bare_add_does_not_change_what_bare_frames_continue(protected):
    restorer, upstream_reply, real_reply = protected
    cut = cut_into_name(upstream_reply)
    body = sse('"v1"', "delta_encoding") \
        + sse({"p": "", "o": "add", "c": 0, "v": {"message": {
            "id": "u", "author": {"role": "user"}, "status": "finished_successfully",
            "content": {"content_type": "text", "parts": ["hi"]}}}}) \
        + sse({"p": PART, "o": "append", "v": ""}) \
        + sse({"c": 1, "v": {"message": {"id": "m", "author": {"role": "assistant"},
                                         "status": "in_progress",
                                         "content": {"content_type": "text", "parts": [""]}}}}) \
        + sse({"v": upstream_reply[:cut]}) + sse({"v": upstream_reply[cut:]}) + "data: [DONE]\n\n"
    check(restorer, body, real_reply)


def test_rule_3_a_message_without_path_adds_one_on_its_channel(protected):
    """{"c": N, "v": {message}} (and {"v": {message}}) adds; the channel is carried on."""
    restorer, upstream_reply, real_reply = protected
    events = cw.long_answer_events("hi", upstream_reply, piece=7)
    body = "".join(events)
    client = check(restorer, body, real_reply, channel=2)
    assert client.messages[1]["message"]["id"] == "ctx-1"


def test_rule_4_truncate_replace_and_remove(protected):
    restorer, upstream_reply, real_reply = protected
    cut = cut_into_name(upstream_reply)
    units = len(upstream_reply[:cut - 8].encode("utf-16-le")) // 2
    body = head() + sse({"p": PART, "o": "append", "v": upstream_reply[:cut]}) \
        + sse({"p": PART, "o": "truncate", "v": units}) \
        + sse({"p": PART, "o": "append", "v": upstream_reply[cut - 8:]}) \
        + sse({"p": "/message/metadata/x", "o": "add", "v": 1}) \
        + sse({"p": "/message/metadata/x", "o": "remove", "v": None}) + "data: [DONE]\n\n"
    check(restorer, body, real_reply)


def test_rule_5_held_tails_ride_in_the_finishing_frame_not_in_new_events(protected):
    """A stand-in's start held at the end of the answer goes out inside the status batch; a new
    message on the same channel carries the old one's tail in its place too."""
    restorer, upstream_reply, real_reply = protected
    cut = cut_into_name(upstream_reply)
    body = head() + sse({"p": PART, "o": "append", "v": upstream_reply[:cut]}) \
        + sse({"p": "/message/status", "o": "replace", "v": "finished_successfully"}) \
        + sse({"type": "message_stream_complete"}, None) + "data: [DONE]\n\n"
    client = check(restorer, body, restorer.restore(upstream_reply[:cut]))
    assert client.messages[1]["message"]["status"] == "finished_successfully"
    again = head() + sse({"p": PART, "o": "append", "v": upstream_reply[:cut]}) \
        + sse({"p": "", "o": "add", "v": {"message": {
            "id": "m2", "author": {"role": "assistant"}, "status": "in_progress",
            "content": {"content_type": "text", "parts": [""]}}}}) + "data: [DONE]\n\n"
    _, out = run(restorer, again)
    frames = [json.loads(d) for n, d in cw.parse_sse(out) if n == "delta"]
    batch = frames[-1]
    assert batch["o"] == "patch" and batch["v"][0] == {
        "p": PART, "o": "append", "v": restorer.restore(upstream_reply[:cut])[cut - 3:]}
    assert batch["v"][-1]["p"] == "" and batch["v"][-1]["o"] == "add"
    assert cw.Client().feed(out).events == cw.Client().feed(again).events


def test_rule_5_a_tail_left_at_done_goes_out_before_it(protected):
    restorer, upstream_reply, _ = protected
    cut = cut_into_name(upstream_reply)
    body = head() + sse({"p": PART, "o": "append", "v": upstream_reply[:cut]}) + "data: [DONE]\n\n"
    client, out = run(restorer, body)
    assert client.text(1) == restorer.restore(upstream_reply[:cut]) and client.done
    assert out.index('"o": "patch"') < out.index("[DONE]")


def test_a_bare_frame_after_a_batch_we_made_is_spelled_out(protected):
    """A status frame carrying a folded tail becomes a batch; the page then carries the batch's
    last sub-op, so the next bare frame (continuing upstream's op) goes out with p and o."""
    restorer, upstream_reply, _ = protected
    cut = cut_into_name(upstream_reply)
    body = head() + sse({"p": PART, "o": "append", "v": upstream_reply[:cut]}) \
        + sse({"p": "/message/status", "o": "replace", "v": "finished_successfully"}) \
        + sse({"v": "in_progress"}) + "data: [DONE]\n\n"
    client, out = run(restorer, body)
    last = [json.loads(d) for n, d in cw.parse_sse(out) if n == "delta"][-1]
    assert last == {"p": "/message/status", "o": "replace", "v": "in_progress"}
    assert client.messages[1]["message"]["status"] == "in_progress"


# --- a stream resumed in another flow --------------------------------------------------------

HEADER_EVENTS = 7  # long_answer_events' events before the first piece of text


def broken_first_stream(restorer, upstream_reply: str, piece: int = 5):
    """The turn's events, the first flow's rewriter, and the page after the stream broke off
    just after the piece that cuts the name's stand-in."""
    events = cw.long_answer_events("hi", upstream_reply, piece=piece, batch_every=4)
    upto = HEADER_EVENTS + cut_into_name(upstream_reply) // piece + 1
    ctx = ResponseContext("chatgpt-web:" + cw.CONVERSATION_ID, lambda _: restorer)
    first = ChatGptSseRewriter(ctx)
    page = cw.Client().feed((first.feed("".join(events[:upto]).encode()) + first.finish()).decode())
    return events, first, page, ctx


def test_a_resumed_stream_carries_on_the_held_tail(protected):
    restorer, upstream_reply, real_reply = protected
    events, first, page, ctx = broken_first_stream(restorer, upstream_reply)
    assert real_reply.startswith(page.text(2)) and page.text(2) != real_reply
    second = ChatGptSseRewriter(ctx, carry_on=True, offset=page.events)
    assert second.delta is first.delta  # the same turn goes on
    out = second.feed(resume_body(events, page.events).encode()) + second.finish()
    page.feed(out.decode())
    assert page.text(2) == real_reply and page.done


def test_a_resume_from_another_offset_starts_afresh(protected):
    """Offset 0 (a reload) replays the turn; an offset the first flow did not stop at means
    events were lost on the way: neither may continue the first flow's state."""
    restorer, upstream_reply, real_reply = protected
    events, first, page, ctx = broken_first_stream(restorer, upstream_reply)
    replay = ChatGptSseRewriter(ctx, carry_on=True, offset=0)
    assert replay.delta is not first.delta
    again = cw.Client().feed((replay.feed(resume_body(events, 0).encode()) + replay.finish())
                             .decode())
    assert again.text(2) == real_reply
    lost = ChatGptSseRewriter(ctx, carry_on=True, offset=page.events - 1)
    assert lost.delta is not first.delta


def resume_body(events: list[str], offset: int) -> str:
    return "".join(cw.resume_events(events, offset))
