"""E-mail addresses: local@domain.tld, checked with the stdlib's address parser; and addresses
spelled out ("john.smith at example dot com", "john[at]example[dot]com", "john @ example.com":
the spellings are in detector/formats.py).

A spelled-out address needs a known top-level domain, and one written with a plain " at " needs
more, since prose holds " at " and " dot " too ("look at this dot com"): a local part shaped like
one (a dot, digit, "_", "-", "+" or a spelled "dot" in it), an e-mail word nearby, or a free-mail
provider's domain. Full-width "＠" and look-alike letters need nothing here: the rules read the
normalised view (detector/normalize.py).
"""
import re
from email.headerregistry import Address
from email.errors import HeaderParseError

from spacy.lang.en.stop_words import STOP_WORDS

from detector.categories import Category
from detector.formats import FREE_MAIL_BRANDS, SPELLED_EMAIL, SPELLED_EMAIL_HEAD, SpelledEmail, known_tld, read_spelled_email
from detector.rules.base import Pattern, Recognizer, near
from detector.span import Layer, Span
from detector.text import words_regex

# Unicode letters are allowed on both sides (internationalised addresses); the TLD is 2+ letters.
EMAIL = re.compile(
    r"(?<![\w.%+-])[\w%+-]+(?:\.[\w%+-]+)*@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,24}(?![\w@-])"
)
SHAPED_LOCAL = re.compile(r"[\d._+-]")
SPELLED_CONTEXT = words_regex(["email", "e-mail", "mail", "address", "contact", "reach", "write to",
                               "send", "inbox"], typos=True)
SPELLED_CONTEXT_BEFORE = 32  # closer than other families: "email: john at ...", "reach me at ..."


# An address with spaces typed into its domain to keep it from scrapers: "k.wlsh@brig ht co .com".
# The local part and the first piece are glued to the "@" and it ends in a known top-level domain.
SPACED_DOMAIN = re.compile(
    r"(?<![\w.%+@-])[\w%+-]+(?:\.[\w%+-]+)*@[^\W_][\w-]*(?:[ \t][^\W_][\w-]*){1,3}[ \t]*\.[ \t]*"
    r"(?P<tld>[^\W\d_]{2,24})(?![\w@-])")

# Where a spelled "@" stands; a spelled address has its local part right before one. Looking
# for addresses only there, not from every word of the text, cut this rule from ~0.6 to ~0.2 ms
# per 200 words.
AT_SPOT = re.compile(r"[(\[{<]\s*at\s*[)\]}>]|(?<=\s)at(?=\s)|@", re.IGNORECASE)  # "at at": both
LOCAL_REACH = 96  # characters a (spelled) local part may take before its "@"


def _next_spelled(text: str, pos: int) -> re.Match[str] | None:
    """The first address, spelled or plain, starting at or after `pos`: what
    SPELLED_EMAIL.search(text, pos) finds, for a local part of up to LOCAL_REACH characters.
    A local part holds no "@" spelling, so an address starting before one "@" uses that one."""
    for at in AT_SPOT.finditer(text, pos):
        start = max(pos, at.start() - LOCAL_REACH)
        head_end = min(len(text), at.end() + 1)
        while (head := SPELLED_EMAIL_HEAD.search(text, start, head_end)) is not None:
            if (whole := SPELLED_EMAIL.match(text, head.start())) is not None:
                return whole
            start = head.start() + 1
    return None


def _valid(local: str, domain: str) -> bool:
    try:  # the stdlib parser enforces RFC 5322 syntax of both halves
        Address(username=local, domain=domain)
    except (HeaderParseError, ValueError, IndexError):
        return False
    return True


class EmailRecognizer(Recognizer):
    category = Category.EMAIL
    PATTERNS = (Pattern("email", EMAIL, score=0.6, triggers=("@",)),)

    def validate(self, value: str, pattern: Pattern) -> bool | None:
        local, _, domain = value.rpartition("@")
        return _valid(local, domain)

    def find(self, text: str) -> list[Span]:
        spans = super().find(text) + self._spelled(text)
        if "@" in text:
            spans += self._spaced_domains(text)
        return spans

    def _spaced_domains(self, text: str) -> list[Span]:
        spans = []
        for m in SPACED_DOMAIN.finditer(text):
            pieces = m.group().split("@", 1)[1].split()
            # "sales@acme for the team. it": words of a sentence after an address, not its domain
            if known_tld(m.group("tld")) and not any(p.lower() in STOP_WORDS for p in pieces[1:]):
                spans.append(Span(m.start(), m.end(), m.group(), self.category, Layer.RULES, 0.6,
                                  source=self.source("spaced_domain")))
        return spans

    def _spelled(self, text: str) -> list[Span]:
        spans, pos = [], 0
        while (m := _next_spelled(text, pos)) is not None:
            spelled = read_spelled_email(m.group())
            if spelled is None or not spelled.spelled_out:
                pos = m.end()  # a plain address: the EMAIL pattern's
                continue
            if not self._plausible(text, m.start(), m.end(), spelled, m.group("tld")):
                pos = m.start() + 1  # "me at john dot smith at ...": the address may start later
                continue
            valid = _valid(spelled.local, spelled.domain)
            spans.append(Span(m.start(), m.end(), m.group(), self.category, Layer.RULES,
                              0.95 if valid else 0.6, valid, source=self.source("spelled")))
            pos = m.end()
        return spans

    def _plausible(self, text: str, start: int, end: int, spelled: SpelledEmail, tld: str) -> bool:
        if not known_tld(tld):
            return False
        if spelled.at.strip().lower() != "at":
            return True  # "[at]", "(at)", " @ ": written as an address on purpose
        if spelled.local.lower() in STOP_WORDS:
            return False  # "me at ...", "it at ..."
        labels = spelled.domain.lower().split(".")
        return bool(SHAPED_LOCAL.search(spelled.local) or spelled.local_dot != "."
                    or near(text, start, end, SPELLED_CONTEXT, before=SPELLED_CONTEXT_BEFORE) or labels[-2] in FREE_MAIL_BRANDS)
