"""The common surface of a site adapter: one file per wire format, one small class each.

How the addon (proxy/mitm/addon.py) drives an adapter, for one flow:

  request side (runs in a worker thread, never on mitmproxy's event loop)
    1. ``adapter.match(request)``           -> is this a chat endpoint this adapter knows?
    2. ``adapter.prepare(request)``         -> e.g. force ``accept-encoding: identity``
    3. ``texts = adapter.texts(request)``   -> every text that may carry private values, in a
                                               fixed order (user turns, and also assistant turns
                                               and tool results of resent history: Doppel restored
                                               those to real values on the way back)
    4. ``scope = adapter.scope(request)``   -> the conversation the stand-ins belong to
    5. the addon protects every text (Protector.protect(text, scope))
    6. ``adapter.rewrite(request, protected)`` -> write the protected texts back, same order as 3.
  Steps 3, 4 and 6 raise ``RequestFormatError`` when the body of a known chat endpoint cannot be
  parsed: the addon then fails closed (HTTP 502, nothing goes upstream).

  response side
    7. ``rw = adapter.response_rewriter(response, ctx)`` -> a ``ResponseRewriter`` or None (pass)
    8. streamed responses (``adapter.is_stream(response)``): the addon sets
       ``flow.response.stream`` to a callable that calls ``rw.feed(chunk)`` per chunk and
       ``rw.finish()`` at the end (mitmproxy calls the callable with b"" at end of stream).
       Whole responses: ``rw.feed(body) + rw.finish()`` replaces the body.
  The addon has already removed any content-encoding (bytes reach the rewriter decoded) and
  drops content-length before streaming, so a rewriter may change lengths freely.

Helpers an adapter builds on (all in proxy/sites/):
  - ``json_api.JsonApiAdapter`` the whole surface for a JSON API (match by path, texts, rewrite,
                                scope, streamed or whole reply): implement ``slots``,
                                ``history`` and ``stream_rewriter``.
  - ``json_api.WebJsonAdapter`` texts/rewrite for a web app's JSON requests: ``body_slots``.
  - ``stream.SseRewriter``      SSE parsing and exact re-framing (event/id/comment lines kept),
                                incremental UTF-8 decoding; subclass and implement ``on_event``.
  - ``stream.LineRewriter``     the same for NDJSON (Ollama) and other line-framed bodies.
  - ``stream.WholeBodyRewriter`` buffer the body, rewrite once in ``finish``.
  - ``channels.TextChannels``   one stream restorer per text channel (choice index, content block,
                                tool-call index...), with ``flush`` when a channel ends.
  - ``channels.JsonFragmentRestorer`` restores stand-ins inside JSON text that arrives in
                                fragments cut anywhere, mid escape included (tool-call arguments).
  - ``restore_walk.restore_json`` the one walker restoring every string of a whole JSON
                                document (copy or in place; "arguments" restored as JSON; a
                                ``skip`` predicate for signed sub-trees; a ``switch`` for a node
                                whose sub-tree belongs to another conversation).
  - ``restore_walk.JsonBodyRewriter`` a whole (non-streamed) JSON body restored with it.
  - ``restore_walk.restore_listed`` a conversation list, each entry in its own scope.
  - ``jsonwalk.TextSlots``      read/write the texts of a parsed JSON request in a fixed order.
  - ``scope.PrefixScopes`` the scope of an API conversation, found through its history.

Adding a site (a wire format) is exactly this:
  1. one file in proxy/sites/ (or proxy/sites/<provider>/): a ``SiteAdapter`` subclass that sets
     ``name`` and ``hosts`` (and ``web_app = True`` for a chat web app), and
     ``ADAPTER = TheAdapter()`` at the end;
  2. one line in ``proxy.sites.ADAPTER_MODULES`` naming that module;
  3. for each host in ``hosts``, the line "https://<host>/*" in extension/manifest.json's
     host_permissions (the extension's badge pairs the requests it sees there with Doppel's
     events). The manifest is static JSON, so tests/extension/test_manifest_hosts.py fails
     until it is added.
Everything else follows from ``hosts``: the proxy intercepts them (proxy/mitm/hosts.py), the
extension's PAC routes them and the settings page lists them (both from the control server),
and API adapters keep off a web app's hosts (proxy.sites.is_web_host).
WebSocket traffic has no adapter surface: the Responses API's WebSocket mode is handled by
DoppelAddon.websocket_message with openai/responses_ws.py, and ChatGPT's stream handoff by its
own addon (chatgpt/ws.py, whose host is intercepted through its WS_HOSTS).
"""
from __future__ import annotations

import json
import posixpath
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol
from urllib.parse import unquote

from mitmproxy import http

from proxy.hostnames import normalize_host

STREAM_CONTENT_TYPES = ("text/event-stream", "application/x-ndjson", "application/jsonl",
                        "application/x-jsonlines", "application/stream+json")


