"""Google's length-prefixed framing: lengths in UTF-16 units, recomputed after every rewrite,
frames cut anywhere, malformed bodies passed on without a crash."""
from __future__ import annotations

import json

import pytest
from chunk_invariance import assert_chunk_invariant
from hypothesis import given, settings
from hypothesis import strategies as st

from proxy.sites.gemini.frames import FrameRewriter, chars_for_units, utf16_len, FramingError
from tests.fixtures.web import gemini_wire as gw


def grow(payload: str) -> str:
    """A rewrite that changes lengths by different amounts in UTF-16 and in code points."""
    return payload.replace("cat", "😀 tiger 🐯")


def run(body: bytes, rewrite=grow, step: int | None = None) -> tuple[bytes, FrameRewriter]:
    rw = FrameRewriter(rewrite)
    step = step or max(1, len(body))
    out = b"".join(rw.feed(body[i:i + step]) for i in range(0, len(body), step)) + rw.finish()
    return out, rw


@pytest.mark.parametrize("text, units", [
    ("abc", 3), ("é", 1), ("😀", 2), ("a😀b", 4), ("𝄞x", 3), ("", 0)])
def test_utf16_len_counts_like_javascript(text, units):
    assert utf16_len(text) == units == gw.js_len(text)


def test_chars_for_units_refuses_to_cut_a_surrogate_pair():
    assert chars_for_units("a😀b", 0, 3) == 2
    assert chars_for_units("a😀b", 0, 9) is None  # not complete yet
    with pytest.raises(FramingError):
        chars_for_units("a😀b", 0, 2)


@pytest.mark.parametrize("trailing_newline", [True, False])
def test_lengths_are_recomputed_after_rewriting(trailing_newline):
    body = (")]}'\n\n" + gw.frame([["wrb.fr", None, '["a cat 🎉", 1]']], trailing_newline)
            + gw.frame([["di", 12]], trailing_newline)).encode()
    out, rw = run(body)
    frames = gw.parse_frames(out.decode())  # asserts every length exactly
    assert json.loads(frames[0][0][2]) == ["a 😀 tiger 🐯 🎉", 1]
    assert frames[1] == [["di", 12]]
    assert rw.frames == 2 and rw.error is None


def test_unchanged_frames_keep_their_bytes():
    body = gw.generate_reply("plain reply 😀 without anything to change").encode()
    out, _ = run(body, rewrite=lambda p: p)
    assert out == body


def test_output_is_identical_for_every_split():
    body = gw.generate_reply("a cat 😀 and a cat again 🐈 cat", piece=4).encode()

    def whole(data: bytes) -> bytes:
        return run(data)[0]

    def streamed(chunks):
        rw = FrameRewriter(grow)
        for c in chunks:
            yield rw.feed(c)
        yield rw.finish()

    assert assert_chunk_invariant(streamed, whole, body) >= len(body)


@given(st.lists(st.text(alphabet=st.sampled_from(list("ab cat😀é\n\"\\🐯")), max_size=12),
                min_size=1, max_size=4),
       st.lists(st.integers(min_value=1, max_value=400), max_size=5))
@settings(max_examples=60, deadline=None)
def test_any_texts_any_cuts_give_exact_lengths(texts, cuts):
    body = (")]}'\n\n" + "".join(gw.frame([["wrb.fr", None, json.dumps([t])]]) for t in texts)
            ).encode()
    rw = FrameRewriter(grow)
    points = sorted({c for c in cuts if c < len(body)} | {0, len(body)})
    out = b"".join(rw.feed(body[a:b]) for a, b in zip(points, points[1:])) + rw.finish()
    frames = gw.parse_frames(out.decode())
    assert [json.loads(f[0][2])[0] for f in frames] == [t.replace("cat", "😀 tiger 🐯")
                                                        for t in texts]


@pytest.mark.parametrize("body, error", [
    (b"<html>502 Bad Gateway</html>", None),  # not this format: untouched, no error
    (b"", None),
    (b")]}'\n\nnot a length\n[1]\n", "a frame does not start with its length"),
    (b")]}'\n\n999\n[[\"wrb.fr\",null,\"a cat\"]]\n", "the body ended inside a frame"),
    (b")]}'\n\n2\n\xf0\x9f\x98\x80\n", "a frame length ends inside a character"),
])
def test_malformed_bodies_pass_through_with_a_clear_error(body, error):
    for step in (1, 3, None):
        out, rw = run(body, step=step)
        assert out == body
        assert rw.error == error


def test_frames_after_a_framing_error_pass_unchanged():
    good = gw.frame([["wrb.fr", None, '["cat"]']])
    body = (")]}'\n\n" + good + "x1\n" + good).encode()
    out, rw = run(body)
    assert out.decode().endswith("x1\n" + good)  # the rest is passed as it came
    assert "😀 tiger" in out.decode().split("x1")[0]
    assert rw.error == "a frame does not start with its length"
