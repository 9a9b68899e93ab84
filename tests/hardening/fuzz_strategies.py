"""Hostile input for the fuzz tests: junk JSON, type confusions, deep nesting, huge strings,
invalid UTF-8, cut and re-encoded bodies, broken stream framing.

Every generator takes a ``Pick``, the source of its choices, with two implementations:
- ``HypothesisPick(data)``: each choice is a Hypothesis draw (the default run: failures shrink to
  a minimal input);
- ``RandomPick(seed)``: Hypothesis draws one 64-bit seed per input and a seeded ``random.Random``
  makes the choices (the `slow` 10,000-inputs-per-adapter runs: the same generators at a small
  fraction of the per-draw cost, still reproducible from the seed Hypothesis reports).

Junk never contains a seed: seeds only ever sit where the wire format puts user text, so a
seed reaching the upstream is a leak, not a value planted in a field no adapter reads.
"""
from __future__ import annotations

import codecs
import json
import random
from typing import Any, Sequence
from urllib.parse import quote

from hypothesis import strategies as st

from proxy.sites.structure import is_field_name

from tests.hardening.seeds import SEEDS

SEED_VALUES = [v for _, v in SEEDS.values()]
HUGE = 120_000  # characters: above the fuzz rig's max_text_chars (the addon blocks, not cuts)

# Strings an attacker or a broken client might send: control characters, lone surrogates,
# JSON/SSE syntax, RTL marks, very long runs, numbers-as-strings.
NASTY_STRINGS = ["", " ", "\x00", "\ud800", "\udfff", "\u202e", "\ufeff", "\r", "\r\n", "\n\n",
                 "data: [DONE]\n\n", '"', "\\", "\\u00", "}", "]", "{", "null", "NaN", "1e999",
                 "-0", "\u0130", "ß", "😀", "e\u0301", "a" * 5000, "<script>", "%00", "../"]
FILLERS = ["", "hi", "Please help with this:", "ok.", "Réunion café ☕", "line\nbreak", "tab\there",
           "quote \" and \\ slash", "{\"json\": [1, 2]}", "data: x\n\n", "日本語のテキスト", "😀👍🏽",
           "\u202eevil", "\x00nul", "\ud800lone", "\ufeffbom", "e\u0301", "İstanbul", "ß", "a" * 300,
           "<b>html</b>", "SELECT * FROM t;", "%00%ff", "../../etc/passwd", "1e999", "null"]
NUMBERS = [0, -1, 7, 1.5, 2**64, -(2**70), 1e308, True, False]
TEXT_ALPHABET = "aZ09 _-.:/\\\"'{}[]\n\r\té☕😀\u0000\u202e\ud800"


class Pick:
    """Where a generator's choices come from (see the module docstring)."""

    def int(self, lo: int, hi: int) -> int:
        raise NotImplementedError

    def choice(self, seq: Sequence) -> Any:
        return seq[self.int(0, len(seq) - 1)]

    def text(self, max_size: int) -> str:
        return "".join(self.choice(TEXT_ALPHABET) for _ in range(self.int(0, max_size)))

    def binary(self, max_size: int, min_size: int = 0) -> bytes:
        return bytes(self.int(0, 255) for _ in range(self.int(min_size, max_size)))

    def junk(self, depth: int = 0) -> Any:
        """A small random JSON value (never holding a seed)."""
        kind = self.int(0, 6 if depth < 3 else 4)
        if kind == 0:
            return None
        if kind == 1:
            return self.choice(NUMBERS)
        if kind == 2:
            return self.choice(NASTY_STRINGS)
        if kind in (3, 4):
            return self.text(12)
        if kind == 5:
            return [self.junk(depth + 1) for _ in range(self.int(0, 3))]
        return {self.text(6): self.junk(depth + 1) for _ in range(self.int(0, 3))}


class HypothesisPick(Pick):
    def __init__(self, data) -> None:
        self.data = data

    def int(self, lo: int, hi: int) -> int:
        return self.data.draw(st.integers(lo, hi))


class RandomPick(Pick):
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def int(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)


# --- user texts -----------------------------------------------------------------------------

def seeded_text(pick: Pick) -> str:
    """A user text holding one or two seeds between filler strings."""
    out = pick.choice(FILLERS)
    for _ in range(pick.int(1, 2)):
        out += " " + pick.choice(SEED_VALUES) + " " + pick.choice(FILLERS)
    return out


def user_text(pick: Pick) -> str:
    """What one user-text position holds: mostly a seeded text, sometimes only filler."""
    return seeded_text(pick) if pick.int(0, 2) else pick.choice(FILLERS)


