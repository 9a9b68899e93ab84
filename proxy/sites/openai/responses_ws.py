"""OpenAI Responses API, WebSocket mode: one socket at .../v1/responses carries many turns.

The wire format, as checked on 2026-11-22 (search of stored public docs and code):
  - OpenAI's guide "WebSocket Mode" (developers.openai.com/api/docs/guides/websocket-mode) and
    reference "WebSocket events" (developers.openai.com/api/reference/resources/responses/
    websocket-events): keep one socket to /v1/responses, start each turn with a
    ``response.create`` event whose payload "mirrors the normal Responses create body" (model,
    input, instructions, tools, previous_response_id, conversation, ...; ``stream`` is implicit
    and ``background`` unsupported); later turns send only new input items plus
    ``previous_response_id``. The server sends the same events as the SSE stream
    (response.created, response.output_text.delta/done, response.content_part.done,
    response.output_item.done, response.function_call_arguments.delta/done,
    response.completed...), one JSON object per text message. Error codes listed for this mode:
    previous_response_not_found, websocket_connection_limit_reached (60 minutes a socket).
  - The openai-python SDK installed here (2.54.0, ``openai/resources/responses/responses.py``:
    ``client.responses.connect()``, built on the ``websockets`` package): the URL is the
    client's base_url with http -> ws (https -> wss) plus "/responses", authenticated with the
    same headers as HTTP; ``conn.response.create(...)`` sends
    ``{"type": "response.create", <create fields>}``; every received message is parsed as one
    server event.
  - The error event of this mode is nested, unlike the SSE one: ``{"type": "error",
    "status": 400, "error": {"type": "invalid_request_error", "code":
    "previous_response_not_found", "message": ..., "param": "previous_response_id"}}`` (the
    shape that third-party clients' tests decode, e.g. a Go client's
    TestUnmarshalErrorEvent_NestedWebSocket; OpenAI's pages found did not print one in full).

What Doppel does with it (the hooks: proxy/mitm/addon_ws.py):
  - ``response.create`` is turned back into the HTTP request it mirrors (``as_request``: the
    upgrade request's host, path and headers with the message as a POST body), so the HTTP
    adapter (openai_responses.py) reads, scopes and rewrites it exactly as on the HTTP path,
    ``previous_response_id`` continuations included. A client message that is not a JSON object
    with a string "type" is refused. The beta events that add input to a response under way,
    ``response.steer`` ({previous_response_id, input}) and ``response.inject`` ({response_id,
    input}: tool outputs), are protected the same way, in the scope of the response they name
    (shapes from the OpenAPI-generated clients async-openai ResponseSteerEvent and
    openai-client-base BetaResponseInjectEvent). Other client event types pass unchanged.
  - A refused message never goes upstream: the client gets ``blocked_event`` instead, the API's
    own WebSocket error shape with Doppel's sentence as the message.
  - Server events are restored by ``ResponsesEvents`` (the SSE path's per-event logic): one
    stream restorer per channel, held-back text sent as an extra delta before its ``.done`` (or
    before a terminal event for channels that never got one), every full copy restored.
    Events of other types have any stand-in in their strings restored (like the full copies)
    and pass byte for byte when they hold none; non-JSON text and binary messages pass unchanged.
"""
from __future__ import annotations

import json
from typing import Any

from mitmproxy import http

from proxy.sites import is_web_host
from proxy.sites.base import (RequestFormatError, RestorerLike, family_path, loads_strict,
                              path_only)
from proxy.sites.channels import TextChannels
from proxy.sites.openai.responses import OpenAIResponsesAdapter, ResponsesEvents
from proxy.sites.stream import dumps, loads_or_none

PROTECTED_TYPES = frozenset({"response.create", "response.steer", "response.inject"})
"""Client events that carry ``input`` (and maybe ``instructions``) shaped as in a Responses
create body (matched in any case: "Response.Create"); every other client event type is read by
generic protection (proxy/mitm/addon_ws.py) in the socket's scope."""

