"""Restoring replies: only this conversation's stand-ins, in the forms models write them,
identical whole or streamed in any split."""
import time

import pytest
from chunk_invariance import assert_chunk_invariant, per_chunk
from chunk_invariance.strategies import splits_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.restore import Restorer
from detector.store import Mapping

MAPPINGS = [
    Mapping("Maria", "Elena", "PERSON"), Mapping("Gonzalez", "Ruiz", "PERSON"),
    Mapping("maria.gonzalez@acme-corp.com", "elena.ruiz@harlow-labs.com", "EMAIL"),
    Mapping("type 2 diabetes", "chronic asthma", "HEALTH"), Mapping("38k", "21k", "FINANCE"),
    Mapping("+1 415-555-2671", "+1 464-418-8471", "PHONE"), Mapping("Napco", "Harlow", "ORG"),
    Mapping("sara", "lena", "PERSON"),
]
R = Restorer(MAPPINGS)


@pytest.mark.parametrize("reply, restored", [
    ("Dear Elena Ruiz,", "Dear Maria Gonzalez,"),
    ("ELENA RUIZ", "MARIA GONZALEZ"),
    ("elena ruiz", "maria gonzalez"),
    ("Elena's plan", "Maria's plan"),
    ("Elena’s plan", "Maria’s plan"),
    ("Thanks, Ms. Ruiz.", "Thanks, Ms. Gonzalez."),
    ("Hi Elena!", "Hi Maria!"),
    ("Elena\nRuiz", "Maria\nGonzalez"),
    ("living with chronic\n  asthma", "living with type 2 diabetes"),
    ("CHRONIC ASTHMA", "TYPE 2 DIABETES"),
    ("Chronic asthma is", "Type 2 diabetes is"),
    ("write to elena.ruiz@harlow-labs.com today", "write to maria.gonzalez@acme-corp.com today"),
    ("elena.ruiz is the handle", "maria.gonzalez is the handle"),
    ("you earn 21k a year", "you earn 38k a year"),
    ("call +1 464-418-8471.", "call +1 415-555-2671."),
    ("Lena and lena and LENA", "Sara and sara and SARA"),
    ("Harlow-based", "Napco-based"),
])
def test_variants_models_write(reply, restored):
    assert R.restore(reply) == restored


@pytest.mark.parametrize("reply", [
    "Elenas and Ruizes", "Helena Ruizy", "elena_ruiz", "21kg of flour", "x21k", "Harlowe",
    "chronic", "asthma", "+1 464-418-84712",
])
def test_no_match_inside_words_or_on_fragments(reply):
    assert R.restore(reply) == reply


def test_false_attribution_other_conversation_left_alone():
    a = Restorer([Mapping("Maria", "Elena", "PERSON")])
    b = Restorer([Mapping("Tom", "Felix", "PERSON")])
    reply_in_b = "Elena and Felix met."
    assert b.restore(reply_in_b) == "Elena and Tom met."
    assert a.restore("Felix and Elena") == "Felix and Maria"


def test_longest_stand_in_wins():
    r = Restorer([Mapping("Maria", "Elena", "PERSON"), Mapping("Maria's Bakery", "Elena Bakes", "ORG")])
    assert r.restore("Elena Bakes and Elena") == "Maria's Bakery and Maria"


@pytest.mark.parametrize("text, expected", [
    ("", ""),
    ("👩‍👩‍👧 Elena 🇪🇸", "👩‍👩‍👧 Maria 🇪🇸"),
    ("e\u0301lena Elena\u0301 Elena", "e\u0301lena Elena\u0301 Maria"),  # decomposed é is part of the word
    ("مرحبا Elena שלום", "مرحبا Maria שלום"),
    ("\u202eElena\u202c", "\u202eMaria\u202c"),
    ("Elena\x00Ruiz", "Maria\x00Gonzalez"),
    ("ﬁ Elena ß ẞ", "ﬁ Maria ß ẞ"),
    ("\r\nElena\r\n", "\r\nMaria\r\n"),
    ("Ⅻ ① lena", "Ⅻ ① sara"),
])
def test_bad_input_byte_exact(text, expected):
    assert R.restore(text).encode("utf-8") == expected.encode("utf-8")
    assert "".join(stream_all(list(text))).encode("utf-8") == expected.encode("utf-8")
    # Nothing to restore: exactly the same bytes come back.
    plain = text.replace("Elena", "Xyzzy").replace("lena", "xyzq").replace("Ruiz", "Qwrt")
    assert R.restore(plain).encode("utf-8") == plain.encode("utf-8")


