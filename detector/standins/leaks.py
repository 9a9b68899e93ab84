"""The leak check: a stand-in that keeps its real value's characters is never sent.

Families make stand-ins that share nothing private with the real value, but a fallback, a
stored stand-in or a family fed a reading it did not expect can slip: the issue behind this
check turned "+1 ４１５ ５５５ ０１３４" into "+6 ４１５ ５５５ ０１３４", the real number under a new
country code. So the protect step compares every stand-in with its real value, both read as the
model reads them, look-alike letters as Latin (detector/normalize.py). What a stand-in may keep, and why, is written next to
the format facts: detector/formats.py (CODE_CATEGORIES, kept_prefix).
"""
from __future__ import annotations

from detector.formats import CODE_CATEGORIES, kept_prefix, read_spelled_email
from detector.normalize import read, reads_as
from detector.standins.email import ROLE_WORDS

# Codes: a stand-in leaks when, after the prefix it may keep, at least MIN_KEPT characters and
# more than MAX_SHARE of them sit where they sat in the real value. A random digit matches one
# time in ten: by chance that happens about once in 2,000 stand-ins for a 5-character code,
# once in 100,000 for a 10-digit national phone number, almost never for a card; a retry then
# makes a fresh one. The real number with a new country code keeps 10 of 10.
MIN_KEPT = 4
MAX_SHARE = 2 / 3


def _reading(value: str) -> str:
    return value if value.isascii() else read(value).rules


def _plain(value: str) -> str:
    return "".join(c for c in _reading(value).casefold() if c.isalnum())


def keeps_real(real: str, standin: str, category: str) -> bool:
    """True if `standin` gives away `real` (see the module docstring)."""
    category = str(category)
    r, s = _plain(real), _plain(standin)
    if not r:
        return False
    if r == s:
        return True
    if category == "EMAIL":
        return _keeps_local_part(real, standin)
    if category not in CODE_CATEGORIES:
        return False
    tail = range(kept_prefix(category, reads_as(real)), min(len(r), len(s)))
    same = sum(r[i] == s[i] for i in tail)
    return same >= MIN_KEPT and same > MAX_SHARE * len(tail)


def _local_part(address: str) -> str:
    plain = _reading(address)
    spelled = read_spelled_email(plain)
    local = spelled.local if spelled is not None else plain.rpartition("@")[0]
    return local[7:] if local.lower().startswith("mailto:") else local


def _keeps_local_part(real: str, standin: str) -> bool:
    """The real local part, less its role words ("info", "support": they name no one), written
    inside the stand-in's local part ("sunshine@" -> "sunshine42@")."""
    words = "".join(c if c.isalnum() else " " for c in _local_part(real).casefold()).split()
    private = "".join(w for w in words if w not in ROLE_WORDS)
    return len(private) >= 3 and private in _plain(_local_part(standin))
