"""Protect a text: find its private phrases, replace each by its stand-in, remember the mapping.

For every text, Restorer(store.mappings(scope)).restore(protect(text).protected) == text: the
protector checks this before it returns and repairs the two ways it can fail:
- the text already holds a stand-in of this conversation outside any span (the user typed
  "Elena" and "Elena" stands for Maria): that occurrence gets a stand-in of its own (a "guard"
  replacement, layer "guard"), or the reply would turn it into "Maria";
- a stand-in next to other text reads as a longer stand-in: that span gets a fresh stand-in.
A span that starts or ends inside a word, or whose stand-in would run into the next word
("d." -> "muslim" before "IType"), is widened to the whole word, since stand-ins are restored on
word boundaries only. If the text still does not round-trip, protect() fails
closed with DetectionError rather than send something it cannot map back.

Resent history: API clients resend every earlier turn, so the Protector keeps recent results
(detector/protect_cache.py) and reuses one only after checking it is still right now.
"""
from __future__ import annotations

from dataclasses import dataclass

from detector.categories import Category
from detector.errors import BlockedByPolicy, DetectionError
from detector.standins import StandInSession
from detector.protect_cache import DEFAULT_ENTRIES, CachedProtection, ProtectionCache, RestorerCache
from detector.restore import Restorer
from detector.span import Replacement, Span
from detector.store import MappingStore
from detector.terms import TermSource, apply_terms
from detector.text import is_word, word_edges

ACTIONS = ("replace", "keep", "block")
GUARD_LAYER = "guard"
GUARD_SOURCE = "stand-in-typed-in-text"  # the user wrote a stand-in of this conversation
MAX_ROUNDS = 8


@dataclass
class Protection:
    text: str
    protected: str
    replacements: list[Replacement]


def _widen(text: str, spans: list[Span]) -> list[Span]:
    """Spans cut inside a word grow to the word's edges; spans that then overlap merge."""
    grown: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        start, end = word_edges(text, s.start, s.end)
        if grown and start < grown[-1].end:
            prev = grown.pop()
            start, end, s = prev.start, max(end, prev.end), prev
        if (start, end) != (s.start, s.end):
            s = Span(start, end, text[start:end], s.category, s.layer, s.score, s.validated, s.source)
        grown.append(s)
    return grown


def _glued(text: str, rep: Replacement) -> bool:
    """The stand-in starts or ends with a word character right next to one outside the span."""
    new, s = rep.replacement, rep.span
    if not new:
        return False
    return (s.start > 0 and is_word(new[0]) and is_word(text[s.start - 1])) or \
        (s.end < len(text) and is_word(new[-1]) and is_word(text[s.end]))


def _grow(text: str, span: Span) -> Span:
    start, end = word_edges(text, span.start, span.end, take_neighbours=True)
    return Span(start, end, text[start:end], span.category, span.layer, span.score, span.validated,
                span.source)


def _assemble(text: str, spans: list[Span], standins: dict) -> tuple[str, list[Replacement]]:
    out, reps, pos, out_len = [], [], 0, 0
    for s in spans:
        between = text[pos:s.start]
        out.append(between)
        out_len += len(between)
        new = standins[(s.start, s.end)]
        reps.append(Replacement(span=s, replacement=new, out_start=out_len))
        out.append(new)
        out_len += len(new)
        pos = s.end
    out.append(text[pos:])
    return "".join(out), reps


def _category(name: str) -> Category:
    try:
        return Category(name)
    except ValueError:
        return Category.PERSON