def test_combining_mark_after_stand_in_is_part_of_the_word():
    assert R.restore("Elena\u0301") == "Elena\u0301"  # "Eléna" is a different word


def test_empty_restorer_is_identity():
    r = Restorer([])
    assert r.restore("Elena Ruiz") == "Elena Ruiz"
    s = r.stream()
    assert s.feed("Elena ") + s.feed("Ruiz") + s.flush() == "Elena Ruiz"


def stream_all(chunks, restorer=R):
    s = restorer.stream()
    out = [s.feed(c) for c in chunks]
    out.append(s.flush())
    return out


def test_stream_emits_early_and_holds_only_a_possible_start():
    s = R.stream()
    assert s.feed("Hello there, ") == "Hello there, "
    assert s.feed("Ele") == ""  # could be Elena
    assert s.feed("nor is here") == "Elenor is here"
    assert s.feed(" Elena") == " "
    assert s.feed(" and") == ""  # the next word decides whether the name is a reference
    assert s.feed(" so") == "Maria and so"
    assert s.flush() == ""


REPLY = ("Dear Elena Ruiz, about ELENA's chronic\nasthma: Ms. Ruiz earns 21k. Write to "
         "elena.ruiz@harlow-labs.com or call +1 464-418-8471. Elenas, lena. Harlow")


def test_every_two_part_split_is_invariant():
    assert_chunk_invariant(stream_all, R.restore, REPLY, splits="all-two-part")


def test_every_three_part_split_of_a_short_reply():
    assert_chunk_invariant(stream_all, R.restore, "Elena Ruiz, lena 21k", splits=3)


def test_per_char_stream_equals_whole():
    assert "".join(stream_all(list(REPLY))) == R.restore(REPLY)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(splits_of(REPLY))
def test_random_splits_of_a_reply(chunks):
    assert_chunk_invariant(stream_all, R.restore, "".join(chunks), splits=[chunks])


# Replies built from stand-ins, their fragments, case and whitespace variants, and noise.
_PIECES = st.sampled_from([
    "Elena", "ELENA", "elena", "Elen", "Ruiz", "Elena Ruiz", "Elena\n\tRuiz", "Elena  ", "chronic",
    "chronic asthma", "chronic \n asthma", "asthma", "21k", "21", "k", "+1 464-418-8471", "+1 464",
    "elena.ruiz@harlow-labs.com", "elena.ruiz@", "Harlow", "lena", "'s", " ", "\n", ".", "-", "_",
    "x", "é", "👍", "\u0301", "ſ", "K",
])
_REPLIES = st.lists(_PIECES, max_size=14).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_random_replies_chunk_invariant(data):
    text = data.draw(_REPLIES)
    chunks = data.draw(splits_of(text))
    assert_chunk_invariant(stream_all, R.restore, text, splits=[chunks])


@settings(max_examples=100, deadline=None)
@given(_REPLIES.filter(lambda t: len(t) <= 40))
def test_random_replies_all_two_part_splits(text):
    assert_chunk_invariant(stream_all, R.restore, text, splits="all-two-part")


def test_per_chunk_adapter_agrees():
    # The same check through the package's per_chunk adapter (state per stream).
    filt = per_chunk(lambda chunk, s: s.feed(chunk), state=R.stream, flush=lambda s: s.flush())
    assert_chunk_invariant(filt, R.restore, REPLY[:60], splits=3)


def _big(n_chars: int) -> str:
    unit = "Elena Ruiz wrote about chronic asthma and 21k; nothing else here. "
    return (unit * (n_chars // len(unit) + 1))[:n_chars]


def test_one_megabyte_restores_in_linear_time():
    small, big = _big(100_000), _big(1_000_000)
    R.restore(small)
    t0 = time.perf_counter()
    out_small = R.restore(small)
    t_small = time.perf_counter() - t0
    t0 = time.perf_counter()
    out_big = R.restore(big)
    t_big = time.perf_counter() - t0
    assert out_big.count("Maria Gonzalez") == big.count("Elena Ruiz")
    assert out_small.startswith("Maria Gonzalez")
    assert t_big < 25 * t_small + 0.05, (t_small, t_big)  # ~10x for 10x the text
    assert t_big < 5.0


def test_one_megabyte_streamed_in_one_chunk_and_in_4k_chunks():
    big = _big(1_000_000)
    whole = R.restore(big)
    assert "".join(stream_all([big])) == whole
    t0 = time.perf_counter()
    assert "".join(stream_all([big[i:i + 4096] for i in range(0, len(big), 4096)])) == whole
    assert time.perf_counter() - t0 < 10.0
