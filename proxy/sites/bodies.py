"""The texts of a request no adapter reads: a body of any readable kind, and the query string.

Default-deny on a chat host (proxy/sites/generic.py): a body is read by its content type,
  - JSON: every string leaf but the structure every format shares (structure.GENERIC), JSON
    inside strings walked as JSON;
  - form (application/x-www-form-urlencoded): every value, a value holding JSON walked as JSON
    (Gemini's ``f.req`` is JSON in a form field, itself holding JSON in a string);
  - text (text/*, and a body with no or an unlisted type that is UTF-8 text): the whole body;
  - multipart/form-data: text fields and the file names (multipart.py); file bytes pass;
  - a file or media type (PAYLOAD_TYPES): nothing to read, passes as is (Doppel does not
    rewrite files);
anything else (protobuf, binary of an unlisted type) cannot be read: RequestFormatError, and
the addon blocks it with the clear 502.
The query string (``query_texts``): every value but those of QUERY_KEYS.
"""
from __future__ import annotations

from typing import Any

from mitmproxy import http

from proxy.sites.base import RequestFormatError, TextRun, json_body, set_json_body
from proxy.sites.jsonwalk import TextSlots
from proxy.sites.multipart import Multipart
from proxy.sites.structure import BASE_KEYS, GENERIC, Structure, is_payload

PAYLOAD_TYPES = ("image/", "audio/", "video/", "font/", "model/", "application/octet-stream",
                 "application/pdf", "application/zip", "application/gzip", "application/x-tar",
                 "application/x-7z-compressed", "application/msword", "application/vnd.")
"""Media types of the files and images a user attaches: their bytes pass as they are."""

QUERY_KEYS = BASE_KEYS | frozenset({
    "bl", "_reqid", "rt", "f.sid", "rpcids", "source-path",  # Gemini's page build and request ids
    "hl", "gl", "lang", "language", "authuser",  # interface language and account index
    "api-version", "version", "v", "alt",  # API versions ("2024-02-01" reads as a date)
    "offset", "limit", "order", "cursor", "after", "before", "page", "page_size",  # paging
    "key",  # a Google API key for the site's own page: an opaque token it checks
})
"""Query parameters whose values are structure, not text (any other value is read)."""


def _ctype(request: http.Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _utf8_unless_named(request: http.Request, raw: bytes) -> bool:
    """A text body naming no charset that is valid UTF-8 is read (and written) as UTF-8, what
    clients send today, rather than as HTTP's old default, Latin-1."""
    if "charset=" in request.headers.get("content-type", "").lower():
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class BodyTexts:
    """The texts of one request body, read by its content type (module docstring), and how to
    write protected versions back. ``structure``: what in a JSON body (or JSON in a form
    field) is structure."""

    def __init__(self, request: http.Request, structure: Structure = GENERIC) -> None:
        self.kind = ""
        self.slots = TextSlots()
        self.holder: list[Any] = []
        self.multipart: Multipart | None = None
        self._read(request, structure)

    def _read(self, request: http.Request, structure: Structure) -> None:
        try:
            raw = request.get_content(strict=True)
        except ValueError:
            raise RequestFormatError("the body's content-encoding cannot be decoded") from None
        if not raw:
            return
        ctype = _ctype(request)
        if ctype.startswith(PAYLOAD_TYPES):
            return  # a file: passes as is
        if "json" in ctype and "ndjson" not in ctype and "jsonl" not in ctype:
            self._json(request, structure)
        elif ctype == "application/x-www-form-urlencoded":
            self._form(request, structure)
        elif ctype.startswith("multipart/"):
            self._multipart(request.headers.get("content-type", ""), raw)
        elif ctype.startswith("text/") and not _utf8_unless_named(request, raw):
            try:  # in the charset it names, or HTTP's old default
                self._text("charset", request.get_text(strict=True))
            except ValueError:
                raise RequestFormatError(f"the {ctype} body is not in its charset") from None
        else:  # no type, or one not listed: read if it is UTF-8 text (JSON when it parses)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise RequestFormatError(
                    f"a body of type '{ctype or 'none'}' that is not text Doppel can read") \
                    from None
            if not ctype and text.lstrip()[:1] in ("{", "["):
                try:
                    self._json(request, structure)
                    return
                except RequestFormatError:
                    pass  # text that only looks like JSON
            self._text("utf-8", text)

    def _text(self, kind: str, text: str) -> None:
        self.kind = "text-" + kind
        self.holder = [text]
        self.slots.add(self.holder, 0)

    def _json(self, request: http.Request, structure: Structure) -> None:
        self.kind = "json"
        self.holder = [json_body(request)]
        self.slots.cover(self.holder, 0, structure)

    def _form(self, request: http.Request, structure: Structure) -> None:
        self.kind = "form"
        self.holder = [[k, v] for k, v in request.urlencoded_form.items(multi=True)]
        for field in self.holder:
            self.slots.cover(field, 1, structure)

    def _multipart(self, content_type: str, raw: bytes) -> None:
        self.kind = "multipart"
        self.multipart = Multipart.parse(content_type, raw)
        for part in self.multipart.parts:
            if part.is_file():
                self.holder.append(part.file_names())
            else:
                self.holder.append([part.body.decode("utf-8", "surrogateescape")])
            self.slots.begin_run()  # a part's texts belong together
            for i in range(len(self.holder[-1])):
                self.slots.add(self.holder[-1], i)
            self.slots.end_run()

    def texts(self) -> list[str]:
        return self.slots.texts()

    def runs(self) -> list[TextRun]:
        return self.slots.runs()

    def write(self, request: http.Request, protected: list[str]) -> None:
        self.slots.write(protected)
        if self.kind == "json":
            set_json_body(request, self.holder[0])
        elif self.kind == "form":
            request.urlencoded_form = [(k, v) for k, v in self.holder]
        elif self.kind == "text-charset":
            request.set_text(self.holder[0])
        elif self.kind == "text-utf-8":
            request.set_content(self.holder[0].encode("utf-8", "surrogateescape"))
        elif self.kind == "multipart" and self.multipart is not None:
            for part, values in zip(self.multipart.parts, self.holder):
                if part.is_file():
                    part.set_file_names(values)
                else:
                    part.body = values[0].encode("utf-8", "surrogateescape")
            request.set_content(self.multipart.join())


class QueryTexts:
    """The query values of a request that are text (every one but those of QUERY_KEYS and
    payloads), and how to write protected versions back."""

    def __init__(self, request: http.Request) -> None:
        self.fields = [[k, v] for k, v in request.query.items(multi=True)] \
            if "?" in request.path else []
        self.slots = TextSlots()
        for field in self.fields:
            key, value = field
            if key.lower() not in QUERY_KEYS and value and not is_payload(value):
                self.slots.add(field, 1)

    def texts(self) -> list[str]:
        return self.slots.texts()

    def write(self, request: http.Request, protected: list[str]) -> None:
        self.slots.write(protected)
        request.query = [(k, v) for k, v in self.fields]
