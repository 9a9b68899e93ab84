"""Secrets: API keys and tokens by their published prefixes, JWTs, PEM private-key blocks, and
the value after "password:", "pwd=", "my passcode is"..."""
import functools
import re

from spacy.lang.en.stop_words import STOP_WORDS

from detector.categories import Category
from detector.formats import KEY_FORMATS
from detector.rules.base import Pattern, Recognizer
from detector.span import Layer, Span


def _token(regex: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + regex + r"(?![\w-])")


# Vendor keys by their published prefixes (detector/formats.py); the stand-ins keep the prefix.
SCORES = {"openai": 0.85, "huggingface": 0.85}  # the others: 0.9


def _vendor_keys() -> tuple[Pattern, ...]:
    alternatives: dict[str, list[str]] = {}
    triggers: dict[str, list[str]] = {}
    for key in KEY_FORMATS:
        prefixes = "|".join(re.escape(p) for p in sorted(key.prefixes, key=len, reverse=True))
        # A prefix in any case: text typed or pasted in capitals ("SK-PROJ-...") still holds it.
        alternatives.setdefault(key.name, []).append(f"(?i:{prefixes}){key.body}")
        triggers.setdefault(key.name, []).extend(p.lower() for p in key.prefixes)
    patterns = []
    for name, regexes in alternatives.items():
        regex = regexes[0] if len(regexes) == 1 else "(?:" + "|".join(regexes) + ")"
        # Every match holds one of its prefixes; one that holds a shorter ("sk-ant-" holds "sk-") adds no test.
        needed = tuple(t for t in triggers[name] if not any(o != t and o in t for o in triggers[name]))
        patterns.append(Pattern(name, _token(regex), SCORES.get(name, 0.9), triggers=needed))
    return tuple(patterns)


KEYS = _vendor_keys() + (
    Pattern("private_key", re.compile(
        r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]{16,}?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
        0.95, triggers=("private key",)),
)
# The value after a password label. Quoted values may hold spaces; bare values end at whitespace.
_LABEL = (r"(?i:\b(?P<label>password|passwd|pass\s?word|pwd|pw|passcode|pass\s?phrase|pin(?:\s?code)?|"
          r"secret|api[_\s-]?key|access[_\s-]?token|auth[_\s-]?token|client[_\s-]?secret|secret[_\s-]?key)\b)")
# Labels of machine credentials: a key or token is never a plain word ("access token: Request").
MACHINE_LABELS = ("key", "token", "secret")
PASSWORD = re.compile(
    _LABEL + r"[\"']?(?:\s*(?P<sep>[:=]|(?i:\s(?:is|was)))\s*)"
    r"(?:\"(?P<dq>[^\"\n]{3,64})\"|'(?P<sq>[^'\n]{3,64})'|(?P<bare>[^\s\"'<>{}()\[\],;]{3,64}))"
)
LABEL_TRIGGERS = ("pass", "pwd", "pw", "pin", "secret", "key", "token")
# A login written as a pair, user then password: "login is admin / hunter2sunny", "creds:
# jdoe:S3cret!", "username/password: ops_bot | x9-Tq". The password is this family's; the user
# name is detector/rules/username.py's (the same regex: one source).
CREDENTIAL_PAIR = re.compile(
    r"(?i:\b(?:log[\s-]?in|logon|sign[\s-]?in|credentials?|creds|user\s?(?:name)?\s?(?:and|&|/)\s?pass(?:\s?word)?)"
    r"(?:\s+(?:details|info))?\b)"
    r"\s*(?:(?P<sep>[:=]|(?i:\s(?:is|are|was|were)\b))\s*)?"
    r"(?P<user>[\w.@+\-]*[A-Za-z][\w.@+\-]*)\s*[/:|]\s*(?P<pw>[^\s\"'<>{}()\[\],;/|]{3,64})"
)
# Every pair's cue holds one of these (lower-cased): texts without skip the regex.
PAIR_TRIGGERS = ("login", "log in", "log-in", "logon", "signin", "sign in", "sign-in", "cred", "pass")
SHAPED = re.compile(r"\d|[^\w\s]|[a-z][A-Z]|[A-Z][a-z]*[A-Z]")
# Placeholders and code that are not a secret value.
NOT_SECRETS = re.compile(
    r"^(?:\*+|x+|\.+|none|null|nil|true|false|undefined|changeme|password|secret|your[\w-]*|"
    r"(?:os|process|self|this|config|settings|env|request|req|args|params|form|data|input)[.\[].*|"
    r"getpass.*|input\(.*|\$\{?.*|%\(.*|<.*>|\{.*\}|(?-i:[A-Z_]{3,})|"
    r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)$",
    re.IGNORECASE,
)


