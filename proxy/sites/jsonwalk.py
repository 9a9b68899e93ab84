"""Read and write the texts of a parsed JSON request body, in a fixed order (default-deny).

An adapter registers its declared prompt slots first (``add``, ``add_json_string``), grouped in
runs where texts belong together (``begin_run``/``end_run``: the content parts of one message,
consecutive user messages) or belong in another scope (profile text); then ``cover`` walks the
whole body and registers every other leaf its format's ``Structure`` does not name as structure
(proxy/sites/structure.py). ``texts()`` reads them all, ``runs()`` says which belong together,
``write()`` puts the protected versions back in the same order.

What a slot can be:
  - a string: replaced by its protected text;
  - a number inside free-form JSON (tool-call arguments, tool inputs, metadata, a text field
    holding an object): the detector reads its JSON text (``4111111111111111``, ``1e+16``);
    when the protected text is again a number of the same kind (an integer with as many digits,
    or a float literal) it is written back as a number, else as a string (a stand-in of
    another shape still goes out, as text, never the real value);
  - a number elsewhere in the body, unless under a structural key or a numeric parameter
    where a format puts its parameters (structure.NUMBER_KEYS, PARAMETER_HOLDERS): read and
    written back the same way;
  - an object key inside free-form JSON, or anywhere a key is not shaped like a field name
    (structure.is_field_name: a misspelled field holding tool input keeps no key unread): a
    replaced key is renamed to its stand-in, the
    object's order kept (a stand-in colliding with another key of the object refuses the
    request: two values under one key would lose one);
  - a JSON document inside a string (tool-call arguments; with ``Structure.nested_json`` any
    string holding a JSON list or object): its leaves are slots, and it is serialized again only
    when one of them changed, in its own style (compact or not, ASCII escapes or not), so a
    stand-in can never break the JSON syntax and an unchanged document keeps its bytes.
Walking is iterative (a body may nest a thousand deep) and registers each place at most once.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from proxy.sites.base import DuplicateKey, RequestFormatError, TextRun, loads_strict
from proxy.sites.structure import (SCHEMA_KEYWORDS, SCHEMA_LISTS, SCHEMA_MAPS, SCHEMA_ONE,
                                   Structure, is_field_name, is_payload)

_TEXT, _NUMBER, _KEY = 0, 1, 2
_BODY, _FREE, _SCHEMA, _JSON_FREE, _JSON_BODY = range(5)  # how a value is read (see _walk)
_SCHEMA_VOCABULARY = SCHEMA_KEYWORDS | SCHEMA_MAPS | SCHEMA_ONE | SCHEMA_LISTS
_INTEGER = re.compile(r"-?[0-9]+")
_FLOAT = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def number_text(value: int | float) -> str:
    """A number as JSON writes it: what the upstream reads."""
    return json.dumps(value)


def number_back(old: int | float, text: str) -> Any:
    """The protected text of a number, as a number of the same kind when it is one."""
    if isinstance(old, int) and _INTEGER.fullmatch(text) \
            and len(text.lstrip("-")) == len(str(abs(old))):
        return int(text)
    if isinstance(old, float) and _FLOAT.fullmatch(text):
        return float(text)
    return text


def dumps_like(value: Any, raw: str) -> str:
    """``value`` as JSON in the style of ``raw`` (the document it was parsed from)."""
    styles = [((",", ":"), False), ((", ", ": "), False), ((",", ":"), True), ((", ", ": "), True)]
    for separators, ascii_only in styles:
        # ``raw`` parsed to the document as it was: the style that writes it back is its own.
        if _dumps(json.loads(raw), separators, ascii_only) == raw:
            return _dumps(value, separators, ascii_only)
    return _dumps(value, (",", ":"), False)


def _dumps(value: Any, separators: tuple[str, str], ascii_only: bool) -> str:
    return json.dumps(value, ensure_ascii=ascii_only, separators=separators)


@dataclass(slots=True)
class _Slot:
    holder: Any
    key: Any
    kind: int
    run: int | None
    doc: int | None
    scope: str | None


@dataclass(slots=True)
class _Doc:
    container: Any
    key: Any
    raw: str
    holder: list  # [the parsed document]
    parent: int | None


class TextSlots:
    def __init__(self) -> None:
        self._slots: list[_Slot] = []
        self._seen: set[tuple[int, Any]] = set()
        self._docs: list[_Doc] = []
        self._run_scopes: list[str | None] = []
        self._run: int | None = None
        self._scope: str | None = None

    # --- runs -------------------------------------------------------------------------------
    def set_scope(self, scope: str | None) -> None:
        """Slots registered from now on are protected in ``scope`` (profile text), or, after
        ``set_scope(None)``, in the request's own scope."""
        self._scope = scope

    def begin_run(self, scope: str | None = None) -> int:
        """Slots registered from now until ``end_run`` form one run: texts protected together
        (a value cut across two of them is still found), in ``scope`` when given (profile text),
        else in the current one (``set_scope``). Returns the run's number, for ``resume_run``."""
        self._run_scopes.append(scope or self._scope)
        self._run = len(self._run_scopes) - 1
        return self._run

    def resume_run(self, run: int) -> None:
        """Slots registered from now on join run ``run`` again (the next of consecutive user
        messages, after the previous one's tool calls were registered alone)."""
        self._run = run

    def end_run(self) -> None:
        self._run = None

    def runs(self) -> list[TextRun]:
        """Every slot in exactly one run, in slot order (a slot outside any run: a run alone)."""
        out: list[TextRun] = []
        by_run: dict[int, TextRun] = {}
        for i, slot in enumerate(self._slots):
            if slot.run is None:
                out.append(TextRun([i], slot.scope))
            elif slot.run in by_run:
                by_run[slot.run].indexes.append(i)
            else:
                by_run[slot.run] = run = TextRun([i], self._run_scopes[slot.run])
                out.append(run)
        return out

    # --- registering ------------------------------------------------------------------------
    def add(self, container: Any, key: Any) -> None:
        """Register container[key]: a non-empty string is one text; a number one number; a list
        or an object (a text field of an unexpected shape, free-form JSON) has every string,
        number and key inside registered (payloads excepted): unexpected shapes are protected,
        never passed on unchecked."""
        self._walk(container, key, None, _FREE, None, None, declared=True)

    def add_json_string(self, container: Any, key: Any) -> None:
        """container[key] is a JSON document in a string (tool-call arguments): its strings,
        numbers and keys are registered; text that is not a JSON list or object is protected
        as plain text instead. An object or list there (arguments sent unserialized) is
        registered as free-form JSON."""
        self._walk(container, key, None, _JSON_FREE, None, None, declared=True)

    def exempt(self, container: Any, key: Any) -> None:
        """container[key] is structure the adapter knows by its position (Gemini's positional
        lists): ``cover`` leaves it, and all under it, alone."""
        self._seen.add((id(container), key))

    def cover(self, container: Any, key: Any, structure: Structure) -> None:
        """Default-deny: register every leaf under container[key] that is not registered yet
        and that ``structure`` does not name as structure (proxy/sites/structure.py)."""
        self._walk(container, key, key if isinstance(key, str) else None, _BODY, structure,
                   None)

    def cover_body(self, body: Any, structure: Structure) -> None:
        """``cover`` for a whole parsed body (an object or a list: changed in place)."""
        self._walk([body], 0, None, _BODY, structure, None)

    # --- reading and writing ----------------------------------------------------------------
    def texts(self) -> list[str]:
        return [self._read(s) for s in self._slots]

    def write(self, protected: list[str]) -> None:
        if len(protected) != len(self._slots):
            raise ValueError(f"expected {len(self._slots)} texts, got {len(protected)}")
        dirty: set[int] = set()
        renames: dict[int, tuple[dict, dict]] = {}
        for slot, text in zip(self._slots, protected):
            if text == self._read(slot):
                continue
            if slot.doc is not None:
                dirty.add(slot.doc)
            if slot.kind == _TEXT:
                slot.holder[slot.key] = text
            elif slot.kind == _NUMBER:
                slot.holder[slot.key] = number_back(slot.holder[slot.key], text)
            else:
                renames.setdefault(id(slot.holder), (slot.holder, {}))[1][slot.key] = text
        for holder, names in renames.values():
            _rename(holder, names)
        for i in range(len(self._docs) - 1, -1, -1):  # inner documents before outer ones
            if i in dirty:
                doc = self._docs[i]
                doc.container[doc.key] = dumps_like(doc.holder[0], doc.raw)
                if doc.parent is not None:
                    dirty.add(doc.parent)

    @staticmethod
    def _read(slot: _Slot) -> str:
        if slot.kind == _KEY:
            return slot.key
        value = slot.holder[slot.key]
        return value if slot.kind == _TEXT else number_text(value)

    # --- the walk ---------------------------------------------------------------------------
    def _slot(self, holder: Any, key: Any, kind: int, doc: int | None) -> None:
        mark = (id(holder), ("\x00key", key) if kind == _KEY else key)
        if mark in self._seen:
            return
        self._seen.add(mark)
        self._slots.append(_Slot(holder, key, kind, self._run, doc, self._scope))

    def _walk(self, holder: Any, key: Any, field: Any, mode: int, structure: Structure | None,
              doc: int | None, *, declared: bool = False) -> None:
        """Register the leaves under holder[key]. Modes: _BODY (structure decides), _SCHEMA
        (a JSON schema), _FREE (every string, number and key), _JSON_FREE / _JSON_BODY (a
        string holding a JSON document, read as _FREE / _BODY). ``declared``: the root is a
        prompt slot (a string there is text even if it looks like a payload)."""
        stack = [(holder, key, field, mode, doc)]
        root = True
        while stack:
            holder, key, field, mode, doc = stack.pop()
            declared, root = declared and root, False  # only the root is the declared slot
            if (id(holder), key) in self._seen:
                continue
            value = holder[key]
            if mode in (_JSON_FREE, _JSON_BODY):
                if isinstance(value, str):
                    self._json_doc(holder, key, field, mode, structure, doc, stack)
                    continue
                mode = _FREE if mode == _JSON_FREE else _BODY
            if isinstance(value, str):
                if value and (declared or not self._exempt_string(value, mode, structure)):
                    if mode == _BODY and structure is not None and structure.nested_json \
                            and value[:1] in "[{":
                        self._json_doc(holder, key, field, _JSON_BODY, structure, doc, stack)
                    else:
                        self._slot(holder, key, _TEXT, doc)
            elif isinstance(value, dict):
                stack.extend(reversed(self._children(value, field, mode, structure, doc)))
            elif isinstance(value, list):
                if mode == _BODY and structure is not None and structure.is_structural(
                        {}, None, field):  # a list of tags or ids under a structural key
                    items = [i for i, v in enumerate(value) if not isinstance(v, str)]
                else:
                    items = range(len(value))
                stack.extend((value, i, field, mode, doc) for i in reversed(items))
            elif is_number(value) and (mode == _FREE or (
                    mode == _BODY and structure is not None
                    and not structure.is_structural_number(field))):
                self._slot(holder, key, _NUMBER, doc)

    @staticmethod
    def _exempt_string(value: str, mode: int, structure: Structure | None) -> bool:
        if is_payload(value):
            return True
        return mode != _FREE and structure is not None and structure.token is not None \
            and structure.token(value)

    def _children(self, obj: dict, field: Any, mode: int, structure: Structure | None,
                  doc: int | None) -> list[tuple]:
        """The frames to walk under one object, in document order."""
        kids: list[tuple] = []
        if mode == _FREE:
            for k in obj:
                if isinstance(k, str) and k:
                    self._slot(obj, k, _KEY, doc)
            return [(obj, k, k, _FREE, doc) for k in obj]
        assert structure is not None
        if structure.skip is not None and structure.skip(obj):
            return kids
        if mode == _SCHEMA:
            return self._schema_children(obj, doc)
        self._odd_keys(obj, doc)
        for k, v in obj.items():
            if k in structure.opaque or (is_number(v) and structure.is_parameter(field, k)):
                continue
            if isinstance(k, str) and not is_field_name(k):
                # Not a field of any format ("METADATA", "user data"): whatever is under it is
                # read as free-form JSON, no key under it trusted as structure.
                kids.append((obj, k, k, _FREE, doc))
            elif k in structure.free:
                kids.append((obj, k, k, _FREE, doc))
            elif k in structure.json_text:
                kids.append((obj, k, k, _JSON_FREE, doc))
            elif k in structure.schemas and isinstance(v, dict):
                kids.append((obj, k, k, _SCHEMA, doc))
            elif structure.is_structural(obj, field, k):
                if not isinstance(v, str):  # objects and lists under it are still read
                    kids.append((obj, k, k, _BODY, doc))
            else:
                kids.append((obj, k, k, _BODY, doc))
        return kids

    def _odd_keys(self, keys: Any, doc: int | None, obj: dict | None = None) -> None:
        """Keys (of ``obj``, default ``keys`` itself: a format object or a schema's property
        map) that are not shaped like a field name are text (structure.is_field_name)."""
        for k in keys:
            if isinstance(k, str) and k and not is_field_name(k):
                self._slot(keys if obj is None else obj, k, _KEY, doc)

    def _schema_children(self, obj: dict, doc: int | None) -> list[tuple]:
        kids: list[tuple] = []
        self._odd_keys({k: None for k in obj if k not in _SCHEMA_VOCABULARY}, doc, obj)
        for k, v in obj.items():
            if k in SCHEMA_KEYWORDS:
                if isinstance(v, list):  # "type": ["string", "null"], "enum": [...]
                    kids += [(v, i, k, _BODY, doc) for i, item in enumerate(v)
                             if not isinstance(item, str)]
                elif not isinstance(v, str):
                    kids.append((obj, k, k, _BODY, doc))
            elif k in SCHEMA_MAPS and isinstance(v, dict):
                self._odd_keys(v, doc)  # names: identifiers, unless shaped like text
                kids += [(v, name, k, _SCHEMA, doc) for name in v]
            elif k in SCHEMA_ONE:
                kids.append((obj, k, k, _SCHEMA, doc))
            elif k in SCHEMA_LISTS and isinstance(v, list):
                kids += [(v, i, k, _SCHEMA, doc) for i in range(len(v))]
            else:  # description, title, default, examples, an unknown key: text
                kids.append((obj, k, k, _BODY, doc))
        return kids

    def _json_doc(self, holder: Any, key: Any, field: Any, mode: int,
                  structure: Structure | None, parent: int | None, stack: list) -> None:
        """A string holding JSON: register its leaves (read as _FREE or _BODY), or the string
        itself as text when it is not a JSON list or object."""
        raw = holder[key]
        inner = _FREE if mode == _JSON_FREE else _BODY
        try:
            parsed = loads_strict(raw) if raw else None
        except DuplicateKey:
            raise RequestFormatError("a JSON document inside the body repeats a key") from None
        except RecursionError:
            raise RequestFormatError("a JSON document inside the body is nested too deeply") \
                from None
        except ValueError:
            parsed = None
        if not isinstance(parsed, (dict, list)):
            if raw:
                self._slot(holder, key, _TEXT, parent)
            return
        self._seen.add((id(holder), key))
        self._docs.append(_Doc(holder, key, raw, [parsed], parent))
        stack.append((self._docs[-1].holder, 0, field, inner, len(self._docs) - 1))


class MessageRuns:
    """The runs of a chat's messages: each message's text is one run, and consecutive user
    messages share one (a value the user split over two messages is still found)."""

    def __init__(self, slots: TextSlots) -> None:
        self.slots = slots
        self._user_run: int | None = None

    def open(self, user: bool) -> int:
        """Open (and return) the run of the next message's text; ``end_run`` after it."""
        if user and self._user_run is not None:
            self.slots.resume_run(self._user_run)
            return self._user_run
        run = self.slots.begin_run()
        self._user_run = run if user else None
        return run

    def interrupt(self) -> None:
        """Something that is not a message came between (a tool call item)."""
        self._user_run = None


def _rename(obj: dict, names: dict[str, str]) -> None:
    """Rename keys of ``obj`` in place, keeping their order."""
    items = [(names.get(k, k), v) for k, v in obj.items()]
    if len({k for k, _ in items}) != len(items):
        raise RequestFormatError("a protected object key collides with another key")
    obj.clear()
    obj.update(items)