class RequestFormatError(ValueError):
    """The body of a known chat endpoint is not what the wire format says (fail closed).

    The message names what was wrong (a field, a type), never a value from the body.
    """


@dataclass
class TextRun:
    """Texts of one request that are protected together (``SiteAdapter.text_runs``).

    indexes: positions in ``texts(request)``: the content parts of one message, consecutive
             user messages (a value cut across two of them is still found); a text alone
             otherwise.
    scope:   the scope to protect them in, when not the request's own (profile text a site
             feeds into every chat: see proxy/profiles.py).
    """
    indexes: list[int]
    scope: str | None = None


# --- what the adapters need from detector.restore (Protector.restorer(scope)) ---------------

class StreamRestorerLike(Protocol):
    def feed(self, chunk: str) -> str: ...
    def flush(self) -> str: ...
    def cut(self, stand_for: str) -> str: ...


class RestorerLike(Protocol):
    """detector.restore.Restorer: maps the stand-ins issued in one scope back to real values
    (``value``: the text is one field value, such as a string in tool-call arguments)."""

    def restore(self, text: str, *, value: bool = False) -> str: ...
    def stream(self, *, value: bool = False) -> StreamRestorerLike: ...


@dataclass
class ResponseContext:
    """What a response rewriter may use besides the bytes.

    scope:        the scope the request was protected in (the one ``adapter.scope`` returned).
    restorer_for: restorer of ANY scope; a sidebar/history list carries many conversations.
    rebind_scope: move the mappings of ``scope`` to a new scope (ChatGPT web learns its
                  conversation id from the first response); afterwards ``ctx.scope`` is the new one.
    request:      the request as it went upstream (a resumed stream names its offset there).
    """
    scope: str
    restorer_for: Callable[[str], RestorerLike]
    rebind_scope: Callable[[str, str], None] = field(default=lambda old, new: None)
    _restorer: RestorerLike | None = field(default=None, repr=False)
    request: http.Request | None = field(default=None, repr=False)

    @property
    def restorer(self) -> RestorerLike:
        """The restorer of this flow's scope (built once, on first use)."""
        if self._restorer is None:
            self._restorer = self.restorer_for(self.scope)
        return self._restorer

    def rebind(self, new_scope: str) -> None:
        if new_scope and new_scope != self.scope:
            self.rebind_scope(self.scope, new_scope)
            self.scope = new_scope


class ResponseRewriter(ABC):
    """Rewrites one response body; bytes in, bytes out. Used for streamed and whole bodies."""

    @abstractmethod
    def feed(self, data: bytes) -> bytes:
        """Rewrite the next chunk; return what can be sent to the client now (maybe b"")."""

    @abstractmethod
    def finish(self) -> bytes:
        """End of body: return everything still held back."""

    def __call__(self, data: bytes) -> list[bytes]:
        """mitmproxy's ``flow.response.stream`` protocol: b"" marks the end of the stream.
        Returns a list (empty when nothing is ready): an empty bytes chunk would be written as
        the HTTP/1 chunked END marker and cut the reply short."""
        out = self.feed(data) if data else self.finish()
        return [out] if out else []


class SiteAdapter(ABC):
    """One wire format. Subclasses set ``name`` and ``hosts`` (``web_app`` for a chat web app)
    and implement the abstract methods; adding one is a file and a line (module docstring)."""

    name: str = "base"
    hosts: tuple[str, ...] = ()
    """The hosts this wire format is spoken on out of the box, in the form normalize_host gives
    (lower case, no port): Doppel intercepts them. An API adapter also serves hosts the user
    adds (an OpenAI-compatible server); a web app serves exactly these."""
    web_app: bool = False
    """A chat web app: it matches on its own ``hosts`` only, and no API adapter matches there
    (an API-looking path on a web app's host is something else)."""
    scope_prefix: str = ""
    """A web app's scopes start with this ("chatgpt-web:"); its profile scope is derived from
    it (proxy/profiles.py)."""
    profile_paths: re.Pattern | None = None
    """A web app's endpoints (family paths, see ``family_path``) that store profile text the
    site feeds into every chat (custom instructions, memories, styles, project documents):
    requests there no adapter reads are protected in the profile scope (proxy/sites/generic.py)."""

    def on_own_host(self, request: http.Request) -> bool:
        """The request goes to one of ``hosts`` (compared normalised: any case, port, dot)."""
        return normalize_host(request.pretty_host) in self.hosts

    @abstractmethod
    def match(self, request: http.Request) -> bool:
        """True for the chat endpoints this adapter rewrites (never sign-in, upload, telemetry)."""

    @abstractmethod
    def texts(self, request: http.Request) -> list[str]:
        """Every text to protect, in the order ``rewrite`` expects them back."""

    @abstractmethod
    def rewrite(self, request: http.Request, protected: list[str]) -> None:
        """Write ``protected`` (aligned with ``texts(request)``) back into the request."""

    @abstractmethod
    def scope(self, request: http.Request) -> str:
        """The conversation scope of this request (see proxy/sites/scope.py).

        Asked once per flow: the addon keeps the answer in ``flow.metadata`` (FlowState.scope)
        for the response side, so that is where per-flow state lives. A scope that needs a
        fresh name (a web app's first turn, before the server names the conversation) may
        draw a random one here; nothing is stored on the request object."""

    @abstractmethod
    def response_rewriter(self, response: http.Response,
                          ctx: ResponseContext) -> ResponseRewriter | None:
        """A rewriter restoring stand-ins in this response, or None to pass it untouched."""

    def text_runs(self, request: http.Request, count: int) -> list[TextRun]:
        """Which of the ``count`` texts of ``texts(request)`` are protected together, and in
        which scope (see TextRun). Default: each text alone, in the request's scope."""
        return [TextRun([i]) for i in range(count)]

    def prepare(self, request: http.Request) -> None:
        """Adjust headers before the request goes upstream. Default: ask for identity encoding
        so streamed bodies arrive uncompressed (the addon still decodes if a server ignores it)."""
        request.headers["accept-encoding"] = "identity"

    def is_stream(self, response: http.Response) -> bool:
        """True if the response must be rewritten chunk by chunk (SSE, NDJSON)."""
        ctype = response.headers.get("content-type", "").lower()
        return any(t in ctype for t in STREAM_CONTENT_TYPES)


