"""Stream plumbing shared by every adapter: UTF-8 decoding, SSE and line framing, whole bodies.

Bytes arrive cut anywhere (mid UTF-8 character, mid line, between "\\r" and "\\n"). These
classes hold back only what is incomplete and re-emit everything else byte for byte: an event
the adapter leaves unchanged goes out exactly as it came in. Undecodable bytes survive the round
trip unchanged (``surrogateescape``), so binary garbage is passed on, not corrupted.
"""
from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field

from proxy.sites.base import ResponseRewriter, dumps_utf8


class Utf8Stream:
    """Incremental UTF-8 decode/encode that keeps a character split across chunks together."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")

    def decode(self, data: bytes, final: bool = False) -> str:
        return self._decoder.decode(data, final)

    @staticmethod
    def encode(text: str) -> bytes:
        return text.encode("utf-8", errors="surrogateescape")


_EOL = re.compile(r"\r\n|\r|\n")


class LineSplitter:
    """Splits decoded text into complete lines, each kept with its own terminator.

    A trailing "\\r" is held back until the next chunk shows whether "\\n" follows.
    """

    def __init__(self) -> None:
        self._buf = ""

    def feed(self, text: str) -> list[tuple[str, str]]:
        buf = self._buf + text
        lines: list[tuple[str, str]] = []
        start = 0
        for m in _EOL.finditer(buf):  # regex, not a Python loop per character: this is hot
            eol = m.group()
            if eol == "\r" and m.end() == len(buf):
                break  # might be the first half of "\r\n"
            lines.append((buf[start:m.start()], eol))
            start = m.end()
        self._buf = buf[start:]
        return lines

    def rest(self) -> list[tuple[str, str]]:
        """End of stream: the unterminated remainder as a last line (a held "\\r" ends it)."""
        buf, self._buf = self._buf, ""
        if not buf:
            return []
        return [(buf[:-1], "\r")] if buf.endswith("\r") else [(buf, "")]


@dataclass
class SseEvent:
    """One SSE event block: its raw lines (each with its terminator) and the blank line ending
    it ("" if the stream ended without one). Comment-only blocks (": ping") are events too."""
    lines: list[tuple[str, str]]
    end: str = "\n"
    changed: bool = field(default=False, compare=False)

    def field_values(self, name: str) -> list[str]:
        out = []
        for text, _ in self.lines:
            key, sep, value = text.partition(":")
            if key == name and (sep or text == name):
                out.append(value[1:] if value.startswith(" ") else value)
        return out

    @property
    def event(self) -> str | None:
        values = self.field_values("event")
        return values[-1] if values else None

    @property
    def data(self) -> str | None:
        """The data lines joined by "\\n" (SSE spec), or None if the block has none."""
        values = self.field_values("data")
        return "\n".join(values) if values else None

    def with_data(self, data: str) -> "SseEvent":
        """A copy whose data lines are replaced by ``data``; every other line stays in place and
        the first data line's style ("data:" or "data: ") and terminator are kept."""
        first = next(i for i, (t, _) in enumerate(self.lines) if t.startswith("data"))
        text0, eol = self.lines[first]
        prefix = "data: " if text0.startswith("data: ") else "data:"
        new_lines = [(prefix + part, eol) for part in data.split("\n")]
        kept = [ln for i, ln in enumerate(self.lines) if i < first or not ln[0].startswith("data")]
        before = kept[:first]
        after = kept[first:]
        return SseEvent(before + new_lines + after, self.end, changed=True)

    def encode(self) -> str:
        return "".join(t + e for t, e in self.lines) + self.end

    @classmethod
    def make(cls, data: str, event: str | None = None, eol: str = "\n") -> "SseEvent":
        """A new event (e.g. one carrying restored text held back until its channel ended)."""
        lines = ([("event: " + event, eol)] if event is not None else [])
        lines += [("data: " + part, eol) for part in data.split("\n")]
        return cls(lines, eol, changed=True)


