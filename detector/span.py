"""A span is one privacy phrase found in a text: where, what, which layer saw it, and why.

``source`` explains the find for people ("why was this replaced?"): the rule and pattern, the
spaCy label, the names layer's cue or lexicon, the LLM's label, or the user's own term list.
It never holds the value itself."""
from dataclasses import dataclass, field

from detector.categories import Category


class Layer:
    """Layer names, in priority order for span resolution (highest first)."""
    RULES = "rules"
    NER = "ner"
    NAMES = "names"  # lexicon and capitalisation name finder (detector/names*.py): ranks as NER
    LLM = "llm"
    MODEL = "model"  # the tagger (detector/tagger/): its rank is set by the ablation in docs/evaluation-ablation.md
    TERMS = "terms"  # the user's "always protect" list (detector/terms.py): ranks with rules
    PRIORITY = {RULES: 3, TERMS: 3, NER: 2, NAMES: 2, MODEL: 2, LLM: 1}


@dataclass(frozen=True, slots=True)
class Span:
    start: int  # offsets in code points (Python str indices), end exclusive
    end: int
    text: str
    category: Category
    layer: str
    score: float = 1.0
    validated: bool = False  # a checksum or format check passed (cards, IBANs, phones...)
    source: str = ""  # why: "email/email", "spacy:PERSON", "cue:relation", "llm:HEALTH", ...

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad span offsets {self.start}:{self.end}")
        if len(self.text) != self.end - self.start:
            raise ValueError("span text does not match its offsets")


@dataclass(frozen=True, slots=True)
class Replacement:
    """A span together with the stand-in that replaced it in the protected text."""
    span: Span
    replacement: str
    out_start: int = field(default=0)  # where the stand-in sits in the protected text
