"""bench.metrics on cases computed by hand, plus a few properties."""
import pytest
from hypothesis import given, strategies as st

from bench import metrics
from bench.metrics import PhraseScore
from detector.categories import Category
from detector.span import Span


def test_intervals_merge_overlapping_and_touching():
    assert metrics.intervals([(5, 8), (0, 3), (2, 4), (8, 9)]) == [(0, 4), (5, 9)]


def test_intervals_accept_spans():
    s = Span(0, 3, "Bob", Category.PERSON, "ner")
    assert metrics.intervals([s, (10, 12)]) == [(0, 3), (10, 12)]


@pytest.mark.parametrize("text,value,expected", [
    ("Maria met Maria Gonzalez", "maria", [(0, 5), (10, 15)]),
    ("Maria  Gonzalez", "maria gonzalez", [(0, 15)]),            # any whitespace run
    ("at Children\u2019s Clinic", "children's clinic", [(3, 20)]),  # curly == straight quote
    ("nothing here", "maria", []),
    ("x", "   ", []),
])
def test_occurrences(text, value, expected):
    assert metrics.occurrences(text, value) == expected


TEXT = "Maria met Maria Gonzalez at ACME."  # Maria 0-5, Maria 10-15, Gonzalez 16-24, ACME 28-32


@pytest.mark.parametrize("preds,protected", [
    ([(0, 5), (10, 24), (28, 32)], 3),  # everything
    ([(0, 5), (10, 24)], 2),            # maria (both times) and maria gonzalez; acme missed
    ([(10, 24)], 1),                    # first "Maria" uncovered: maria is NOT protected
    ([(0, 5), (10, 15), (16, 24)], 2),  # the space inside "Maria Gonzalez" need not be covered
    ([(0, 5), (10, 20)], 1),            # "Gonz" only: maria gonzalez not protected
    ([], 0),
])
def test_value_recall_every_occurrence(preds, protected):
    vr = metrics.value_recall(TEXT, ["maria", "maria gonzalez", "acme", "absent value"], preds)
    assert vr == metrics.ValueRecall(protected=protected, present=3, absent=1)


@pytest.mark.parametrize("preds,inside,predicted", [
    ([(10, 15)], 5, 5),   # "Maria": all inside
    ([(6, 15)], 5, 8),    # "met Maria": m,e,t outside; the space is not counted
    # whole text: Maria(5) met(3) Maria(5) Gonzalez(8) at(2) ACME.(5) = 28 characters;
    # inside gold: Maria + Maria + Gonzalez + ACME = 5 + 5 + 8 + 4 = 22
    ([(0, 33)], 22, 28),
    ([], 0, 0),
])
def test_char_precision(preds, inside, predicted):
    cp = metrics.char_precision(TEXT, ["maria", "acme", "gonzalez"], preds)
    assert cp == metrics.CharPrecision(inside, predicted)


def test_char_precision_whole_text_by_hand():
    # "Call Bob now": non-space chars = 4 + 3 + 3 = 10; gold "bob" = 3.
    assert metrics.char_precision("Call Bob now", ["bob"], [(0, 12)]) == metrics.CharPrecision(3, 10)
    assert metrics.ratio(3, 10) == 0.3
    assert metrics.ratio(1, 0) is None


@pytest.mark.parametrize("pred,rule,found", [
    ((0, 10), "cover", True),
    ((0, 5), "cover", False),
    ((0, 5), "overlap50", True),    # 5 of 10 chars
    ((0, 4), "overlap50", False),   # 4 of 10
    ((3, 12), "overlap50", True),   # 7 of 10
])
def test_span_found(pred, rule, found):
    assert metrics.span_found("abcdefghijkl", 0, 10, [pred], rule=rule) is found


def test_span_found_rejects_unknown_rule():
    with pytest.raises(ValueError):
        metrics.span_found("abc", 0, 3, [], rule="nope")


def test_lcs_and_rouge_by_hand():
    assert metrics.lcs_length(["a", "b", "c", "d"], ["b", "d"]) == 2
    # [type, 2, diabetes] vs [diabetes, type, 2]: LCS 2 -> P = R = 2/3 -> F = 2/3
    assert metrics.rouge_l_f("type 2 diabetes", "diabetes type 2") == pytest.approx(2 / 3)
    # [web, design] vs [web, and, app, development]: LCS 1 -> P 1/2, R 1/4 -> F 1/3
    assert metrics.rouge_l_f("web design", "web and app development") == pytest.approx(1 / 3)
    assert metrics.rouge_l_f("$", "anything") == 0.0