class SseRewriter(ResponseRewriter):
    """Parses an SSE body into events, lets ``on_event`` rewrite each, and re-frames exactly.

    Subclasses implement ``on_event(event) -> list[SseEvent]`` (return ``[event]`` to keep it
    unchanged; more events to insert some) and may implement ``on_end() -> list[SseEvent]`` for
    text still held back by restorers when the body ends.
    """

    def __init__(self) -> None:
        self._utf8 = Utf8Stream()
        self._lines = LineSplitter()
        self._pending: list[tuple[str, str]] = []
        self.eol = "\n"  # the terminator this stream uses, for inserted events

    def on_event(self, event: SseEvent) -> list[SseEvent]:
        return [event]

    def on_end(self) -> list[SseEvent]:
        return []

    def _safe_on_event(self, event: SseEvent) -> list[SseEvent]:
        """on_event, except that an event nested too deeply for Python's recursion limit
        passes unchanged (found by tests/hardening: JSON ~1,000 levels deep)."""
        try:
            return self.on_event(event)
        except RecursionError:
            return [event]

    def _emit(self, events: list[SseEvent]) -> str:
        return "".join(e.encode() for e in events)

    def _process(self, lines: list[tuple[str, str]]) -> str:
        out = []
        for line, eol in lines:
            if line == "" and eol:
                self.eol = eol
                out.append(self._emit(self._safe_on_event(SseEvent(self._pending, eol))))
                self._pending = []
            elif line or eol:
                self._pending.append((line, eol))
        return "".join(out)

    def feed(self, data: bytes) -> bytes:
        return Utf8Stream.encode(self._process(self._lines.feed(self._utf8.decode(data))))

    def finish(self) -> bytes:
        text = self._process(self._lines.feed(self._utf8.decode(b"", final=True)))
        text += self._process(self._lines.rest())
        if self._pending:  # the body ended without the blank line closing its last event
            text += self._emit(self._safe_on_event(SseEvent(self._pending, "")))
            self._pending = []
        return Utf8Stream.encode(text + self._emit(self.on_end()))


class LineRewriter(ResponseRewriter):
    """Line-framed bodies (NDJSON): ``on_line(text) -> str`` per line (terminator excluded),
    ``on_end() -> str`` for anything held back. Unchanged lines are re-emitted exactly."""

    def __init__(self) -> None:
        self._utf8 = Utf8Stream()
        self._lines = LineSplitter()

    def on_line(self, line: str) -> str:
        return line

    def on_end(self) -> str:
        return ""

    def _safe_on_line(self, line: str) -> str:
        try:
            return self.on_line(line)
        except RecursionError:  # nested too deeply to be ours: passes unchanged
            return line

    def feed(self, data: bytes) -> bytes:
        text = self._utf8.decode(data)
        return Utf8Stream.encode("".join(self._safe_on_line(t) + e
                                         for t, e in self._lines.feed(text)))

    def finish(self) -> bytes:
        text = self._utf8.decode(b"", final=True)
        lines = self._lines.feed(text) + self._lines.rest()
        out = "".join(self._safe_on_line(t) + e for t, e in lines)
        return Utf8Stream.encode(out + self.on_end())


class WholeBodyRewriter(ResponseRewriter):
    """Buffers the whole body and rewrites it once: ``rewrite_text(text) -> str``."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def rewrite_text(self, text: str) -> str:
        return text

    def feed(self, data: bytes) -> bytes:
        self._chunks.append(data)
        return b""

    def finish(self) -> bytes:
        body = b"".join(self._chunks)
        self._chunks = []
        text = body.decode("utf-8", errors="surrogateescape")
        try:
            return Utf8Stream.encode(self.rewrite_text(text))
        except RecursionError:  # nested too deeply to be ours: passes unchanged
            return body


def dumps(obj) -> str:
    """Compact JSON as the big APIs send it (one line, UTF-8 kept; a lone surrogate, valid as
    an escape, stays one: base.dumps_utf8)."""
    return dumps_utf8(obj)


def loads_or_none(text: str | None):
    """Parse JSON, or None for anything that is not JSON ("[DONE]", keep-alives, garbage)."""
    if not text:
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # nested too deeply: not an event of ours
        return None
