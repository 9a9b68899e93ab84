"""Read and write the texts of a parsed JSON request body, in a fixed order.

An adapter walks its wire format once, registering each place that holds a text; ``texts()``
reads them and ``write()`` puts the protected versions back in the same order. Texts that are
themselves JSON (tool-call arguments) are parsed, their string values become slots, and the JSON
is serialized again on write, so a stand-in can never break the JSON syntax.
"""
from __future__ import annotations

import json
import re
from typing import Any

# Fields of an unknown object that are structure, not user text (see TextSlots.add_unknown).
STRUCTURAL_KEYS = frozenset({"type", "id", "role", "name", "status", "object", "model",
                             "signature", "encrypted_content", "media_type", "mime_type",
                             "cache_control", "index", "content_type"})
_BASE64 = re.compile(r"[A-Za-z0-9+/=_\-\r\n]+")


def _is_base64_blob(text: str) -> bool:
    """A long run of base64 (an image, a file; line breaks allowed, spaces not): not text, and
    a stand-in would corrupt it."""
    return len(text) >= 256 and _BASE64.fullmatch(text) is not None


class TextSlots:
    def __init__(self) -> None:
        self._slots: list[tuple[Any, Any]] = []  # (container, key or index)
        self._json_strings: list[tuple[Any, Any, Any]] = []  # (container, key, parsed value)

    def add(self, container: Any, key: Any) -> None:
        """Register container[key] if it holds a non-empty string. A text field holding a list
        or an object instead (a broken or unknown client) has every string inside registered:
        unexpected shapes are protected, never passed on unchecked."""
        value = container[key]
        if isinstance(value, str) and value:
            self._slots.append((container, key))
        elif isinstance(value, (dict, list)):
            self.add_strings(value)

    def add_unknown(self, node: Any, skip: frozenset = frozenset()) -> None:
        """An object of a type this wire format does not know (a new block or item kind): every
        string in it is registered except structural fields (STRUCTURAL_KEYS: types, ids,
        names, statuses), base64 payloads, which are not text and must arrive intact, and the
        top-level keys in ``skip`` (registered by the caller already)."""
        if isinstance(node, dict):
            for key, value in node.items():
                if key in skip or key in STRUCTURAL_KEYS or key.endswith("_id"):
                    continue
                if isinstance(value, str):
                    if not _is_base64_blob(value):
                        self.add(node, key)
                else:
                    self.add_unknown(value)
        elif isinstance(node, list):
            for i, item in enumerate(node):
                if isinstance(item, str):
                    if not _is_base64_blob(item):
                        self.add(node, i)
                else:
                    self.add_unknown(item)

    def add_strings(self, node: Any) -> None:
        """Register every string value (not keys) anywhere under ``node``."""
        if isinstance(node, dict):
            for key in node:
                if isinstance(node[key], str):
                    self.add(node, key)
                else:
                    self.add_strings(node[key])
        elif isinstance(node, list):
            for i, item in enumerate(node):
                if isinstance(item, str):
                    self.add(node, i)
                else:
                    self.add_strings(item)

    def add_json_string(self, container: Any, key: Any) -> None:
        """container[key] is a JSON document in a string (tool-call arguments): register the
        strings inside it; if it is not valid JSON, protect it as plain text instead."""
        raw = container[key]
        if isinstance(raw, (dict, list)):  # arguments sent as an object, not a JSON string
            self.add_strings(raw)
            return
        if not isinstance(raw, str) or not raw:
            return
        try:
            parsed = json.loads(raw)
        except (ValueError, RecursionError):
            self.add(container, key)
            return
        if isinstance(parsed, str):
            self.add(container, key)  # a bare JSON string: protect the text as written
            return
        holder = [parsed]
        self.add_strings(holder)
        self._json_strings.append((container, key, holder))

    def texts(self) -> list[str]:
        return [c[k] for c, k in self._slots]

    def write(self, protected: list[str]) -> None:
        if len(protected) != len(self._slots):
            raise ValueError(f"expected {len(self._slots)} texts, got {len(protected)}")
        for (container, key), text in zip(self._slots, protected):
            container[key] = text
        for container, key, holder in self._json_strings:
            container[key] = json.dumps(holder[0], ensure_ascii=False)
