"""Loaders against the real shared data (../shared/data), and the data-dir override."""
import json

import pytest

from bench.datasets import load, resolve_data_dir
from bench.datasets.asq import parse_asq
from bench.datasets.pupa import count_placeholder_units, is_placeholder
from bench.datasets.spia import realign


@pytest.mark.parametrize("name,texts,negatives", [
    ("pupa", 664, 0),  # rows left without values (placeholders only) are not PII-free
    ("synth", 1500, None),
    ("asq", 1051, 219),
    ("spia", 151, None),
    ("privacyannotation", 30, None),
    ("probes", 66, 16),  # written here (bench/probes/), read from the repo whatever the data dir
])
def test_counts(shared_data, name, texts, negatives):
    examples = load(name, shared_data)
    assert len(examples) == texts
    assert len({e.id for e in examples}) == texts
    if negatives is not None:
        assert sum(e.is_negative for e in examples) == negatives


def test_pupa_skips_wildchat_placeholders(shared_data):
    examples = load("pupa", shared_data)
    assert not any(is_placeholder(v) for e in examples for v in e.values)
    assert count_placeholder_units(shared_data) == 36
    assert sum(len(e.values) for e in examples) == 1652  # unique, non-empty, non-placeholder units


def test_asq_values_and_labels(shared_data):
    examples = load("asq", shared_data)
    assert sum(len(e.values) for e in examples) == 2973
    assert all(len(e.values) == len(e.value_labels) for e in examples)
    first = examples[0]
    assert first.values[0] == "Anna S." and first.value_labels[0] == "NAME"


def test_synth_spans_point_at_their_values(shared_data):
    examples = load("synth", shared_data)
    spans = [(e, s) for e in examples for s in e.spans]
    assert len(spans) == 2863  # all spans of the 17 entity types in synth v2
    assert {s.label for _, s in spans} >= {"US_SSN", "IBAN_CODE", "IP_ADDRESS", "CREDIT_CARD"}
    assert all(e.text[s.start:s.end].strip() for e, s in spans)


def test_spia_offsets_realigned(shared_data):
    raw = [json.loads(line) for line in (shared_data / "spia" / "entity_panorama_151.jsonl").open()]
    stated_off = sum(r["text"][int(e["start_offset"]):int(e["end_offset"])] != e["span_text"]
                     for r in raw for e in r["entities"])
    assert stated_off == 5
    for example, row in zip(load("spia", shared_data), raw):
        got = sorted(example.text[s.start:s.end] for s in example.spans)
        assert got == sorted(e["span_text"] for e in row["entities"])


def test_privacyannotation_phrases_are_verbatim(shared_data):
    examples = load("privacyannotation", shared_data)
    assert sum(len(e.values) for e in examples) == 21
    assert all(v in e.text for e in examples for v in e.values)


@pytest.mark.parametrize("text,span_text,start,expected", [
    ("abc Trucker def", "Trucker", 4, 4),     # already right
    ("abc Trucker def", "Trucker", 5, 4),     # off by one, as 5 SPIA spans are
    ("Mom and Mom", "Mom", 7, 8),             # nearest occurrence wins
    ("abc", "zzz", 0, None),
])
def test_realign(text, span_text, start, expected):
    assert realign(text, span_text, start) == expected


def test_parse_asq_by_hand():
    raw = ('===QUERY===\nWhat about Anna S. at Mercy?\n===PHI_TAGS===\n'
           '{"identifier_type": "NAME", "value": "Anna S."}\n'
           '{"identifier_type": "GEOGRAPHIC_LOCATION", "value": "Mercy"}\n\n'
           '===QUERY===\nIs aspirin safe at 80?\n===PHI_TAGS===\n\n')
    first, second = parse_asq(raw)
    assert first.text == "What about Anna S. at Mercy?"
    assert first.values == ("Anna S.", "Mercy")
    assert first.value_labels == ("NAME", "GEOGRAPHIC_LOCATION")
    assert second.values == () and second.is_negative


def test_data_dir_override_by_env(tmp_path, monkeypatch):
    (tmp_path / "asq-phi").mkdir()
    (tmp_path / "asq-phi" / "synthetic_clinical_queries.txt").write_text(
        '===QUERY===\nCall Bob.\n===PHI_TAGS===\n{"identifier_type": "NAME", "value": "Bob"}\n')
    monkeypatch.setenv("DOPPEL_DATA", str(tmp_path))
    assert resolve_data_dir() == tmp_path
    assert [e.values for e in load("asq")] == [("Bob",)]


def test_explicit_data_dir_wins_and_missing_dir_is_clear(tmp_path, monkeypatch, shared_data):
    monkeypatch.setenv("DOPPEL_DATA", str(tmp_path))
    assert resolve_data_dir(shared_data) == shared_data
    with pytest.raises(FileNotFoundError, match="--data"):
        resolve_data_dir(tmp_path / "nope")
    with pytest.raises(KeyError):
        load("nope", shared_data)


def test_probes_values_are_verbatim_and_labelled_by_style():
    from bench.datasets.probes import load_probes
    examples = load_probes()
    assert all(v in e.text for e in examples for v in e.values)
    assert {l for e in examples for l in e.value_labels} == {"support", "court", "disclosure", "prompt"}
    assert all(e.id.startswith("clean-") for e in examples if e.is_negative)
