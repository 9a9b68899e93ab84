"""Secrets: API keys and tokens by their published prefixes, JWTs, PEM private-key blocks, and
the value after "password:", "pwd=", "my passcode is"..."""
import re

from spacy.lang.en.stop_words import STOP_WORDS

from detector.categories import Category
from detector.rules.base import Pattern, Recognizer
from detector.span import Layer, Span


def _token(regex: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + regex + r"(?![\w-])")


KEYS = (
    Pattern("anthropic", _token(r"sk-ant-[A-Za-z0-9_-]{20,}"), 0.9, triggers=("sk-ant-",)),
    Pattern("openai", _token(r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"), 0.85, triggers=("sk-",)),
    Pattern("github", _token(r"(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})"), 0.9,
            triggers=("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_")),
    Pattern("aws_access_key", _token(r"(?:AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}"), 0.9,
            triggers=("akia", "asia", "agpa", "aida", "aroa")),
    Pattern("slack", _token(r"xox[abposr]-[A-Za-z0-9-]{10,}"), 0.9, triggers=("xox",)),
    Pattern("google_api_key", _token(r"AIza[0-9A-Za-z_-]{35}"), 0.9, triggers=("aiza",)),
    Pattern("stripe", _token(r"(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}"), 0.9, triggers=("_live_", "_test_")),
    Pattern("huggingface", _token(r"hf_[A-Za-z0-9]{30,}"), 0.85, triggers=("hf_",)),
    Pattern("jwt", _token(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"), 0.9, triggers=("eyj",)),
    Pattern("private_key", re.compile(
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]{16,}?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
        0.95, triggers=("private key",)),
)
# The value after a password label. Quoted values may hold spaces; bare values end at whitespace.
_LABEL = (r"(?i:\b(?:password|passwd|pass\s?word|pwd|pw|passcode|pass\s?phrase|pin(?:\s?code)?|"
          r"secret|api[_\s-]?key|access[_\s-]?token|auth[_\s-]?token|client[_\s-]?secret|secret[_\s-]?key)\b)")
PASSWORD = re.compile(
    _LABEL + r"[\"']?(?:\s*(?P<sep>[:=]|(?i:\s(?:is|was)))\s*)"
    r"(?:\"(?P<dq>[^\"\n]{3,64})\"|'(?P<sq>[^'\n]{3,64})'|(?P<bare>[^\s\"'<>{}()\[\],;]{3,64}))"
)
LABEL_TRIGGERS = ("pass", "pwd", "pw", "pin", "secret", "key", "token")
# Placeholders and code that are not a secret value.
NOT_SECRETS = re.compile(
    r"^(?:\*+|x+|\.+|none|null|nil|true|false|undefined|changeme|password|secret|your[\w-]*|"
    r"(?:os|process|self|this|config|settings|env|request|req|args|params|form|data|input)[.\[].*|"
    r"getpass.*|input\(.*|\$\{?.*|%\(.*|<.*>|\{.*\}|(?-i:[A-Z_]{3,})|"
    r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)$",
    re.IGNORECASE,
)


class SecretRecognizer(Recognizer):
    category = Category.SECRET
    PATTERNS = KEYS
    context_rescues = False

    def validate(self, value: str, pattern: Pattern) -> bool | None:
        return True  # a published prefix/structure matched: as good as a format check

    def find(self, text: str):
        spans = super().find(text)
        lowered = text.lower()
        if not any(label in lowered for label in LABEL_TRIGGERS):
            return spans
        for match in PASSWORD.finditer(text):
            group = next(g for g in ("dq", "sq", "bare") if match.group(g) is not None)
            value = match.group(group).rstrip(".,") if group == "bare" else match.group(group)
            start = match.start(group)
            if self._is_value(value, bare_is=group == "bare" and match.group("sep").strip().lower() in {"is", "was"}):
                spans.append(Span(start, start + len(value), value, self.category, Layer.RULES, 0.7))
        return spans

    @staticmethod
    def _is_value(value: str, bare_is: bool) -> bool:
        if len(value) < 3 or NOT_SECRETS.match(value):
            return False
        if bare_is:
            # "my password is incorrect": after "is", a plain lower-case word is prose, not a secret.
            plain_word = value.isalpha() and value.islower()
            return not plain_word and value.lower() not in STOP_WORDS
        return True
