"""Map stand-ins in a reply back to the real values, whole or streamed.

Only stand-ins issued in this conversation are restored (a restorer is built from one scope's
mappings), on word boundaries, whatever the case ("ELENA"), with any whitespace inside a
multi-word stand-in ("Elena\\nRuiz"); possessives, first names alone and "Ms. Ruiz" work because
persons map token by token. Restoring a reply is safe, not just exact:
- inside a URL the model wrote (a link target, an image source, an href, a bare URL, a URL in
  tool-call arguments: detector/url_regions.py) a stand-in stays as it is, unless the whole URL
  is a URL stand-in (a URL the user sent): a real value written into a link could leak to
  whoever serves it;
- a lone name token is restored only where it refers to its person (detector/attribution.py):
  "The Rowe Bridge" stays, "Ms. Rowe" comes back.
`restore_exact` restores every occurrence: the protector's round-trip check (the user's own
text maps back exactly) uses it.

Matching is one compiled regular expression built from a trie of the stand-ins: Python's `re`
scans in C, gives word boundaries and `\\s+` inside stand-ins for free, and the trie shape makes
each position cost one branch per character instead of one try per stand-in (pyahocorasick
would need a case- and whitespace-folded copy of the text plus an offset map back). The stream
restorer walks the same trie in Python, only over the short tail of its buffer, to find the
earliest place a stand-in could still be starting, and holds back a stand-in whose URL or
attribution the text so far does not decide yet: a stream restores exactly like the whole text.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from detector import attribution, url_regions
from detector.rules.url import trim_trailing
from detector.standins.casing import fold, restore_form
from detector.store import Mapping
from detector.text import is_word

_END = ""  # trie key marking "a stand-in ends here"
# Characters of already-emitted text a stream restorer keeps: attribution reads CONTEXT before a
# name, and one more tells "the window starts inside the text" from "the text starts here".
STREAM_CONTEXT = attribution.CONTEXT + 1


def _fold1(c: str) -> str:
    low = c.lower()
    return low if len(low) == 1 else c


def _norm(text: str) -> str:
    return " ".join(text.split())


def _char_regex(t: str) -> str:
    """A folded trie character as a regex (compiled with IGNORECASE, which matches every case
    form fold() maps to it, and a few more such as the Kelvin sign for "k": ``_real`` leaves a
    match that fold() does not share as it is). Explicit classes of every BMP character that
    folds to ``t`` compiled ~2x slower, and a Restorer is built for every new conversation."""
    return r"\s+" if t == " " else re.escape(t)


def _node_regex(node: dict, last: str) -> str:
    """Regex for a trie node; single-child chains are flattened so nesting stays shallow."""
    chain = []
    while _END not in node and len(node) == 1:
        (last, node), = node.items()
        chain.append(_char_regex(last))
    alts = [_char_regex(ch) + _node_regex(child, ch) for ch, child in sorted(node.items()) if ch != _END]
    if _END in node:  # continuations first: the longest stand-in wins
        alts.append(r"(?!\w)" if is_word(last) else "")
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return "".join(chain) + body


@dataclass(frozen=True)
class _Matcher:
    regex: re.Pattern | None
    trie: dict
    max_len: int
    first: re.Pattern | None  # any character a stand-in can start with


@functools.lru_cache(maxsize=256)
def _matcher(folded: tuple[str, ...]) -> _Matcher:
    trie: dict = {}
    for word in folded:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[_END] = True
    if not trie:
        return _Matcher(None, trie, 0, None)
    alts = []
    for ch, child in sorted(trie.items()):
        guard = r"(?<!\w)" if is_word(ch) else ""
        alts.append(guard + _char_regex(ch) + _node_regex(child, ch))
    first = re.compile("|".join(_char_regex(ch) for ch in sorted(trie)), re.IGNORECASE)
    return _Matcher(re.compile("|".join(alts), re.IGNORECASE), trie, max(len(w) for w in folded), first)


class Restorer:
    def __init__(self, mappings: list[Mapping], rule: str = attribution.DEFAULT_RULE):
        """``rule``: which lone name tokens count as references (detector/attribution.py)."""
        if rule not in attribution.RULES:
            raise ValueError(f"rule must be one of {attribution.RULES}")
        self.rule = rule
        self._exact: dict[str, str] = {}
        self._folded: dict[str, tuple[str, str]] = {}
        self.categories: dict[str, str] = {}
        names, lower = set(), set()
        for m in mappings:
            standin = _norm(m.standin)
            folded = fold(standin)  # once per mapping: folding dominates building a Restorer
            self.categories[folded] = m.category
            if not standin:
                continue
            self._exact.setdefault(standin, m.real)
            self._folded.setdefault(folded, (m.real, standin))
            if m.category == "PERSON" and " " not in standin:
                names.add(folded)
                if standin == standin.lower():
                    lower.add(folded)
        self._names = attribution.Names(frozenset(names), frozenset(lower))
        self._m = _matcher(tuple(sorted(self._folded)))

    def _real(self, found: str) -> str:
        norm = _norm(found)
        if norm in self._exact:
            return self._exact[norm]
        entry = self._folded.get(fold(norm))
        if entry is None:
            return found  # matched only through a case rule fold() does not share: leave it
        real, standin = entry
        return restore_form(norm, real, standin)

    def _iter(self, text: str, pos: int = 0):
        """Stand-in matches from `pos` on. The regex checks word boundaries with \\w; a match
        touching a combining mark ("Elena" + U+0301) sits inside a word and is skipped here,
        since a 300-range mark class in every lookaround would make compiling slow."""
        regex, n = self._m.regex, len(text)
        while regex is not None:
            m = regex.search(text, pos)
            if m is None:
                return
            start, end = m.span()
            if (start > 0 and is_word(text[start]) and is_word(text[start - 1])) or \
                    (end < n and is_word(text[end - 1]) and is_word(text[end])):
                pos = start + 1
                continue
            yield m
            pos = end

    def restore(self, text: str, *, value: bool = False) -> str:
        """``text`` as the user may see it: stand-ins restored where that is safe (module
        docstring). ``value``: the text is one field value, such as a string in tool-call
        arguments (a URL in it runs to its end: detector/url_regions.py)."""
        if self._m.regex is None or not text:
            return text
        start = url_regions.VALUE_START if value else url_regions.START
        return self._emit(text, "", start, len(text), final=True)[0]

    def restore_exact(self, text: str) -> str:
        """Every stand-in occurrence restored, URLs and attribution aside: ``text`` as it was
        before protect() (the protector's round-trip check)."""
        if self._m.regex is None or not text:
            return text
        out, pos = [], 0
        for m in self._iter(text):
            out.append(text[pos:m.start()])
            out.append(self._real(m.group()))
            pos = m.end()
        out.append(text[pos:])
        return "".join(out)

    def decisions(self, text: str) -> list[tuple[int, int, str, bool]]:
        """(start, end, category, restored) of every stand-in occurrence in the whole ``text``,
        as ``restore`` decides them (bench/attribution.py counts them)."""
        scan = url_regions.scan(url_regions.START, text)
        return [(m.start(), m.end(), self.categories.get(fold(_norm(m.group())), ""),
                 bool(self._allowed(text, m.start(), m.end(), 0, scan, True)))
                for m in self._iter(text)]

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, category) of every stand-in occurrence in `text`."""
        return [(m.start(), m.end(), self.categories.get(fold(_norm(m.group())), ""))
                for m in self._iter(text)]

    def stream(self, *, value: bool = False) -> StreamRestorer:
        """A stream restorer (``value`` as for restore)."""
        return StreamRestorer(self, value=value)

    # --- what may be restored ----------------------------------------------------------------
    def _allowed(self, text: str, start: int, end: int, off: int, scan: url_regions.Scan,
                 final: bool) -> bool | None:
        """Whether the stand-in text[start:end] is restored: False inside a URL the model wrote,
        or where a lone name is not a reference; None when the text so far does not say yet.
        ``off``: where the scanned part of ``text`` begins (``scan`` counts from there)."""
        folded = fold(_norm(text[start:end]))
        category = self.categories.get(folded, "")
        s, e = start - off, end - off
        if scan.undecided_from is not None and e > scan.undecided_from:
            return None  # an open run of host characters: "Elena.evil.example/" or not
        for r_start, r_end in scan.regions:
            if e <= r_start or (r_end is not None and s >= r_end):
                continue
            if category == "EMAIL" and s < r_start:
                continue  # the e-mail's own domain, written apart ("david @ curry-tech.com")
            if category != "URL" or r_start != s:
                return False  # a stand-in inside a URL the model wrote
            if r_end is None:  # the URL goes on to the end of the text so far
                if not final:
                    return None
                r_end = len(text) - off
            return trim_trailing(text, start, r_end + off) == end  # the whole URL: the user's
        if folded in self._names.tokens:
            return attribution.refers(text, start, end, self._names, self.rule, complete=final)
        return True

    # --- streaming support -----------------------------------------------------------------------
    def _could_start(self, buf: str, before: str) -> int:
        """The earliest index from which buf's tail could still grow into a stand-in (or len)."""
        trie, n = self._m.trie, len(buf)
        if not trie:
            return n
        # Only the last max_len folded characters (a whitespace run counts once) can matter.
        i, count = n, 0
        while i > 0 and count < self._m.max_len:
            if buf[i - 1].isspace():
                while i > 0 and buf[i - 1].isspace():
                    i -= 1
            else:
                i -= 1
            count += 1
        for m in self._m.first.finditer(buf, i):  # scans in C for possible first characters
            t = m.start()
            first = _fold1(buf[t])
            if first not in trie:
                continue
            prev = buf[t - 1] if t else before
            if is_word(first) and prev and is_word(prev):
                continue
            if self._walks_to_end(buf, t):
                return t
        return n

    def _walks_to_end(self, buf: str, t: int) -> bool:
        node, i, n = self._m.trie, t, len(buf)
        while i < n:
            c = buf[i]
            if c.isspace():
                if " " not in node:
                    return False
                while i < n and buf[i].isspace():
                    i += 1
                node = node[" "]
                continue
            node = node.get(_fold1(c))
            if node is None:
                return False
            i += 1
        return True

    def _emit(self, buf: str, ctx: str, url: url_regions.UrlState, upto: int,
              final: bool) -> tuple[str, int, url_regions.Scan | None]:
        """Restore buf[:upto], stopping early before a match that would cross `upto` or whose
        restoring the text so far does not decide. ``ctx``: the text just before ``buf``;
        ``url``: the URL scanner where ``buf`` begins. Returns the output, how much of ``buf``
        it covers, and the scan of ``buf`` (None when no stand-in needed one)."""
        if self._m.regex is None:
            return buf[:upto], upto, None
        text, off = ctx + buf, len(ctx)
        out, pos, scan = [], 0, None
        for m in self._iter(text, off):
            start, end = m.start() - off, m.end() - off
            if start >= upto:
                break
            if end > upto:
                upto = start
                break
            if scan is None:
                scan = url_regions.scan(url, buf, final)
            allowed = self._allowed(text, m.start(), m.end(), off, scan, final)
            if allowed is None:
                upto = start
                break
            out.append(buf[pos:start])
            out.append(self._real(m.group()) if allowed else m.group())
            pos = end
        out.append(buf[pos:upto])
        return "".join(out), upto, scan