# --- small shared helpers ------------------------------------------------------------------

class DuplicateKey(ValueError):
    """A JSON object repeats a key (see loads_strict)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict:
    """JSON objects must not repeat a key: parsers disagree on which copy wins, so a copy
    Doppel never checked could be the one the upstream reads (found by tests/hardening)."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        raise DuplicateKey()
    return obj


def loads_strict(raw: bytes | str) -> Any:
    """json.loads that refuses repeated keys; ValueError or RecursionError (too deep) else."""
    return json.loads(raw, object_pairs_hook=_unique_keys)


def json_body(request: http.Request) -> Any:
    """The request body parsed as JSON; RequestFormatError if it is not JSON."""
    raw = request.get_content(strict=False)
    if not raw:
        raise RequestFormatError("the request body is empty")
    try:
        # Decoded strictly first: json.loads(bytes) would let UTF-8-encoded surrogates through
        # ("surrogatepass"), text an upstream reads differently (as U+FFFD).
        return loads_strict(raw.decode(json.detect_encoding(raw)))
    except DuplicateKey:
        raise RequestFormatError("the request body repeats a JSON key") from None
    except RecursionError:
        raise RequestFormatError("the request body is nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise RequestFormatError(f"the request body is not valid JSON ({type(e).__name__})") from None


def dumps_utf8(value: Any, separators: tuple[str, str] = (",", ":")) -> str:
    """JSON text that encodes as UTF-8 (surrogateescape): characters kept as they are, unless a
    lone surrogate (valid JSON as an escape) is in it, then written with ASCII escapes."""
    text = json.dumps(value, ensure_ascii=False, separators=separators)
    try:
        text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        text = json.dumps(value, ensure_ascii=True, separators=separators)
    return text


def set_json_body(request: http.Request, body: Any) -> None:
    """Serialize ``body`` back (compact, UTF-8) and fix content-length. A lone surrogate (valid
    JSON as an escape, not encodable as UTF-8) is written escaped, as the client sent it."""
    try:
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    except UnicodeEncodeError:
        data = json.dumps(body, ensure_ascii=True, separators=(",", ":")).encode()
    request.set_content(data)


def path_only(request: http.Request) -> str:
    """The request path without the query string, trailing slash removed."""
    return request.path.split("?", 1)[0].rstrip("/") or "/"


BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def carries_body(request: http.Request) -> bool:
    """A request that may carry user text in its body: any method that usually has one, and
    any other (GET, DELETE...) that has one anyway."""
    return request.method.upper() in BODY_METHODS or bool(request.raw_content)


def family_path(request: http.Request) -> str:
    """The path as adapters match it, so that every spelling a server treats as the same
    endpoint is one (a request spelled otherwise must not slip past its adapter): the query
    string dropped; percent-decoding undone (an encoded "/" included, repeatedly); ``;params``
    of every segment dropped; dot segments and repeated slashes resolved; lower case; no
    trailing slash. Site-specific spellings (account prefixes, alternative bases) are the
    adapters' regexes'."""
    path = request.path.split("?", 1)[0].split("#", 1)[0]
    for _ in range(4):  # %252F -> %2F -> /
        decoded = unquote(path)
        if decoded == path:
            break
        path = decoded
    path = "/".join(segment.split(";", 1)[0] for segment in path.split("/"))
    path = posixpath.normpath("/" + path.lstrip("/")).lower()
    return re.sub(r"/{2,}", "/", path).rstrip("/") or "/"
