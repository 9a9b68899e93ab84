"""Where a text holds code, markup, logs or data, and which words are code identifiers.

People paste code, stack traces, logs, HTML, YAML and JSON into chat, fenced or not, and some
clients (and PUPA_New's prompts) collapse every line break, so code is found two ways:
- fences (``` or ~~~) mark whole blocks;
- token density: every whitespace-separated token is scored by its shape (code punctuation,
  dotted access, camelCase or snake_case, markup tags, paths, timestamps, keywords), and a run
  of tokens where a window of WINDOW tokens either side is at least DENSITY code-shaped is a
  code region. Prose with one "Node.js" in it stays prose; a flattened C# method does not.
Hand-written: no library here tells code from prose inside one chat message (pygments guesses
the language of a text that is code already).
"""
from __future__ import annotations

import functools
import itertools
import re

from detector.rules.username import HOME_PARENTS

FENCE = re.compile(r"(?m)^[ \t]*(```|~~~)[^\n]*\n[\s\S]*?(?:^[ \t]*\1[ \t]*$|\Z)")
TOKEN = re.compile(r"\S+")
# Shapes that mark a token as code. URLs alone are neutral: prose links to pages too.
URL_TOKEN = re.compile(r"^[(\[<\"']?(?:https?|ftp|wss?)://", re.IGNORECASE)
CODE_PUNCT = re.compile(
    r"[{};=]|\(\)|\w\(|\)\.|\)\)|\]\.|\w\[|::|=>|->|&&|\|\||==|!=|<=|>=|\+\+|\+=|-=|\$\w|#\w|"
    r"^</?[A-Za-z][\w-]*|/>$|\w=[\"']|^[\"'][\w.-]+[\"']:|^0x[0-9a-fA-F]+"
)
DOTTED = re.compile(r"[a-z_]\w*\.[A-Za-z_]\w+", re.ASCII)  # self.name, os.path, java.io
CAMEL = re.compile(r"[a-z][a-z0-9]*[A-Z]|[A-Z]{2,}[a-z]+[A-Z]|^[A-Z]{2,}[A-Z][a-z]", re.ASCII)  # innerHandler, OOMKilled
SNAKE = re.compile(r"[A-Za-z0-9]_[A-Za-z0-9]")
PATH = re.compile(r"(?:^|[\s\"'(])(?:~|\.{1,2})?/\w[\w.-]*/|\\\w+\\|\w\.(?:py|js|ts|java|cs|cpp|c|h|go|rs|rb|php|"
                  r"json|yaml|yml|xml|html|css|sh|so|dll|jar|kt|swift|sql|toml|ini|cfg|log)\b")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\d[T ]?\d\d:\d\d|^\d\d:\d\d:\d\d")
# Hashes, digests, base64 blobs: long runs of letters and digits mixed.
BLOB = re.compile(r"^[\"'(]?(?=[A-Za-z0-9+/=_-]*\d)(?=[A-Za-z0-9+/=_-]*[A-Za-z])[A-Za-z0-9+/=_-]{20,}[\"',;)]*$")
# Words only code uses (a keyword that is also an English word, "return", "class", counts 0).
KEYWORDS = frozenset("""
def elif void var const lambda null nil self println printf fn impl mut pub int bool boolean
struct enum namespace async await typeof instanceof elseif endif esac fi usize nullptr
""".split())
# SQL written in capitals: no prose writes these words that way.
SQL_KEYWORDS = frozenset("""
SELECT FROM WHERE JOIN INNER LEFT RIGHT OUTER GROUP ORDER HAVING INSERT INTO VALUES UPDATE SET
DELETE CREATE TABLE ALTER DROP LIMIT DISTINCT UNION PRIMARY FOREIGN KEY REFERENCES INDEX
""".split())
# Tokens that say nothing either way (numbers, quoted words, links, punctuation): left out of
# the share, so a table of figures inside code does not dilute it.
NEUTRAL = re.compile(r"^[\W\d_]*$|^[\"'][^\"']*[\"'][,;:)\]]*$")
WINDOW = 8           # tokens either side looked at
DENSITY = 0.35       # share of code-shaped tokens that makes a window code
MIN_TOKENS = 4       # shorter runs are a code word in prose, not a code region
MERGE_WORDS = 4      # regions this few words apart join
SCORE_CODE, SCORE_WEAK = 1.0, 0.5


