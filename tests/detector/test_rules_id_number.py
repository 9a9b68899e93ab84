import pytest

from detector.rules.id_number import DocumentIdRecognizer, NationalIdRecognizer, UsSsnRecognizer
from tests.detector.rules_helpers import validated, values

SSN = UsSsnRecognizer()
NATIONAL = NationalIdRecognizer()
DOCUMENT = DocumentIdRecognizer()


@pytest.mark.parametrize("text, expected, checks", [
    ("Here's my SSN: 460-89-9847", "460-89-9847", True),
    ("my SSN is 123-45-6789", "123-45-6789", True),  # a dummy, but python-stdnum accepts it
    ("my SSN is 078-05-1120", "078-05-1120", False),  # the famous wallet SSN: check fails, context wins
    ("social security number 666-12-3456", "666-12-3456", False),
    ("ssn 460899847", "460899847", True),  # plain nine digits need the context
    ("SSN: 460 89 9847", "460 89 9847", True),
])
def test_ssn(text, expected, checks):
    assert values(SSN, text) == [expected]
    assert validated(SSN, text)[expected] is checks


@pytest.mark.parametrize("text", [
    "order 078-05-1120 shipped",  # fails the check, no SSN context
    "call 460899847",  # plain digits without context
    "460-89-98470",
])
def test_ssn_negatives(text):
    assert values(SSN, text) == []


@pytest.mark.parametrize("text, expected", [
    ("my NINO is AB123456C", "AB123456C"),
    ("NI number QQ 12 34 56 C", None),  # QQ is HMRC's example prefix: invalid but in context
    ("numéro de sécurité sociale 2 53 05 75 123 456 78", None),
    ("DNI 12345678Z", "12345678Z"),
    ("NIE X1234567L", "X1234567L"),
    ("codice fiscale RSSMRA85T10A562S", "RSSMRA85T10A562S"),
    ("aadhaar 2341 2341 2346", "2341 2341 2346"),
    ("PAN ABCPE1234F", "ABCPE1234F"),
    ("NHS number 943 476 5919", "943 476 5919"),
])
def test_national_ids(text, expected):
    found = values(NATIONAL, text)
    assert len(found) == 1
    if expected:
        assert found == [expected]
        assert validated(NATIONAL, text)[expected] is True


@pytest.mark.parametrize("text", [
    "RSSMRA85T10A562X was a typo",  # codice-fiscale-shaped, check fails, no context
    "2341 2341 2346 is a number",  # Aadhaar needs its context
    "ABCDE is five letters",
    "12345678A",  # DNI with the wrong letter, no context
])
def test_national_id_negatives(text):
    assert values(NATIONAL, text) == []


@pytest.mark.parametrize("text, expected", [
    ("My driver's license number is F162823540116", "F162823540116"),
    ("my driver's license number is 2270-66-1551", "2270-66-1551"),
    ("passport number: X1234567", "X1234567"),
    ("student id 20231187", "20231187"),
    # health cover, claims and cases, as support messages and forms name them
    ("my medicare no. 1EG4TE5MK73", "1EG4TE5MK73"),
    ("my medicare number is 1EG4-TE5-MK73", "1EG4-TE5-MK73"),
    ("health card number 1234-567-890-AB", "1234-567-890-AB"),
    ("claim number: CLM-2231-0098 was denied", "CLM-2231-0098"),
    ("my case number is 2023-CV-004471", "2023-CV-004471"),
    ("my medcare nmbr is 1EG4TE5MK73", "1EG4TE5MK73"),  # typed in a hurry
    ("my license plate is 7ABC123 and it got towed", "7ABC123"),
    ("my employee number is 004417 and my manager is Priya", "004417"),
])
def test_document_ids_in_context(text, expected):
    assert values(DOCUMENT, text) == [expected]