class Protector:
    def __init__(self, detector, store: MappingStore, policy: dict[str, str] | None = None,
                 *, cache_size: int = DEFAULT_ENTRIES, terms: TermSource | None = None):
        """cache_size: how many recent Protection results to keep for resent history (0: none).
        terms: the user's always/never lists (detector/terms.py), read on every text."""
        self.detector = detector
        self.terms = terms
        self.store = store
        self.policy = {str(k): v for k, v in (policy or {}).items()}
        for category, action in self.policy.items():
            if action not in ACTIONS:
                raise ValueError(f"policy for {category} must be one of {ACTIONS}, not {action!r}")
        self.cache = ProtectionCache(cache_size)
        self._restorers = RestorerCache()

    def restorer(self, scope: str) -> Restorer:
        return self._restorers.get(scope, self.store.mappings)

    def spans(self, text: str) -> list[Span]:
        """What the detector finds in ``text`` with the user's terms applied (before the policy)."""
        spans = self.detector.find(text)
        if self.terms is not None:
            spans = apply_terms(text, spans, self.terms.always(), self.terms.never())
        return spans

    def detect(self, text: str) -> list[Span]:
        """The spans protect() replaces; raises BlockedByPolicy as protect() would. Issues no
        stand-in (shadow mode records these without changing the text)."""
        return self._chosen(self.spans(text))

    def _chosen(self, spans: list[Span]) -> list[Span]:
        chosen = []
        for s in spans:
            action = self.policy.get(str(s.category), "replace")
            if action == "block":
                raise BlockedByPolicy(str(s.category))
            if action == "replace":
                chosen.append(s)
        return chosen

    def protect(self, text: str, scope: str) -> Protection:
        """The protected text; the same Protection object again for a resent text while it is
        still valid (treat it as read-only)."""
        chosen = tuple(self.detect(text))  # blocks before any stand-in is issued
        key = (scope, text, tuple(sorted(self.policy.items())),
               id(self.detector), getattr(self.detector, "mode", None))
        cached = self.cache.get(key)
        if cached is not None:
            if self._still_valid(cached, chosen, text, scope):
                return cached.protection
            self.cache.discard(key)
        protection, restorer = self._protect(text, scope, list(chosen))
        entry = CachedProtection(chosen, protection)
        entry.mark_checked(restorer)
        self.cache.put(key, entry)
        return protection

    def _still_valid(self, cached: CachedProtection, chosen: tuple[Span, ...], text: str,
                     scope: str) -> bool:
        """A cached result is used only if it is what protect() would accept now:
        - the same spans would be replaced (detection and policy unchanged: a detector whose
          answer changed, e.g. an LLM layer that timed out before, gets a fresh protect);
        - it restores to the text with the scope's mappings as they are now. This also proves
          every stand-in in it is still issued in this scope: the restorer only knows issued
          stand-ins and a stand-in never equals its real value, so a forgotten one (`doppel vault
          forget`) would stay unrestored; and a stand-in added since that would now misread
          the text (the user's "Elena" is now someone's stand-in) breaks the equality too.
          One regex pass over the protected text, against the scope's cached matcher, instead
          of a store query per stand-in; none while the scope's Restorer is the very one it
          last passed with (mappings unchanged since)."""
        if cached.spans != chosen:
            return False
        restorer = self.restorer(scope)
        if cached.checked(restorer):
            return True
        if restorer.restore(cached.protection.protected) != text:
            return False
        cached.mark_checked(restorer)
        return True

    def _protect(self, text: str, scope: str, spans: list[Span]) -> tuple[Protection, Restorer]:
        """The protection and the Restorer it round-tripped with."""
        spans = _widen(text, spans) if spans else []
        session = StandInSession(self.store, scope, text)
        standins: dict[tuple[int, int], str] = {}
        salts: dict[tuple[int, int], int] = {}
        for _ in range(MAX_ROUNDS):
            # Persons first, so emails and usernames can follow their persona.
            for s in sorted(spans, key=lambda s: (s.category != Category.PERSON, s.start)):
                where = (s.start, s.end)
                if where not in standins:
                    salt = str(salts[where]) if where in salts else ""
                    standins[where] = session.standin(s.text, s.category, salt=salt)
            protected, reps = _assemble(text, spans, standins)
            restorer = self.restorer(scope)
            if restorer.restore(protected) == text:
                return Protection(text=text, protected=protected, replacements=reps), restorer
            guards = self._guards(text, spans, restorer)
            if guards:
                spans = sorted(spans + guards, key=lambda s: s.start)
                continue
            glued = {(r.span.start, r.span.end) for r in reps if _glued(text, r)}
            if glued:
                # A stand-in would run into the next word ("d." -> "muslim" before "IType"):
                # the span takes in that word, as _widen does for spans cut inside a word.
                spans = _widen(text, [_grow(text, s) if (s.start, s.end) in glued else s for s in spans])
                continue
            bad = self._misread(protected, reps, restorer)
            if not bad:
                break
            for rep in bad:
                where = (rep.span.start, rep.span.end)
                salts[where] = salts.get(where, 0) + 1
                standins.pop(where, None)
        raise DetectionError("standins", "the stand-ins for this text could not be made reversible")

    @staticmethod
    def _guards(text: str, spans: list[Span], restorer: Restorer) -> list[Span]:
        """Stand-ins of this conversation already written in the text outside every span."""
        guards = []
        for start, end, category in restorer.matches(text):
            if any(s.start < end and start < s.end for s in spans):
                continue
            guards.append(Span(start, end, text[start:end], _category(category), GUARD_LAYER,
                               source=GUARD_SOURCE))
        return guards

    @staticmethod
    def _misread(protected: str, reps: list[Replacement], restorer: Restorer) -> list[Replacement]:
        """Replacements the restorer would read wrongly: alone, or merged with their neighbours."""
        bad = []
        ranges = [(r.out_start, r.out_start + len(r.replacement), r) for r in reps]
        for start, end, _ in restorer.matches(protected):
            inside = [r for s, e, r in ranges if s <= start and end <= e]
            if not inside:
                bad += [r for s, e, r in ranges if s < end and start < e]
        bad += [r for r in reps if restorer.restore(r.replacement) != r.span.text]
        unique = {id(r): r for r in bad}
        return list(unique.values())
