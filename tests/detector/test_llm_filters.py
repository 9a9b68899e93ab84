"""The LLM layer's precision filter (detector/llm/filters.py) and the runtime's stop on
degenerate lines (detector/llm/runtime.py): pure functions, no model needed."""
import pytest
from hypothesis import given, strategies as st

from detector.categories import Category
from detector.llm.filters import keep_llm_span
from detector.llm.runtime import _answer, _degenerate, _finished
from detector.span import Layer, Span


def _span(text: str, phrase: str, category: Category) -> Span:
    start = text.index(phrase)
    return Span(start, start + len(phrase), phrase, category, Layer.LLM, 0.5)


@pytest.mark.parametrize(("text", "phrase", "category"), [
    ("my name is saedarfa and i need a visa letter", "saedarfa", Category.PERSON),
    ("Write to Moe about the party.", "Moe", Category.PERSON),
    ("I rent an apartment in pune with two friends.", "apartment in pune", Category.LOCATION),
    ("I was diagnosed with type 2 diabetes last year.", "diagnosed with type 2 diabetes", Category.HEALTH),
    ("My wife Priya is furious.", "My wife", Category.RELATIONSHIP),
    ("We owe about 38k on credit cards.", "owe about 38k on credit cards", Category.FINANCE),
    ("I was arrested for DUI last year.", "arrested for DUI", Category.LEGAL),
    ("She works as a night nurse in Tulsa.", "a night nurse", Category.WORK),
])
def test_keeps_plausible_phrases(text, phrase, category):
    assert keep_llm_span(text, _span(text, phrase, category))


@pytest.mark.parametrize(("text", "phrase", "category"), [
    # placeholders and numbers
    ("Dear <PRESIDIO_ANONYMIZED_PERSON>, thanks.", "<PRESIDIO_ANONYMIZED_PERSON>", Category.PERSON),
    ("Worked there 20XX – 20XX as a clerk.", "20XX – 20XX", Category.PERSON),
    ("Ages 18 to 40 are eligible.", "18 to 40", Category.LOCATION),
    # entities made of common words, or far too long to be a name
    ("Describe the town in winter.", "the town", Category.PERSON),
    ("Plan a fast food menu.", "fast food", Category.ORG),
    ("We have certification as per below Certifications for the job",
     "have certification as per below Certifications for the job", Category.ORG),
    # contextual phrases in text about no one
    ("Explain the impact of PESTLE factors on the market.", "PESTLE factors", Category.FINANCE),
    ("The O&M manual must be submitted with the material.", "O&M manual", Category.WORK),
    # LEGAL / FINANCE phrases that do not name their matter
    ("I'm trying to download remote library files.", "remote library files", Category.LEGAL),
    ("Over five years our primary focus has been growth.", "our primary focus", Category.FINANCE),
    # clauses, not phrases
    ("I said let me evaluate and see if I can cover your changes as part of the remediation plan today.",
     "let me evaluate and see if I can cover your changes as part of the remediation plan", Category.LEGAL),
])
def test_drops_noise(text, phrase, category):
    assert not keep_llm_span(text, _span(text, phrase, category))


@pytest.mark.parametrize(("line", "bad"), [
    ("LOCATION 1000000000000000000000000", True),
    ("ORG hahahahahahahahahahahahaha", True),
    ("PERSON привет напиши команду для отправки snmpwalk на ip 10.2.35.2 с данными по доступу initi_user", True),
    ("FINANCE 1000000000", False),
    ("ORG Knorr-Bremse AG", False),
    ("WORK Senior Manager, Corporate Controlling", False),
])
def test_degenerate_lines(line, bad):
    assert _degenerate(line) is bad
    assert _finished("PERSON Ana\n" + line) is bad  # generation stops on the line itself
    assert (line in _answer("PERSON Ana\n" + line)) is not bad


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80))
def test_filter_never_raises_and_respects_placeholders(phrase):
    text = f"I met {phrase} yesterday."
    sp = Span(6, 6 + len(phrase), phrase, Category.PERSON, Layer.LLM, 0.5)
    kept = keep_llm_span(text, sp)
    if "<" in phrase or "_" in phrase:
        assert not kept