@pytest.mark.parametrize("text, expected", [
    ("The application (no. 28490/95) was lodged with the Commission on 5 July 1995.", ["28490/95"]),
    ("I was charged twice for my subscription, order #A-99812", ["A-99812"]),
    ("my claim no: 88.1200.7 was denied", ["88.1200.7"]),
    ("booking nr 7731 is what the confirmation email says", ["7731"]),
    ("ticket # 45 is open", []),  # too short to single anyone out
    ("Sort the orders by order no. and print them", []),
    ("case no. 12/03/2019", []),  # a date, not a number
    ("hey its maria, my order 88213-B never showed up", ["88213-B"]),
    ("my order 2 days ago never came", []),
    ("my case 2019 was dismissed", []),  # a year, not a file number
])
def test_the_number_of_someones_case_order_or_claim(text, expected):
    assert values(DOCUMENT, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("customers C2048537720 and M1731217984", ["C2048537720", "M1731217984"]),
    ("F162823540116 without any label", ["F162823540116"]),
    ("session cc6a2651-f67d-4e9a-980c-63d72a62f2d3 expired", ["cc6a2651-f67d-4e9a-980c-63d72a62f2d3"]),
])
def test_prefixed_ids_and_uuids_count_anywhere(text, expected):
    assert values(DOCUMENT, text) == expected


@pytest.mark.parametrize("text", [
    "AB12CD34 without any label",
    "utf8 sha256 x86_64 GPT4 ipv6",
    "cc6a2651-f67d-4e9a-980c-63d72a62f2d",  # one hex digit short of a UUID
    "my passport expires on 12-05-2028",  # a date
    "the passport office opened in 2019",
    "passport photo size is 35x45",
])
def test_document_id_negatives(text):
    assert values(DOCUMENT, text) == []


# --- every national ID the stand-ins know -----------------------------------------------------
from detector.formats import ID_NUMBER_MODULES, id_module  # noqa: E402
from detector.rules.id_number import NATIONAL_IDS  # noqa: E402

# One valid value per python-stdnum module, as people write it (the modules' own examples), and
# the word that names it.
VALID = {
    "us.ssn": ("SSN", "536-90-4399"),
    "us.itin": ("ITIN", "912-90-3456"),
    "us.ein": ("EIN", "04-2103594"),
    "ca.sin": ("SIN", "123-456-782"),
    "gb.nhs": ("NHS number", "943 476 5870"),
    "de.idnr": ("Steuer-ID", "36 574 261 809"),
    "fr.nir": ("NIR", "2 95 10 99 126 111 93"),
    "es.dni": ("DNI", "54362315-K"),
    "es.nie": ("NIE", "X2482300W"),
    "it.codicefiscale": ("codice fiscale", "RCCMNL83S18D969H"),
    "nl.bsn": ("BSN", "1112.22.333"),
    "be.nn": ("national number", "85.07.30-033.28"),
    "ch.ssn": ("AHV", "756.9217.0769.85"),
    "at.vnr": ("VNR", "1237 010180"),
    "se.personnummer": ("personnummer", "880320-0016"),
    "no.fodselsnummer": ("fødselsnummer", "151086 95088"),
    "dk.cpr": ("CPR", "211062-5629"),
    "fi.hetu": ("HETU", "131052-308T"),
    "pl.pesel": ("PESEL", "44051401359"),
    "br.cpf": ("CPF", "390.533.447-05"),
    "in_.aadhaar": ("Aadhaar", "2341 2341 2346"),
    "in_.pan": ("PAN", "ACUPA7085R"),
    "cn.ric": ("resident identity", "360426199101010071"),
    "au.tfn": ("TFN", "123 456 782"),
    "ie.pps": ("PPS", "6433435F"),
    "za.idnr": ("ID number", "7503305044089"),
    "kr.rrn": ("RRN", "971013-9019902"),
    "il.idnr": ("teudat zehut", "3933742-3"),
}
ANYWHERE = {f.module for f in NATIONAL_IDS if f.anywhere}


