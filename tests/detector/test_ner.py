"""The NER layer: spaCy's small model, NER pipe only, categories and filters."""
import pytest

from detector.categories import Category
from detector.ner.layer import FULL_DATE, NerLayer, chunks, load_nlp, spans_from_entities
from detector.span import Layer

NER = NerLayer()


def found(text: str) -> dict[str, Category]:
    spans = NER.find(text)
    for span in spans:
        assert text[span.start:span.end] == span.text
        assert span.layer == Layer.NER
    return {span.text: span.category for span in spans}


def test_model_loads_once_with_only_the_ner_pipe():
    assert load_nlp() is load_nlp()
    assert load_nlp().pipe_names == ["ner"]


@pytest.mark.parametrize("text, value, category", [
    ("Maria Gonzalez called me yesterday.", "Maria Gonzalez", Category.PERSON),
    ("I work as a software engineer at Microsoft in Seattle.", "Microsoft", Category.ORG),
    ("I work as a software engineer at Microsoft in Seattle.", "Seattle", Category.LOCATION),
    ("The Mayo Clinic in Rochester treated my father.", "Mayo Clinic", Category.ORG),
    ("She studied at Harvard University last year.", "Harvard University", Category.ORG),
    ("I was born on March 3, 1990 in a small town.", "March 3, 1990", Category.DATE),
    ("My appointment is on 12 June.", "12 June", Category.DATE),
    ("As a Muslim living in Texas, I fast during Ramadan.", "Muslim", Category.BELIEF_IDENTITY),
])
def test_entities_and_categories(text, value, category):
    assert found(text).get(value) == category


@pytest.mark.parametrize("text, not_a_date", [
    ("I am 45 years old and retired.", "45 years old"),
    ("Back in 2019 I moved.", "2019"),
    ("I did it today.", "today"),
    ("We meet every Monday.", "Monday"),
    ("It took two weeks.", "two weeks"),
    ("In the 1990s things were different.", "the 1990s"),
])
def test_ages_years_and_durations_are_not_dates(text, not_a_date):
    assert not any(category is Category.DATE for category in found(text).values()), found(text)


@pytest.mark.parametrize("value, keep", [
    ("March 3", True), ("3rd of March", True), ("12/03/1990", True), ("1990-03-12", True),
    ("1990", False), ("March 2020", False), ("last year", False), ("3/4", False),
])
def test_full_date_shape(value, keep):
    assert bool(FULL_DATE.search(value)) is keep


def test_code_and_label_noise_is_dropped():
    text = "Napco"
    entities = [(0, 5, "ORG")]
    assert [s.text for s in spans_from_entities(text, entities)] == ["Napco"]
    assert spans_from_entities("Objectives", [(0, 10, "ORG")]) == []  # a lone English word
    code = "x = manager_id; y = eth0; SSN"
    noisy = [(4, 14, "ORG"), (20, 24, "PERSON"), (26, 29, "ORG")]
    assert spans_from_entities(code, noisy) == []


@pytest.mark.parametrize("text, entity", [
    ("Is a Gleason score of 7 high?", (5, 12, "PERSON")),
    ("New drugs for Parkinson's disease", (14, 25, "PERSON")),
    ("the Framingham Risk Score", (4, 14, "GPE")),
])
def test_eponyms_are_not_people_or_places(text, entity):
    assert spans_from_entities(text, [entity]) == []


@pytest.mark.parametrize("value, category", [
    ("Therese", Category.PERSON), ("Omani", Category.BELIEF_IDENTITY),
    ("Egyptians", Category.BELIEF_IDENTITY), ("Zalando", Category.ORG),
])
def test_norp_is_split_by_what_it_names(value, category):
    assert spans_from_entities(value, [(0, len(value), "NORP")])[0].category is category


def test_chunks_cover_the_text_and_cut_at_whitespace():
    text = ("word " * 50 + "\n") * 40
    pieces = list(chunks(text, 300))
    assert "".join(piece for _, piece in pieces) == text
    assert all(len(piece) <= 300 for _, piece in pieces)
    assert all(piece[-1].isspace() for _, piece in pieces[:-1])
    assert [offset for offset, _ in pieces] == [sum(len(p) for _, p in pieces[:i]) for i in range(len(pieces))]


def test_chunked_offsets_point_at_the_entities():
    sentence = "Yesterday Maria Gonzalez flew from Paris to Berlin. "
    text = sentence * 30
    small_chunks = NerLayer(chunk_chars=200).find(text)
    assert {s.text for s in small_chunks} >= {"Maria Gonzalez", "Paris", "Berlin"}
    assert all(text[s.start:s.end] == s.text for s in small_chunks)


def test_empty_and_blank_texts():
    assert NER.find("") == []
    assert NER.find("   \n\t ") == []


def test_symbol_only_entities_are_dropped():
    text = "Thanks Sean & Jessica 🙏❤️"
    emoji = text.index("🙏")
    assert spans_from_entities(text, [(emoji, emoji + 2, "ORG")]) == []
    assert [s.text for s in spans_from_entities(text, [(7, 21, "ORG")])] == ["Sean & Jessica"]


def test_matrix_products_run_on_numpy_blas_with_the_same_entities_as_blis():
    import spacy

    from detector.ner.layer import MODEL, UNUSED_PIPES

    nlp = load_nlp()
    assert all(node.ops.use_blis is False for node in nlp.get_pipe("ner").model.walk())
    blis = spacy.load(MODEL, exclude=UNUSED_PIPES)  # thinc's default ops: blis
    assert blis.get_pipe("ner").model.ops.use_blis is True
    texts = ["Maria Gonzalez flew from Paris to Berlin on 3 March with Acme Corp.",
             "I work as a software engineer at Microsoft in Seattle and my boss is Tom Becker."]
    ents = lambda pipeline: [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in pipeline.pipe(texts)]
    assert ents(nlp) == ents(blis)