@functools.lru_cache(maxsize=1 << 15)  # a pure function of one token; prose repeats its words
def token_score(token: str) -> float | None:
    """How code-like one whitespace-free token is: 1, 0.5 (a keyword alone), 0, or None for a
    token that tells nothing (a number, a quoted word, a link)."""
    if URL_TOKEN.match(token):
        return None
    if CODE_PUNCT.search(token) or TIMESTAMP.match(token) or PATH.search(token) or BLOB.match(token):
        return SCORE_CODE
    word = token.strip(".,:;!?\"'()[]…")
    if DOTTED.search(word) and not word[-1:].isupper() or CAMEL.search(word) or SNAKE.search(word):
        return SCORE_CODE
    if word.lower() in KEYWORDS:
        return SCORE_WEAK
    if word in SQL_KEYWORDS:
        return SCORE_CODE
    return None if NEUTRAL.match(token) else 0.0


def code_regions(text: str) -> list[tuple[int, int]]:
    """(start, end) ranges of `text` that are code, markup, logs or data, sorted and disjoint."""
    regions = [m.span() for m in FENCE.finditer(text)] + line_regions(text)
    scores = list(map(token_score, TOKEN.findall(text)))
    runs = _dense_runs(scores)
    if runs:
        edges = [m.span() for m in TOKEN.finditer(text)]
        regions += [(edges[first][0], edges[last][1]) for first, last in runs]
    return _merged(regions, text)


def _dense_runs(scores: list[float | None]) -> list[tuple[int, int]]:
    """(first, last) token indices of each run of tokens whose window is dense with code, cut to
    its first and last code-shaped token, MIN_TOKENS long at least. A window with no code-shaped
    token is never dense, so only those near one are looked at: prose holds few (this ran at
    every token of every prompt, ~0.3 ms per 200 words)."""
    n = len(scores)
    near_code = sorted({j for i, score in enumerate(scores) if score
                        for j in range(max(0, i - WINDOW), min(n, i + WINDOW + 1))})
    if not near_code:
        return []
    score_sum = list(itertools.accumulate((score or 0.0 for score in scores), initial=0.0))
    counted = list(itertools.accumulate((score is not None for score in scores), initial=0))

    def dense(i: int) -> bool:
        lo, hi = max(0, i - WINDOW), min(n, i + WINDOW + 1)
        seen = counted[hi] - counted[lo]
        return seen > 0 and score_sum[hi] - score_sum[lo] >= DENSITY * seen

    runs, run = [], []
    for i in near_code + [-2]:  # a sentinel closes the last run
        is_dense = i >= 0 and dense(i)
        if run and (i != run[-1] + 1 or not is_dense):
            coded = [k for k in run if scores[k]]
            if coded and coded[-1] - coded[0] + 1 >= MIN_TOKENS:
                runs.append((coded[0], coded[-1]))
            run = []
        if is_dense:
            run.append(i)
    return runs


# --- line shapes (texts that kept their line breaks) -----------------------------------------
PARAGRAPH = re.compile(r"[^\n]*\S[^\n]*(?:\n[^\n]*\S[^\n]*)*")
KEY_LINE = re.compile(r"^\s*(?:- )?[\w.\-/\"']+:(?:\s|$)")              # YAML, headers, "Date: ..."
LOG_LINE = re.compile(r"^\s*(?:\[?\d{4}-\d\d-\d\d|\[?\d\d:\d\d|\[?(?:INFO|WARN|WARNING|ERROR|DEBUG|TRACE|"
                      r"FATAL|CRITICAL)\b|at [\w$.]+\(|File \"|Traceback|Caused by|\S+ ERR!|[+\-@]{1,3}[ \t@])")
