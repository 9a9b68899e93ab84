"""detector/formats.py is the one source of format facts: what the rules find by a fact, the
stand-ins keep (card brands, vendor key prefixes), and the facts agree with the libraries and
lists they come from."""
import re

import pytest
from faker.providers.address.en_US import Provider as UsAddresses
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import luhn

from detector import formats
from detector.categories import Category as C
from detector.rules.credit_card import CreditCardRecognizer
from detector.rules.secret import SecretRecognizer
from detector.standins import StandInSession
from detector.store import InMemoryStore


def standin(real: str, category: C, scope: str = "conv") -> str:
    return StandInSession(InMemoryStore(), scope, f"text with {real} in it").standin(real, category)


def _card_in(row: formats.CardRange, length: int = 16) -> str:
    body = row.high + "0" * (length - len(row.high) - 1)
    return body + luhn.calc_check_digit(body)


@pytest.mark.parametrize("row", formats.CARD_IINS, ids=lambda r: f"{r.brand}-{r.low}")
def test_each_issuer_range_is_found_by_the_rule_and_kept_by_the_standin(row):
    number = _card_in(row)
    assert [(s.text, s.validated) for s in CreditCardRecognizer().find(f"paid with {number}")] == [(number, True)]
    for scope in ("a", "b", "c"):
        fake = standin(number, C.CREDIT_CARD, scope)
        assert fake[:row.brand_digits] == number[:row.brand_digits] and luhn.is_valid(fake)


def test_the_most_specific_range_names_the_brand():
    assert formats.card_range("6011000990139424").brand == "Discover"
    assert formats.card_brand_digits("6011000990139424") == 4
    assert formats.card_brand_digits("6759649826438453") == formats.UNKNOWN_BRAND_DIGITS  # in CARD_WIDER only
    assert formats.card_range("9400000000000000") is None


def _keys():
    for key in formats.KEY_FORMATS:
        if key.body is not None:
            for prefix in key.prefixes:
                yield key.name, prefix, key.body


@pytest.mark.parametrize("name, prefix, body", list(_keys()), ids=lambda v: v if isinstance(v, str) and len(v) < 20 else "")
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_each_vendor_key_is_found_by_the_rule_and_keeps_its_prefix(name, prefix, body, data):
    key = prefix + data.draw(st.from_regex(re.compile(body, re.ASCII), fullmatch=True))
    found = SecretRecognizer().find(f"token = {key} ;")
    assert [s.text for s in found] == [key]
    assert standin(key, C.SECRET).startswith(prefix) or len(key) <= len(prefix) + 8


@pytest.mark.parametrize("prefix", [p for k in formats.KEY_FORMATS if k.body is None for p in k.prefixes])
def test_prefixes_the_rules_do_not_look_for_yet_are_kept_by_the_standin(prefix):
    key = prefix + "Q7fXk2LmZp9RtW4vBn8s"
    fake = standin(key, C.SECRET)
    assert fake.startswith(prefix) and fake != key and len(fake) == len(key)


def test_the_rules_try_a_subset_of_the_phone_regions_the_standins_read():
    assert set(formats.PHONE_REGIONS_DETECT) < set(formats.PHONE_REGIONS)
    assert formats.WRITTEN_WITH_TRUNK_ZERO <= set(formats.PHONE_REGIONS_DETECT)


def test_us_states_are_fakers():
    assert set(formats.US_STATE_ABBR) == set(UsAddresses.states_abbr)


def test_every_id_module_exists_and_no_other_is_handed_out():
    for name in formats.ID_NUMBER_MODULES:
        assert callable(formats.id_module(name).is_valid)
    with pytest.raises(KeyError):
        formats.id_module("gb.nino")
