import pytest
from hypothesis import given, strategies as st

from detector.formats import SPELLED_EMAIL
from detector.rules.email import EmailRecognizer, _next_spelled
from tests.detector.rules_helpers import validated, values

R = EmailRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("write to maria.gonzalez@gmail.com today", "maria.gonzalez@gmail.com"),
    ("E-mail:\nSzaszJanka@cuvox.de\n", "SzaszJanka@cuvox.de"),
    ("<a.b+tag@sub.example.co.uk>", "a.b+tag@sub.example.co.uk"),
    ("contact: josé.núñez@correo.es.", "josé.núñez@correo.es"),
    ("my e-mail is ELENA_RUIZ@Work-Mail.io, thanks", "ELENA_RUIZ@Work-Mail.io"),
])
def test_finds_addresses(text, expected):
    assert values(R, text) == [expected]
    assert validated(R, text)[expected] is True


@pytest.mark.parametrize("text", [
    "no address here", "twitter @handle", "user@localhost", "a@b", "price is 5@3.00",
    "git@github", "npm i @scope/pkg@1.2.3", "x@.com", "john..doe@", "@decorator",
])
def test_ignores_non_addresses(text):
    assert values(R, text) == []


@given(st.from_regex(r"[a-z]{1,10}(\.[a-z0-9]{1,6})?@[a-z]{2,10}\.(com|org|de|io)", fullmatch=True))
def test_any_generated_address_is_found_whole(address):
    text = f"mail me at {address} please"
    assert values(R, text) == [address]


@pytest.mark.parametrize("text, found", [
    ("mail john.smith at example dot com today", ["john.smith at example dot com"]),
    ("john dot smith at example dot co dot uk", ["john dot smith at example dot co dot uk"]),
    ("j.doe(at)acme(dot)com", ["j.doe(at)acme(dot)com"]),
    ("j.doe [at] acme [dot] org and x { at } y { dot } de", ["j.doe [at] acme [dot] org", "x { at } y { dot } de"]),
    ("jdoe @ acme.com", ["jdoe @ acme.com"]),
    ("maria AT GMAIL DOT COM", ["maria AT GMAIL DOT COM"]),
    ("reach me at john dot smith at gmail dot com", ["john dot smith at gmail dot com"]),
    ("email: maria at acme dot com", ["maria at acme dot com"]),
    # prose: no address-like local part, no e-mail word just before, no free-mail provider
    ("look at this dot com", []), ("I met john at example.com", []), ("she is at home dot com", []),
    ("stay at home dot Then", []), ("arrived at 5.30pm", []), ("email me at home dot com", []),
])
def test_spelled_out_addresses(text, found):
    assert values(EmailRecognizer(), text) == found


@pytest.mark.parametrize("text, found", [
    ("we met at the cafe at noon at 5, so write to anna dot maria dot lopez dot garcia at example dot org",
     ["anna dot maria dot lopez dot garcia at example dot org"]),
    ("at " * 40 + "k.walsh84 at gmail dot com", ["k.walsh84 at gmail dot com"]),
])
def test_spelled_addresses_after_many_ats(text, found):
    assert values(EmailRecognizer(), text) == found


PIECES = st.sampled_from(["at", "dot", "@", ".", "[at]", "(dot)", "john", "j.doe", "gmail", "com", "uk",
                          "example", "the", "x_1", ",", "\n"])


@given(st.lists(PIECES, max_size=24), st.integers(0, 30))
def test_addresses_are_looked_for_only_near_an_at_and_none_is_missed(pieces, pos):
    # _next_spelled searches only just before each spelled "@"; it must find what a search of
    # the address pattern from every position finds.
    text = " ".join(pieces)
    pos = min(pos, len(text))
    expected = SPELLED_EMAIL.search(text, pos)
    got = _next_spelled(text, pos)
    assert (got and got.span()) == (expected and expected.span())