class StreamRestorer:
    """Restores a text that arrives in chunks: emits all it can at once, holds back only a tail
    that could still be the start of a stand-in, or a stand-in whose URL or attribution is not
    decided yet. Output is the same for every split."""

    def __init__(self, restorer: Restorer, *, value: bool = False):
        self._r = restorer
        self._buf = ""
        self._ctx = ""  # the end of the text already emitted (as upstream wrote it)
        # the URL scanner after the text already emitted
        self._url = url_regions.VALUE_START if value else url_regions.START

    def feed(self, chunk: str) -> str:
        if not chunk:
            return ""
        buf = self._buf + chunk
        hold = self._r._could_start(buf, self._ctx[-1:])
        out, used, scan = self._r._emit(buf, self._ctx, self._url, hold, final=False)
        self._advance(buf, used, scan)
        return out

    def flush(self) -> str:
        buf, self._buf = self._buf, ""
        if not buf:
            return ""
        out, used, scan = self._r._emit(buf, self._ctx, self._url, len(buf), final=True)
        self._advance(buf, used, scan)
        return out

    def cut(self, stand_for: str) -> str:
        """End the run here (flush), then read on as if ``stand_for`` had been emitted: text the
        caller writes itself (a raw escape) keeps the context a URL or a name is judged in."""
        out = self.flush()
        self._advance(stand_for, len(stand_for), url_regions.scan(self._url, stand_for, final=False))
        return out

    def _advance(self, buf: str, used: int, scan: url_regions.Scan | None) -> None:
        if used:
            done = buf[:used]
            self._ctx = (self._ctx + done)[-STREAM_CONTEXT:]
            # the scan of the whole buffer is the scanner after it; a part needs its own scan
            self._url = scan.state if scan is not None and used == len(buf) else \
                url_regions.scan(self._url, done, final=False).state
        self._buf = buf[used:]
