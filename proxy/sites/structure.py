"""Default-deny: what in a wire format's JSON body is structure, not text.

Every string of a request body is text the detector reads, unless it is one of:
  - a declared prompt slot of the adapter (registered first: the adapter decides the order and
    which texts form one run, see jsonwalk.TextSlots);
  - structure on this format's short allow-list (``Structure``): type tags, roles, ids, model
    names, enum-like settings, JSON-schema keywords, opaque tokens (signatures, encrypted
    content), and the payloads that are not text (base64 blobs, ``data:`` URLs of attached
    images and files).
Anything else is protected as text wherever it sits: tool and function descriptions, system
and instructions text, metadata, user fields, profile text, unknown or misspelled keys at any
depth. Inside free-form JSON (tool-call arguments, tool inputs, metadata objects) numbers and
object keys are text too (a card or a phone sent as a JSON number). Elsewhere in a body a
number is text unless it sits under a structural key or a numeric parameter (``NUMBER_KEYS``:
max_tokens, temperature...), and an object key is text unless it is shaped like a field name
(``is_field_name``): a misspelled or unknown field ("inptu" for a tool's "input") holding an
object is then read like free-form JSON, not passed with its numbers and keys unread.
jsonwalk.TextSlots.cover walks a body with these rules.

Why an allow-list of structure and not a list of text fields: a field nobody planned for (a new
API parameter, a typo, a client's extra) is then checked rather than sent unread. The price is a
detector pass over strings that hold no text (cheap: most are short), and the risk that a
setting the detector misreads is changed ("Europe/Berlin" read as two places, "en-US" as a
country): such settings are on the lists below, each list short and per format.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Callable

BASE_KEYS = frozenset({
    "type", "role", "model", "object", "status", "index",  # tags and enum-like fields
    "id", "uuid",  # ids (and every key ending in ID_SUFFIXES)
    "signature", "encrypted_content",  # opaque tokens the API checks: any change breaks them
    "media_type", "mime_type", "content_type", "detail", "ttl",  # payload and cache settings
    "timezone", "locale",  # settings the detector would misread as places ("Europe/Berlin")
})
"""Keys whose string values (or lists of strings) are structure in every format."""

ID_SUFFIXES = ("_id", "_ids", "uuid", "_uuids")

NUMBER_KEYS = frozenset({
    "max_tokens", "max_completion_tokens", "max_output_tokens", "budget_tokens", "num_predict",
    "num_ctx", "temperature", "top_p", "top_k", "min_p", "n", "seed", "presence_penalty",
    "frequency_penalty", "repeat_penalty", "logprobs", "top_logprobs", "parallel_tool_calls",
    "keep_alive"})
"""Numeric parameters (counts and sampling settings) whose number is structure where a format
puts them (``PARAMETER_HOLDERS``). Any other number outside free-form JSON is read by the
detector (a small count finds nothing there)."""

PARAMETER_HOLDERS = frozenset({None, "options", "thinking", "response"})
"""Where parameters sit: the body's top level, Ollama's options, Anthropic's thinking, a
Responses WebSocket event's response. "n" inside a misspelled "metadatas" is not a setting."""

_FIELD_NAME = re.compile(r"[a-z_][A-Za-z0-9_-]{0,63}")


def is_field_name(key: str) -> bool:
    """A key shaped like a wire format's field name (snake_case or camelCase ASCII, starting
    lower-case, at most 64 characters). Any other key (spaces, digits, "@", "+", a capital
    first letter, non-ASCII) is text: a format's field never looks like that, a value does."""
    return _FIELD_NAME.fullmatch(key) is not None

TOOL_TYPES = frozenset({"function", "custom", "function_call", "custom_tool_call", "tool_use",
                        "server_tool_use", "mcp_tool_use", "mcp_call", "mcp_list_tools",
                        "mcp_approval_request", "mcp"})
"""Object types whose ``name`` is a tool's identifier (the model must echo it exactly)."""

TOOL_FIELDS = frozenset({"function", "functions", "function_call", "tools", "tool_choice",
                         "json_schema", "format"})
"""Fields under which an object's ``name`` is an identifier: a function, a tool, a schema's
name. Elsewhere (``messages[].name``: a participant) a name is text."""

# JSON schema (tool parameters, structured output): keywords are structure, but the words a
# person wrote about a field (description, title, examples, defaults) are text.
SCHEMA_KEYWORDS = frozenset({"type", "format", "enum", "required", "$ref", "$schema", "$id",
                             "$anchor", "$dynamicRef", "$dynamicAnchor", "contentEncoding",
                             "contentMediaType", "minimum", "maximum", "exclusiveMinimum",
                             "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
                             "minItems", "maxItems", "minProperties", "maxProperties",
                             "uniqueItems"})
SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions",
                         "dependentSchemas"})  # name -> schema (the names are identifiers)
SCHEMA_ONE = frozenset({"items", "additionalProperties", "not", "if", "then", "else",
                        "contains", "propertyNames", "unevaluatedItems",
                        "unevaluatedProperties", "additionalItems"})  # -> one schema
SCHEMA_LISTS = frozenset({"anyOf", "oneOf", "allOf", "prefixItems"})  # -> a list of schemas

_BASE64 = re.compile(r"[A-Za-z0-9+/=_\-\r\n]+")
_DATA_URL = re.compile(r"data:[\w.+/=;-]*,", re.IGNORECASE)  # RFC 2397: type, params, ","


_OPAQUE = re.compile(r"[A-Za-z0-9_\-:.]{1,200}")


def looks_opaque(value: str) -> bool:
    """An id as APIs write them ("msg_01XF...", a UUID, "c_9f3a"): one run of letters, digits
    and _-:. with a letter in it. Not an e-mail ("@"), not a number or a phone (digits and
    separators only), nothing with spaces."""
    return _OPAQUE.fullmatch(value) is not None and any(c.isalpha() for c in value)


def is_payload(text: str) -> bool:
    """A file or image the user attached, not text: a ``data:`` URL, or a long run of base64
    (line breaks allowed, spaces not). README: Doppel does not rewrite files; a stand-in would
    corrupt them."""
    if _DATA_URL.match(text):
        return True
    return len(text) >= 256 and _BASE64.fullmatch(text) is not None


@dataclass(frozen=True)
class Structure:
    """One format's allow-list (see the module docstring). Everything not named is text."""

    keys: frozenset[str] = BASE_KEYS
    """A string (or list of strings) under one of these keys is structure. Objects under them
    are still walked: only the strings sitting directly there are exempt."""
    name_fields: frozenset[str] = TOOL_FIELDS
    name_types: frozenset[str] = TOOL_TYPES
    schemas: frozenset[str] = frozenset()
    """The object under one of these keys is a JSON schema."""
    numbers: frozenset[str] = NUMBER_KEYS
    """A number under one of these keys (where parameters sit), or under a structural key, is
    structure; every other number outside free-form JSON is text."""
    free: frozenset[str] = frozenset()
    """The value under one of these keys is free-form JSON: strings, numbers and keys are text."""
    json_text: frozenset[str] = frozenset()
    """A string under one of these keys is a JSON document (tool-call arguments): its strings,
    numbers and keys are text, and it is written back as JSON."""
    opaque: frozenset[str] = frozenset()
    """The value under one of these keys, whatever its shape, is an opaque token the upstream
    checks (credentials for a tool server): left whole."""
    skip: Callable[[dict], bool] | None = None
    """``skip(obj)``: the object and all under it are left whole (signed thinking)."""
    token: Callable[[str], bool] | None = None
    """``token(text)``: a string that is an opaque token by its shape (Gemini's "c_..." ids)."""
    nested_json: bool = False
    """A string that parses as a JSON list or object is walked as a document of its own (JSON
    inside a form field inside JSON: Gemini's f.req), and written back as JSON."""

    def plus(self, *, keys: frozenset[str] = frozenset(), **changes: Any) -> "Structure":
        """This structure with more structural keys and other fields replaced."""
        return replace(self, keys=self.keys | keys, **changes)

    def is_structural(self, obj: dict, field_name: Any, key: Any) -> bool:
        """Is the string value of ``obj[key]`` structure? ``field_name``: the key ``obj`` sits
        under (for a list item, the list's key)."""
        if not isinstance(key, str):
            return False
        if key in self.keys:
            return True
        if key.endswith(ID_SUFFIXES):
            # "user_id", "session_id": clients put e-mails and phone numbers there too (the
            # API asks them not to). An id is structure only while it looks like one.
            value = obj.get(key)
            return not isinstance(value, str) or looks_opaque(value)
        if key == "name":
            kind = obj.get("type")
            return field_name in self.name_fields or (isinstance(kind, str)
                                                      and kind in self.name_types)
        return False

    def is_parameter(self, holder_field: Any, key: Any) -> bool:
        """Is a number at ``key`` (of an object under ``holder_field``) a setting?"""
        return isinstance(key, str) and key in self.numbers and holder_field in PARAMETER_HOLDERS

    def is_structural_number(self, field: Any) -> bool:
        """Is a number under ``field`` (its key, or a list's key) structure wherever it is?"""
        return isinstance(field, str) and (field in self.keys or field in SCHEMA_KEYWORDS
                                           or field.endswith(ID_SUFFIXES))


GENERIC = Structure(nested_json=True)
"""An unknown JSON body on a chat host: only the keys every format shares are structure, and
JSON inside strings is read as JSON."""