CODE_LINE_END = re.compile(r"[;{}(\[,]\s*$|^\s*[})\]]")
INDENTED = re.compile(r"^(?: {4}|\t)\S")
LINE_SHARE = 0.5   # share of a paragraph's lines that look like code, logs or data
MIN_LINES = 2


def line_regions(text: str) -> list[tuple[int, int]]:
    """Paragraphs (blocks between blank lines) where most lines are shaped like code, a log,
    a stack trace, a diff or key: value data. Only for texts that kept their line breaks."""
    if "\n" not in text:
        return []
    regions = []
    for paragraph in PARAGRAPH.finditer(text):
        lines, at = [], paragraph.start()
        for line in paragraph.group().split("\n"):
            if line.strip():
                lines.append((at, at + len(line), _shaped(line)))
            at += len(line) + 1
        shaped = [(start, end) for start, end, is_shaped in lines if is_shaped]
        # Two shaped lines at least: one "Name: ... | Location: ..." header over a post's prose
        # is a signature, not a block of data. The block ends at its last shaped line: prose
        # after it is the post.
        if len(shaped) >= MIN_LINES and len(shaped) >= LINE_SHARE * len(lines):
            regions.append((shaped[0][0], shaped[-1][1]))
    return regions


def _shaped(line: str) -> bool:
    return bool(KEY_LINE.match(line) or LOG_LINE.match(line) or CODE_LINE_END.search(line) or INDENTED.match(line))


