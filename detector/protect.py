"""Protect a text: find its private phrases, replace each by its stand-in, remember the mapping.

For every text, Restorer(store.mappings(scope)).restore_exact(protect(text).protected) == text: the
protector checks this before it returns and repairs the two ways it can fail:
- the text already holds a stand-in of this conversation outside any span (the user typed
  "Elena" and "Elena" stands for Maria): that occurrence gets a stand-in of its own (a "guard"
  replacement, layer "guard"), or the reply would turn it into "Maria";
- a stand-in next to other text reads as a longer stand-in: that span gets a fresh stand-in.
A span that starts or ends inside a word, or whose stand-in would run into the next word
("d." -> "muslim" before "IType"), is widened to the whole word, since stand-ins are restored on
word boundaries only. If the text still does not round-trip, protect() fails
closed with DetectionError rather than send something it cannot map back.

Every stand-in is also compared with its real value (detector/standins/leaks.py): one that
keeps the real digits or letters in place is made again with a salt, and if that keeps
failing, protect() fails closed with DetectionError naming the category only.

Resent history: API clients resend every earlier turn, so the Protector keeps recent results
(detector/protect_cache.py) and reuses one only after checking it is still right now.

Runs of texts (protect_group): the content parts of one message, or consecutive user messages,
reach the model as one text, so a value may be cut between two of them ("john.smith@" +
"gmail.com"). The joints are read again with the rules, a value found across one gets ONE
stand-in, and each text gets the piece of that stand-in where it held a piece of the value.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from detector.categories import Category
from detector.errors import BlockedByPolicy, DetectionError
from detector.resolve import resolve
from detector.standins import StandInSession
from detector.standins.leaks import keeps_real
from detector.protect_cache import DEFAULT_ENTRIES, CachedProtection, ProtectionCache, RestorerCache
from detector.restore import Restorer
from detector.span import Replacement, Span
from detector.store import MappingStore
from detector.terms import TermSource, apply_terms
from detector.text import is_word, word_edges

# replace: a stand-in for what the detector judges private; strict: a stand-in for everything
# the detector finds in the category, also what its precision stage judges public or code
# (detector/precision/); keep: sent as written; block: the request is refused.
ACTIONS = ("replace", "strict", "keep", "block")
GUARD_LAYER = "guard"
GUARD_SOURCE = "stand-in-typed-in-text"  # the user wrote a stand-in of this conversation
MAX_ROUNDS = 8
# Characters read on each side of a joint between two texts of a run (emails, IBANs and cards
# are shorter); the window grows to the edges of the words it cuts, by up to as much again.
JOINT_WINDOW = 64


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


def _restored(protected: str, reps: list[Replacement], restorer: Restorer, fixed: dict) -> str:
    """What a reply holding `protected` restores to, with each fixed piece (a piece of a value
    cut between two texts, checked over the joined run) taken back as its real text."""
    if not fixed:
        return restorer.restore_exact(protected)
    out, pos = [], 0
    for r in reps:
        if (r.span.start, r.span.end) in fixed:
            out.append(restorer.restore_exact(protected[pos:r.out_start]))
            out.append(r.span.text)
            pos = r.out_start + len(r.replacement)
    out.append(restorer.restore_exact(protected[pos:]))
    return "".join(out)


def _pieces(standin: str, cuts: list[int], real: str) -> list[str]:
    """`standin` cut where its real value was cut: at the same character counts when the
    lengths agree; next to the same separator when the cut was next to one and both have the
    same separators ("john.smith@" + "gmail.com" gives "elena.ruiz@" + "gmail.com"); else
    proportionally. Each piece is non-empty where the stand-in is long enough."""
    n, m = len(standin), len(real)
    seps_real = [i for i, c in enumerate(real) if not c.isalnum()]
    seps_new = [i for i, c in enumerate(standin) if not c.isalnum()]
    same_seps = [real[i] for i in seps_real] == [standin[i] for i in seps_new]
    at = []
    for c in cuts:
        if n == m:
            at.append(c)
        elif same_seps and c - 1 in seps_real:
            at.append(seps_new[seps_real.index(c - 1)] + 1)
        elif same_seps and c in seps_real:
            at.append(seps_new[seps_real.index(c)])
        else:
            at.append(round(c * n / m))
    for i in range(len(at)):  # strictly increasing, within 1..n-1, leaving room for the rest
        low = at[i - 1] + 1 if i else 1
        at[i] = max(low, min(at[i], n - (len(at) - i)))
    bounds = [0, *at, n]
    return [standin[a:b] for a, b in zip(bounds, bounds[1:])]


def _text_at(starts: list[int], position: int) -> int:
    """Which text of a run the joined position lies in (`starts`: each text's start, then the end)."""
    i = 0
    while i + 2 < len(starts) and starts[i + 1] <= position:
        i += 1
    return i


def _word_edge(text: str, position: int, step: int) -> int:
    """`position` moved outwards (step -1: left, +1: right) to the edge of the word it cuts, by
    at most JOINT_WINDOW characters."""
    for _ in range(JOINT_WINDOW):
        if position <= 0 or position >= len(text) or text[position - 1].isspace() or text[position].isspace():
            break
        position += step
    return position


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
        self.strict = frozenset(c for c, action in self.policy.items() if action == "strict")
        self.cache = ProtectionCache(cache_size)
        self._restorers = RestorerCache()
        # Stand-ins the leak check sent back to be made again, by category (never values).
        self.leaks_caught: Counter[str] = Counter()

    def restorer(self, scope: str) -> Restorer:
        return self._restorers.get(scope, self.store.mappings)

    def spans(self, text: str) -> list[Span]:
        """What the detector finds in ``text`` with the user's terms applied (before the policy)."""
        # A detector is asked for strict categories only when there are any: detectors that
        # have no precision stage (tests' doubles) take find(text) alone.
        spans = self.detector.find(text, strict=self.strict) if self.strict else self.detector.find(text)
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
            if action in ("replace", "strict"):
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
        if restorer.restore_exact(cached.protection.protected) != text:
            return False
        cached.mark_checked(restorer)
        return True

    def _protect(self, text: str, scope: str, spans: list[Span],
                 fixed: dict[tuple[int, int], str] | None = None) -> tuple[Protection, Restorer]:
        """The protection and the Restorer it round-tripped with. `fixed`: spans whose
        replacement is already decided (pieces of a value cut between texts: protect_group)."""
        fixed = fixed or {}
        spans = _widen(text, spans) if spans else []
        session = StandInSession(self.store, scope, text)
        standins: dict[tuple[int, int], str] = dict(fixed)
        salts: dict[tuple[int, int], int] = {}
        leaked: Category | None = None
        for _ in range(MAX_ROUNDS):
            # Persons first, so emails and usernames can follow their persona.
            for s in sorted(spans, key=lambda s: (s.category != Category.PERSON, s.start)):
                where = (s.start, s.end)
                if where not in standins:
                    salt = str(salts[where]) if where in salts else ""
                    standins[where] = session.standin(s.text, s.category, salt=salt)
            protected, reps = _assemble(text, spans, standins)
            leaks = [r for r in reps if (r.span.start, r.span.end) not in fixed and self._leaks(r)]
            if leaks:
                leaked = leaks[0].span.category
                self._salt(leaks, salts, standins)
                continue
            leaked = None
            restorer = self.restorer(scope)
            if _restored(protected, reps, restorer, fixed) == text:
                return Protection(text=text, protected=protected, replacements=reps), restorer
            guards = self._guards(text, spans, restorer)
            if guards:
                spans = sorted(spans + guards, key=lambda s: s.start)
                continue
            glued = {(r.span.start, r.span.end) for r in reps if _glued(text, r)} - fixed.keys()
            if glued:
                # A stand-in would run into the next word ("d." -> "muslim" before "IType"):
                # the span takes in that word, as _widen does for spans cut inside a word.
                spans = _widen(text, [_grow(text, s) if (s.start, s.end) in glued else s for s in spans])
                continue
            bad = [r for r in self._misread(protected, reps, restorer) if (r.span.start, r.span.end) not in fixed]
            if not bad:
                break
            self._salt(bad, salts, standins)
        if leaked is not None:
            raise DetectionError("standins", f"every {leaked} stand-in made for this text kept the real value")
        raise DetectionError("standins", "the stand-ins for this text could not be made reversible")

    def _leaks(self, rep: Replacement) -> bool:
        if rep.span.layer == GUARD_LAYER or not keeps_real(rep.span.text, rep.replacement, rep.span.category):
            return False
        self.leaks_caught[str(rep.span.category)] += 1
        return True

    @staticmethod
    def _salt(reps: list[Replacement], salts: dict, standins: dict) -> None:
        """Have these replacements made again, each with a new salt."""
        for rep in reps:
            where = (rep.span.start, rep.span.end)
            salts[where] = salts.get(where, 0) + 1
            standins.pop(where, None)

    # --- runs of texts -------------------------------------------------------------------------
    def protect_group(self, texts: list[str], scope: str) -> list[Protection]:
        """Protect the texts of one run together (the content parts of one message, consecutive
        user messages): one Protection per text, in order. A value cut between two texts gets
        one stand-in, cut at the same place; each text restores on its own except for such a
        piece, and the joined protected run restores to the joined texts."""
        texts = list(texts)
        crossing = self._crossing(texts) if len(texts) > 1 else []
        if not crossing:
            return [self.protect(t, scope) for t in texts]
        joined = "".join(texts)
        starts = [0]
        for t in texts:
            starts.append(starts[-1] + len(t))
        own = [replace(s, start=s.start + starts[i], end=s.end + starts[i])
               for i, t in enumerate(texts) for s in self._chosen(self.detector.find(t))]
        spans = _widen(joined, resolve(own + crossing))
        cuts = starts[1:-1]
        salts: dict[tuple[int, int], int] = {}
        session = StandInSession(self.store, scope, joined)
        for _ in range(MAX_ROUNDS):
            per_text: list[list[Span]] = [[] for _ in texts]
            fixed: list[dict[tuple[int, int], str]] = [{} for _ in texts]
            leaked = None
            for s in spans:
                inside = sorted({c for c in cuts if s.start < c < s.end})
                if not inside:
                    i = _text_at(starts, s.start)
                    per_text[i].append(replace(s, start=s.start - starts[i], end=s.end - starts[i]))
                    continue
                where = (s.start, s.end)
                salt = str(salts[where]) if where in salts else ""
                standin = session.standin(s.text, s.category, salt=salt)
                if keeps_real(s.text, standin, s.category):
                    self.leaks_caught[str(s.category)] += 1
                    leaked = s
                    break
                bounds = [s.start, *inside, s.end]
                for (a, b), piece in zip(zip(bounds, bounds[1:]), _pieces(standin, [c - s.start for c in inside], s.text)):
                    i = _text_at(starts, a)
                    local = Span(a - starts[i], b - starts[i], joined[a:b], s.category, s.layer, s.score, s.validated, s.source)
                    per_text[i].append(local)
                    fixed[i][(local.start, local.end)] = piece
            if leaked is not None:
                salts[(leaked.start, leaked.end)] = salts.get((leaked.start, leaked.end), 0) + 1
                continue
            protections = [self._protect(t, scope, per_text[i], fixed[i])[0] for i, t in enumerate(texts)]
            if self.restorer(scope).restore_exact("".join(p.protected for p in protections)) == joined:
                return protections
            for s in spans:
                if any(s.start < c < s.end for c in cuts):
                    salts[(s.start, s.end)] = salts.get((s.start, s.end), 0) + 1
        raise DetectionError("standins", "a value cut between two texts could not get a reversible stand-in")

    def _crossing(self, texts: list[str]) -> list[Span]:
        """Values that cross a joint between two texts of the run (policy applied), in the
        coordinates of the joined texts. The rules read a window around each joint."""
        find = getattr(self.detector, "find_rules", self.detector.find)
        joined = "".join(texts)
        found: dict[tuple[int, int], Span] = {}
        cut = 0
        for t in texts[:-1]:
            cut += len(t)
            lo = _word_edge(joined, max(0, cut - JOINT_WINDOW), -1)
            hi = _word_edge(joined, min(len(joined), cut + JOINT_WINDOW), +1)
            for s in find(joined[lo:hi]):
                if s.start + lo < cut < s.end + lo:
                    found[(s.start + lo, s.end + lo)] = replace(s, start=s.start + lo, end=s.end + lo)
        return self._chosen(sorted(found.values(), key=lambda s: s.start))

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
        bad += [r for r in reps if restorer.restore_exact(r.replacement) != r.span.text]
        unique = {id(r): r for r in bad}
        return list(unique.values())
