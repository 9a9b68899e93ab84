"""The tagger layer with the shipped model: exact offsets, failing closed, thread safety, and the
kinds of private text rules and lexicons miss (written for these tests, not taken from any
evaluation set)."""
import shutil
import threading

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from bench.metrics import covered, intervals
from detector.errors import DetectionError
from detector.pipeline import Detector
from detector.span import Layer
from detector.tagger.layer import TaggerLayer, choose
from models.catalog import load_catalog, sha256_file


@pytest.fixture(scope="module")
def layer():
    layer = TaggerLayer()
    layer.warm()
    return layer


@pytest.fixture(scope="module")
def fast():
    detector = Detector("fast", cache_size=0)
    detector.warm()
    return detector


def test_the_catalog_names_the_shipped_tagger_and_its_hash_matches():
    entry = load_catalog().tagger()
    assert entry.file.is_file() and entry.file.stat().st_size < 100_000_000
    assert sha256_file(entry.file) == entry.sha256
    assert (entry.file.parent / "DATA_CARD.md").is_file()
    assert choose()[0] == entry.name


def test_fast_mode_runs_the_tagger_as_its_own_layer(fast):
    assert Layer.MODEL in [layer.name for layer in fast.layers]
    fast.find("my sister's name is Odile and she is 41")
    assert Layer.MODEL in fast.timings()


WORDS = st.sampled_from(["my", "name", "is", "Maria", "ines", "I'm", "34", "at", "Acme", "in", "Derry",
                         "passport", "X1234567", "k.wlsh@mail.com", " ", "\n", "\t", "é", "日本", "🙂",
                         "diagnosed", "with", "asthma", "4 5 6", "-", "/", "login", "(", ")", "İstanbul"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(WORDS, max_size=40).map(" ".join), st.text(max_size=30))
def test_every_span_matches_its_offsets_exactly(layer, words, noise):
    text = words + noise
    for span in layer.find(text):
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start:span.end] == span.text
        assert span.text == span.text.strip()
        assert span.layer == Layer.MODEL


def test_long_texts_are_read_in_pieces_with_offsets_into_the_whole(layer):
    filler = "The quarterly report covers logistics, staffing and the budget. " * 900
    sentence = "I'm Maria Gonzalez and I work at Larkspur Robotics in Denver."
    alone = {(s.start, s.text, s.category) for s in layer.find(sentence)}
    assert alone  # a sentence the model finds values in, so the offsets below are checked
    text = filler + sentence + filler
    spans = layer.find(text)
    # what it finds in the sentence alone, it finds in the long text, at the right place
    assert alone <= {(s.start - len(filler), s.text, s.category) for s in spans}
    assert all(text[s.start:s.end] == s.text for s in spans)


