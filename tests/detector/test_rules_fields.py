"""Places and organisations given as labelled fields of a post, a form or a listing
(detector/rules/location.py, org.py, base.field_values): the field says whose they are."""
import pytest

from detector.categories import Category as C
from detector.precision import PrecisionStage
from detector.rules.location import LocationRecognizer
from detector.rules.org import OrgRecognizer
from detector.span import Layer, Span
from tests.detector.rules_helpers import values

PLACES, ORGS = LocationRecognizer(), OrgRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("Location: Giridih   Contact: 02272869686", ["Giridih"]),
    ("Posted by Jeet | Location: Tirupati | Timestamp: 2023-10-05 10:22 IST", ["Tirupati"]),
    ("Name: Patrick   Location for Pickup: Wellington   Item: model kit", ["Wellington"]),
    ("General Location: Chandrapur (for local pickup)", ["Chandrapur"]),
    ("Hometown: Saharsa", ["Saharsa"]),
    ("City: Vellore, Employer: Mall-Deshpande", ["Vellore"]),
    ("Location: Springfield, IL | Date: today", ["Springfield, IL"]),
    ("hi, location: chennai, pls help", ["chennai"]),
    ("Name: Ana Ruiz\nLocation: Vigo\nPhone: 986 123 456", ["Vigo"]),
    ("Location: NS | Timestamp: 2023-09-19 09:15", ["NS"]),
])
def test_a_place_in_its_field(text, expected):
    assert values(PLACES, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("City: Vellore, Employer: Mall-Deshpande", ["Mall-Deshpande"]),
    ("Company: Cyber Silver | Role: analyst", ["Cyber Silver"]),
    ("School: Brookfield Elementary\nGrade: 4", ["Brookfield Elementary"]),
])
def test_an_organisation_in_its_field(text, expected):
    assert values(ORGS, text) == expected


@pytest.mark.parametrize("text", [
    "location: remote", "Location: N/A", "Location: 23, Swamy Marg, Hajipur",  # digits: an address's
    "Note: Paris is lovely", "the error: Access denied",
    "resources:\n  - name: web\n    location: West Europe\n    sku: Standard_LRS",  # a config
    '{"location": "Paris"}',
])
def test_no_place_field(text):
    assert values(PLACES, text) == []


@pytest.mark.parametrize("text", ["Employer: self-employed", "Company: N/A", "work: 9-5 shifts", "Office: 9am-5pm"])
def test_no_organisation_field(text):
    assert values(ORGS, text) == []


@pytest.mark.parametrize("text, label, kept", [
    ("Location: NS | Timestamp: 2023-09-19 09:15", "Timestamp", False),
    ("City: Vellore", "City", False),
    ("Jeet: hi, how are you", "Jeet", True),  # a speaker's name before a colon
    ("Timestamp Inc is hiring", "Timestamp", True),
])
def test_a_field_label_is_no_value_a_model_may_claim(text, label, kept):
    start = text.index(label)
    span = Span(start, start + len(label), label, C.ORG, Layer.MODEL, 0.75)
    assert PrecisionStage()(text, [span]) == ([span] if kept else [])


def test_a_labelled_place_inside_code_is_a_literal():
    text = ("```js\nconst cfg = loadConfig(env); log.info(`region ready`), Location: Frankfurt, "
            "cfg.retry = 3; await deploy(cfg);\n```")
    rules = LocationRecognizer().find(text)
    assert [s.text for s in rules] == ["Frankfurt"]
    assert PrecisionStage()(text, rules) == []


@pytest.mark.parametrize("text, expected", [
    ("Username: Liam | Location: 23, Swamy Marg, Hajipur | Date: 2023-09-15", "23, Swamy Marg, Hajipur"),
    ("Shipping address: Flat 4, 12 Rue de la Paix, Paris | Phone: x", "Flat 4, 12 Rue de la Paix, Paris"),
])
def test_an_address_in_its_field(text, expected):
    from detector.rules.address import AddressRecognizer

    assert expected in values(AddressRecognizer(), text)


@pytest.mark.parametrize("text", ["Address: 10", "Pickup: 5pm", "Location: Chennai"])
def test_no_address_field(text):
    from detector.rules.address import AddressRecognizer

    assert [s for s in AddressRecognizer().find(text) if s.source == "address/field"] == []


def test_a_posts_header_is_no_block_of_data():
    from detector.precision import code

    post = ("Name: MarieC_55 | Location: Panabo | Timestamp: 2023-09-15 18:45\n"
            "This article really hit home. As someone who juggles a demanding job at Cyber Silver.")
    assert code.line_regions(post) == []  # one key line over prose: a signature
    form = "Name: Ana\nCity: Vigo\nEmployer: Pescanova\nI need help writing a cover letter for them."
    assert code.line_regions(form) == [(0, form.index("\nI need"))]  # the block ends at its last key line
    assert code.record_field(post, post.index("Panabo"))  # a field after a bar is a record's field


def test_a_field_on_its_own_line_in_a_block_of_data_is_a_records():
    from detector.precision import code

    text = "Username: Bimala  \nLocation: Chennai  \nDate: 2023-09-05  \nHad dinner at Spice Junction."
    assert code.line_regions(text)  # three key lines: data
    for value in ("Chennai", "2023-09-05"):
        assert code.record_field(text, text.index(value)), value


@pytest.mark.parametrize("text", ["State: Running", "Status: open | State: pending", "Region: us-east-1", "Area: Kitchen"])
def test_status_and_config_fields_are_no_places(text):
    assert values(PLACES, text) == []
