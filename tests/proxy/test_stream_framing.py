"""SSE and line framing: exact re-framing, any chunking, UTF-8 split mid character."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proxy.sites.stream import LineRewriter, SseEvent, SseRewriter, Utf8Stream, WholeBodyRewriter


def run(rewriter, data: bytes, cuts: list[int]) -> bytes:
    points = [0, *sorted(c for c in cuts if 0 < c < len(data)), len(data)]
    out = b"".join(rewriter.feed(data[a:b]) for a, b in zip(points, points[1:]))
    return out + rewriter.finish()


class Upper(SseRewriter):
    """Upper-cases the data of "msg" events, keeps everything else."""

    def on_event(self, event: SseEvent) -> list[SseEvent]:
        if event.event == "msg" and event.data is not None:
            return [event.with_data(event.data.upper())]
        return [event]


SSE = ("event: msg\nid: 7\ndata: héllo wörld ✓\n\n"
       ": ping\n\n"
       "event: other\r\ndata: keep me 😀\r\n\r\n"
       "retry: 100\rdata: a\rdata: b\r\r"
       "event: msg\ndata:line1\ndata:line2\nid: 9\n\n"
       "data: [DONE]\n\n").encode()


def test_unchanged_events_come_out_byte_for_byte():
    out = run(SseRewriter(), SSE, [])
    assert out == SSE


@pytest.mark.parametrize("cut", range(len(SSE) + 1))
def test_every_split_point_gives_the_same_bytes(cut):
    assert run(SseRewriter(), SSE, [cut]) == SSE
    assert run(Upper(), SSE, [cut]) == run(Upper(), SSE, [])


def test_rewritten_event_keeps_its_other_lines_and_style():
    out = run(Upper(), SSE, []).decode()
    assert "event: msg\nid: 7\ndata: HÉLLO WÖRLD ✓\n\n" in out
    assert "event: msg\ndata:LINE1\ndata:LINE2\nid: 9\n\n" in out  # "data:" without space kept
    assert ": ping\n\n" in out and "event: other\r\ndata: keep me 😀\r\n\r\n" in out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(SSE)), max_size=12))
def test_any_chunking_is_invariant(cuts):
    assert run(Upper(), SSE, cuts) == run(Upper(), SSE, [])
    assert run(SseRewriter(), SSE, cuts) == SSE


def test_stream_without_final_blank_line_is_kept():
    data = b"data: one\n\ndata: two"
    assert run(SseRewriter(), data, [5]) == data
    assert run(SseRewriter(), b"data: x\r", [1]) == b"data: x\r"


def test_binary_garbage_survives_unchanged():
    data = bytes(range(256)) * 4
    for cut in (1, 100, 255, 511):
        assert run(SseRewriter(), data, [cut]) == data
        assert run(LineRewriter(), data, [cut]) == data


def test_utf8_character_split_across_chunks():
    text = "€😀é"
    data = text.encode()
    u = Utf8Stream()
    got = "".join(u.decode(data[i:i + 1]) for i in range(len(data))) + u.decode(b"", True)
    assert got == text


class JsonLines(LineRewriter):
    def on_line(self, line: str) -> str:
        obj = json.loads(line) if line.startswith("{") else None
        if obj is None:
            return line
        obj["n"] += 1
        return json.dumps(obj)


NDJSON = b'{"n": 1}\n{"n": 2}\r\n\n{"n": 3}'


@pytest.mark.parametrize("cut", range(len(NDJSON) + 1))
def test_lines_any_split(cut):
    assert run(JsonLines(), NDJSON, [cut]) == b'{"n": 2}\n{"n": 3}\r\n\n{"n": 4}'
    assert run(LineRewriter(), NDJSON, [cut]) == NDJSON


def test_whole_body_rewriter_buffers_until_finish():
    class Rev(WholeBodyRewriter):
        def rewrite_text(self, text):
            return text[::-1]
    rw = Rev()
    assert rw.feed("abé".encode()[:3]) == b""
    assert rw.feed("abé".encode()[3:]) == b""
    assert rw.finish() == "éba".encode()


def test_make_builds_a_parsable_event():
    ev = SseEvent.make('{"a":1}', event="x", eol="\r\n")
    assert ev.encode() == 'event: x\r\ndata: {"a":1}\r\n\r\n'
    assert ev.event == "x" and ev.data == '{"a":1}'