@pytest.mark.parametrize("pred,gold,match", [
    ("type 2 diabetes", "diabetes type 2", True),    # ROUGE-L 0.67
    ("web design", "web and app development", False),  # ROUGE-L 0.33, no containment
    ("8000", "$8000 a month", True),                 # ROUGE-L exactly 0.5 (not > 0.5) but contained
    ("Maria", "maria gonzalez", True),               # ROUGE-L 0.67
    ("New\nYork, NY", "new york ny", True),          # containment after removing spaces/commas/newlines
    ("Berlin", "maria gonzalez", False),
    (",", "anything", False),                        # empty after squashing never matches
])
def test_phrases_match(pred, gold, match):
    assert metrics.phrases_match(pred, gold) is match


def test_phrase_score_by_hand():
    s = metrics.phrase_score(["Maria", "Berlin"], ["maria gonzalez", "acme"])
    assert s == PhraseScore(precision=0.5, recall=0.5)
    assert metrics.phrase_score([], ["acme"]) == PhraseScore(None, 0.0)
    assert metrics.phrase_score(["acme"], []) == PhraseScore(0.0, None)
    assert metrics.phrase_score([], []) == PhraseScore(None, None)


def test_phrase_summary_averages_only_defined_queries():
    summary = metrics.phrase_summary([PhraseScore(0.5, 0.5), PhraseScore(None, 0.0),
                                      PhraseScore(1.0, None), PhraseScore(None, None)])
    # P = (0.5 + 1.0) / 2 = 0.75; R = (0.5 + 0.0) / 2 = 0.25; F1 = 2*0.75*0.25 / 1.0 = 0.375
    assert summary == metrics.PhraseSummary(0.75, 0.25, pytest.approx(0.375), 2, 2)
    assert metrics.phrase_summary([]) == metrics.PhraseSummary(0.0, 0.0, 0.0, 0, 0)


def test_predicted_phrases_merge_and_dedupe():
    assert metrics.predicted_phrases(TEXT, [(0, 5), (10, 15), (13, 24)]) == ["Maria", "Maria Gonzalez"]
    assert metrics.predicted_phrases("Bob and bob", [(0, 3), (8, 11)]) == ["Bob"]


def test_false_positive_rate_and_stats():
    assert metrics.false_positive_rate([0, 2, 0, 1]) == 0.5
    assert metrics.false_positive_rate([]) is None
    assert metrics.percentile(list(range(1, 21)), 95) == 19  # ceil(20 * 0.95) = 19th value
    assert metrics.percentile([5, 1, 3], 50) == 3
    assert metrics.percentile([7], 95) == 7
    assert metrics.percentile([], 95) is None
    assert metrics.median([4, 1, 3, 2]) == 2.5
    assert metrics.median([3, 1, 2]) == 2


texts = st.text(alphabet="ab c.'", min_size=1, max_size=40)


@given(texts, st.lists(st.text(alphabet="abc", min_size=1, max_size=4), max_size=4))
def test_full_cover_protects_every_present_value(text, values):
    vr = metrics.value_recall(text, values, [(0, len(text))])
    assert vr.protected == vr.present
    cp = metrics.char_precision(text, values, [(0, len(text))])
    assert cp.predicted == sum(not c.isspace() for c in text)
    assert 0 <= cp.inside <= cp.predicted


@given(texts, st.lists(st.text(alphabet="abc", min_size=1, max_size=4), max_size=4))
def test_no_predictions_protect_nothing(text, values):
    vr = metrics.value_recall(text, values, [])
    assert vr.protected == 0
    assert vr.present + vr.absent == len(values)


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 20)), max_size=8))
def test_intervals_are_disjoint_and_cover_the_same_characters(raw):
    spans = [(s, s + n) for s, n in raw]
    merged = metrics.intervals(spans)
    assert all(a[1] < b[0] for a, b in zip(merged, merged[1:]))
    chars = {i for s, e in spans for i in range(s, e)}
    assert chars == {i for s, e in merged for i in range(s, e)}


def test_needless_categories_are_spans_touching_no_gold_value():
    from detector.categories import Category
    from detector.span import Span

    text = "Maria met Bob in Paris. Maria left."
    spans = [Span(0, 5, "Maria", Category.PERSON, "x"), Span(6, 9, "met", Category.ORG, "x"),
             Span(14, 16, "in", Category.AGE, "x"), Span(17, 22, "Paris", Category.LOCATION, "x"),
             Span(24, 29, "Maria", Category.PERSON, "x")]
    # "bob" and "paris" are gold (case-insensitive); "in" touches neither, "Maria" is not gold
    assert metrics.needless_categories(text, ["bob", "paris"], spans) == ["PERSON", "ORG", "AGE", "PERSON"]
    assert metrics.needless_categories(text, [], spans[:1]) == ["PERSON"]
    assert metrics.needless_categories(text, ["Maria met"], [Span(6, 9, "met", Category.ORG, "x")]) == []
