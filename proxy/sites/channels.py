"""Per-channel stream restorers.

A streamed reply interleaves several texts (choices, content blocks, tool calls, reasoning);
each is its own channel with its own stream restorer, so a stand-in split across two deltas of
one channel is restored, and text from another channel never mixes in.

Tool-call arguments are JSON text streamed in fragments cut anywhere, even inside an escape
("\\u00" + "e9"). ``JsonFragmentRestorer`` decodes the strings inside that JSON incrementally,
restores them, and re-escapes them, so a restored value with quotes or non-ASCII characters still
yields valid JSON. Hand-written because no JSON library offers an incremental string lexer that
re-emits partial output.
"""
from __future__ import annotations

import json
from typing import Hashable

from proxy.sites.base import RestorerLike, StreamRestorerLike, dumps_utf8


def _escape(text: str) -> str:
    """JSON string body (no quotes) for ``text``."""
    return dumps_utf8(text)[1:-1]  # a lone surrogate stays an escape


_OPAQUE = "\ufffd"  # what a raw escape reads as to the restorer
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
                   "t": "\t"}


class JsonFragmentRestorer:
    """Streams JSON text (fragments cut anywhere) and restores stand-ins in its strings.

    Outside strings the text passes through unchanged. Each string gets a fresh stream restorer
    (a stand-in never spans two strings), which reads it as one field value (a URL in it runs to
    its end: detector/url_regions.py). Invalid escapes and lone surrogates pass through as
    written: they end the restorer's run there, and the string's URL state goes on past them
    (an escape inside a URL must not turn the rest of the URL into text that is restored).
    """

    def __init__(self, restorer: RestorerLike) -> None:
        self._restorer = restorer
        self._inner: StreamRestorerLike | None = None  # set while inside a string
        self._esc = ""  # an escape sequence not complete yet ("\\", "\\u00")
        self._high = ""  # raw "\\uD8xx" escape of a high surrogate waiting for its low half

    def feed(self, fragment: str) -> str:
        out: list[str] = []
        run: list[str] = []  # decoded string characters not yet fed to the restorer
        for ch in fragment:
            if self._inner is None:
                out.append(ch)
                if ch == '"':
                    self._inner = self._restorer.stream(value=True)
            elif self._esc:
                self._esc += ch
                self._take_escape(out, run)
            elif ch == "\\":
                self._esc = "\\"
            elif ch == '"':
                self._feed_run(out, run)
                out.append(_escape(self._inner.flush()))
                out.append('"')
                self._inner = None
            else:
                if self._high:
                    self._feed_run(out, run)
                    self._break(out, self._take_high())
                run.append(ch)
        self._feed_run(out, run)
        return "".join(out)

    def flush(self) -> str:
        """End of the arguments: emit whatever is held back."""
        out: list[str] = []
        if self._inner is not None:
            out.append(_escape(self._inner.flush()))
            out.append(self._take_high() + self._esc)
            self._esc = ""
            self._inner = self._restorer.stream(value=True)
        return "".join(out)

    def _feed_run(self, out: list[str], run: list[str]) -> None:
        if run:
            out.append(_escape(self._inner.feed("".join(run))))
            run.clear()

    def _break(self, out: list[str], raw: str) -> None:
        """End the current restorer run, then emit ``raw`` JSON text as written (to the
        restorer it reads as one character that is neither a word nor the end of a URL)."""
        out.append(_escape(self._inner.cut(_OPAQUE)))
        out.append(raw)

    def _take_high(self) -> str:
        high, self._high = self._high, ""
        return high

    def _take_escape(self, out: list[str], run: list[str]) -> None:
        esc = self._esc
        if esc[1] != "u":
            self._esc = ""
            if esc[1] in _SIMPLE_ESCAPES:
                if self._high:
                    self._feed_run(out, run)
                    self._break(out, self._take_high())
                run.append(_SIMPLE_ESCAPES[esc[1]])
            else:  # invalid escape: keep it as written
                self._feed_run(out, run)
                self._break(out, self._take_high() + esc)
            return
        if len(esc) < 6:
            return
        self._esc = ""
        try:
            code = int(esc[2:6], 16)
        except ValueError:
            self._feed_run(out, run)
            self._break(out, self._take_high() + esc)
            return
        if 0xDC00 <= code < 0xE000 and self._high:
            pair = chr(int(self._take_high()[2:6], 16)) + chr(code)
            run.append(pair.encode("utf-16", "surrogatepass").decode("utf-16"))
        elif 0xD800 <= code < 0xE000:  # a high half (wait for the low one) or a lone low half
            self._feed_run(out, run)
            if self._high or code >= 0xDC00:
                self._break(out, self._take_high() + (esc if code >= 0xDC00 else ""))
            if code < 0xDC00:
                self._high = esc
        else:
            if self._high:
                self._feed_run(out, run)
                self._break(out, self._take_high())
            run.append(chr(code))


def channel_key(key: Hashable) -> Hashable:
    """``key`` made hashable: a reply may put an object or a list where an index belongs
    (found by tests/hardening); such a part becomes its JSON text, so the stream goes on."""
    try:
        hash(key)
        return key
    except TypeError:
        if isinstance(key, tuple):
            return tuple(channel_key(k) for k in key)
        return json.dumps(key, sort_keys=True, default=str)


class TextChannels:
    """One stream restorer per channel key, created on first use."""

    def __init__(self, restorer: RestorerLike) -> None:
        self._restorer = restorer
        self._open: dict[Hashable, StreamRestorerLike | JsonFragmentRestorer] = {}

    def feed(self, key: Hashable, text: str) -> str:
        """Restore the next piece of plain text on channel ``key``."""
        key = channel_key(key)
        ch = self._open.get(key)
        if ch is None:
            ch = self._open[key] = self._restorer.stream()
        return ch.feed(text)

    def feed_json(self, key: Hashable, fragment: str) -> str:
        """Restore the next fragment of JSON text (tool-call arguments) on channel ``key``."""
        key = channel_key(key)
        ch = self._open.get(key)
        if ch is None:
            ch = self._open[key] = JsonFragmentRestorer(self._restorer)
        return ch.feed(fragment)

    def flush(self, key: Hashable) -> str:
        """The channel ended: what it still held back ("" if it never opened)."""
        ch = self._open.pop(channel_key(key), None)
        return ch.flush() if ch is not None else ""

    def open_keys(self) -> list[Hashable]:
        return list(self._open)

    def use(self, restorer: RestorerLike) -> None:
        """Restore with ``restorer`` from now on (it knows stand-ins issued since): channels
        opened later and whole copies use it; open channels keep theirs."""
        self._restorer = restorer

    @property
    def restorer(self) -> RestorerLike:
        """The restorer in use: whole copies of a message (restore_walk.restore_json) take it."""
        return self._restorer


def restore_json_text(restorer: RestorerLike, text: str) -> str:
    """A complete JSON text (tool-call arguments) with the stand-ins in its strings restored."""
    frag = JsonFragmentRestorer(restorer)
    return frag.feed(text) + frag.flush()
