"""Restoring whole JSON documents: one walker, and the whole-body rewriter built on it.

``restore_json`` restores every string value (never a key) of a parsed JSON document: whole
replies, the complete copies of a message that streams repeat, history, conversation lists.
A whole restore never holds anything back, so ids, roles and statuses pass unchanged (no
stand-in is ever a substring of them). Its options, each there for a wire format that needs it:

  in_place   edit the document itself (events rewritten and then sent) instead of a copy;
  json_keys  keys whose string values are JSON text (tool-call arguments): restored as JSON, so a
             real value with quotes or backslashes still yields valid JSON;
  skip       ``skip(obj) -> True`` leaves that object and all under it as it came (signed
             thinking, whose signature any change breaks);
  switch     ``switch(node, restorer) -> restorer`` for a list or object and all under it: a
             list of conversations, each restored with its own conversation's stand-ins;
  restore    ``restore(restorer, text, key) -> text`` for one string, in place of the default
             (ChatGPT's WebSocket handoff feeds some strings to stream rewriters instead).

``restore_listed`` restores a conversation list (ChatGPT's sidebar, Claude's list): each entry in
the scope of the conversation it names.

Recursive, like ``json.loads`` that built the document: a document nested close to Python's
recursion limit raises RecursionError, which every caller treats as "not ours, pass it on".
"""
from __future__ import annotations

from typing import Any, Callable, Hashable, Iterable, TypeVar

from proxy.sites.base import RestorerLike
from proxy.sites.channels import restore_json_text
from proxy.sites.stream import WholeBodyRewriter, dumps, loads_or_none

R = TypeVar("R")

JSON_TEXT_KEYS = frozenset({"arguments", "partial_json"})
"""Keys whose string values are JSON documents (tool-call arguments): restored as JSON."""

NO_JSON_KEYS: frozenset[str] = frozenset()


def restore_json(node: Any, restorer: R, *, in_place: bool = False,
                 json_keys: Iterable[str] = JSON_TEXT_KEYS,
                 skip: Callable[[dict], bool] | None = None,
                 switch: Callable[[Any, R], R] | None = None,
                 restore: Callable[[R, str, Hashable], str] | None = None) -> tuple[Any, bool]:
    """(the restored document, whether any string changed); see the module docstring."""
    changed = False
    if restore is None:
        json_keys = frozenset(json_keys)

        def restore(r, text: str, key: Hashable) -> str:
            return restore_json_text(r, text) if key in json_keys else r.restore(text)

    def walk(value: Any, key: Hashable, r) -> Any:
        nonlocal changed
        if isinstance(value, str):
            new = restore(r, value, key)
            if new != value:
                changed = True
            return new
        if isinstance(value, dict):
            if skip is not None and skip(value):
                return value
            if switch is not None:
                r = switch(value, r)
            out = value if in_place else {}
            for k, v in value.items():
                out[k] = walk(v, k, r)
            return out
        if isinstance(value, list):
            if switch is not None:
                r = switch(value, r)
            out = value if in_place else [None] * len(value)
            for i, item in enumerate(value):
                out[i] = walk(item, None, r)
            return out
        return value

    return walk(node, None, restorer), changed


def restore_listed(items: list, id_key: str, restorer_for: Callable[[str], RestorerLike],
                   scope_of: Callable[[str], str]) -> tuple[list, bool]:
    """A conversation list: each entry restored whole in the scope of the conversation its
    ``id_key`` names. An entry naming none passes as it came: whose stand-ins it could hold is
    unknown, and another conversation's restorer could turn a stand-in into the wrong value."""
    out, changed = [], False
    for item in items:
        cid = item.get(id_key) if isinstance(item, dict) else None
        if isinstance(cid, str):
            item, one = restore_json(item, restorer_for(scope_of(cid)), json_keys=NO_JSON_KEYS)
            changed |= one
        out.append(item)
    return out, changed


class JsonBodyRewriter(WholeBodyRewriter):
    """A whole JSON body, restored by ``rewrite_json(parsed) -> (new, changed)``; by default every
    string with ``restorer`` (``skip`` as in ``restore_json``). A body that is not JSON (an HTML
    error page) passes unchanged, and so does one the rewrite does not change (byte for byte)."""

    def __init__(self, restorer: RestorerLike | None = None, *,
                 skip: Callable[[dict], bool] | None = None) -> None:
        super().__init__()
        self.restorer = restorer
        self.skip = skip

    def rewrite_json(self, body: Any) -> tuple[Any, bool]:
        return restore_json(body, self.restorer, in_place=True, skip=self.skip)

    def dumps(self, body: Any) -> str:
        return dumps(body)

    def rewrite_text(self, text: str) -> str:
        body = loads_or_none(text)
        if body is None:
            return text  # not JSON: no stand-ins of ours to look for
        new, changed = self.rewrite_json(body)
        return self.dumps(new) if changed else text
