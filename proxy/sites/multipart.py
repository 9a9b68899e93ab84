"""multipart/form-data bodies, split and joined byte for byte.

A part is a text field or a file. The user's files pass as they are (Doppel does not rewrite
files, README); the text around them is read: text fields, and the file names in each part's
Content-Disposition (``filename=`` and RFC 5987 ``filename*=``).

Hand-written: mitmproxy's multipart helpers keep only name -> value (file names, part headers
and line endings are lost), and the stdlib ``email`` parser re-serializes every part (headers
folded, file bytes possibly re-encoded). Here everything Doppel does not replace keeps its exact
bytes: the body is cut at its delimiters (RFC 2046: CRLF "--" boundary) and only a text field's
value or a file name is swapped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from mitmproxy.net.http.headers import parse_content_type

from proxy.sites.base import RequestFormatError

_FILENAME = re.compile(rb'(;\s*filename=)("(?:[^"\\\r\n]|\\.)*"|[^;\r\n]*)', re.IGNORECASE)
_FILENAME_STAR = re.compile(rb"(;\s*filename\*=)([^';\r\n]*)'([^';\r\n]*)'([^;\r\n]*)",
                            re.IGNORECASE)
_CTYPE = re.compile(rb"^content-type:\s*([^;\r\n]*)", re.IGNORECASE | re.MULTILINE)
TEXT_TYPES = ("text/", "application/json", "application/x-www-form-urlencoded")


@dataclass
class Part:
    head: bytes  # from the delimiter's line end to the blank line (exclusive)
    sep: bytes   # the blank line: b"\r\n\r\n" (or b"\n\n" from a lax client)
    body: bytes
    tail: bytes  # the line end before the next delimiter

    @property
    def content_type(self) -> str:
        m = _CTYPE.search(self.head.lstrip(b"\r\n"))
        return m.group(1).decode("latin-1").strip().lower() if m else ""

    def is_file(self) -> bool:
        """A file part (a file name, or a media type that is not text): its bytes pass as is."""
        if _FILENAME.search(self.head) or _FILENAME_STAR.search(self.head):
            return True
        ctype = self.content_type
        return bool(ctype) and not ctype.startswith(TEXT_TYPES)

    # --- file names ------------------------------------------------------------------------
    def file_names(self) -> list[str]:
        names = []
        m = _FILENAME.search(self.head)
        if m:
            names.append(_unquoted(m.group(2)).decode("utf-8", "surrogateescape"))
        m = _FILENAME_STAR.search(self.head)
        if m:
            names.append(unquote(m.group(4).decode("latin-1"), errors="surrogateescape"))
        return [n for n in names if n]

    def set_file_names(self, names: list[str]) -> None:
        it = iter(names)
        m = _FILENAME.search(self.head)
        if m and _unquoted(m.group(2)):
            value = next(it).encode("utf-8", "surrogateescape")
            quoted = b'"' + value.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'
            self.head = self.head[:m.start(2)] + quoted + self.head[m.end(2):]
        m = _FILENAME_STAR.search(self.head)
        if m and m.group(4):
            value = quote(next(it), safe="", errors="surrogateescape").encode("ascii")
            self.head = self.head[:m.start(4)] + value + self.head[m.end(4):]


def _unquoted(value: bytes) -> bytes:
    value = value.strip()
    if value.startswith(b'"') and value.endswith(b'"') and len(value) >= 2:
        return re.sub(rb"\\(.)", rb"\1", value[1:-1])
    return value


@dataclass
class Multipart:
    delimiter: bytes
    preamble: bytes
    parts: list[Part]
    epilogue: bytes  # from the close delimiter's "--" on

    @classmethod
    def parse(cls, content_type: str, body: bytes) -> "Multipart":
        parsed = parse_content_type(content_type)
        boundary = parsed[2].get("boundary") if parsed else None
        if not boundary:
            raise RequestFormatError("the multipart body names no boundary")
        delimiter = b"--" + boundary.encode("latin-1")
        chunks = body.split(delimiter)
        if len(chunks) < 2:
            raise RequestFormatError("the multipart body has no parts")
        parts: list[Part] = []
        epilogue = b""
        for i, chunk in enumerate(chunks[1:], start=1):
            if chunk.startswith(b"--"):  # the close delimiter: the rest is the epilogue
                epilogue = delimiter.join([chunk, *chunks[i + 1:]])
                break
            sep = b"\r\n\r\n" if b"\r\n\r\n" in chunk else b"\n\n"
            head, found, rest = chunk.partition(sep)
            if not found:
                raise RequestFormatError("a multipart part has no header end")
            tail = b"\r\n" if rest.endswith(b"\r\n") else (b"\n" if rest.endswith(b"\n") else b"")
            parts.append(Part(head, sep, rest[:len(rest) - len(tail)], tail))
        else:
            raise RequestFormatError("the multipart body is not closed")
        return cls(delimiter, chunks[0], parts, epilogue)

    def join(self) -> bytes:
        chunks = [self.preamble] + [p.head + p.sep + p.body + p.tail for p in self.parts]
        return self.delimiter.join(chunks) + self.delimiter + self.epilogue
