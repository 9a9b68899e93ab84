"""URLs and bare domains. Links people paste are mostly their own pages, employers, shops, repos
(PUPA's annotators marked news and video links too), so every URL counts except public reference
and boilerplate hosts (encyclopedias, standards, licences, CDNs, API endpoints, localhost)."""
import re
from urllib.parse import urlsplit

from detector.categories import Category
from detector.rules.base import Pattern, Recognizer

# The characters that end a URL written in text (whitespace, quotes, angle brackets...); the
# restorer's URL finder (detector/url_regions.py) ends a bare URL at the same ones.
URL_END_CHARS = "\\s<>\"'`“”‘’|\\\\^"
_TAIL = "[^" + URL_END_CHARS + "]*"
WITH_SCHEME = re.compile(r"(?<![\w.-])(?:https?|ftp)://" + _TAIL + r"|(?<![\w./@-])www\.[\w-]+\." + _TAIL, re.IGNORECASE)
# Top-level domains that make a bare "word.tld" a domain in prose (hand list: the common ones).
BARE_TLDS = ("com|net|org|io|co|ai|app|dev|me|info|biz|xyz|tv|gg|ly|us|uk|de|fr|es|it|nl|ru|cn|jp|"
             "in|ca|au|br|edu|gov")
BARE_DOMAIN = re.compile(
    r"(?<![\w.@/-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:" + BARE_TLDS + r")"
    r"(?:/" + _TAIL + r")?(?![\w@-])(?!\.\w)",  # "java.io.IOException": a dotted name goes on
    re.IGNORECASE,
)
# "distribution.It", "home.In": a sentence run into the next one, not a domain (a TLD is
# written in lower or upper case, not capitalised).
CAPITALISED_TLD = re.compile(r"\.[A-Z][a-z]+(?:/|$)")
TRAILING = ".,;:!?)]}>*"
PUBLIC_HOSTS = (
    "wikipedia.org", "wikimedia.org", "wiktionary.org", "wikidata.org", "britannica.com",
    "w3.org", "ietf.org", "rfc-editor.org", "iso.org", "schema.org", "json-schema.org",
    "mozilla.org", "apache.org", "gnu.org", "opensource.org", "creativecommons.org",
    "python.org", "docs.python.org", "pypi.org", "npmjs.com", "readthedocs.io", "php.net",
    "unpkg.com", "cdnjs.cloudflare.com", "cdn.jsdelivr.net", "jsdelivr.net", "fonts.googleapis.com",
    "fonts.gstatic.com", "ajax.googleapis.com", "code.jquery.com",
    "api.openai.com", "api.anthropic.com", "generativelanguage.googleapis.com",
    "example.com", "example.org", "example.net", "localhost", "127.0.0.1", "0.0.0.0",
)


def _balanced(url: str) -> bool:
    # Keep a closing bracket that closes one inside the URL (wiki/Foo_(bar)); drop the rest.
    closer = url[-1]
    opener = {")": "(", "]": "[", "}": "{", ">": "<"}.get(closer)
    return opener is not None and url.count(opener) >= url.count(closer)


def trim_trailing(text: str, start: int, end: int) -> int:
    """The end of the URL text[start:end] without the punctuation that follows URLs in prose
    ("see https://a.com/x." ends before the dot; "wiki/Foo_(bar)" keeps its bracket)."""
    while end > start and text[end - 1] in TRAILING and not _balanced(text[start:end]):
        end -= 1
    return end


def host_of(url: str) -> str:
    """The lower-case host of a URL or bare domain, "" if it has none."""
    if "://" not in url:
        url = "//" + url
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


class UrlRecognizer(Recognizer):
    category = Category.URL
    PATTERNS = (Pattern("url", WITH_SCHEME, score=0.6, triggers=("://", "www.")),
                Pattern("domain", BARE_DOMAIN, score=0.4, triggers=(".",)))
    context_rescues = False

    def judge(self, text, start, end, pattern):
        end = trim_trailing(text, start, end)
        if pattern.name == "domain" and CAPITALISED_TLD.search(text[start:end]):
            return None
        return super().judge(text, start, end, pattern) if end - start > 4 else None

    def validate(self, value: str, pattern: Pattern) -> bool | None:
        host = host_of(value)
        if not host or any(host == h or host.endswith("." + h) for h in PUBLIC_HOSTS):
            return False
        return None
