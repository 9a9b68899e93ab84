"""Does a lone name token in a reply refer to the person it stands for?

Persons map token by token ("Maria" -> "Elena", "Gonzalez" -> "Rowe"), so a reply that uses a
stand-in's surname or first name in another sense ("The Rowe Bridge", "rowe" as a verb, "Lake
Elena") would come back as the real name: a false attribution, and a hint to the reader of who
the real person is. A full name ("Elena Rowe"), a title ("Ms. Rowe"), a handle that holds
another of the names ("elena.rowe") are references; so is a capitalised name on its own
("Elena", "Rowe's"). `refers` decides for one occurrence, by rule:

  all      every occurrence (what Doppel did before #15);
  case     and not a lower-case occurrence of a name the user wrote capitalised ("rowe");
  context  and not after an article ("the Rowe"), before a place or organisation word ("Rowe
           Street", "Elena Foundation", an eponym "Rowe syndrome"), after a place prefix
           ("Lake Elena", "Hurricane Elena") or after an article and a noun for a thing people
           name ("the ship Elena", "the song Elena"; "the email Elena sent" is a reference);
  strict   and not next to any other capitalised word that is not a name, title or sentence
           start ("Santa Elena", "Elena Ferrante", "Rowe's Diner").
A title (Ms, Dr, ... and job titles such as "Officer") before a name makes it a reference under
every rule but "all".
The rule Doppel uses (DEFAULT_RULE) was picked with `python -m bench.attribution`, which counts
false attributions and missed references of each rule on a corpus of replies
(bench/attribution_corpus.py).

Streaming: the decision reads at most CONTEXT characters before the name and CONTEXT after it,
and says None when the text so far ends before it is known (the stream restorer holds the name
back until it is), so a streamed reply restores exactly like a whole one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from detector.names.lexicon import EPONYM_HEAD
from detector.names.proper import ORG_WORDS, SENTENCE_END
from detector.rules.address import STREET_TYPES
from detector.standins.casing import fold
from detector.standins.org import KIND_WORDS
from detector.text import TITLES

RULES = ("all", "case", "context", "strict")
DEFAULT_RULE = "strict"
CONTEXT = 64  # characters read on each side of a name

ARTICLES = frozenset({"the", "a", "an"})
# Job titles people are addressed by, before a name as a title is ("call Officer Rowe"; hand
# list, besides detector/text.py's TITLES, which detection reads as they are).
ROLE_TITLES = frozenset("""officer nurse agent senator detective sergeant inspector constable
president governor mayor minister councillor councilor chancellor ambassador general colonel
major lieutenant commander admiral chief father sister brother rabbi imam pastor bishop
principal dean counsel attorney representative rep""".split())
# Nouns for things people give names to (hand list): after an article, a name right after one
# names the thing ("the ship Elena sank"). Only these: after other nouns a name is mostly the
# subject of a clause that refers to the person ("the email Elena sent").
NAMED_THING_NOUNS = frozenset("""ship boat vessel yacht ferry liner schooner steamer frigate
submarine cruiser tanker barge tugboat hurricane storm typhoon cyclone tornado song single album
track ep film movie series novel poem play opera musical painting sculpture statue comet asteroid
planet galaxy nebula rocket probe spacecraft satellite locomotive brand label font typeface rose
cultivar variety codename band duo choir robot doll""".split())
# Words before a name that make it a place or an event (hand list).
PLACE_PREFIXES = frozenset("""lake mount mt port fort ft saint st san santa sankt cape glen
hurricane storm typhoon cyclone camp new north south east west upper lower old great little
isle loch operation mission project""".split())
# Words after a name that make it a landmark (hand list; streets, organisations and eponyms
# come from the detector's own lists below).
_LANDMARKS = frozenset("""bridge tower towers building hall station airport river lake bay island
islands mountain mountains valley canyon falls dam museum castle palace cathedral abbey chapel
stadium arena centre center tunnel canal harbour harbor beach forest county district township
village estate manor farm prize award medal lecture scholarship fellowship act bill treaty
doctrine amendment building reservoir pass peak point gardens theatre theater""".split())
# Eponym heads (detector/names/lexicon.py) that are verbs after a name too ("Could Elena sign").
_VERB_HEADS = frozenset("sign test score rule risk exam index".split())
_FUNCTION_WORDS = frozenset("the and for der die das und los las".split())
HEADS = frozenset(w for w in STREET_TYPES | ORG_WORDS | KIND_WORDS | _LANDMARKS
                  if len(w) > 2 and w not in _FUNCTION_WORDS)

_WORD = re.compile(r"[^\W\d_]+")
_POSSESSIVE = re.compile(r"['’]s(?![\w'’])")
_GAP = re.compile(r"[ \t]*(?:\r?\n)?[ \t]*")
_HANDLE_LEFT = re.compile(r"[\w.+-]*\Z")
_HANDLE_RIGHT = re.compile(r"[\w.+@-]*")
_HANDLE_PARTS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Names:
    """The person stand-ins of one conversation that are single tokens (folded), and those the
    user wrote in lower case (a lower-case occurrence of those is a reference)."""
    tokens: frozenset[str]
    lower_issued: frozenset[str]


@dataclass(frozen=True)
class _Side:
    word: str | None  # the neighbouring word, or None (punctuation, end of text)
    gap: str          # what separates it from the name ("" for punctuation)
    dot: bool = False  # left side: the word ends with "." ("Ms. Rowe")


def _capitalised(word: str | None) -> bool:
    return bool(word) and word[0].isupper()


def _left(window: str) -> _Side:
    """The word before a name (string methods, not a regex search: this runs per name)."""
    if window.endswith("-"):
        gap_start = len(window) - 1
    else:
        gap_start = len(window.rstrip(" \t"))
        if window.endswith("\n", 0, gap_start):
            gap_start -= 2 if window.endswith("\r\n", 0, gap_start) else 1
            gap_start = len(window[:gap_start].rstrip(" \t"))
    gap = window[gap_start:]
    if not gap:
        return _Side(None, "")
    end = gap_start
    dot = window.endswith(".", 0, end)
    if dot:
        end -= 1
    begin = end
    while begin > 0 and window[begin - 1].isalpha():
        begin -= 1
    return _Side(window[begin:end] if begin < end else None, gap, dot)


def _right(window: str, complete: bool) -> tuple[_Side, bool] | None:
    """(the next word, whether a possessive came first); None if the window ends too soon."""
    pos = 0
    possessive = _POSSESSIVE.match(window)
    if possessive:
        if possessive.end() == len(window) and not complete:
            return None
        pos = possessive.end()
    elif not complete and window in ("'", "’"):
        return None
    if window.startswith("-", pos):
        if pos + 1 == len(window) and not complete:
            return None
        gap_end = pos + 1 if _WORD.match(window, pos + 1) else pos
    else:
        gap_end = _GAP.match(window, pos).end()
    if not complete and window[gap_end:] in ("", "\r"):
        return None  # only whitespace so far: the next word may still come
    gap = window[pos:gap_end]
    word = _WORD.match(window, gap_end) if gap else None
    if word is None:
        return _Side(None, gap), bool(possessive)
    if word.end() == len(window) and not complete:
        return None  # the next word is still being written
    return _Side(word.group(), gap), bool(possessive)


def _handle(text: str, start: int, end: int, names: Names, complete: bool) -> bool | None:
    """When the name is part of a handle or an address ("elena.rowe", "rowe_99@..."): whether
    the handle holds another of the names; None when it is not part of one. Raises _Unknown
    while the text ends before that is known."""
    joined_left = start > 1 and text[start - 1] in "._+" and text[start - 2].isalnum()
    joined_right = False
    if end < len(text) and text[end] in "._+@":
        if end + 1 == len(text) and not complete:
            raise _Unknown  # "Rowe." may be a sentence's end or "rowe.elena"
        joined_right = end + 1 < len(text) and text[end + 1].isalnum()
    if not (joined_left or joined_right):
        return None
    left = _HANDLE_LEFT.search(text, max(0, start - CONTEXT), start).group()
    right = _HANDLE_RIGHT.match(text, end, min(len(text), end + CONTEXT)).group()
    if end + len(right) == len(text) and not complete:
        raise _Unknown
    others = _HANDLE_PARTS.findall(left + " " + right)
    return any(fold(w) in names.tokens for w in others)


class _Unknown(Exception):
    """The text ends before the decision is known."""


def refers(text: str, start: int, end: int, names: Names, rule: str = DEFAULT_RULE,
           complete: bool = True) -> bool | None:
    """Whether the name text[start:end] (a single-token person stand-in) refers to its person.
    ``complete``: nothing follows ``text``; else None when what follows decides."""
    if rule == "all":
        return True
    try:
        handle = _handle(text, start, end, names, complete)
    except _Unknown:
        return None
    if handle is not None:
        return handle
    found = text[start:end]
    window_end = min(len(text), end + CONTEXT)
    right = _right(text[end:window_end], complete or window_end < len(text))
    if right is None:
        return None
    nxt, possessive = right
    prev = _left(text[max(0, start - CONTEXT):start])
    joined = ("", "-")  # a full name: another name right next to this one
    if (prev.word and not prev.dot and fold(prev.word) in names.tokens
            and (prev.gap.isspace() or prev.gap in joined)):
        return True
    if (nxt.word and not possessive and fold(nxt.word) in names.tokens
            and (nxt.gap.isspace() or nxt.gap in joined)):
        return True
    if prev.word and (fold(prev.word) in TITLES or fold(prev.word) in ROLE_TITLES) \
            and (prev.gap.isspace() or prev.dot):
        return True
    if found == found.lower() and fold(found) not in names.lower_issued and \
            any(c.isalpha() for c in found):
        return False  # "rowe" as a word, where the user wrote "Rowe"
    if rule == "case":
        return True
    spaced_prev = prev.word is not None and prev.gap.isspace() and not prev.dot
    spaced_next = nxt.word is not None and nxt.gap.isspace()
    if spaced_prev and fold(prev.word) in ARTICLES:
        return False
    if spaced_prev and _capitalised(prev.word) and fold(prev.word) in PLACE_PREFIXES:
        return False
    if spaced_prev and fold(prev.word) in NAMED_THING_NOUNS:
        article = _left(text[max(0, start - CONTEXT):start - len(prev.gap) - len(prev.word)])
        if article.word and article.gap.isspace() and not article.dot and fold(article.word) in ARTICLES:
            return False  # "the ship Elena": a thing named, not the person
    if spaced_next and _capitalised(nxt.word) and fold(nxt.word) in HEADS:
        return False
    if spaced_next and not possessive and fold(nxt.word) not in _VERB_HEADS \
            and EPONYM_HEAD.match(" " + nxt.word + " "):
        return False  # "Rowe syndrome"
    if rule == "context":
        return True
    if spaced_prev and _capitalised(prev.word):
        before = text[max(0, start - CONTEXT):start - len(prev.gap) - len(prev.word)]
        if start > CONTEXT:  # the window starts inside the text: not a sentence start
            before = "x" + before
        if not SENTENCE_END.search(before):
            return False
    if spaced_next and _capitalised(nxt.word) and nxt.word != "I":
        return False  # "Elena Ferrante", "Rowe's Diner": another name, or a named thing
    return True
