"""DoppelAddon's hooks for the Responses API's WebSocket mode (proxy/sites/openai/responses_ws.py
has the wire format and where it was checked).

  client message  a ``response.create`` (or steered/injected input) is protected exactly like
                  the HTTP body it mirrors (DoppelAddon._protect in a worker thread, same scope
                  rules, same limits). One that cannot be read or checked is dropped, counted
                  and recorded like a blocked HTTP request, and the client gets the API's error
                  event with Doppel's sentence.
  server message  restored per channel (ResponsesSocket). When one event becomes two (text held
                  back until its channel's ``.done``), the extra ones are injected: mitmproxy
                  sends an injected message only after the hook of the current one returns, and
                  in the order injected, so while any injected message is still queued, every
                  later server message is dropped and injected behind it (``pending``).
Logs name event kinds and counts, never values.
"""
from __future__ import annotations

import logging

from mitmproxy import ctx, http

from proxy.sites.base import RequestFormatError
from proxy.sites.openai.responses import OpenAIResponsesAdapter
from proxy.sites.openai.responses_ws import (PROTECTED_TYPES, ResponsesSocket, as_request,
                                             blocked_event, client_event, is_responses_socket)

log = logging.getLogger("doppel.addon")

WS_METADATA_KEY = "doppel-responses-ws"


class ResponsesWebSocketHooks:
    """Mixed into DoppelAddon, whose ``adapters``, ``hosts``, ``settings``, ``_protect_async``,
    ``_refusal`` and ``_protected`` it uses (so both paths share every rule and counter)."""

    def _socket_for(self, flow: http.HTTPFlow) -> ResponsesSocket | None:
        """The state of a Responses WebSocket Doppel protects, or None for any other socket."""
        sock = flow.metadata.get(WS_METADATA_KEY)
        if sock is None:
            adapter = next((a for a in self.adapters if isinstance(a, OpenAIResponsesAdapter)),
                           None)
            applies = (adapter is not None and is_responses_socket(flow.request)
                       and (self.hosts is None
                            or self.hosts.is_chat_host(flow.request.pretty_host)))
            sock = flow.metadata[WS_METADATA_KEY] = ResponsesSocket(adapter) if applies else False
        return sock or None

    async def websocket_message(self, flow: http.HTTPFlow) -> None:
        if flow.websocket is None or not flow.websocket.messages:
            return
        sock = self._socket_for(flow)
        if sock is None:
            return
        message = flow.websocket.messages[-1]
        if not message.from_client:
            self._ws_from_server(flow, sock, message)
        elif not message.injected:
            if self.settings is None or self.settings.site_on(flow.request.pretty_host):
                await self._ws_from_client(flow, sock, message)

    async def _ws_from_client(self, flow: http.HTTPFlow, sock: ResponsesSocket,
                              message) -> None:
        """Protect a response.create like the HTTP body it mirrors; refuse what cannot be read
        or checked: the message is dropped and the client gets the API's error event."""
        try:
            if not message.is_text:
                # The mode's events are JSON text; a binary frame could carry the same JSON as
                # bytes, which Doppel would not read: refused rather than passed unchecked.
                raise RequestFormatError("a binary message, where this API sends JSON text")
            kind = client_event(message.text)["type"]
            if kind not in PROTECTED_TYPES:
                return
            work, state = await self._protect_async(sock.adapter,
                                                    as_request(flow.request, message.text))
        except Exception as e:  # noqa: BLE001 - fail closed
            refusal = self._refusal(flow, sock.adapter, e)
            if refusal is not None:
                message.drop()
                reason, sentence, extra = refusal
                self._ws_to_client(flow, sock, [blocked_event(reason, sentence, **extra)])
            return
        if not state.shadow:  # shadow mode: the message goes as it came, nothing to restore
            text = work.get_text(strict=False)
            if text != message.text:
                message.text = text
            sock.protected(kind, state.scope, state.restorer)
        self._protected(flow, state)

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

    def _ws_to_client(self, flow: http.HTTPFlow, sock: ResponsesSocket,
                      messages: list[str | bytes]) -> None:
        for m in messages:
            is_text = isinstance(m, str)
            data = m.encode("utf-8", "surrogateescape") if is_text else m
            ctx.master.commands.call("inject.websocket", flow, True, data, is_text)
        sock.pending += len(messages)
