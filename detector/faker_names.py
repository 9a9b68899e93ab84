"""Faker's person-name lists by locale: the one place that loads them.

Two readers: the names layer (detector/names/lexicon.py: first and last names of the Latin-script
locales, to tell a name in lower-case chat text) and the stand-ins (detector/standins/name_lists.py:
names by locale and gender, to guess where a real name comes from and draw one like it). Each
reader picks its own locales, for its own reason; the lists come from here.
"""
from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class LocaleNames:
    first: tuple[str, ...]  # Provider.first_names: female and male together in most locales
    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]


@functools.cache
def names(locale: str) -> LocaleNames:
    """One locale's lists, as its provider (faker.providers.person.<locale>) holds them; a list
    given as a weighted mapping yields its names."""
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider

    def read(attribute: str) -> tuple[str, ...]:
        return tuple(getattr(provider, attribute, ()) or ())

    return LocaleNames(read("first_names"), read("first_names_female"), read("first_names_male"),
                       read("last_names"))
