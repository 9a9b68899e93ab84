"""A ChatGPT turn that goes on in another flow: its stream rewriter's state, kept by conversation.

A turn's stream does not always end in the response that began it (docs/architecture.md#wire-
formats): after an idle minute or a dropped connection the page resumes it over
`POST /backend-api/f/conversation/resume` (or `/backend-alt/...`) with the conversation id and
the number of events it received (the offset); a `stream_handoff` moves the rest to
ws.chatgpt.com (the Desktop app's reply can be nothing but the handoff). The rewriter of the
first flow may hold back the start of a stand-in and knows which path a bare frame continues,
so the flow that carries on takes its state over:
- a resume from the offset the first flow stopped at continues its state (the held tail comes
  out folded into the next frame of its message);
- a resume from offset 0 (a page reload, or the handoff's `resume_sse_endpoint`) replays the
  turn from its start: a fresh state;
- any other offset (events lost on the way): a fresh state too; what the first flow held back
  is lost to the page (its history read, restored on its own, has the whole text).
In memory only, bounded and short-lived: a turn resumes within minutes. Thread-safe (the
WebSocket addon restores in worker threads).
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from cachetools import TTLCache

if TYPE_CHECKING:
    from proxy.sites.chatgpt.delta import DeltaRewriter

MAX_TURNS = 256
TTL_S = 3600.0


class ResumableTurns:
    """conversation id -> the rewriter of its latest stream."""

    def __init__(self, max_turns: int = MAX_TURNS, ttl_s: float = TTL_S) -> None:
        self._turns: TTLCache[str, DeltaRewriter] = TTLCache(max_turns, ttl_s)
        self._lock = threading.Lock()  # cachetools caches are not thread-safe

    def keep(self, conversation_id: str, rewriter: DeltaRewriter) -> None:
        with self._lock:
            self._turns[conversation_id] = rewriter

    def take(self, conversation_id: str, offset: int | None) -> DeltaRewriter | None:
        """The rewriter to continue a turn whose page received ``offset`` events (None: a
        WebSocket continuation, which goes on from wherever the stream stopped)."""
        with self._lock:
            kept = self._turns.pop(conversation_id, None)
        if kept is None or (offset is not None and offset != kept.events):
            return None
        return kept


TURNS = ResumableTurns()
