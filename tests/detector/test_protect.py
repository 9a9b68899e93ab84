"""protect(): policy, replacements, and the round trip restore(protect(text)) == text."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.categories import Category as C
from detector.errors import BlockedByPolicy, DetectionError
from detector.protect import GUARD_LAYER, Protection, Protector
from detector.restore import Restorer
from detector.span import Layer, Span
from detector.store import InMemoryStore
from tests.detector.standins_doubles import FailingDetector, FixedDetector, PhraseDetector

TEXT = "Maria Gonzalez (maria.gonzalez@gmail.com, +1 415-555-2671) has type 2 diabetes."
PHRASES = {"Maria Gonzalez": C.PERSON, "maria.gonzalez@gmail.com": C.EMAIL,
           "+1 415-555-2671": C.PHONE, "type 2 diabetes": C.HEALTH}


def round_trips(store, scope, protection: Protection) -> bool:
    return Restorer(store.mappings(scope)).restore_exact(protection.protected) == protection.text


def test_replacements_and_offsets():
    store = InMemoryStore()
    p = Protector(PhraseDetector(PHRASES), store).protect(TEXT, "s")
    assert [r.span.text for r in p.replacements] == list(PHRASES)
    for r in p.replacements:
        assert p.protected[r.out_start:r.out_start + len(r.replacement)] == r.replacement
        assert r.replacement != r.span.text
    # Outside the spans nothing changed.
    pieces, pos = [], 0
    for r in p.replacements:
        pieces.append(p.protected[pos:r.out_start])
        pos = r.out_start + len(r.replacement)
    pieces.append(p.protected[pos:])
    assert pieces == ["", " (", ", ", ") has ", "."]
    assert round_trips(store, "s", p)


@pytest.mark.parametrize("policy, kept", [
    ({}, set()),
    ({"HEALTH": "keep"}, {"type 2 diabetes"}),
    ({C.PHONE: "keep", "EMAIL": "keep"}, {"+1 415-555-2671", "maria.gonzalez@gmail.com"}),
    ({"PERSON": "replace", "LEGAL": "block"}, set()),  # block applies only when present
])
def test_policy_keep_and_replace(policy, kept):
    store = InMemoryStore()
    p = Protector(PhraseDetector(PHRASES), store, policy).protect(TEXT, "s")
    assert {r.span.text for r in p.replacements} == set(PHRASES) - kept
    for phrase in kept:
        assert phrase in p.protected
    assert round_trips(store, "s", p)


@pytest.mark.parametrize("blocked", ["HEALTH", C.EMAIL])
def test_policy_block_raises_before_any_stand_in(blocked):
    store = InMemoryStore()
    with pytest.raises(BlockedByPolicy) as err:
        Protector(PhraseDetector(PHRASES), store, {blocked: "block"}).protect(TEXT, "s")
    assert err.value.category == str(blocked)
    assert store.mappings("s") == []
    assert "diabetes" not in str(err.value) and "Maria" not in str(err.value)


def test_bad_policy_rejected():
    with pytest.raises(ValueError):
        Protector(PhraseDetector(PHRASES), InMemoryStore(), {"PERSON": "redact"})


def test_detection_error_propagates():
    with pytest.raises(DetectionError):
        Protector(FailingDetector(), InMemoryStore()).protect("Maria", "s")


def test_no_spans_returns_text():
    p = Protector(PhraseDetector({}), InMemoryStore()).protect("nothing private here", "s")
    assert p.protected == "nothing private here" and p.replacements == []


def test_user_text_holding_an_issued_stand_in_is_guarded():
    store = InMemoryStore()
    protector = Protector(PhraseDetector({"Maria": C.PERSON}), store)
    first = protector.protect("Maria", "s").protected  # e.g. "Elena"
    text = f"Maria and her friend {first} ({first.upper()})"
    p = protector.protect(text, "s")
    guards = [r for r in p.replacements if r.span.layer == GUARD_LAYER]
    assert len(guards) == 2 and {g.span.text for g in guards} == {first, first.upper()}
    assert round_trips(store, "s", p)
    assert f" {first} " not in p.protected


def test_span_inside_a_word_is_widened():
    store = InMemoryStore()
    text = "userMaria99 wrote"
    p = Protector(FixedDetector([Span(4, 9, "Maria", C.PERSON, Layer.NER)]), store).protect(text, "s")
    (r,) = p.replacements
    assert (r.span.start, r.span.end, r.span.text) == (0, 11, "userMaria99")
    assert round_trips(store, "s", p)


def test_glued_spans_merge():
    store = InMemoryStore()
    text = "MariaGonzalez"
    spans = [Span(0, 5, "Maria", C.PERSON, Layer.NER), Span(5, 13, "Gonzalez", C.PERSON, Layer.NER)]
    p = Protector(FixedDetector(spans), store).protect(text, "s")
    assert len(p.replacements) == 1 and round_trips(store, "s", p)


# --- property: protect -> restore is the identity ---------------------------------------------
POOL = [
    ("Maria Gonzalez", C.PERSON), ("maria", C.PERSON), ("Ms. Gonzalez", C.PERSON),
    ("Tom Becker", C.PERSON), ("MARIA", C.PERSON), ("maria.gonzalez@gmail.com", C.EMAIL),
    ("tom@becker-law.de", C.EMAIL), ("+1 415-555-2671", C.PHONE), ("020 7946 0958", C.PHONE),
    ("4111 1111 1111 1111", C.CREDIT_CARD), ("DE89 3704 0044 0532 0130 00", C.BANK_ACCOUNT),
    ("536-22-8726", C.ID_NUMBER), ("192.168.1.20", C.IP_ADDRESS),
    ("https://acme-corp.com/u/mgonzalez", C.URL), ("@mariag85", C.USERNAME),
    ("sk-proj-AbCdEf1234567890XyZ", C.SECRET), ("12 Oak Lane, Springfield", C.ADDRESS),
    ("Boston", C.LOCATION), ("Acme Corp", C.ORG), ("March 3, 1985", C.DATE),
    ("03/15/1985", C.DATE), ("type 2 diabetes", C.HEALTH), ("I owe 38k", C.FINANCE),
    ("my ex-husband", C.RELATIONSHIP), ("laid off", C.WORK), ("Muslim", C.BELIEF_IDENTITY),
    ("a DUI", C.LEGAL), ("(Boston)", C.LOCATION), ("d.", C.BELIEF_IDENTITY),
    ("’s European", C.BELIEF_IDENTITY), ("2021-01-01'", C.DATE), (" Maria ", C.PERSON),
]
FILLER = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
GLUE = st.sampled_from([" ", "\n", ", ", " (", "'s ", "", "x", "é", "  \t", "👍"])


@st.composite
def texts_with_pii(draw):
    pieces, spans, pos = [], [], 0
    for _ in range(draw(st.integers(1, 6))):
        before = draw(FILLER) + draw(GLUE)
        value, category = draw(st.sampled_from(POOL))
        after = draw(GLUE)
        pieces += [before, value, after]
        start = pos + len(before)
        spans.append(Span(start, start + len(value), value, category, Layer.RULES))
        pos = start + len(value) + len(after)
    return "".join(pieces), spans


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts_with_pii(), st.integers(0, 3))
def test_protect_then_restore_is_identity(case, conv):
    text, spans = case
    store = InMemoryStore()
    p = Protector(FixedDetector(spans), store).protect(text, f"conv-{conv}")
    assert p.text == text
    assert Restorer(store.mappings(f"conv-{conv}")).restore_exact(p.protected) == text
    for r in p.replacements:
        assert p.protected[r.out_start:r.out_start + len(r.replacement)] == r.replacement


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(texts_with_pii(), min_size=2, max_size=4))
def test_identity_over_a_multi_turn_conversation(turns):
    store = InMemoryStore()
    protected = []
    for text, spans in turns:
        protected.append(Protector(FixedDetector(spans), store).protect(text, "conv"))
    restorer = Restorer(store.mappings("conv"))  # built after the last turn: sees every stand-in
    for p in protected:
        assert restorer.restore_exact(p.protected) == p.text


@pytest.mark.parametrize("text, span_text, category", [
    ('d.IType == "x"', "d.", C.BELIEF_IDENTITY),       # stand-in "muslim" would glue to "IType"
    ("robbing one’s European rivals", "’s European", C.BELIEF_IDENTITY),
    ("x(Boston)y", "(Boston)", C.LOCATION),
])
def test_stand_in_never_glued_to_a_neighbouring_word(text, span_text, category):
    store = InMemoryStore()
    start = text.index(span_text)
    span = Span(start, start + len(span_text), span_text, category, Layer.LLM)
    p = Protector(FixedDetector([span]), store).protect(text, "s")
    assert round_trips(store, "s", p)
    for r in p.replacements:
        assert r.replacement != r.span.text
