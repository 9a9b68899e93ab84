"""The protect step's leak check (detector/standins/leaks.py): a stand-in that keeps its real
value's digits or letters in place is never sent; ordinary stand-ins never trip it."""
import pytest

from detector.categories import Category as C
from detector.errors import DetectionError
from detector.protect import Protector
from detector.standins import families
from detector.standins.leaks import keeps_real
from detector.standins.part import whole
from detector.store import InMemoryStore
from tests.detector.standins_doubles import PhraseDetector

PHONE = "+1 ４１５ ５５５ ０１３４"


@pytest.mark.parametrize("real, standin, category, leaks", [
    (PHONE, "+6 ４１５ ５５５ ０１３４", "PHONE", True),          # the stand-in
    (PHONE, "+1 ６２８ ４１２ ９０８７", "PHONE", False),          # the country code is kept on purpose
    ("+44 20 7946 0958", "+44 20 7946 0959", "PHONE", True),
    ("020 7946 0958", "020 3184 2276", "PHONE", False),
    ("4111 1111 1111 1111", "4111 1111 1111 1112", "CREDIT_CARD", True),
    ("4111 1111 1111 1111", "4532 7781 0045 1236", "CREDIT_CARD", False),  # the brand digit is kept
    ("DE89 3704 0044 0532 0130 00", "DE12 3704 0044 0532 0130 00", "BANK_ACCOUNT", True),
    ("DE89 3704 0044 0532 0130 00", "DE89 8273 5695 0162 3408 89", "BANK_ACCOUNT", False),
    ("sk-proj-AbCdEf1234567890XyZ", "sk-proj-QwErTy0987654321AbC", "SECRET", False),
    ("sk-proj-AbCdEf1234567890XyZ", "sk-proj-AbCdEf1234567890XyQ", "SECRET", True),
    ("sunshine@gmail.com", "sunshine42@gmail.com", "EMAIL", True),
    ("john.smith at example dot com", "john.smith7 at globex dot com", "EMAIL", True),
    ("john.smith at example dot com", "elena.ruiz at globex dot com", "EMAIL", False),
    ("info@gmail.com", "info42@gmail.com", "EMAIL", False),             # role words name no one
    ("j\u043ehn.smith@gmail.com", "john.smith7@gmail.com", "EMAIL", True),  # a Cyrillic о reads as o
    ("Maria", "MARIA", "PERSON", True),
    ("Maria", "Elena", "PERSON", False),
    ("192.168.1.20", "192.168.7.45", "IP_ADDRESS", False),             # a private block is kept
])
def test_keeps_real(real, standin, category, leaks):
    assert keeps_real(real, standin, category) is leaks


def _leaky_phone(leak_on_attempt):
    """A phone family double: its stand-in is the real number under a new country code (the
    issue's bug; a new one each attempt, so none is refused as already issued), on the attempts
    `leak_on_attempt` says."""
    def parts(surface, session):
        def make(rng, attempt):
            if leak_on_attempt(attempt):
                return surface.replace("+1", f"+{attempt + 2}", 1)
            return "+1 628 412 " + str(9000 + attempt)
        return whole(surface, "phone:" + surface, "PHONE", make)
    return parts


TEXT = "call me on +1 415 555 0134 today"


def test_a_stand_in_with_the_real_digits_is_never_sent(monkeypatch):
    monkeypatch.setitem(families.FAMILIES, C.PHONE, _leaky_phone(lambda attempt: True))
    protector = Protector(PhraseDetector({"+1 415 555 0134": C.PHONE}), InMemoryStore())
    with pytest.raises(DetectionError) as caught:
        protector.protect(TEXT, "s")
    assert "PHONE" in str(caught.value) and "415" not in str(caught.value)
    assert protector.leaks_caught["PHONE"] >= 1


def test_a_leaky_stand_in_is_made_again(monkeypatch):
    monkeypatch.setitem(families.FAMILIES, C.PHONE, _leaky_phone(lambda attempt: attempt == 0))
    store = InMemoryStore()
    protector = Protector(PhraseDetector({"+1 415 555 0134": C.PHONE}), store)
    protection = protector.protect(TEXT, "s")
    assert protection.protected == "call me on +1 628 412 9001 today"  # attempt 1 of the salted key
    assert protector.leaks_caught == {"PHONE": 1}
    assert protector.restorer("s").restore(protection.protected) == TEXT


def test_a_value_cut_between_texts_is_checked_too(monkeypatch):
    from detector.pipeline import Detector
    from detector.rules import RulesLayer

    monkeypatch.setitem(families.FAMILIES, C.PHONE, _leaky_phone(lambda attempt: True))
    protector = Protector(Detector(layers=[RulesLayer()]), InMemoryStore())
    with pytest.raises(DetectionError):
        protector.protect_group(["call +1 415 55", "5 0134 today"], "g")


ORDINARY = {
    C.CREDIT_CARD: ["4111 1111 1111 1111", "5500 0000 0000 0004", "3782 822463 10005", "6011 0009 9013 9424",
                    "４１１１ １１１１ １１１１ １１１１"],
    C.PHONE: ["+44 20 7946 0958", "020 7946 0958", "+1 415 867 5309", "+49 30 901820", "+33 1 42 68 53 00",
              "+91 98765 43210", "+61 2 9374 4000", "+1 ４１５ ８６７ ５３０９"],
    C.BANK_ACCOUNT: ["DE89 3704 0044 0532 0130 00", "GB82 WEST 1234 5698 7654 32", "NL91 ABNA 0417 1643 00",
                     "FR14 2004 1010 0505 0001 3M02 606", "ES91 2100 0418 4502 0005 1332"],
    C.ID_NUMBER: ["536-22-8726", "AB 12 34 56 C"],
    C.EMAIL: ["maria.gonzalez@gmail.com", "sunshine@gmail.com", "j.doe84@acme-corp.com", "info@acme-corp.com",
              "john.smith at example dot com"],
}


@pytest.mark.parametrize("category", list(ORDINARY))
def test_ordinary_stand_ins_never_trip_it(category):
    values = ORDINARY[category]
    protector = Protector(PhraseDetector({v: category for v in values}), InMemoryStore())
    text = " and ".join(values)
    for scope in range(40):  # each scope makes fresh stand-ins
        protection = protector.protect(text, f"scope-{scope}")
        assert len(protection.replacements) == len(values)
    assert protector.leaks_caught.total() == 0
