"""Issue stand-ins: look each part up in the store, generate only when absent, first writer wins.

A value is read as the model reads it (detector/normalize.py): the families see "4111 1111 ..."
for "４１１１ １１１１ ...", "john@x.com" for "jo\u200bhn@x.com". Each part's stand-in is made on
that reading and written like the value (digit scripts, full width: "５２３４ ..."); its mapping keeps
the real value as written, so the reply restores to exactly what the user typed.
"""
from __future__ import annotations

import dataclasses

from detector import normalize
from detector.errors import DetectionError
from detector.standins import families
from detector.standins.casing import apply_case_class, case_class, fold, present
from detector.standins.collisions import CollisionCheck
from detector.standins.part import Part, whole
from detector.standins.seed import rng_for
from detector.standins.shape import reshape
from detector.store import Mapping, MappingStore
from detector.text import word_edges

MAX_ATTEMPTS = 64


class StandInSession:
    """Stand-ins for the spans of one text in one conversation scope."""

    def __init__(self, store: MappingStore, scope: str, text: str):
        self.store, self.scope, self.text = store, scope, text
        self.collisions = CollisionCheck(store, scope, text)
        self._real_of: dict[str, str] | None = None
        self._mappings: list[Mapping] | None = None
        self._cache: dict = {}  # per-session memo for families (the date offset)

    # --- store views -------------------------------------------------------------------------
    def mappings(self) -> list[Mapping]:
        if self._mappings is None:
            self._mappings = self.store.mappings(self.scope)
        return self._mappings

    def _refresh(self) -> None:
        self._mappings = None
        self._real_of = {m.standin: m.real for m in self.mappings()}

    def _stored_real(self, standin: str) -> str:
        if self._real_of is None or standin not in self._real_of:
            self._refresh()
        try:
            return self._real_of[standin]
        except KeyError:
            raise DetectionError("standins", "the mapping store returned a stand-in it does not list") from None

    def lookup(self, key: str) -> str | None:
        return self.store.find(self.scope, key)

    def memo(self, name: str, factory):
        if name not in self._cache:
            self._cache[name] = factory()
        return self._cache[name]

    # --- issuing -------------------------------------------------------------------------------
    def standin(self, surface: str, category: str, salt: str = "") -> str:
        """The stand-in for one span's text, composed of its parts' stand-ins."""
        core = surface.strip()
        if core != surface:  # whitespace at a span's edges is layout, not a value: keep it
            if not core:
                return surface
            lead = surface[: len(surface) - len(surface.lstrip())]
            return lead + self.standin(core, category, salt) + surface[len(lead) + len(core):]
        view = normalize.read(surface)
        # The families read look-alike letters as Latin too ("jоhn" with a Cyrillic о is john).
        read = view.rules if view.text.strip() else surface  # an invisible-only value: as written
        try:
            parts = families.parts_for(category, read, self)
        except DetectionError:
            raise
        except Exception:  # a value a family cannot read still gets a same-shape stand-in
            parts = []
        if not parts:
            parts = whole(read, f"{category}:{fold(read)}", str(category),
                          lambda rng, attempt: reshape(read, rng))
        parts = _on_word_edges(read, parts)
        if read is not surface and read != surface:
            parts = [_as_written(p, surface, view) for p in parts]
        if salt:
            parts = [dataclasses.replace(p, key=f"{p.key}#{salt}") for p in parts]
        out, pos = [], 0
        for part in parts:
            out.append(surface[pos:part.start])
            out.append(self.issue(surface[part.start:part.end], part))
            pos = part.end
        out.append(surface[pos:])
        return "".join(out)

    def issue(self, real: str, part: Part) -> str:
        """The stand-in for one part, in the form that restores to exactly `real`."""
        standin = self.store.find(self.scope, part.key)
        if standin is None:
            candidate = self._generate(real, part)
            standin = self.store.add(self.scope, str(part.category), part.key, real, candidate)
            if self._real_of is not None and standin == candidate:
                self._real_of[standin] = real
                self._mappings = None
        shown = present(real, self._stored_real(standin), standin)
        if shown is None:
            # This exact spelling cannot be reached from the stored pair by a case change
            # ("McDonald" after "mcdonald"): give the spelling its own stand-in.
            return self.issue(real, dataclasses.replace(part, key=f"exact:{part.key}|{real}"))
        return shown

    def _generate(self, real: str, part: Part) -> str:
        cls = case_class(real)
        for attempt in range(MAX_ATTEMPTS):
            rng = rng_for(self.scope, part.seed_key or part.key, attempt)
            try:
                candidate = apply_case_class(cls, part.make(rng, attempt))
            except Exception:  # same as above: never leave a value unprotected
                candidate = reshape(real, rng)
            if self.collisions.free(candidate, real, word_like=part.word_like, small_space=part.small_space):
                return candidate
        # Last resort, still same-shaped and collision-checked: never give up on protecting.
        for attempt in range(MAX_ATTEMPTS, 4 * MAX_ATTEMPTS):
            candidate = reshape(real, rng_for(self.scope, part.key, attempt))
            if self.collisions.free(candidate, real, small_space=part.small_space):
                return candidate
        if part.small_space:  # every near value is in the text: take one anyway
            for attempt in range(MAX_ATTEMPTS):
                candidate = apply_case_class(cls, part.make(rng_for(self.scope, part.key, attempt), MAX_ATTEMPTS + attempt))
                if self.collisions.free(candidate, real, small_space=True, in_text_ok=True):
                    return candidate
        raise DetectionError("standins", f"no free stand-in for a {part.category} value")


def _as_written(part: Part, surface: str, view: normalize.View) -> Part:
    """A part made on the reading of `surface`, moved onto the characters as written. Its
    mapping is its own (the key says how it was written), seeded like the plain spelling."""
    start, end = view.original_range(part.start, part.end)
    real = surface[start:end]
    if real == view.rules[part.start:part.end]:
        return dataclasses.replace(part, start=start, end=end)
    return Part(start, end, f"{part.key}|as:{real}", part.category,
                lambda rng, attempt, make=part.make: normalize.written_like(make(rng, attempt), real),
                seed_key=part.seed_key or part.key, word_like=part.word_like,
                small_space=part.small_space)


def _on_word_edges(surface: str, parts: list[Part]) -> list[Part]:
    """Grow parts that start or end inside a word ("userMaria99") to the word's edges, merging
    parts that then touch: replies are restored on word boundaries only."""
    out: list[Part] = []
    for p in sorted(parts, key=lambda p: p.start):
        start, end = word_edges(surface, p.start, p.end)
        if out and start < out[-1].end:
            prev = out.pop()
            makes = (prev.make, p.make)
            end = max(end, prev.end)
            p = Part(prev.start, end, f"{prev.key}+{p.key}|{fold(surface[prev.start:end])}", prev.category,
                     lambda rng, attempt, m=makes: m[0](rng, attempt) + m[1](rng, attempt))
        elif (start, end) != (p.start, p.end):
            p = dataclasses.replace(p, start=start, end=end, key=f"{p.key}|{fold(surface[start:end])}")
        out.append(p)
    return out


__all__ = ["StandInSession", "MAX_ATTEMPTS"]
