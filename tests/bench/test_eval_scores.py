"""SystemScore on hand-built examples: the figures one data set's table is made of."""
import pytest

from bench.datasets import Example, GoldSpan
from bench.eval_scores import SystemScore
from detector.categories import Category
from detector.errors import DetectionError
from detector.span import Span


def span(text, start, end, cat=Category.PERSON):
    return Span(start, end, text[start:end], cat, "ner")


def test_summary_by_hand():
    score = SystemScore("sys", "demo")
    a = Example("a", "Maria met Bob.", ("Maria", "Bob"),
                spans=(GoldSpan(0, 5, "PERSON", Category.PERSON), GoldSpan(10, 13, "PERSON", Category.PERSON)))
    b = Example("b", "Nothing private in here.", ())
    score.add(a, [span(a.text, 0, 5), span(a.text, 6, 9)], ms=2.0)   # Maria right, "met" wrong
    score.add(b, [span(b.text, 0, 7)], ms=4.0)                        # a false positive
    s = score.summary()
    assert s["texts"] == 2 and s["values_present"] == 2 and s["values_protected"] == 1
    assert s["value_recall"] == 0.5
    assert s["char_precision"] == pytest.approx(5 / (5 + 3 + 7))     # Maria / (Maria+met+Nothing)
    assert s["negatives"] == 1 and s["false_positive_rate"] == 1.0
    # query a: P = 1/2 (Maria yes, met no), R = 1/2; query b: P = 0, no R -> P 0.25, R 0.5
    assert s["phrase_precision"] == 0.25 and s["phrase_recall"] == 0.5
    assert s["phrase_f1"] == pytest.approx(2 * 0.25 * 0.5 / 0.75)
    assert s["latency_ms_median"] == 3.0 and s["latency_samples"] == 2
    assert s["per_label"]["PERSON"] == {"category": "PERSON", "total": 2,
                                        "recall_cover": 0.5, "recall_overlap50": 0.5}


def test_value_labels_without_spans_give_value_recall_per_label():
    score = SystemScore("sys", "demo")
    ex = Example("a", "Anna S. was seen on May 5.", ("Anna S.", "May 5", "Absent"),
                 value_labels=("NAME", "DATE", "NAME"))
    score.add(ex, [span(ex.text, 0, 7)], ms=None, error=False)
    s = score.summary()
    assert s["label_unit"] == "value"
    assert s["per_label"]["NAME"]["total"] == 1 and s["per_label"]["NAME"]["recall_cover"] == 1.0
    assert s["per_label"]["DATE"]["recall_cover"] == 0.0
    assert s["values_absent"] == 1 and s["latency_samples"] == 0


def test_errors_are_counted_and_scored_as_nothing_found():
    score = SystemScore("sys", "demo")
    score.add(Example("a", "Call Bob.", ("Bob",)), [], ms=None, error=True)
    s = score.summary()
    assert s["errors"] == 1 and s["value_recall"] == 0.0 and s["char_precision"] is None


@pytest.mark.parametrize("error,key", [
    (DetectionError("standins", "no free stand-in for a PHONE value"),
     "DetectionError(standins: no free stand-in for a PHONE value)"),
    (ValueError("Maria Gonzalez"), "ValueError"),  # a message may hold a value: never kept
])
def test_roundtrip_error_keys_never_carry_messages_of_other_errors(error, key):
    from bench.roundtrip import error_key
    assert error_key(error) == key


def test_only_protected_by_counts_categories_not_values():
    from bench.eval_diff import only_protected_by, protected_by
    text = "Maria works at ACME in Paris."
    a = [span(text, 0, 5), span(text, 15, 19, Category.ORG)]
    b = [span(text, 0, 5), span(text, 23, 28, Category.LOCATION)]
    values = ["Maria", "ACME", "Paris", "absent"]
    assert protected_by(text, "ACME", a) == "ORG" and protected_by(text, "ACME", b) is None
    assert only_protected_by(text, values, a, b) == {"ORG": 1}
    assert only_protected_by(text, values, b, a) == {"LOCATION": 1}
    assert only_protected_by(text, values, a, a) == {}


def test_needless_replacements_are_counted_per_text_by_category():
    score = SystemScore("sys", "demo")
    a = Example("a", "Maria met Bob.", ("Maria",))
    score.add(a, [span(a.text, 0, 5), span(a.text, 10, 13, Category.ORG)], ms=None)
    score.add(Example("b", "Hello there.", ("x",)), [], ms=None)
    s = score.summary()
    assert s["needless_per_text"] == 0.5 and s["needless_by_category"] == {"ORG": 1}
