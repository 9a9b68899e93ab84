"""Map stand-ins in a reply back to the real values, whole or streamed.

Only stand-ins issued in this conversation are restored (a restorer is built from one scope's
mappings), on word boundaries, whatever the case ("ELENA"), with any whitespace inside a
multi-word stand-in ("Elena\\nRuiz"); possessives, first names alone and "Ms. Ruiz" work because
persons map token by token.

Matching is one compiled regular expression built from a trie of the stand-ins: Python's `re`
scans in C, gives word boundaries and `\\s+` inside stand-ins for free, and the trie shape makes
each position cost one branch per character instead of one try per stand-in (pyahocorasick
would need a case- and whitespace-folded copy of the text plus an offset map back). The stream
restorer walks the same trie in Python, only over the short tail of its buffer, to find the
earliest place a stand-in could still be starting.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from detector.standins.casing import fold, restore_form
from detector.store import Mapping
from detector.text import is_word

_END = ""  # trie key marking "a stand-in ends here"


def _fold1(c: str) -> str:
    low = c.lower()
    return low if len(low) == 1 else c


def _norm(text: str) -> str:
    return " ".join(text.split())


@functools.lru_cache(maxsize=1)
def _same_fold() -> dict[str, str]:
    """For each folded character, every BMP character that folds to it (the regex's classes)."""
    groups: dict[str, list[str]] = {}
    for cp in range(0x10000):
        c = chr(cp)
        f = _fold1(c)
        if f != c:
            groups.setdefault(f, []).append(c)
    return {f: "".join(cs) for f, cs in groups.items()}


def _char_regex(t: str) -> str:
    if t == " ":
        return r"\s+"
    chars = ([t] if _fold1(t) == t else []) + list(_same_fold().get(t, ""))
    if len(chars) == 1:
        return re.escape(chars[0])
    return "[" + "".join(re.escape(c) for c in chars) + "]"


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
    first = re.compile("|".join(_char_regex(ch) for ch in sorted(trie)))
    return _Matcher(re.compile("|".join(alts)), trie, max(len(w) for w in folded), first)


class Restorer:
    def __init__(self, mappings: list[Mapping]):
        self._exact: dict[str, str] = {}
        self._folded: dict[str, tuple[str, str]] = {}
        self.categories: dict[str, str] = {}
        for m in mappings:
            standin = _norm(m.standin)
            folded = fold(standin)  # once per mapping: folding dominates building a Restorer
            self.categories[folded] = m.category
            if not standin:
                continue
            self._exact.setdefault(standin, m.real)
            self._folded.setdefault(folded, (m.real, standin))
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

    def restore(self, text: str) -> str:
        if self._m.regex is None or not text:
            return text
        out, pos = [], 0
        for m in self._iter(text):
            out.append(text[pos:m.start()])
            out.append(self._real(m.group()))
            pos = m.end()
        out.append(text[pos:])
        return "".join(out)

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, category) of every stand-in occurrence in `text`."""
        return [(m.start(), m.end(), self.categories.get(fold(_norm(m.group())), ""))
                for m in self._iter(text)]

    def stream(self) -> StreamRestorer:
        return StreamRestorer(self)

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

    def _emit(self, buf: str, before: str, upto: int) -> tuple[str, int]:
        """Restore buf[:upto], stopping early before a match that would cross `upto`."""
        if self._m.regex is None:
            return buf[:upto], upto
        text, off = before + buf, len(before)
        out, pos = [], 0
        for m in self._iter(text, off):
            start, end = m.start() - off, m.end() - off
            if start >= upto:
                break
            if end > upto:
                upto = start
                break
            out.append(buf[pos:start])
            out.append(self._real(m.group()))
            pos = end
        out.append(buf[pos:upto])
        return "".join(out), upto


class StreamRestorer:
    """Restores a text that arrives in chunks: emits all it can at once, holds back only a tail
    that could still be the start of a stand-in. Output is the same for every split."""

    def __init__(self, restorer: Restorer):
        self._r = restorer
        self._buf = ""
        self._before = ""  # the last character already emitted (for the word-boundary check)

    def feed(self, chunk: str) -> str:
        if not chunk:
            return ""
        buf = self._buf + chunk
        hold = self._r._could_start(buf, self._before)
        out, used = self._r._emit(buf, self._before, hold)
        if used:
            self._before = buf[used - 1]
        self._buf = buf[used:]
        return out

    def flush(self) -> str:
        buf, self._buf = self._buf, ""
        if not buf:
            return ""
        out = self._r._emit(buf, self._before, len(buf))[0]
        self._before = buf[-1]
        return out
