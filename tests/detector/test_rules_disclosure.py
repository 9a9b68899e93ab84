"""detector/rules/disclosure.py: a health, money or identity fact told as one's own."""
import pytest

from detector.categories import Category as C
from detector.pipeline import Detector
from detector.protect import Protector
from detector.rules.disclosure import DisclosureRecognizer
from detector.store import InMemoryStore

RULE = DisclosureRecognizer()


@pytest.mark.parametrize("text, value, category", [
    ("I suffer from migraines almost every week", "migraines", C.HEALTH),
    ("my wife has early onset alzheimers", "alzheimers", C.HEALTH),
    ("my dad had a stroke and can't talk", "a stroke", C.HEALTH),
    ("I had a miscarriage last month", "a miscarriage", C.HEALTH),
    ("I take 50mg of zoloft daily", "zoloft", C.HEALTH),
    ("I'm in therapy for my eating disorder", "eating disorder", C.HEALTH),
    ("I'm recovering from a heroin addiction", "a heroin addiction", C.HEALTH),
    ("my son is autistic and nonverbal", "autistic", C.HEALTH),
    ("we're in foreclosure", "foreclosure", C.FINANCE),
    ("I filed for bankruptcy in 2021", "bankruptcy", C.FINANCE),
    ("I'm a practicing Catholic", "Catholic", C.BELIEF_IDENTITY),
    ("I was fired for being late too often", "fired", C.WORK),
    ("My partner and I have been trying IVF for three years", "IVF", C.HEALTH),
    ("I've been on antidepressants for a year", "antidepressants", C.HEALTH),
    ("my mum has stage 4 lung cancer", "lung cancer", C.HEALTH),
    ("my sister has aggressive cancer", "cancer", C.HEALTH),  # one word of its own before the term
    ("I'm divorced and have two kids", "divorced", C.RELATIONSHIP),
    ("things got hard since my divorce", "divorce", C.RELATIONSHIP),
])
def test_a_fact_of_ones_own(text, value, category):
    assert [(s.text, s.category) for s in RULE.find(text)] == [(value, category)]


@pytest.mark.parametrize("text", [
    "what causes migraines and how are they treated?",  # a question's topic
    "a 45-year-old patient with type 2 diabetes presents with fatigue",
    "Write an essay about bankruptcy law in Canada",
    "my essay is about depression in teenagers",  # "my" owns the essay
    "the company fired 200 workers",
    "is zoloft safe during pregnancy?",
    "I have a question about cancer treatment",
    "my dad has no diabetes at all",
    "I was engaged in a long debate with my team",  # a verb, not a status
    "we were separated from the tour group",
    "I did cancer research for five years",  # a field of work
    "I'm a bankruptcy lawyer in Ohio",
])
def test_the_same_terms_as_a_topic_are_nobodys(text):
    assert RULE.find(text) == []


@pytest.fixture(scope="module")
def protector():
    detector = Detector("fast")
    detector.warm()
    return Protector(detector, InMemoryStore())


@pytest.mark.parametrize("text, value", [
    ("I suffer from migraines almost every week", "migraines"),
    ("my dad had a stroke and can't talk", "a stroke"),
    ("I'm recovering from a heroin addiction", "a heroin addiction"),
    # and a legal matter's (rules/legal.py)
    ("I got charged with a DUI last year and need a job", "a DUI"),
    ("my court date got moved to Friday", "court date"),
])
def test_only_the_fact_changes_and_comes_back(protector, text, value):
    scope = "d-" + value
    protection = protector.protect(text, scope)
    [rep] = [r for r in protection.replacements if r.span.text == value]
    assert rep.replacement.lower() != value.lower()
    assert protection.protected.replace(rep.replacement, value, 1) == text
    assert protector.restorer(scope).restore(protection.protected) == text
