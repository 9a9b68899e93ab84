"""SECRET: API keys, tokens and passwords keep their vendor prefix and their shape (length and
character classes), so code and config around them still reads right: sk-... stays sk-...."""
from __future__ import annotations

import re

from detector.formats import KEY_PREFIXES
from detector.standins.part import Part, whole
from detector.standins.shape import reshape

_PEM = re.compile(r"(-----BEGIN [A-Z ]+-----)(.*?)(-----END [A-Z ]+-----)", re.DOTALL)


def _prefix(secret: str) -> str:
    for p in KEY_PREFIXES:  # vendor prefixes say which service, not whose key
        if secret.startswith(p) and len(secret) > len(p) + 8:
            return p
    return ""


def make_secret(surface: str):
    pem = _PEM.fullmatch(surface.strip())
    if pem:
        head, body, tail = pem.groups()
        lead = surface[: surface.index(head)]
        return lambda rng, attempt: lead + head + reshape(body, rng) + tail + surface[surface.index(tail) + len(tail):]
    prefix = _prefix(surface)
    rest = surface[len(prefix):]
    return lambda rng, attempt: prefix + reshape(rest, rng)


def parts(surface: str, session) -> list[Part]:
    # Case matters in secrets, so the key keeps it.
    return whole(surface, "secret:" + surface, "SECRET", make_secret(surface))
