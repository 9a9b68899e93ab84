import pytest

from detector.rules.username import UsernameRecognizer
from tests.detector.rules_helpers import values

R = UsernameRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("@NarendraModi in real life", "NarendraModi"),
    ("thanks @jo_smith!", "jo_smith"),
    ("my username is john_doe.", "john_doe"),
    ("username: elena.r", "elena.r"),
    ("Instagram: sara.k", "sara.k"),
    ("my instagram handle is travelgirl99", "travelgirl99"),
    ("login: amer1990", "amer1990"),
    ("my gamertag is xXSniperXx", "xXSniperXx"),
])
def test_handles(text, expected):
    assert values(R, text) == [expected]


@pytest.mark.parametrize("text", [
    "mail bob@x.com",
    "@app.command()\ndef f(): pass",
    "@login_required\ndef view(request):",
    "@media screen and (max-width: 600px)",
    "npm i @types/node",
    "@Override\npublic void run()",
    "my login is failing",
    "the discord server is down",
    "my username is taken",
    "ping @everyone",
])
def test_ignores_non_handles(text):
    assert values(R, text) == []


@pytest.mark.parametrize("text", [
    'curl -X POST -d "username=admin&password=x1"',
    "self.username = username",
    "login: root",
    "Username: guest",
])
def test_default_accounts_and_label_words_are_not_user_names(text):
    assert values(R, text) == []


def test_a_real_user_name_after_the_label_still_counts():
    assert values(R, "Username: V3RDAD") == ["V3RDAD"]
