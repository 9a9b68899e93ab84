import pytest

from detector.rules.secret import SecretRecognizer
from tests.detector.rules_helpers import validated, values

R = SecretRecognizer()
FAKE_PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx7\nq0Zb6y3Kc\n-----END RSA PRIVATE KEY-----"
KEYS = [
    "sk-proj-" + "a1B2c3D4e5" * 4,
    "sk-ant-api03-" + "Zx9" * 12,
    "ghp_" + "A1b2C3d4E5" * 3 + "f6G7h8",
    "github_pat_" + "11ABCDEFG0" * 4,
    "AKIA" + "IOSFODNN7EXAMPLE",
    "xoxb-" + "1234567890-abcdefghij",
    "AIza" + "SyD-" + "x" * 31,
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    FAKE_PEM,
]


@pytest.mark.parametrize("key", KEYS)
def test_keys_by_prefix(key):
    text = f"here is my key {key} keep it safe"
    assert values(R, text) == [key]
    assert validated(R, text)[key] is True


@pytest.mark.parametrize("text, expected", [
    ("my password is hunter2", "hunter2"),
    ("pwd=S3cr3t!", "S3cr3t!"),
    ("passcode is 4821.", "4821"),
    ('password: "my secret phrase"', "my secret phrase"),
    ("my pin is 1234", "1234"),
    ("api_key = 'abc123def456'", "abc123def456"),
    ("Password: correcthorse", "correcthorse"),
])
def test_values_after_a_password_label(text, expected):
    assert values(R, text) == [expected]


@pytest.mark.parametrize("text", [
    "my password is incorrect",
    "the password was wrong.",
    "the password is strong",
    'password = os.environ["PW"]',
    "password=PASSWORD_ENV",
    "secret = self.secret",
    "password: ********",
    "password: <your password>",
    "sk-short",
    "reset your password please",
])
def test_ignores_non_secrets(text):
    assert values(R, text) == []


# --- every vendor prefix the stand-ins know (detector/formats.py) -------------------------------
from detector.formats import KEY_FORMATS, KEY_PREFIXES  # noqa: E402

# Made-up tokens in each vendor's published shape (none is a real credential).
BY_PREFIX = {
    "sk-ant-api03-": "sk-ant-api03-" + "Zx9" * 12, "sk-ant-": "sk-ant-" + "Qw7" * 10,
    "sk-proj-": "sk-proj-" + "a1B2c3D4e5" * 4, "sk-svcacct-": "sk-svcacct-" + "b2C3d4" * 5,
    "sk-admin-": "sk-admin-" + "c3D4e5" * 5, "sk-": "sk-" + "d4E5f6" * 6,
    "ghp_": "ghp_" + "A1b2C3d4E5" * 3 + "f6G7h8", "gho_": "gho_" + "B2c3D4e5F6" * 3 + "g7",
    "ghu_": "ghu_" + "C3d4E5f6G7" * 3 + "h8", "ghs_": "ghs_" + "D4e5F6g7H8" * 3 + "i9",
    "ghr_": "ghr_" + "E5f6G7h8I9" * 3 + "j0", "github_pat_": "github_pat_" + "11ABCDEFG0" * 4,
    "AKIA": "AKIA" + "IOSFODNN7EXAMPLE", "ASIA": "ASIA" + "JEXAMPLEXEG2JICE", "AGPA": "AGPA" + "JSKEXAMPLE7ABCDE",
    "AIDA": "AIDA" + "IOSFODNN7EXAMPL2", "AROA": "AROA" + "EXAMPLEID1234567",
    "xoxa-": "xoxa-" + "1234567890-abcdefghij", "xoxb-": "xoxb-" + "1234567890-abcdefghij",
    "xoxo-": "xoxo-" + "2234567890-abcdefghij", "xoxp-": "xoxp-" + "3234567890-abcdefghij",
    "xoxr-": "xoxr-" + "4234567890-abcdefghij", "xoxs-": "xoxs-" + "5234567890-abcdefghij",
    "AIza": "AIza" + "SyD-" + "x" * 31,
    "sk_live_": "sk_live_" + "4eC39HqLyjWDarjtT1zd", "sk_test_": "sk_test_" + "4eC39HqLyjWDarjtT1ze",
    "rk_live_": "rk_live_" + "5fD40IrMzkXEbskuU2ae", "rk_test_": "rk_test_" + "5fD40IrMzkXEbskuU2af",
    "pk_live_": "pk_live_" + "6gE51JsNalYFctlvV3bg", "pk_test_": "pk_test_" + "6gE51JsNalYFctlvV3bh",
    "hf_": "hf_" + "aBcDeFgHiJ" * 3 + "kL", "eyJ": ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
                                                  "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
    "whsec_": "whsec_" + "a1B2" * 8, "glpat-": "glpat-" + "x1Y2z3W4v5U6t7S8r9Q0",
    "xapp-": "xapp-1-A0123456789-1234567890123-" + "ab12" * 8, "ya29.": "ya29." + "a0AfH6SM" * 4,
    "npm_": "npm_" + "aB3" * 12, "pypi-": "pypi-AgEIcHlwaS5vcmc" + "CJ1" * 15,
    "SG.": "SG.abcdEFGH1234ijklMNOP56." + "q" * 43, "shpat_": "shpat_" + "0123456789abcdef" * 2,
    "dop_v1_": "dop_v1_" + "0123456789abcdef" * 4, "sq0atp-": "sq0atp-" + "abcDEF123_-ghiJKL456mno",
    "AC": "AC" + "0123456789abcdef" * 2, "SK": "SK" + "0123456789abcdef" * 2,
    "pk-": "pk-lf-" + "1234abcd" * 3, "rk-": "rk-" + "9876zyxw" * 3,
}


