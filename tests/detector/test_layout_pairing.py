"""One name per category (#18): rules/<category>.py finds it, standins/<category>.py makes its
stand-ins, so "how does an IBAN get its stand-in" is answered by two files of one name."""
import pkgutil

import detector.rules
import detector.standins
from detector.categories import CONTEXTUAL
from detector.rules import default_recognizers
from detector.standins.families import FAMILIES

# base: what every family shares; number_forms: numbers dictated as words or given by their last
# digits, read for the digit families (phone, card, account, ID), whose stand-in modules write them;
# disclosure: a health, money, identity or work fact told as one's own, for the contextual kinds
# (their one stand-in module is standins/contextual.py).
RULE_HELPERS = {"base", "number_forms", "disclosure"}


def test_every_rule_module_has_a_standin_module_of_the_same_name():
    rules = {m.name for m in pkgutil.iter_modules(detector.rules.__path__)} - RULE_HELPERS
    standins = {m.name for m in pkgutil.iter_modules(detector.standins.__path__)}
    assert len(rules) == 16
    # The contextual kinds (finance...) share one stand-in module, standins/contextual.py.
    assert rules <= standins | {str(c).lower() for c in CONTEXTUAL}, rules - standins


def test_recognizers_live_in_the_module_named_for_their_category():
    for recognizer in default_recognizers():
        if type(recognizer).__module__.removeprefix("detector.rules.") in RULE_HELPERS:
            continue
        assert type(recognizer).__module__ == f"detector.rules.{recognizer.category.lower()}"


def test_standin_families_live_in_the_module_named_for_their_category():
    for category, parts in FAMILIES.items():
        assert parts.__module__ == f"detector.standins.{category.lower()}"
