"""A span is one privacy phrase found in a text: where, what, and which layer saw it."""
from dataclasses import dataclass, field

from detector.categories import Category


class Layer:
    """Layer names, in priority order for span resolution (highest first)."""
    RULES = "rules"
    NER = "ner"
    NAMES = "names"  # lexicon and capitalisation name finder (detector/names*.py): ranks as NER
    LLM = "llm"
    MODEL = "model"  # the tagger (detector/tagger/): its rank is set by the ablation in docs/evaluation.md
    PRIORITY = {RULES: 3, NER: 2, NAMES: 2, MODEL: 2, LLM: 1}


@dataclass(frozen=True, slots=True)
class Span:
    start: int  # offsets in code points (Python str indices), end exclusive
    end: int
    text: str
    category: Category
    layer: str
    score: float = 1.0
    validated: bool = False  # a checksum or format check passed (cards, IBANs, phones...)

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
