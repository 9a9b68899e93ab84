"""Profile scopes: text a site stores once and feeds into every chat.

ChatGPT's custom instructions and memories, Claude's personalised styles and project documents:
the user writes them once, the site adds them to every conversation, and the model quotes them
in any reply. They are protected in their site's profile scope ("<site prefix>~profile",
``profile_scope``), and every other scope of that site is linked to it (``linked_profile``):

  - a reply in any conversation of the site restores the profile's stand-ins too;
  - a conversation that names a person the profile names reuses the profile's stand-in (one
    persona for one person across the site), and never issues a stand-in the profile already
    uses for another value.

``ProfileLinkedStore`` does both by wrapping the mapping store (detector/store.py's Protocol):
a conversation scope's look-ups and mappings include its profile's; writes stay in the scope
they are made in. API scopes ("api:...") have no profile.

Shared by the site adapters (which name the scopes) and the runtime (which wraps the vault), so
it imports neither.
"""
from __future__ import annotations

from detector.store import Mapping, MappingStore

PROFILE = "~profile"
SITE = "~site"


def profile_scope(scope_prefix: str) -> str:
    """The profile scope of a site whose scopes start with ``scope_prefix`` ("claude-web:")."""
    return scope_prefix + PROFILE


def site_scope(scope_prefix: str) -> str:
    """The scope of what else a site stores that no adapter reads (generic protection on its
    host: searches, feedback, settings): linked to the profile like any scope of the site."""
    return scope_prefix + SITE


def linked_profile(scope: str) -> str | None:
    """The profile scope a scope is linked to: that of its site, for a web app's scopes (any
    "<site>:<id>" but the profile itself and API scopes), else None."""
    site, sep, rest = scope.partition(":")
    if not sep or site == "api" or rest == PROFILE:
        return None
    return site + ":" + PROFILE


class ProfileLinkedStore:
    """A MappingStore whose web-app scopes also see their site's profile scope (module doc)."""

    def __init__(self, store: MappingStore) -> None:
        self.store = store

    def __getattr__(self, name: str):  # the vault's other methods (rebind_scope, forget...)
        return getattr(self.store, name)

    def find(self, scope: str, key: str) -> str | None:
        found = self.store.find(scope, key)
        profile = linked_profile(scope)
        if found is None and profile is not None:
            found = self.store.find(profile, key)
        return found

    def add(self, scope: str, category: str, key: str, real: str, standin: str) -> str:
        return self.store.add(scope, category, key, real, standin)

    def mappings(self, scope: str) -> list[Mapping]:
        own = self.store.mappings(scope)
        profile = linked_profile(scope)
        if profile is None:
            return own
        shared = self.store.mappings(profile)
        if not shared:
            return own
        # The conversation's own mapping wins where both map one stand-in.
        standins = {m.standin.casefold() for m in own}
        return own + [m for m in shared if m.standin.casefold() not in standins]

    def is_real_value(self, value: str) -> bool:
        return self.store.is_real_value(value)

    def standin_in_use(self, scope: str, standin: str) -> bool:
        if self.store.standin_in_use(scope, standin):
            return True
        profile = linked_profile(scope)
        return profile is not None and self.store.standin_in_use(profile, standin)


def link_profiles(store: MappingStore | None) -> MappingStore | None:
    """``store`` wrapped once (None stays None)."""
    if store is None or isinstance(store, ProfileLinkedStore):
        return store
    return ProfileLinkedStore(store)
