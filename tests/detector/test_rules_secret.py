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
