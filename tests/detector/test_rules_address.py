import pytest

from detector.categories import Category
from detector.rules.address import AddressRecognizer
from tests.detector.rules_helpers import values

R = AddressRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("I live at 221B Baker Street, London NW1 6XE today", "221B Baker Street, London NW1 6XE"),
    ("1600 Pennsylvania Ave NW, Washington, DC 20500", "1600 Pennsylvania Ave NW, Washington, DC 20500"),
    ("send to 123 Main St Apt 4, Springfield, IL 62701.", "123 Main St Apt 4, Springfield, IL 62701"),
    ("i live at 42 maple street", "42 maple street"),
    ("mon adresse: 12 rue de la Paix", "12 rue de la Paix"),
    ("Koskikatu 25 Apt. 864", "Koskikatu 25 Apt. 864"),
    ("PSC 3294, Box 9168", "PSC 3294, Box 9168"),
    ("my zip is 90210", "90210"),
    ("postcode SW1A 2AA", "SW1A 2AA"),
    # numbered streets, typed in lower case, with the unit
    ("adress is 221 w 34th st apt 5c new york", "221 w 34th st apt 5c"),
    ("I live at 12 e 5th ave, apt 3", "12 e 5th ave, apt 3"),
    ("it is 221 West 34th Street", "221 West 34th Street"),
])
def test_addresses(text, expected):
    assert expected in values(R, text)


@pytest.mark.parametrize("text", [
    "In 2019 Google Street View came",
    "I have 3 dogs and 2 cats",
    "90210 is a tv show",  # a ZIP needs an address context
    "SW1A 2AA",
    "we walked 5 miles down the road",
    "I have 3 cats st louis",  # "st" is a street's only after an ordinal
])
def test_ignores_non_addresses(text):
    assert values(R, text) == []


@pytest.mark.parametrize("text,value", [
    ("ZIP: 3520", "3520"), ("postal code 53-320, Poland", "53-320"), ("PLZ 10115 Berlin", "10115"),
    ("CEP 01310-100", "01310-100"), ("postcode: K1A 0B1", "K1A 0B1"), ("zip 394 13", "394 13"),
    ("pin code 560001", "560001"), ("ZIP: 7412 SL", "7412 SL"), ("zip code 1012AB", "1012AB")])
def test_any_countrys_postcode_after_the_word_for_it(text, value):
    assert [s.text for s in AddressRecognizer().find(text)] == [value]


@pytest.mark.parametrize("text", ["the code is 1234", "zip 2.5 GB", "unzip 12345 files", "postcode 1.5"])
def test_a_number_after_no_postcode_word_is_no_postcode(text):
    assert AddressRecognizer().find(text) == []


@pytest.mark.parametrize("text, street", [
    ("i live at Calle Mayor 12, 28013 Madrid", "Calle Mayor 12"),
    ("my flat is on Avenida Paulista 1578 in sao paulo", "Avenida Paulista 1578"),
    ("adres: ul. Marszałkowska 10/4, Warszawa", "ul. Marszałkowska 10/4"),
    ("my mum lives at Rua Augusta 210, Lisboa", "Rua Augusta 210"),
    ("Carrer de Mallorca 401, Barcelona", "Carrer de Mallorca 401"),
    ("ship to Via Roma 3, Milano", "Via Roma 3"),
    ("calle mayor 12b please", None),  # lower-case type, lower-case name: no name
])
def test_streets_written_type_first_and_number_last(text, street):
    found = [v for v in values(R, text) if not v.isdigit()]
    assert found == ([street] if street else [])


@pytest.mark.parametrize("text", ["i sent it via Zoom 2 times", "see Smith et al. Jones 2019",
                                  "the Place 2 award went to him", "we meet via Teams 3 days a week"])
def test_english_words_before_a_name_and_a_number_are_no_street(text):
    assert values(R, text) == []


def test_a_numbered_street_keeps_an_ordinal():
    import re
    from detector.standins import StandInSession
    from detector.store import InMemoryStore
    session = StandInSession(InMemoryStore(), "streets", "")
    out = session.standin("221 West 34th Street", Category.ADDRESS)
    m = re.fullmatch(r"\d{3} West (\d{2})(st|nd|rd|th) Street", out)
    assert m and out != "221 West 34th Street", out
    n = int(m[1])
    assert m[2] == ("th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th"))