def test_every_module_of_the_stand_ins_has_a_shape_and_a_test():
    assert {f.module for f in NATIONAL_IDS} | {"us.ssn"} == set(ID_NUMBER_MODULES) == set(VALID)
    for module, (_, value) in VALID.items():
        assert id_module(module).is_valid(value), module


@pytest.mark.parametrize("module", sorted(VALID))
def test_a_valid_id_after_its_word(module):
    word, value = VALID[module]
    recognizer = SSN if module == "us.ssn" else NATIONAL
    text = f"my {word} is {value}, please keep it"
    assert values(recognizer, text) == [value]
    assert validated(recognizer, text)[value] is True


@pytest.mark.parametrize("module", sorted(ANYWHERE))
def test_a_specific_shape_counts_without_context(module):
    _, value = VALID[module]
    recognizer = SSN if module in ("us.ssn", "us.itin") else NATIONAL
    assert values(recognizer, f"here: {value} (thanks)") == [value]


@pytest.mark.parametrize("module", sorted(set(VALID) - ANYWHERE - {"us.ssn", "us.itin"}))
def test_a_plain_digit_run_needs_its_word(module):
    _, value = VALID[module]
    assert values(NATIONAL, f"order {value} shipped today") == []


@pytest.mark.parametrize("text, value", [
    ("my SIN is 123-456-789", "123-456-789"),        # the checksum fails: kept in context ...
    ("PESEL 44051401358", "44051401358"),
    ("my CPR is 211062-5628", None),                  # dk.cpr checks the date only
])
def test_a_failed_checksum_in_context_is_kept_at_a_lower_score(text, value):
    spans = NATIONAL.find(text)
    if value is None:
        return
    assert [s.text for s in spans] == [value]
    assert spans[0].validated is False and spans[0].score < 0.85


def test_a_failed_checksum_without_context_is_dropped():
    assert values(NATIONAL, "ref 880320-0018 was a typo") == []


@pytest.mark.parametrize("text", [
    "In 1984 the value was 36574261809 according to the table",  # an 11-digit run, no ID word
    "GenBank: KM052589 and KJ528887 are sequences",
    "PMID 31452104",
    "request 123e4567-e89b-12d3-a456-426614174000 failed with 500",  # a UUID in a log line
])
def test_numbers_that_are_not_ids(text):
    assert values(NATIONAL, text) == [] and values(DOCUMENT, text) == []


def test_a_uuid_next_to_whose_it_is():
    text = "my user id is 123e4567-e89b-12d3-a456-426614174000"
    assert values(DOCUMENT, text) == ["123e4567-e89b-12d3-a456-426614174000"]


@pytest.mark.parametrize("text, category", [
    ("my nhs no is 943 476 5870", "ID_NUMBER"),  # a valid UK number too: its label decides
    ("call me on 943 476 5870", "PHONE"),
    ("943 476 5870", "PHONE"),
])
def test_a_number_valid_as_a_phone_and_an_id_takes_the_kind_its_label_says(text, category):
    from detector.resolve import resolve
    from detector.rules import RulesLayer

    [span] = resolve(RulesLayer().find(text))
    assert (span.text, str(span.category)) == ("943 476 5870", category)


@pytest.mark.parametrize("text, value, category", [
    # parse as phones too, fail their own check (an SSA-blocked SSN) or have none: the word decides
    ("my ss# 078-05-1120", "078-05-1120", "ID_NUMBER"),
    ("ssn 078-05-1120 pls", "078-05-1120", "ID_NUMBER"),
    ("account number: 4417223190", "4417223190", "BANK_ACCOUNT"),
    ("ssn 219-09-9999, call me on 415 555 0199", "415 555 0199", "PHONE"),
    ("my ssn is 123-45-6789 and 415 555 0199", "415 555 0199", "PHONE"),  # no other span: still a phone
])
def test_a_phone_parse_yields_to_the_kind_the_word_before_it_names(text, value, category):
    from detector.resolve import resolve
    from detector.rules import RulesLayer

    found = {s.text: str(s.category) for s in resolve(RulesLayer().find(text))}
    assert found[value] == category
