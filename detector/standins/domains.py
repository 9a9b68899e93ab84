"""Domains: big public services stay (they identify no one), others get a plausible fake.

One mapping per real domain ("domain:acme-corp.com"), shared by emails and URLs, so every
address at the employer points at the same fake employer.
"""
from __future__ import annotations

import re

from detector.formats import FREE_MAIL_BRANDS
from detector.standins import name_lists
from detector.standins.casing import fold
from detector.standins.part import Part

# Free-mail providers: millions of users each, so keeping them hides nothing (hand list).
FREE_MAIL = frozenset("""
gmail.com googlemail.com outlook.com hotmail.com live.com msn.com yahoo.com ymail.com
icloud.com me.com mac.com aol.com proton.me protonmail.com pm.me gmx.de gmx.net gmx.com web.de
mail.ru yandex.ru yandex.com qq.com 163.com 126.com zoho.com fastmail.com hey.com tutanota.com
naver.com orange.fr free.fr libero.it t-online.de rediffmail.com mail.com inbox.com
""".split())

# Platforms where the path identifies, not the host (hand list).
PUBLIC_HOSTS = frozenset("""
github.com gitlab.com bitbucket.org linkedin.com facebook.com fb.com twitter.com x.com
instagram.com youtube.com youtu.be tiktok.com reddit.com medium.com substack.com google.com
docs.google.com drive.google.com maps.google.com dropbox.com notion.so amazon.com
wikipedia.org en.wikipedia.org stackoverflow.com discord.com discord.gg t.me wa.me
whatsapp.com telegram.org pinterest.com tumblr.com twitch.tv vimeo.com spotify.com
apple.com microsoft.com onedrive.live.com calendly.com zoom.us meet.google.com
""".split())

# Never produce these: reserved for documentation and tests (RFC 2606/6761).
RESERVED = frozenset({"example", "test", "invalid", "localhost", "local", "example-domain"})
_SECOND_LEVEL = {"co", "com", "ac", "org", "net", "gov", "edu", "ne", "or", "gob"}
_KEEP_SUBDOMAINS = {"www", "mail", "app", "my", "m", "en", "docs", "portal", "login", "careers", "jobs", "shop", "blog"}
_WORDS = ("group", "labs", "works", "tech", "health", "partners", "hq", "co", "systems", "studio", "digital", "global")


def is_free_mail(domain: str) -> bool:
    d = fold(domain)
    labels = d.split(".")
    return d in FREE_MAIL or (len(labels) >= 2 and labels[-2] in FREE_MAIL_BRANDS) or (
        len(labels) >= 3 and labels[-3] in FREE_MAIL_BRANDS and labels[-2] in _SECOND_LEVEL)


def is_public_host(host: str) -> bool:
    h = fold(host)
    h = h[4:] if h.startswith("www.") else h
    return h in PUBLIC_HOSTS or is_free_mail(h)


def _split(domain: str) -> tuple[list[str], str, str]:
    """(kept subdomains, registrable label, public suffix) of a domain."""
    labels = domain.split(".")
    if len(labels) >= 3 and fold(labels[-2]) in _SECOND_LEVEL and len(labels[-1]) == 2:
        suffix, rest = ".".join(labels[-2:]), labels[:-2]
    elif len(labels) >= 2:
        suffix, rest = labels[-1], labels[:-1]
    else:
        return [], domain, ""
    return rest[:-1], rest[-1], suffix


def _label(rng, hyphen: bool) -> str:
    surnames = name_lists.surnames("en_US")
    first = fold(rng.choice(surnames))
    if hyphen:
        return f"{first}-{rng.choice(_WORDS)}"
    return first + rng.choice(("",) * 3 + _WORDS)


def fake_domain(domain: str, rng) -> str:
    subs, label, suffix = _split(domain)
    while True:
        new = _label(rng, "-" in label)
        if new not in RESERVED and fold(new) != fold(label):
            break
    kept = [s for s in subs if fold(s) in _KEEP_SUBDOMAINS]
    return ".".join(kept + [new] + ([suffix] if suffix else []))


def domain_part(domain: str, start: int = 0) -> Part:
    return Part(start, start + len(domain), "domain:" + fold(domain), "URL",
                lambda rng, attempt: fake_domain(domain, rng))


def looks_like_domain(text: str) -> bool:
    return re.fullmatch(r"(?:[\w-]+\.)+[A-Za-z]{2,}", text) is not None
