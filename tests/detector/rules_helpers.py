"""Helpers shared by the rules tests: run one recognizer family and look at what it reported."""
from detector.rules.base import Recognizer
from detector.span import Layer


def values(recognizer: Recognizer, text: str) -> list[str]:
    spans = recognizer.find(text)
    for span in spans:
        assert text[span.start:span.end] == span.text
        assert span.layer == Layer.RULES
        assert span.category == recognizer.category
    return [span.text for span in spans]


def validated(recognizer: Recognizer, text: str) -> dict[str, bool]:
    return {span.text: span.validated for span in recognizer.find(text)}
