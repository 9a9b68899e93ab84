"""The NER pipe without the moves of dropped labels: same kept spans, fewer moves, original intact."""
import pytest

from detector.categories import Category
from detector.ner import FULL_DATE, LABELS, NerLayer, _one_blas_thread, load_nlp, ner_pipe, spans_from_entities
from detector.ner_gate import entity_windows
from detector.ner_moves import DROPPED_LABELS, without_labels


def _labels(pipe):
    return {pipe.moves.get_class_name(i).partition("-")[2] for i in range(pipe.moves.n_moves)} - {""}


def _entities(pipe, pieces):
    nlp = load_nlp()
    docs = [nlp.make_doc(piece) for piece in pieces]
    with _one_blas_thread():
        pipe.set_annotations(docs, pipe.predict(docs))
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in docs]


def _kept_spans(pipe, text):
    pieces = [(start, text[start:end]) for start, end in entity_windows(text, FULL_DATE)]
    entities = [(offset + s, offset + e, label)
                for (offset, _), found in zip(pieces, _entities(pipe, [p for _, p in pieces])) for s, e, label in found]
    return spans_from_entities(text, entities)


def _shared_texts():
    from bench.datasets import resolve_data_dir
    from bench.speed import build_prompts, word_stream

    _, prompts = build_prompts(word_stream(resolve_data_dir(None)), sizes=(200,), counts={200: 20})[200]
    return prompts


def test_the_layer_runs_without_dropped_moves_and_the_loaded_pipe_keeps_them():
    full = load_nlp().get_pipe("ner")
    assert full.moves.n_moves == 74 and DROPPED_LABELS <= _labels(full)
    pruned = ner_pipe()
    assert pruned is ner_pipe()  # built once
    assert pruned.moves.n_moves == 74 - 4 * len(DROPPED_LABELS)
    assert _labels(pruned) == _labels(full) - DROPPED_LABELS
    assert set(LABELS) <= _labels(pruned)  # every label the layer keeps is still there
    assert pruned.model.get_ref("upper").get_dim("nO") == pruned.moves.n_moves
    assert full.model.get_ref("upper").get_dim("nO") == 74


def test_kept_spans_are_those_of_the_full_pipe_on_shared_prompts():
    full = load_nlp().get_pipe("ner")
    texts = _shared_texts()
    same = [_kept_spans(ner_pipe(), text) == _kept_spans(full, text) for text in texts]
    assert all(same), same.count(False)
    assert sum(len(_kept_spans(full, text)) for text in texts) > 20


@pytest.mark.parametrize("text, value, category", [
    ("Maria Gonzalez paid $5,000 to Acme Corp in Paris on 3 March 2021 at 5pm.", "Maria Gonzalez", Category.PERSON),
    ("Maria Gonzalez paid $5,000 to Acme Corp in Paris on 3 March 2021 at 5pm.", "Paris", Category.LOCATION),
    ("Maria Gonzalez paid $5,000 to Acme Corp in Paris on 3 March 2021 at 5pm.", "3 March 2021", Category.DATE),
    ("About 40% of the 3rd floor of Mount Sinai Hospital in New York weighs 2 tons.", "New York", Category.LOCATION),
])
def test_kept_entities_beside_dropped_ones(text, value, category):
    found = {s.text: s.category for s in NerLayer().find(text)}
    assert found.get(value) == category, found


def test_dropped_labels_are_never_predicted_and_the_full_pipe_still_finds_them():
    text = "I paid $5,000 at 5pm, 40% of it for 2 tons, my 3rd payment."
    full_labels = {label for found in _entities(load_nlp().get_pipe("ner"), [text]) for _, _, label in found}
    pruned_labels = {label for found in _entities(ner_pipe(), [text]) for _, _, label in found}
    assert full_labels & DROPPED_LABELS  # the sentence does hold money, times, percentages
    assert not pruned_labels & DROPPED_LABELS


def test_a_second_pruned_copy_matches_the_first():
    full = load_nlp().get_pipe("ner")
    again = without_labels(full)
    pieces = ["Maria Gonzalez met Tom Becker at Acme in Leeds on 3 March.", "Hi Ann", "We flew to Japan."]
    assert _entities(again, pieces) == _entities(ner_pipe(), pieces)