def test_every_prefix_has_a_token_shape_and_a_test():
    assert all(key.body for key in KEY_FORMATS)
    assert set(BY_PREFIX) == set(KEY_PREFIXES)


@pytest.mark.parametrize("prefix", sorted(BY_PREFIX))
def test_every_prefix_is_found(prefix):
    key = BY_PREFIX[prefix]
    text = f"deploy with {key} tonight"
    assert values(R, text) == [key]
    assert validated(R, text)[key] is True


@pytest.mark.parametrize("text", [
    "ACME corp", "SKU 12345", "pk-lf-abc", "the ya29 flight",
    "self.client = AsyncOpenAI( api_key= api_key, base_url=base_url )",
    "the access_token: Request Example",
    'self.dprint("Session secret = " + str(self.sessionSecret)) else: self.dprint("Failed")',
])
def test_prefix_look_alikes_and_code_are_not_secrets(text):
    assert values(R, text) == []


# A login written as a pair: the password is this family's, the user name the username family's.
@pytest.mark.parametrize("text, password", [
    ("the login is ines_r / hunter2sunny", "hunter2sunny"),
    ("login is root / Passw0rd! for the staging box", "Passw0rd!"),
    ("creds: admin / hunter2sunny", "hunter2sunny"),
    ("Login: jdoe84:Summer2024!", "Summer2024!"),
    ("username/password: ops_bot | x9-Tq.", "x9-Tq"),
    ("credentials are bob@acme.io / Tr0ub4dor", "Tr0ub4dor"),
    ("sign-in details: maria.g / rosebud", "rosebud"),
    ("use login kiosk7 / Kx-2291 at the desk", "Kx-2291"),
    ("login: priya.s / pass: mango!Tree42", "mango!Tree42"),  # the password's own label first
    ("login: bob / password = hunter22", "hunter22"),
])
def test_the_password_of_a_login_pair(text, password):
    assert password in values(R, text)
    assert not any(v.rstrip(":= ").lower() in ("pass", "password") for v in values(R, text))


@pytest.mark.parametrize("text", [
    "see the login page / signup page",
    "sign in with google / facebook",
    "Login at 10:30:45",
    "login: https://example.com/login",
    "the login flow / the logout flow",
    "user and password / token auth",
])
def test_what_is_not_a_login_pair(text):
    assert values(R, text) == []