# A variable that holds the secret, not the secret: its name says what it holds ("api_key",
# "user_password", "AUTH_TOKEN").
VARIABLE = re.compile(r"^(?i:[a-z_]*(?:pass|pwd|token|secret|key)[a-z_]*)$")
CODE_IN_QUOTES = re.compile(r"^\s*[+.,)]|\w\(|\)\s*[)+]")


class SecretRecognizer(Recognizer):
    category = Category.SECRET
    PATTERNS = KEYS
    context_rescues = False

    def validate(self, value: str, pattern: Pattern) -> bool | None:
        return True  # a published prefix/structure matched: as good as a format check

    def find(self, text: str):
        spans = super().find(text)
        lowered = text.lower()
        if any(t in lowered for t in PAIR_TRIGGERS):
            spans += self._pairs(text)
        if not any(label in lowered for label in LABEL_TRIGGERS):
            return spans
        for match in PASSWORD.finditer(text):
            group = next(g for g in ("dq", "sq", "bare") if match.group(g) is not None)
            value = match.group(group).rstrip(".,") if group == "bare" else match.group(group)
            start = match.start(group)
            machine = any(w in match.group("label").lower() for w in MACHINE_LABELS)
            if self._is_value(value, bare_is=group == "bare" and match.group("sep").strip().lower() in {"is", "was"},
                              machine=machine):
                spans.append(Span(start, start + len(value), value, self.category, Layer.RULES, 0.7,
                                  source=self.source("password")))
        return spans

    def _pairs(self, text: str) -> list[Span]:
        spans = []
        for _, _, start, end in credential_pairs(text):
            spans.append(Span(start, end, text[start:end], self.category, Layer.RULES, 0.7,
                              source=self.source("credential_pair")))
        return spans

    @staticmethod
    def _is_value(value: str, bare_is: bool, machine: bool = False) -> bool:
        if len(value) < 3 or NOT_SECRETS.match(value) or VARIABLE.match(value):
            return False
        if " " in value.strip() and CODE_IN_QUOTES.search(value):
            return False  # the code between two string literals: "secret = " + str(x) + "..."
        if machine and value.isalpha():
            return False
        if bare_is:
            # "my password is incorrect": after "is", a plain lower-case word is prose, not a secret.
            plain_word = value.isalpha() and value.islower()
            return not plain_word and value.lower() not in STOP_WORDS
        return True


@functools.lru_cache(maxsize=64)  # the secret and the username family both ask, for one text
def credential_pairs(text: str) -> tuple[tuple[int, int, int, int], ...]:
    """(user start, user end, password start, password end) of each user / password pair after a
    login word. Without a colon or "is" after the word, the password must look like one (a
    digit, a symbol, inner capitals): "login page / signup" is two pages."""
    return tuple(_pairs(text))


# "login: priya.s / pass: mango!Tree42": the password's own label after the slash, then the
# password (the pair's "password" would be the label "pass:").
_PASSWORD_LABEL = re.compile(r"(?i)(?:pass(?:word)?|passwd|pw|pwd|passcode|pin)\s*[:=]\s*(?P<pw>[^\s\"'<>{}()\[\],;|]{3,64})")


def _pairs(text: str):
    for match in CREDENTIAL_PAIR.finditer(text):
        labelled = _PASSWORD_LABEL.match(text, match.start("pw"))
        if labelled:
            pw, user = labelled.group("pw").rstrip(".,"), match.group("user")
            if SecretRecognizer._is_value(pw, bare_is=False):
                yield match.start("user"), match.end("user"), labelled.start("pw"), labelled.start("pw") + len(pw)
            continue
        pw, user = match.group("pw").rstrip(".,"), match.group("user")
        if len(pw) < 3 or user.lower() in STOP_WORDS or "://" in text[match.start("user"):match.end("pw") + 2]:
            continue
        if not match.group("sep") and not SHAPED.search(pw):
            continue
        if SecretRecognizer._is_value(pw, bare_is=False):
            yield match.start("user"), match.end("user"), match.start("pw"), match.start("pw") + len(pw)
