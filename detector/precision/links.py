"""Links that are public knowledge, and domain-shaped words in code that are not links.

- A repository of a project on a public code host (github.com/<owner>/<repo>, gitlab.com,
  bitbucket.org, huggingface.co, the package registries) and documentation sites (hosts that
  start with docs., developer(s)., learn., support., help.; readthedocs.io is a public host of
  the URL rule already) are what people paste to ask about a library: left alone unless tied
  to the user ("my repo": detector/precision/cues.py). A profile page (github.com/<user>) is
  not a repository and stays protected.
- In code, "kubernetes.io/ingress.class:" is a key and "java.io" a package: not links.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from detector.rules.url import host_of

CODE_HOSTS = frozenset({"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "sourceforge.net",
                        "huggingface.co", "pypi.org", "npmjs.com", "www.npmjs.com", "crates.io",
                        "pkg.go.dev", "rubygems.org", "packagist.org", "nuget.org", "www.nuget.org",
                        "hub.docker.com", "marketplace.visualstudio.com"})
DOC_PREFIXES = ("docs.", "doc.", "developer.", "developers.", "learn.", "support.", "help.", "wiki.")
# Path parts that make a code-host page something else than a repository of a project.
NOT_A_REPO = frozenset({"settings", "login", "signup", "notifications", "orgs", "users", "sponsors"})


def is_public_link(url: str) -> bool:
    host = host_of(url)
    if not host:
        return False
    if host.startswith(DOC_PREFIXES):
        return True
    if host in CODE_HOSTS or host.removeprefix("www.") in CODE_HOSTS:
        path = [p for p in _path(url).split("/") if p]
        return len(path) >= 2 and path[0].lower() not in NOT_A_REPO
    return False


def _path(url: str) -> str:
    try:
        return urlsplit(url if "://" in url else "//" + url).path
    except ValueError:
        return ""


KEY_AFTER = re.compile(r"[\w./-]*\s*[:=]")
PACKAGE_BEFORE = re.compile(r"(?:import|package|from|using|namespace)\s+$")


def is_code_key(text: str, start: int, end: int) -> bool:
    """A domain-shaped word used in code as a key ("kubernetes.io/ingress.class:") or a package
    name ("import java.io"), not as a link. Only for values without a scheme."""
    if "://" in text[start:end]:
        return False
    return bool(KEY_AFTER.match(text, end)) or bool(PACKAGE_BEFORE.search(text, max(0, start - 12), start))
