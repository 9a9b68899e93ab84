"""The Detector's layers read the normalised view (detector/normalize.py), and their spans come
back on the original characters."""
from detector.categories import Category
from detector.pipeline import Detector
from detector.rules import RulesLayer
from detector.span import Layer, Span


class WordLayer:
    """Finds one word in what it reads, and remembers what it read."""

    def __init__(self, name: str, word: str, view: str | None = None):
        self.name, self.word, self.read = name, word, []
        if view is not None:
            self.view = view

    def find(self, text):
        self.read.append(text)
        start = text.find(self.word)
        return [Span(start, start + len(self.word), self.word, Category.PERSON, Layer.NER)] if start >= 0 else []


def test_layers_read_the_view_and_spans_map_back():
    text = "ask Ma\u200bria or jоhn"  # a zero-width space in Maria, a Cyrillic о in john
    ner = WordLayer("ner", "Maria")
    rules = WordLayer("rules", "john", view="rules")
    [maria, john] = Detector(layers=[ner, rules], cache_size=0).find(text)
    assert ner.read == ["ask Maria or jоhn"]          # look-alikes stay for NER and names
    assert rules.read == ["ask Maria or john"]
    assert (maria.start, maria.end, maria.text) == (4, 10, "Ma\u200bria")
    assert john.text == "jоhn" == text[john.start:john.end]


def test_an_ascii_text_is_read_as_it_is():
    layer = WordLayer("ner", "Maria")
    Detector(layers=[layer], cache_size=0).find("ask Maria")
    assert layer.read == ["ask Maria"]


def test_find_rules_runs_only_the_rules_and_is_cached():
    ner = WordLayer("ner", "Maria")
    detector = Detector(layers=[RulesLayer(), ner])
    text = "Maria: +44 20 7946 0958"
    first = detector.find_rules(text)
    assert [s.category for s in first] == [Category.PHONE] and ner.read == []
    assert detector.find_rules(text) == first
    assert [s.category for s in detector.find(text)] == [Category.PERSON, Category.PHONE]
