"""DoppelAddon's WebSocket hooks: every socket on a chat host (proxy/sites/openai/responses_ws.py
has the Responses API's WebSocket mode and where it was checked).

  client message  every text message is read, whatever its type; binary messages are refused.
                  On a Responses socket a ``response.create`` (or steered/injected input, any
                  case of the type) is protected exactly like the HTTP body it mirrors
                  (DoppelAddon._protect in a worker thread, same scope rules, same limits); any
                  other event, and every message of any other socket, by generic protection
                  (proxy/sites/generic.py: JSON walked, other text whole), in the socket's scope.
                  One that cannot be read or checked is dropped, counted and recorded like a
                  blocked HTTP request, and the client gets an error event with Doppel's sentence
                  (the API's own shape on a Responses socket). `--on-unknown pass` lets the
                  messages of sockets no adapter knows through as they came.
  server message  a Responses socket's: restored per channel (ResponsesSocket). When one event
                  becomes two (text held back until its channel's ``.done``), the extra ones are
                  injected: mitmproxy sends an injected message only after the hook of the
                  current one returns, and in the order injected, so while any injected message
                  is still queued, every later server message is dropped and injected behind it
                  (``pending``). Any other socket's: each text message restored whole (JSON
                  strings, or the text), except ChatGPT's handoff socket, which its own addon
                  restores (proxy/sites/chatgpt/ws.py).
Logs name event kinds and counts, never values.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from mitmproxy import ctx, http

from proxy.hostnames import normalize_host
from proxy.sites.base import RequestFormatError, RestorerLike
from proxy.sites.chatgpt.ws import WS_HOSTS
from proxy.sites.generic import GenericAdapter
from proxy.sites.openai.responses import OpenAIResponsesAdapter
from proxy.sites.openai.responses_ws import (PROTECTED_TYPES, ResponsesSocket, as_request,
                                             blocked_event, client_event, is_responses_socket)
from proxy.sites.restore_walk import restore_json
from proxy.sites.stream import dumps, loads_or_none

log = logging.getLogger("doppel.addon")

WS_METADATA_KEY = "doppel-responses-ws"


@dataclass
class GenericSocket:
    """A socket on a chat host that no adapter knows: its scope (generic protection's, see
    proxy/sites/generic.py) and the restorer of its replies."""
    adapter: GenericAdapter
    scope: str
    restore_replies: bool
    restorer: RestorerLike | None = None
    pending: int = 0


class ResponsesWebSocketHooks:
    """Mixed into DoppelAddon, whose ``adapters``, ``generic``, ``on_unknown``, ``protector``,
    ``executor``, ``_route``, ``_protect_async``, ``_refusal`` and ``_protected`` it uses (so
    both paths share every rule and counter)."""

    def _socket_for(self, flow: http.HTTPFlow) -> ResponsesSocket | GenericSocket | None:
        """The state of a socket Doppel protects, or None for any other socket."""
        sock = flow.metadata.get(WS_METADATA_KEY)
        if sock is None:
            sock = flow.metadata[WS_METADATA_KEY] = self._new_socket(flow) or False
        return sock or None

    def _new_socket(self, flow: http.HTTPFlow) -> ResponsesSocket | GenericSocket | None:
        chat, mismatch = self._route(flow)
        if not chat or mismatch:  # (a mismatched upgrade was refused in the request hook)
            return None
        adapter = next((a for a in self.adapters if isinstance(a, OpenAIResponsesAdapter)), None)
        if adapter is not None and is_responses_socket(flow.request):
            return ResponsesSocket(adapter)
        if self.on_unknown != "protect":
            return None
        scope = self.generic.scope(flow.request)
        restore = normalize_host(flow.request.pretty_host) not in WS_HOSTS
        return GenericSocket(self.generic.in_scope(scope), scope, restore)

    async def websocket_message(self, flow: http.HTTPFlow) -> None:
        if flow.websocket is None or not flow.websocket.messages:
            return
        sock = self._socket_for(flow)
        if sock is None:
            return
        message = flow.websocket.messages[-1]
        if not message.from_client:
            if isinstance(sock, ResponsesSocket):
                self._ws_from_server(flow, sock, message)
            else:
                await self._generic_from_server(sock, message)
        elif not message.injected:
            if self.settings is None or self.settings.site_on(flow.request.pretty_host):
                await self._ws_from_client(flow, sock, message)

    async def _ws_from_client(self, flow: http.HTTPFlow, sock: ResponsesSocket | GenericSocket,
                              message) -> None:
        """Protect a client message (module docstring); refuse what cannot be read or checked:
        the message is dropped and the client gets an error event."""
        adapter = sock.adapter
        try:
            if not message.is_text:
                # Events are text; a binary frame could carry the same text as bytes, which
                # Doppel would not read: refused rather than passed unchecked.
                raise RequestFormatError("a binary message, where Doppel reads text")
            kind, request = self._client_request(flow, sock, message.text)
            if kind not in PROTECTED_TYPES:
                adapter = self._generic_in(flow, sock)
            work, state = await self._protect_async(adapter, request)
        except _PassUnread:
            return
        except Exception as e:  # noqa: BLE001 - fail closed
            refusal = self._refusal(flow, adapter, e)
            if refusal is not None:
                message.drop()
                reason, sentence, extra = refusal
                self._ws_to_client(flow, sock, [blocked_event(reason, sentence, **extra)])
            return
        if not state.shadow:  # shadow mode: the message goes as it came, nothing to restore
            text = work.get_text(strict=False)
            if text != message.text:
                message.text = text
            if isinstance(sock, ResponsesSocket):
                sock.protected(kind, state.scope, state.restorer)
            else:
                sock.restorer = state.restorer
        if state.texts:
            self._protected(flow, state)

    def _client_request(self, flow: http.HTTPFlow, sock, text: str) -> tuple[str, http.Request]:
        """(the Responses event type, lower case, or "" for any other message; the HTTP request
        the message is read as)."""
        if isinstance(sock, ResponsesSocket):
            kind = client_event(text)["type"].lower()
            return kind, as_request(flow.request, text)
        is_json = text.lstrip()[:1] in ("{", "[")
        return "", as_request(flow.request, text, "application/json" if is_json
                              else "text/plain; charset=utf-8")

    def _generic_in(self, flow: http.HTTPFlow, sock) -> GenericAdapter:
        """Generic protection for a message no adapter reads, in its socket's scope (on a
        Responses socket: the conversation of the last protected event, else the client's)."""
        if isinstance(sock, GenericSocket):
            return sock.adapter
        if self.on_unknown != "protect":
            raise _PassUnread()
        return self.generic.in_scope(sock.scope or self.generic.scope(flow.request))

    async def _generic_from_server(self, sock: GenericSocket, message) -> None:
        if message.injected:
            sock.pending = max(0, sock.pending - 1)
            return
        if not sock.restore_replies or not message.is_text:
            return
        if sock.restorer is None:
            loop = asyncio.get_running_loop()
            sock.restorer = await loop.run_in_executor(self.executor, self.protector.restorer,
                                                       sock.scope)
        text = message.text
        try:
            obj = loads_or_none(text)
            if obj is None:
                new = sock.restorer.restore(text)
            else:
                restored, changed = restore_json(obj, sock.restorer)
                new = dumps(restored) if changed else text
        except Exception as e:  # noqa: BLE001 - a broken message must not kill the socket
            log.warning("doppel: could not restore a WebSocket message (%s)", type(e).__name__)
            return
        if new != text:
            message.text = new

    def _ws_from_server(self, flow: http.HTTPFlow, sock: ResponsesSocket, message) -> None:
        if message.injected:  # one of ours, coming through this hook on its way out
            sock.pending = max(0, sock.pending - 1)
            return
        outs: list[str | bytes]
        if not message.is_text:
            outs = [message.content]
        else:
            try:
                outs = list(sock.server_message(message.text))
            except Exception as e:  # noqa: BLE001 - a broken event must not kill the socket
                log.warning("doppel: could not restore a Responses WebSocket event (%s)",
                            type(e).__name__)
                outs = [message.text]
        if sock.pending == 0 and len(outs) == 1:
            if message.is_text and outs[0] != message.text:
                message.text = outs[0]
            return
        # More than one message to send, or earlier injected ones still queued: send these
        # through the same queue, so the client gets everything in order.
        message.drop()
        self._ws_to_client(flow, sock, outs)

    def _ws_to_client(self, flow: http.HTTPFlow, sock: ResponsesSocket | GenericSocket,
                      messages: list[str | bytes]) -> None:
        for m in messages:
            is_text = isinstance(m, str)
            data = m.encode("utf-8", "surrogateescape") if is_text else m
            ctx.master.commands.call("inject.websocket", flow, True, data, is_text)
        sock.pending += len(messages)


class _PassUnread(Exception):
    """`--on-unknown pass`: a message no adapter reads goes on as it came (not a refusal)."""