ADDED_INPUT_TYPES = frozenset({"response.steer", "response.inject"})
"""Of those, the ones that add input to a response already under way, not start one."""

TERMINAL_TYPES = frozenset({"response.completed", "response.incomplete", "response.failed",
                            "error"})
"""Server events after which a response sends nothing more: open channels are flushed first."""


def is_responses_socket(request: http.Request) -> bool:
    """The upgrade request of a Responses WebSocket (API hosts only, as for the HTTP path)."""
    return not is_web_host(request.pretty_host) and family_path(request).endswith("/responses")


def client_event(text: str) -> dict[str, Any]:
    """A client message parsed; RequestFormatError when it is not a JSON object with a type."""
    try:
        obj = loads_strict(text)
    except RecursionError:
        raise RequestFormatError("the message is nested too deeply") from None
    except ValueError:
        raise RequestFormatError("the message is not valid JSON") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
        raise RequestFormatError("the message is not a JSON object with a string 'type'")
    return obj


def as_request(upgrade: http.Request, text: str,
               content_type: str = "application/json") -> http.Request:
    """The HTTP request a client message mirrors: POST to the socket's path (its query string
    was checked with the upgrade request) with the same headers (so the scope's client is the
    same) and the message as its body."""
    request = upgrade.copy()
    request.method = "POST"
    request.path = path_only(request)
    for name in ("upgrade", "connection", "sec-websocket-key", "sec-websocket-version",
                 "sec-websocket-extensions", "sec-websocket-protocol", "content-encoding"):
        request.headers.pop(name, None)
    request.headers["content-type"] = content_type
    request.set_content(text.encode("utf-8", "surrogateescape"))
    return request


def blocked_event(reason: str, sentence: str, **extra: Any) -> str:
    """The error event a client gets instead of a refused message."""
    error = {"type": "doppel_blocked", "code": reason, "message": sentence, "param": None, **extra}
    return json.dumps({"type": "error", "status": 502, "error": error})


class ResponsesSocket:
    """Per-connection state: the event restorer of the response in flight and the messages
    injected towards the client that mitmproxy has not sent yet (``pending``: while there are
    some, every later server message must be injected too, so the order stays as sent)."""

    def __init__(self, adapter: OpenAIResponsesAdapter) -> None:
        self.adapter = adapter
        self.events: ResponsesEvents | None = None
        self.pending = 0
        self.scope: str | None = None  # of the last protected message: others join it

    def protected(self, kind: str, scope: str, restorer: RestorerLike) -> None:
        """A protected client event of type ``kind`` (lower case) went upstream. A
        ``response.create`` starts a response: its events restore with ``scope``. Steered or
        injected input, and any other event (read by generic protection in the socket's scope),
        joins the response under way (whose channels and numbering go on), which from now on
        also restores the stand-ins issued for it."""
        self.scope = scope
        if kind != "response.create" and self.events is not None:
            self.events.channels.use(restorer)
            return
        if kind not in PROTECTED_TYPES:
            return  # no response under way yet: the next response.create's restorer has them
        scopes = self.adapter.response_scopes
        self.events = ResponsesEvents(TextChannels(restorer),
                                      lambda rid: scopes.remember(rid, scope))

    def server_message(self, text: str) -> list[str]:
        """The messages to send the client for one server message (usually one)."""
        obj = loads_or_none(text)
        if self.events is None or not isinstance(obj, dict) \
                or not isinstance(obj.get("type"), str):
            return [text]
        try:
            before = self.events.flush_open(obj) if obj["type"] in TERMINAL_TYPES else []
            more, changed = self.events.rewrite(obj)
        except RecursionError:  # nested too deeply to be one of ours: passes unchanged
            return [text]
        return [dumps(e) for e in before + more] + [dumps(obj) if changed else text]