def test_a_corrupt_model_file_fails_closed_without_the_text(tmp_path):
    good = TaggerLayer()
    bad = tmp_path / good.path.name
    shutil.copyfile(good.path, bad)
    with bad.open("r+b") as f:
        f.seek(bad.stat().st_size // 2)
        f.write(b"\x00\xff" * 32)
    layer = TaggerLayer()
    layer.path = bad  # the catalog's sha256, a damaged file
    detector = Detector("fast", layers=[layer], cache_size=0)
    with pytest.raises(DetectionError) as exc:
        detector.find("my name is Odile Fabre")
    assert exc.value.layer == Layer.MODEL and "sha256 mismatch" in str(exc.value)
    assert "Odile" not in str(exc.value)


def test_a_missing_model_file_fails_closed(tmp_path):
    layer = TaggerLayer()
    layer.path = tmp_path / "gone.spacy.tar"
    with pytest.raises(DetectionError, match="not found"):
        Detector("fast", layers=[layer], cache_size=0).find("hello Odile")


def test_a_file_that_is_not_a_tagger_fails_closed(tmp_path):
    junk = tmp_path / "junk.spacy.tar"
    junk.write_bytes(b"not a tar file at all")
    with pytest.raises(DetectionError) as exc:
        Detector("fast", layers=[TaggerLayer(junk)], cache_size=0).find("hello Odile")
    assert exc.value.layer == Layer.MODEL and "Odile" not in str(exc.value)


def test_threads_get_the_same_answers_as_one_thread(layer):
    texts = [f"note {i}: my coworker aurelie_{i} owes me {i}0 bucks, she lives in Ghent" for i in range(24)]
    expected = [layer.find(t) for t in texts]
    got: dict[int, list] = {}

    def work(i):
        got[i] = layer.find(texts[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [got[i] for i in range(len(texts))] == expected


# What fast mode must protect (the value must be covered by the spans), in the ways people
# type: lower case, unknown organisations, typos, re-spaced numbers, obfuscated emails.
CASES = [
    ("lower-case court", "the hearing got moved, the marion county probate court sent a letter", "marion county probate court"),
    ("unknown company", "i just got an offer from Quillfeather Analytics, should i take it", "Quillfeather Analytics"),
    ("union local", "our shop joined Ironworkers Local 412 last spring", "Ironworkers Local 412"),
    ("city after in", "i grew up in Leeds, then Bilbao, and before that in Tromsø", "Tromsø"),
    ("password after a login", "the router login is admin / plum-Kettle-77", "plum-Kettle-77"),
    ("user name", "my username is odile_f_1994 on the forum", "odile_f_1994"),
    ("spaced ssn", "my s s n is 2 3 8 - 4 4 - 7 1 0 2", "2 3 8 - 4 4 - 7 1 0 2"),
    ("bare national id", "for the form, my national id is 702913386", "702913386"),
    ("passport with a typo", "pasport numbr 5512 904 expires soon", "5512 904"),
    ("name with a typo", "can you draft a note to Odle Fabrre about the rent", "Odle Fabrre"),
    ("age", "i'm 52 and thinking about a career change", "52"),
    ("diagnosis", "i was diagnosed with ulcerative colitis two years ago", "ulcerative colitis"),
]


@pytest.mark.parametrize("kind,text,value", CASES, ids=[c[0] for c in CASES])
def test_fast_mode_protects_what_lists_and_rules_miss(fast, kind, text, value):
    start = text.index(value)
    spans = fast.find(text)
    assert covered(text, start, start + len(value), intervals(spans)), (kind, [(s.text, s.category) for s in spans])


# Kinds fast mode still misses (a lower-case first name no lexicon holds, after "its"; an
# e-mail spelled out with " at " and " dot ", which the model misses, the rules now find):
# strict, so a model that learns them turns these red and the data card must be updated.
KNOWN_MISSES = [
    ("lower-case first name", "hey its odile again, did u get my message", "odile"),
]


@pytest.mark.xfail(strict=True, reason="known miss of the shipped tagger (README: what it still misses)")
@pytest.mark.parametrize("kind,text,value", KNOWN_MISSES, ids=[c[0] for c in KNOWN_MISSES])
def test_known_misses(fast, kind, text, value):
    start = text.index(value)
    assert covered(text, start, start + len(value), intervals(fast.find(text)))


def test_public_knowledge_questions_are_left_alone(fast):
    for text in ("How do I reverse a linked list in Python?", "What are the side effects of ibuprofen?",
                 "Explain how photosynthesis works for a ten year old."):
        assert [s for s in fast.find(text) if s.layer == Layer.MODEL] == [], text


def test_a_span_without_a_letter_or_digit_is_no_value(monkeypatch):
    # The model once tagged a lone ")" as an EMAIL and "<" as a URL in long PUPA prompts: no
    # stand-in has that shape, and the request was blocked. The decoder's output is replayed.
    text = "see the table (below) < and mail me at odile@proton.me"
    decoded = [(text.index(")"), text.index(")") + 1, "EMAIL", 0.9),
               (text.index("<"), text.index("<") + 1, "URL", 0.8),
               (text.index("odile@"), len(text), "EMAIL", 0.95)]
    layer = TaggerLayer()
    monkeypatch.setattr(layer, "_runtime", lambda: type("R", (), {"find": staticmethod(lambda t: decoded)})())
    assert [s.text for s in layer.find(text)] == ["odile@proton.me"]
