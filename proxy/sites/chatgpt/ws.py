"""ChatGPT's WebSocket handoff: a turn whose stream moved to wss://ws.chatgpt.com.

After a `stream_handoff` event the rest of the turn arrives as WebSocket messages whose
`encoded_item` holds the same SSE text as the HTTP stream (older clients: an
"http.response.body" message with the SSE bytes base64-encoded in `body`). The Desktop app's
HTTP reply can be nothing but the handoff; its socket messages come as a list of
{"type": "message", "topic_id": ..., "payload": {... "encoded_item": ...}} (both shapes are
walked alike). Each conversation on a socket gets its own ChatGptSseRewriter, which carries on
the turn's HTTP stream (proxy/sites/chatgpt/resume.py) and is fed item by item, so a stand-in
split across two messages, or across the handoff, is still restored.

The addon surface (proxy/sites/base.py) has no WebSocket hook, so this is a small mitmproxy
addon of its own: register ``ChatGptHandoff(protector.restorer)`` next to DoppelAddon, and
intercept ws.chatgpt.com so the socket is opened at all (WS_HOSTS below: proxy.sites.chat_hosts
puts them in the built-in host list).
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
from dataclasses import dataclass
from typing import Any, Callable, Hashable

from mitmproxy import http

from proxy.hostnames import normalize_host
from proxy.sites.base import ResponseContext, RestorerLike, dumps_utf8
from proxy.sites.chatgpt.web import ChatGptSseRewriter, conversation_scope
from proxy.sites.restore_walk import restore_json

log = logging.getLogger(__name__)

WS_HOSTS = frozenset({"ws.chatgpt.com"})
METADATA_KEY = "doppel-chatgpt-ws"


@dataclass(frozen=True)
class _Where:
    """What the walker carries down a message in place of a restorer: the conversation named
    nearest above, and whether the object at hand is an older client's "http.response.body"
    message (its ``body``: SSE bytes, base64-encoded)."""
    cid: str | None
    base64_body: bool = False

    @staticmethod
    def of(node: Any, where: "_Where") -> "_Where":
        if not isinstance(node, dict):
            return where
        cid = node.get("conversation_id")
        return _Where(cid if isinstance(cid, str) else where.cid,
                      node.get("type") == "http.response.body"
                      and not isinstance(node.get("encoded_item"), str))


class HandoffRewriter:
    """Rewrites the server messages of one WebSocket connection."""

    def __init__(self, restorer_for: Callable[[str], RestorerLike]) -> None:
        self.restorer_for = restorer_for
        self.streams: dict[str, ChatGptSseRewriter] = {}

    def message(self, text: str) -> str:
        """The message to pass on (the same text when there is nothing of ours in it)."""
        try:
            obj = json.loads(text)
        except (ValueError, RecursionError):
            return text
        try:
            new, changed = restore_json(obj, _Where(None), switch=_Where.of, restore=self._item)
        except RecursionError:  # nested too deeply to be ours: passes unchanged
            return text
        return dumps_utf8(new, separators=(", ", ": ")) if changed else text

    def _item(self, where: "_Where", text: str, key: Hashable) -> str:
        """One string of a message: a stream item (SSE text) goes through its conversation's
        rewriter; every other string passes as it came."""
        if key == "encoded_item":
            item = self._sse(where.cid, text.encode("utf-8", "surrogateescape"))
            return item.decode("utf-8", "surrogateescape")
        if key == "body" and where.base64_body:
            try:
                raw = base64.b64decode(text, validate=True)
            except (binascii.Error, ValueError):
                return text
            return base64.b64encode(self._sse(where.cid, raw)).decode()
        return text

    def _sse(self, cid: str | None, data: bytes) -> bytes:
        key = cid or ""
        rw = self.streams.get(key)
        if rw is None:
            # The turn goes on from where its HTTP stream handed it off (its held tail and the
            # path a bare frame continues: resume.py); the delta_encoding event came there too.
            scope = conversation_scope(cid) if cid else "chatgpt-web:ws"
            rw = self.streams[key] = ChatGptSseRewriter(
                ResponseContext(scope=scope, restorer_for=self.restorer_for), carry_on=True)
        return rw.feed(data)


class ChatGptHandoff:
    """mitmproxy addon: restores stand-ins in ChatGPT's WebSocket stream items."""

    def __init__(self, restorer_for: Callable[[str], RestorerLike],
                 hosts: frozenset[str] = WS_HOSTS) -> None:
        self.restorer_for = restorer_for
        self.hosts = hosts

    async def websocket_message(self, flow: http.HTTPFlow) -> None:
        if flow.websocket is None or normalize_host(flow.request.pretty_host) not in self.hosts:
            return
        message = flow.websocket.messages[-1]
        if message.from_client or not message.is_text:
            return
        rw = flow.metadata.get(METADATA_KEY)
        if rw is None:
            rw = flow.metadata[METADATA_KEY] = HandoffRewriter(self.restorer_for)
        text = message.text
        try:  # the vault is read in a thread, never on mitmproxy's event loop
            new = await asyncio.get_running_loop().run_in_executor(None, rw.message, text)
        except Exception as e:  # noqa: BLE001 - a broken item must not kill the socket
            log.warning("chatgpt-web: could not restore a WebSocket item (%s)", type(e).__name__)
            return
        if new != text:
            message.text = new