def _merged(regions: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    """Regions that overlap or lie a few words apart join into one."""
    out: list[list[int]] = []
    for start, end in sorted(regions):
        if out and (start <= out[-1][1] or len(text[out[-1][1]:start].split()) <= MERGE_WORDS):
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


# A clock time to the second with a fraction or a time zone right after a date (the date's own
# span may hold it): a machine wrote it (logs, mail and commit headers, kubectl), not a person
# telling a day. "When: 1971-09-07 22:49:16" has neither and stays a date.
MACHINE_TIME = re.compile(r"[ T]?\d{1,2}:\d{2}:\d{2}(?:[.,]\d{3,}|(?:\s\d{4})?\s?(?:[+-]\d{2}:?\d{2}|Z|UTC|GMT)(?!\w))")


def machine_timestamp(text: str, start: int, end: int) -> bool:
    """Whether the date text[start:end] is followed (or ended) by a machine's time stamp."""
    m = MACHINE_TIME.search(text, start, min(len(text), end + 40))
    return m is not None and m.start() <= end + 1


_FIELD = re.compile(r"(?:.*(?:\s\||;|\t))?[ \t]*(?:- )?[\w .'\"/-]{1,30}:[ \t]*")


def record_field(text: str, start: int) -> bool:
    """Whether a value starts right after a key of its own line or of a field after a bar
    ("Date: 1978-04-13", "Name: x | Location: Panabo"): a field of a record about someone, not
    a literal inside code."""
    return _FIELD.fullmatch(text, text.rfind("\n", 0, start) + 1, start) is not None


# The labels of a post's or a form's fields ("Timestamp: ...", "City: ..."): a learned layer
# reads a capitalised label as a name; a label is no one's value. A speaker's name before a
# colon ("Jeet: hi") is not in this list and stays a name.
FIELD_LABELS = frozenset("""timestamp date time contact item comment comments location city town
country state region email e-mail phone mobile tel name address subject note notes status error
title category type ref reference price condition pickup delivery rating review posted updated
created modified employer company school department hometown""".split())


def is_field_label(text: str, start: int, end: int) -> bool:
    words = text[start:end].lower().split()
    return 0 < len(words) <= 3 and words[-1] in FIELD_LABELS and text[end:end + 3].lstrip(" \t").startswith(":")


def inside(regions: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in regions)


# --- code identifiers outside code regions ----------------------------------------------------
# camelCase alone is not enough outside code: brands are written that way ("LinkedIn", "PayPal",
# "iPhone"); it takes code punctuation glued to the word as well.
NAME_CAMEL = re.compile(r"^(?:Mc|Mac|De|Di|Da|La|Le|Van|Von|St|Fitz|Ben|Abu|Al|El|O)[A-Z][a-z]+$")
CALL_AFTER = re.compile(r"\(|::|<\w|\[\w")
MEMBER_AFTER = re.compile(r"\.[A-Za-z_]\w*(?:[.(\[;:)=,]|\b(?!\s*$)(?=\S))")
MEMBER_BEFORE = re.compile(r"[A-Za-z_]\w*\.$")


# The last part of a PascalCase name that only code gives a thing: "KeyError", "MainActivity".
# PascalCase alone is how brands are written too ("LinkedIn", "WordPress").
CODE_SUFFIX = re.compile(
    r"[a-z0-9](?:Error|Exception|Handler|Manager|Service|Controller|Provider|Factory|Builder|Client|"
    r"Server|Config|Configuration|Context|Activity|Fragment|View|Layout|Binding|Adapter|Listener|"
    r"Helper|Utils?|Impl|Repository|Module|Component|Request|Response|Exception|Event|Options|"
    r"Settings|State|Store|Model|Entity|Dto|DTO|Interface|Window|Page|Panel|Dialog|Button|Id|ID|"
    r"Type|Kind|Code|Status|Result|Params|Args|Callback|Delegate|Task|Thread|Stream|Buffer|Parser|"
    r"Writer|Reader|Loader|Wrapper|Proxy|Router|Middleware|Test|Spec|Mock)s?$")
DOTTED_IN_WORD = re.compile(r"^[A-Za-z_]\w*\.[A-Za-z_]*[a-z]\w*$")  # "c.CountryName", "self.name"


def is_camel(word: str) -> bool:
    return bool(CAMEL.search(word)) and not NAME_CAMEL.match(word)


def identifier_at(text: str, start: int, end: int) -> bool:
    """text[start:end] is written as a code identifier even outside a code region: a word with
    an underscore ("first_name"), a call ("Uri("), or member access with a camelCase side
    ("HttpStatusCode.Moved", "response.StatusCode", "Fernet.generate_key")."""
    word_start, word_end = start, end
    while word_start > 0 and (text[word_start - 1].isalnum() or text[word_start - 1] == "_"):
        word_start -= 1
    while word_end < len(text) and (text[word_end].isalnum() or text[word_end] == "_"):
        word_end += 1
    word = text[word_start:word_end]
    value = text[start:end]
    if "_" in word.strip("_") or CALL_AFTER.match(text, word_end) or DOTTED_IN_WORD.match(value):
        return True
    if " " not in value and code_shaped(word):
        return True
    member = MEMBER_AFTER.match(text, word_end)
    if member and (is_camel(word) or is_camel(member.group()[1:]) or "_" in member.group()
                   or member.group()[-1:] in "(["):
        return True
    before = MEMBER_BEFORE.search(text, max(0, word_start - 40), word_start)
    return bool(before) and (is_camel(word) or is_camel(before.group()[:-1]))


ACRONYM_CAMEL = re.compile(r"^[A-Z]{2,}[A-Z][a-z]{2,}")  # "OOMKilled", "SQLState"; not "CUSIPs"


def code_shaped(word: str) -> bool:
    """A word only code writes: a code-type suffix ("KeyError"), an acronym run into a word
    ("OOMKilled") or an underscore inside ("first_name")."""
    return bool(CODE_SUFFIX.search(word) or ACRONYM_CAMEL.match(word)) or "_" in word.strip("_")


def holds_code_name(value: str) -> bool:
    """A word of the span is a name only code writes ("OOMKilled Exit Code", "KeyError")."""
    return any(code_shaped(w) for w in re.findall(r"\w+", value))


# A call written as code: a method called with a quoted or empty argument list, or a chained
# call ('crypto.createHash("sha256").update(buf)', "list.sort()"). An obfuscated e-mail
# ("jo.smith(at)mail.com") has neither.
CODE_CALL = re.compile(r"[A-Za-z_$][\w$]*\.[A-Za-z_$][\w$]*\((?:\s*[\"'`]|\s*\))|\)\.[A-Za-z_$][\w$]*\(")


def holds_code_call(value: str) -> bool:
    """The span holds a call expression: code, whatever kind of value a model took it for."""
    return CODE_CALL.search(value) is not None


# A masked value ("xxxx-xxxx-xxxx", "***-**-", "•••• ••••"): what hides a number is not one.
MASK = re.compile(r"(?:[xX]+|[*•#]+)(?:[\s./-]*(?:[xX]+|[*•#]+))*[\s./-]*")


def is_mask(value: str) -> bool:
    return MASK.fullmatch(value.strip()) is not None and len(value.strip()) >= 3


def is_code_word(value: str) -> bool:
    """One word written the way only code writes words: camelCase or with an underscore."""
    return " " not in value.strip() and (is_camel(value) or "_" in value.strip("_"))


# The folder of a user in a path ("C:\\Users\\lidor\\", "/home/sara/"): the name after it is
# someone's account name, code or not.
USER_FOLDER = re.compile(r"(?:[\\/](?i:" + HOME_PARENTS + r")[\\/])$")
# A value under a key that names a person ("name": "...", author=, customer_name:).
PERSON_KEY = re.compile(
    r"(?i)(?:name|user|author|owner|contact|patient|customer|employee|student|person|client|member|"
    r"recipient|sender|manager|teacher|doctor|from|to|cc|bcc|reply-to|attendee|signed)\w*[\"']?\s*[:=]\s*[\"'(]?\s*$")


# --- machine tokens ------------------------------------------------------------------------------
# Hashes, digests, SRI integrity strings, UUIDs, base64 blobs and version strings: never a
# name or a number of anyone's, unless a secret rule says the token is a credential.
MACHINE_TOKEN = re.compile(  # used with fullmatch
    r"(?:sha(?:1|224|256|384|512)-[A-Za-z0-9+/]+={0,2}"                       # SRI
    r"|(?:sha\d*|md5|blake2b?):[0-9a-fA-F]{16,}"                                # digests
    r"|(?=[0-9a-fA-F]*\d)(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{7,}"                # hex, git SHAs
    r"|0x[0-9a-fA-F]+"
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"  # UUID
    r"|(?=[A-Za-z0-9+/_-]*\d)(?=[A-Za-z0-9+/_-]*[a-z])(?=[A-Za-z0-9+/_-]*[A-Z])[A-Za-z0-9+/_-]{24,}={0,2}"  # base64
    r"|v?\d+(?:\.\d+){1,3}(?:[-+.][0-9A-Za-z.]+)?"                               # versions
    r")")
TOKEN_EDGES = "\"'`()[]{}<>,;:"


def machine_token_around(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Where the machine token holding text[start:end] lies, if the span is inside one (the
    whitespace-delimited token, or its value after "=": integrity="sha384-...")."""
    lo = start
    while lo > 0 and not text[lo - 1].isspace():
        lo -= 1
    hi = end
    while hi < len(text) and not text[hi].isspace():
        hi += 1
    equals = text.rfind("=", lo, start)
    if equals >= 0 and "://" not in text[lo:equals]:
        lo = equals + 1
    while lo < hi and text[lo] in TOKEN_EDGES:
        lo += 1
    while hi > lo and text[hi - 1] in TOKEN_EDGES + ".":
        hi -= 1
    if not (lo <= start and end <= hi) or not MACHINE_TOKEN.fullmatch(text, lo, hi):
        return None
    return lo, hi
