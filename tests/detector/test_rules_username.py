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
    ("pls reset pw for acct jdoe_1987, thx", "jdoe_1987"),
    ("my acct#kwalsh_84 is gone", "kwalsh_84"),
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
    "SELECT account_id, account_v2 FROM t",  # an identifier, not an account's word and a handle
    "my account v2.1.3 setting",  # a version
    "the account 2024.01 statement",
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


@pytest.mark.parametrize("text, user", [
    ("the login is ines_r / hunter2sunny", "ines_r"),
    ("credentials: k.walsh84 / Larkspur!9", "k.walsh84"),
])
def test_the_user_of_a_login_pair(text, user):
    assert values(R, text) == [user]


def test_a_default_account_in_a_login_pair_is_nobody(text="login is root / Passw0rd! for the staging box"):
    assert values(R, text) == []


def test_a_url_after_login_is_no_user_name():
    assert values(R, "login: https://example.com/login") == []


@pytest.mark.parametrize("text, user", [
    (r"at C:\Users\lidor\Desktop\Trade Bot\node_modules\ethers\lib", "lidor"),
    (r"path = r'C:\Users\Abu Bakr Siddique\Desktop\Test3.txt'", "Abu Bakr Siddique"),
    ("PHP Fatal error in /home/fxu80pep/public_html/pro_login.php:25", "fxu80pep"),
    ("tail /Users/janedoe/Library/Logs/app.log", "janedoe"),
    ("TEMP=C:/Users/mkowalski/AppData/Local/Temp", "mkowalski"),
    (r"C:\Documents and Settings\o.brien\My Documents", "o.brien"),
])
def test_the_account_in_a_home_folder(text, user):
    assert values(R, text) == [user]


@pytest.mark.parametrize("text", [
    r"C:\Users\Public\Documents\report.docx", "cd /home/runner/work/repo", r"C:\Users\%USERNAME%\AppData",
    "see the /home/ and /Users/ folders", "/home/user/project", "$HOME/.config", "/usr/home/x",
])
def test_home_folders_of_nobody(text):
    assert values(R, text) == []


@pytest.mark.parametrize("text, user", [
    ("please send it to dana_m_1990 on insta", "dana_m_1990"),
    ("add me: k.walsh84 on discord", "k.walsh84"),
    ("my friend is jay.k_22 on snapchat", "jay.k_22"),
])
def test_a_handle_before_its_platform(text, user):
    assert values(R, text) == [user]


@pytest.mark.parametrize("text", [
    "I posted photos on instagram", "find me on discord", "version 2.0 on github", "v1.2 on github",
    "we committed node_modules on GitHub",
])
def test_words_before_a_platform_that_are_no_handle(text):
    assert values(R, text) == []


def test_a_user_name_after_uname():
    assert values(R, "my uname is x_darkwolf_x and pass is wolfie!22") == ["x_darkwolf_x"]


@pytest.mark.parametrize("text, user", [
    ("my user is ines_r_2001", "ines_r_2001"),
    ("her login was kwalsh84 but it got hacked", "kwalsh84"),
    ("Our user is ops.team7 on the shared box", "ops.team7"),
])
def test_a_handle_after_someones_user_or_login(text, user):
    assert values(R, text) == [user]


@pytest.mark.parametrize("text", ["my user is locked", "my login is admin", "my user is v1.2",
                                  "the user is root_1 of the box"])
def test_a_state_or_nobody_after_user_is_no_handle(text):
    assert values(R, text) == []
