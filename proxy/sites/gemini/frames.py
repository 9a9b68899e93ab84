"""Google's length-prefixed response framing (Gemini web StreamGenerate and batchexecute).

A body starts with the anti-JSON-hijacking line `)]}'`, then frames: a decimal length, then the
payload. The length counts UTF-16 code units (JavaScript String.length) from right after the
digits, so it covers the newline after them and the JSON payload (plus, with some servers, the
newline after it). After a rewrite the length is recomputed over the same region with the same
surrounding whitespace, so either convention survives.

Hand-written: no library parses this framing incrementally; frames arrive cut anywhere.
"""
from __future__ import annotations

import re
from typing import Callable

from proxy.sites.base import ResponseRewriter
from proxy.sites.stream import Utf8Stream

PREFIX = ")]}'"
_DIGITS = re.compile(r"\d+")
_MAX_DIGITS = 12  # a longer "length" is not this format


class FramingError(ValueError):
    """The body is not Google's length-prefixed framing (the message holds no body text)."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def chars_for_units(text: str, start: int, units: int) -> int | None:
    """How many characters from `start` make exactly `units` UTF-16 units; None if `text` ends
    first. A count ending inside a surrogate pair is a framing error. (Encodes instead of
    looping in Python: this runs on every chunk while a long frame is still arriving.)"""
    raw = text[start:start + units].encode("utf-16-le", "surrogatepass")  # >= units if there
    if len(raw) < 2 * units:
        return None
    head = raw[: 2 * units]
    if units and 0xD800 <= int.from_bytes(head[-2:], "little") < 0xDC00:
        raise FramingError("a frame length ends inside a character")
    return len(head.decode("utf-16-le", "surrogatepass"))


def frame(payload: str) -> str:
    """A new frame for ``payload``: its length, then the payload between newlines."""
    region = "\n" + payload + "\n"
    return str(utf16_len(region)) + region


class FrameRewriter(ResponseRewriter):
    """Rewrites each frame's payload with `rewrite(payload) -> payload` and fixes its length.

    A subclass may put new frames before a frame (`frames_before`) or at the end of the body
    (`frames_at_end`). A body that does not start with `)]}'` passes through untouched. A frame
    that breaks the framing (no length, a length past the end) stops rewriting: that frame and
    the rest pass through as they came and `error` names what was wrong.
    """

    def frames_before(self, payload: str) -> list[str]:
        """Payloads of frames to send before the frame holding ``payload`` (default: none)."""
        return []

    def frames_at_end(self) -> list[str]:
        """Payloads of frames to send when the body ends well (default: none)."""
        return []

    def __init__(self, rewrite: Callable[[str], str]) -> None:
        self._rewrite = rewrite
        self._utf8 = Utf8Stream()
        self._buf = ""
        self._state = "prefix"  # -> "frames" -> "passthrough"
        self.error: str | None = None
        self.frames = 0

    def feed(self, data: bytes) -> bytes:
        self._buf += self._utf8.decode(data)
        return Utf8Stream.encode(self._drain(final=False))

    def finish(self) -> bytes:
        self._buf += self._utf8.decode(b"", final=True)
        out = self._drain(final=True)
        if self._state == "frames" and not self._buf.strip():
            out += "".join(frame(p) for p in self.frames_at_end())
        if self._buf:  # an incomplete last frame
            if self._state == "frames" and self._buf.strip():
                self.error = "the body ended inside a frame"
            out += self._buf
            self._buf = ""
        return Utf8Stream.encode(out)

    def _drain(self, final: bool) -> str:
        out: list[str] = []
        if self._state == "prefix":
            stripped = self._buf.lstrip()
            if len(stripped) < len(PREFIX) and PREFIX.startswith(stripped) and not final:
                return ""
            if not stripped.startswith(PREFIX):
                self._state = "passthrough"
            else:
                cut = len(self._buf) - len(stripped) + len(PREFIX)
                out.append(self._buf[:cut])
                self._buf = self._buf[cut:]
                self._state = "frames"
        if self._state == "frames":
            try:
                self._frames(out)
            except FramingError as e:
                self.error = str(e)
                self._state = "passthrough"
        if self._state == "passthrough":
            out.append(self._buf)
            self._buf = ""
        return "".join(out)

    def _frames(self, out: list[str]) -> None:
        buf, pos = self._buf, 0
        try:
            while True:
                start = pos  # whitespace before a frame goes out with it
                while pos < len(buf) and buf[pos] in " \t\r\n":
                    pos += 1
                if pos == len(buf):
                    pos = start
                    break
                digits = _DIGITS.match(buf, pos)
                if not digits:
                    raise FramingError("a frame does not start with its length")
                if digits.end() - pos > _MAX_DIGITS:
                    raise FramingError("a frame length is too long")
                if digits.end() == len(buf):
                    pos = start
                    break  # more digits may follow in the next chunk
                n = chars_for_units(buf, digits.end(), int(digits.group()))
                if n is None:
                    pos = start
                    break  # the frame is not complete yet
                region = buf[digits.end(): digits.end() + n]
                out.append(buf[start:pos] + self._frame(digits.group(), region))
                self.frames += 1
                pos = digits.end() + n
        except FramingError:
            pos = start  # the frames before this one went out; the rest passes as it is
            raise
        finally:
            self._buf = buf[pos:]

    def _frame(self, length: str, region: str) -> str:
        payload = region.strip()
        lead = region[: len(region) - len(region.lstrip())]
        trail = region[len(lead) + len(payload):]
        before = "".join(frame(p) for p in self.frames_before(payload))
        try:
            new_payload = self._rewrite(payload)
        except RecursionError:  # nested too deeply to be ours: the frame passes unchanged
            new_payload = payload
        if new_payload == payload:
            return before + length + region
        new_region = lead + new_payload + trail
        return before + str(utf16_len(new_region)) + new_region