def nest(value: Any, depth: int, kind: str) -> Any:
    for _ in range(depth):
        value = [value] if kind == "list" else {"a": value}
    return value


# --- structural mutations of a parsed body --------------------------------------------------

def nodes(node: Any) -> dict[tuple, Any]:
    """Every path (tuple of keys/indexes) in a JSON tree, the root included, with its node
    (iterative: a mutated body may nest thousands deep)."""
    out, stack = {}, [((), node)]
    while stack:
        prefix, n = stack.pop()
        out[prefix] = n
        if isinstance(n, dict):
            stack += [(prefix + (k,), v) for k, v in n.items()]
        elif isinstance(n, list):
            stack += [(prefix + (i,), v) for i, v in enumerate(n)]
    return out


def get_at(node: Any, path: tuple) -> Any:
    for key in path:
        node = node[key]
    return node


def set_at(root: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    get_at(root, path[:-1])[path[-1]] = value
    return root


def seed_paths(tree: dict[tuple, Any]) -> list[tuple]:
    """Paths of the strings that hold a seed (the user-text positions of this body)."""
    return [p for p, n in tree.items() if isinstance(n, str) and any(v in n for v in SEED_VALUES)]


# Where a mutation may strike (see ``mutate``):
#   elsewhere - any node that is not a seeded text nor one of its containers: junk, deep nesting,
#               huge strings, dropped or added fields around the texts;
#   at_text   - the seeded text itself gets an unexpected type (list, object, number, null,
#               nested), keeping its seeds inside: an adapter must protect or block it;
#   retag     - the "type" of an object holding a seeded text becomes one no adapter knows.
FAMILIES = ("elsewhere", "at_text", "retag")
ELSEWHERE = ("junk", "deep_list", "deep_dict", "null", "number", "add_key", "huge", "drop")
AT_TEXT = ("wrap_list", "wrap_dict", "wrap_text", "deep_list", "deep_dict", "stringify", "huge",
           "number", "null")
RETAGS = ["search_result", "refusal", "input_file", "", "TEXT", 7]


def mutate(pick: Pick, body: Any) -> tuple[Any, list[str]]:
    """``body`` with 1-3 mutations (see FAMILIES); returns (body, mutation names)."""
    body = json.loads(json.dumps(body))  # a private copy
    done = []
    for _ in range(pick.int(1, 3)):
        tree = nodes(body)
        seeded = seed_paths(tree)
        containers = {p[:i] for p in seeded for i in range(len(p) + 1)}
        family = pick.choice(FAMILIES)
        if family == "elsewhere":
            where_from, kinds = [p for p in tree if p not in containers], ELSEWHERE
        elif family == "at_text":
            where_from, kinds = seeded, AT_TEXT
        else:
            where_from = [p + ("type",) for p in containers
                          if isinstance(tree[p], dict) and "type" in tree[p]]
            kinds = ("retag",)
        if not where_from:
            continue
        where = pick.choice(where_from)  # nodes() lists paths in a fixed order
        kind = pick.choice(kinds)
        node = tree[where] if where in tree else get_at(body, where)
        if kind == "junk":
            new = pick.junk()
        elif kind == "retag":
            new = pick.choice(RETAGS)
        elif kind == "wrap_list":
            new = [node]
        elif kind == "wrap_dict":
            new = {pick.choice(["text", "content", "value", "x"]): node}
        elif kind == "wrap_text":
            new = {"type": "text", "text": node}
        elif kind in ("deep_list", "deep_dict"):
            # around Python's recursion limit (1000): parsers and walkers must not crash
            new = nest(node, pick.choice([2, 50, 990, 1200]), kind[5:])
        elif kind == "null":
            new = None
        elif kind == "number":
            new = pick.choice(NUMBERS)
        elif kind == "stringify":
            new = json.dumps(node)
        elif kind == "add_key":
            if not isinstance(node, dict):
                continue
            node[pick.text(10)] = pick.junk()
            new = node
        elif kind == "huge":
            if not isinstance(node, str):
                continue
            new = (node + " ") * pick.choice([50, 2_000, HUGE // (len(node) + 1) + 1])
        else:  # drop
            if not where:
                continue
            parent = get_at(body, where[:-1])
            if isinstance(parent, dict):
                del parent[where[-1]]
            else:
                parent.pop(where[-1])
            done.append(f"{family}:{kind}")
            continue
        body = set_at(body, where, new)
        done.append(f"{family}:{kind}")
    return body, done


# --- default-deny: what a client adds or spells otherwise (issue #14) -------------------------
#   unknown_key - an unknown or misspelled key holding seeded text, added to any object at any
#                 depth (or, in a body made of lists, an element appended to any list);
#   rename      - a field name on the way to a seeded text renamed to a typo of itself (a key
#                 that is itself seeded text is a value, not a field: SeedLayer finds values
#                 as written, so an upper-cased copy would be a miss of the test's detector);
#   nest        - a seeded text moved under new nesting;
#   (extras     - the case's own additions: fuzz_requests_cases.Case.extras);
#   and a request variant: another method that carries a body, another spelling of the path
#   (case, ";params", an encoded or doubled slash, a trailing slash, the site's own prefixes),
#   a seeded query parameter.
# The first kind and every variant keep the request well-formed: it must still be delivered.
UNKNOWN_KEYS = ("contnet", "inputs", "annotation", "history_notes", "x_custom", "Notes")
DENY = ("unknown_key", "unknown_key", "rename", "nest")
KEEPS_FORM = {"unknown_key", "extras"}


def _typo(pick: Pick, key: str) -> str:
    if len(key) < 2:
        return key + "_x"
    i = pick.int(0, len(key) - 2)
    kind = pick.int(0, 4)
    if kind == 0:  # swap two neighbours
        return key[:i] + key[i + 1] + key[i] + key[i + 2:]
    if kind == 1:  # drop one
        return key[:i] + key[i + 1:]
    if kind == 2:  # double one
        return key[:i] + key[i] + key[i:]
    if kind == 3:
        return key.upper()
    return key + "s"


def _seeded_value(pick: Pick) -> Any:
    text = seeded_text(pick)
    return pick.choice([text, text, [text, pick.choice(FILLERS)], {"deeper": text}, [[text]]])


def deny_mutate(pick: Pick, body: Any, structural: frozenset[str]) -> tuple[Any, str]:
    """One default-deny mutation (see above) of a private copy of ``body``; ``structural``: key
    names a format reads as structure (a typo never lands on one: that would be a test of the
    allow-list, not of default-deny)."""
    body = json.loads(json.dumps(body))
    tree = nodes(body)
    kind = pick.choice(DENY)
    if kind == "unknown_key":
        objects = [p for p, n in tree.items() if isinstance(n, dict)]
        if objects:
            node = tree[pick.choice(objects)]
            key = pick.choice(UNKNOWN_KEYS)
            while key in node:
                key += "_"
            node[key] = _seeded_value(pick)
        else:
            lists = [p for p, n in tree.items() if isinstance(n, list)]
            tree[pick.choice(lists)].append(_seeded_value(pick))
        return body, kind
    seeded = seed_paths(tree)
    if kind == "rename":
        keys = [p for p in {p[:i] for p in seeded for i in range(1, len(p) + 1)}
                if isinstance(p[-1], str)]
        if not keys:
            return body, "rename:none"
        where = pick.choice(sorted(keys, key=repr))
        parent, old = get_at(body, where[:-1]), where[-1]
        new = _typo(pick, old)
        if not is_field_name(old) or new == old or new in parent or new in structural or new.endswith(
                ("_id", "_ids", "uuid")):
            return body, "rename:skipped"
        parent[new] = parent.pop(old)
        return body, kind
    if not seeded:
        return body, "nest:none"
    where = pick.choice(seeded)
    return set_at(body, where, {"x_wrap": {"inner": [get_at(body, where)]}}), kind


BODY_METHODS = ("POST", "PUT", "PATCH")


def request_variant(pick: Pick, method: str, url: str,
                    spellings: tuple[tuple[str, str], ...]) -> tuple[str, str, list[str]]:
    """Another method, path spelling and a seeded query parameter, each maybe."""
    names = []
    if pick.int(0, 2) == 0:
        method = pick.choice([m for m in BODY_METHODS if m != method])
        names.append("method")
    scheme, _, rest = url.partition("://")
    host, _, path_query = rest.partition("/")
    path, sep, query = ("/" + path_query).partition("?")
    if pick.int(0, 1):
        kinds = ["upper", "params", "encoded", "double", "trailing"] + [
            f"site:{i}" for i in range(len(spellings))]
        kind = pick.choice(kinds)
        slashes = [i for i, c in enumerate(path) if c == "/" and i > 0]
        if kind == "upper":
            path = path.upper()
        elif kind == "params":
            path += ";x=1"
        elif kind in ("encoded", "double") and slashes:
            i = pick.choice(slashes)
            path = path[:i] + ("%2F" if kind == "encoded" else "//") + path[i + 1:]
        elif kind == "trailing":
            path += "/"
        elif kind.startswith("site:"):
            old, new = spellings[int(kind[5:])]
            path = path.replace(old, new, 1)
        names.append("path:" + kind)
    if pick.int(0, 2) == 0:
        note = quote(seeded_text(pick), safe="", errors="surrogatepass")
        query = (query + "&" if query else "") + "note=" + note
        sep = "?"
        names.append("query")
    return method, f"{scheme}://{host}{path}{sep}{query}", names


# --- byte-level mutations of a serialized body ------------------------------------------------

INVALID_UTF8 = [b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xe2\x82", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
                b"\xc0\xaf", b"\x80", b"\x00"]
BYTE_MUTATIONS = ("truncate", "invalid_utf8", "insert", "delete", "duplicate_key", "utf16",
                  "utf32", "bom", "binary", "empty", "swap_case")


def byte_mutate(pick: Pick, raw: bytes) -> tuple[bytes, str]:
    kind = pick.choice(BYTE_MUTATIONS)
    n = len(raw)
    if kind == "truncate":
        return raw[:pick.int(0, max(0, n - 1))], kind
    if kind == "invalid_utf8":
        at = pick.int(0, n)
        return raw[:at] + pick.choice(INVALID_UTF8) + raw[at:], kind
    if kind == "insert":
        at = pick.int(0, n)
        return raw[:at] + pick.binary(8, min_size=1) + raw[at:], kind
    if kind == "delete":
        a = pick.int(0, n)
        return raw[:a] + raw[a + pick.int(1, 16):], kind
    if kind == "duplicate_key":
        # {"k": seeded, ...} -> {"k": seeded, ..., "k": <empty of the same type>}: a parser that
        # keeps the FIRST duplicate would read what another parser dropped.
        try:
            obj = json.loads(raw)
        except ValueError:
            return raw, kind
        if not isinstance(obj, dict) or not obj:
            return raw, kind
        key = pick.choice(sorted(obj))
        empty = {list: "[]", dict: "{}", str: '""'}.get(type(obj[key]), "null")
        body = raw.rstrip()
        return body[:-1] + b"," + json.dumps(key).encode() + b":" + empty.encode() + b"}", kind
    if kind in ("utf16", "utf32"):
        base = "utf-16" if kind == "utf16" else "utf-32"
        enc = pick.choice([base, base + "-le", base + "-be"])
        return raw.decode("utf-8", "surrogateescape").encode(enc, "surrogatepass"), kind
    if kind == "bom":
        return codecs.BOM_UTF8 + raw, kind
    if kind == "binary":
        return pick.binary(200), kind
    if kind == "empty":
        return b"", kind
    return raw.swapcase(), kind  # swap_case: keys no longer match ("MESSAGES")


# --- streams --------------------------------------------------------------------------------

def cuts(pick: Pick, size: int) -> list[int]:
    """Byte offsets to cut a body of ``size`` bytes at (none, a few, many, or every byte)."""
    if size < 2:
        return []
    mode = pick.choice(["none", "few", "many", "every"])
    if mode == "none":
        return []
    if mode == "every" and size <= 3000:
        return list(range(1, size))
    count = 3 if mode == "few" else 60
    return sorted({pick.int(1, size - 1) for _ in range(pick.int(1, count))})


FRAMING_JUNK = [b"data: [DONE]\n\n", b"data:\n\n", b"data", b"data: {\"choices\": [", b"\r",
                b"\r\n\r\n", b": ping\n\n", b"event: x\n", b"event: delta\ndata: {\"v\"\n\n",
                b"id: 1\nretry: 10\n\n", b"\n", b"data: " + b"[" * 3000 + b"\n\n",
                b"data: \"" + b"x" * 70_000 + b"\"\n\n", b"\xff\xfe\n\n", b"12\n",
                b"99999999999999\n", b")]}'\n", b"0\n\n", b"-5\n[]", b"\xed\xa0\x80\n\n"]


def framing_junk(pick: Pick) -> bytes:
    """A piece that breaks SSE / NDJSON / length framing."""
    kind = pick.int(0, 2)
    if kind == 0:
        return pick.choice(FRAMING_JUNK)
    if kind == 1:
        return pick.binary(30)
    return pick.binary(30) + b"\n\n"


def as_sse(obj: Any, event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    data = json.dumps(obj, ensure_ascii=False)
    return (head + "data: " + data + "\n\n").encode("utf-8", "surrogatepass")
