"""Who may talk to the control server: loopback Host, a known Origin, and the local token.

- Host must be a loopback name (a DNS-rebinding page sends its own name): else 421.
- Origin, when the browser sends one, must be the Doppel extension or the settings page's own
  origin (http://<the Host it asked for>): else 403. In Chromium the extension's origin is fixed
  by the manifest "key". Firefox gives every install a random moz-extension://<uuid> origin, so
  one is accepted once it redeemed a pairing code (any well-formed one may try /api/pair; the
  code is the credential there) and remembered in the data dir.
- Every endpoint except /health, the static settings page and /api/pair needs the token
  (``Authorization: Bearer <token>`` or ``X-Doppel-Token``; /proxy.pac also takes ?token= because
  an OS proxy setting can only hold a URL): else 401. /api/pair exchanges a one-time pairing code
  for the token.
The token is random, created on first start and kept in the data dir (0600).
"""
from __future__ import annotations

import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from proxy.files import write_private
from proxy.hostnames import split_host

TOKEN_FILE = "control-token"
ORIGINS_FILE = "extension-origins"  # Firefox installs that paired, one origin a line
# chrome-extension id of extension/ (derived from the manifest "key"; a test checks they agree).
EXTENSION_ID = "igeckckknbibfjhgmfkepobaakpopgcp"
EXTENSION_ORIGINS = frozenset({f"chrome-extension://{EXTENSION_ID}"})
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
FIREFOX_ORIGIN = re.compile(r"moz-extension://[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MAX_PAIRED_ORIGINS = 32

PUBLIC_PATHS = frozenset({"/health"})      # no token, no Origin check (read by `doppel` itself)
PAIR_PATH = "/api/pair"                    # no token: the pairing code is the credential
PAGE_PREFIXES = ("/settings", "/static/")  # the settings page: static files, no secrets inside
TOKEN_HEADER = "X-Doppel-Token"


def load_or_create_token(data_dir: Path) -> str:
    """The control token from <data dir>/control-token, created (0600) on first call."""
    path = Path(data_dir) / TOKEN_FILE
    try:
        token = path.read_text().strip()
        if token:
            return token
    except FileNotFoundError:
        pass
    token = "dpt_" + secrets.token_urlsafe(32)
    # Exclusive: two processes starting at once must not write two different tokens.
    try:
        write_private(path, token + "\n", exclusive=True)
    except FileExistsError:
        return path.read_text().strip()
    return token


def is_loopback_host(host_header: str) -> bool:
    """A loopback name, any case, any port. Only the port is split off (not normalize_host,
    which drops a trailing dot): the guard accepts the loopback names exactly, so "localhost."
    is refused."""
    return split_host(host_header).lower() in LOOPBACK_NAMES


class PairedOrigins:
    """The Firefox extension origins that redeemed a pairing code (kept in ``path``, 0600)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._lock = threading.Lock()
        self._origins: list[str] = []
        if self.path is not None and self.path.exists():
            self._origins = [line for line in self.path.read_text().split()
                             if FIREFOX_ORIGIN.fullmatch(line)]

    def __contains__(self, origin: str) -> bool:
        with self._lock:
            return origin in self._origins

    def add(self, origin: str) -> None:
        if not FIREFOX_ORIGIN.fullmatch(origin):
            return
        with self._lock:
            if origin in self._origins:
                return
            # The newest ones: a reinstalled extension gets a new origin each time.
            self._origins = [*self._origins, origin][-MAX_PAIRED_ORIGINS:]
            if self.path is not None:
                write_private(self.path, "\n".join(self._origins) + "\n")


def origin_allowed(origin: str, host_header: str, paired: PairedOrigins | None = None) -> bool:
    """The extension, or the settings page served from this very Host (same scheme and port)."""
    return (origin in EXTENSION_ORIGINS or origin == f"http://{host_header}".lower()
            or (paired is not None and origin in paired))


def presented_token(request: web.Request, *, allow_query: bool = False) -> str:
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    token = request.headers.get(TOKEN_HEADER, "").strip()
    if not token and allow_query:
        token = request.query.get("token", "").strip()
    return token


def token_ok(presented: str, token: str) -> bool:
    return bool(presented) and hmac.compare_digest(presented.encode(), token.encode())


def _refuse(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status,
                             headers={"Cache-Control": "no-store"})


def auth_middleware(token: str, paired: PairedOrigins | None = None):
    """The aiohttp middleware enforcing the rules in this module's docstring."""

    @web.middleware
    async def guard(request: web.Request, handler):
        host = request.headers.get("Host", "")
        if not is_loopback_host(host):
            return _refuse(421, "Doppel's control server answers only to localhost.")
        path = request.path
        if path in PUBLIC_PATHS:
            return await handler(request)
        origin = request.headers.get("Origin")
        if origin is not None and not origin_allowed(origin.lower(), host.lower(), paired) and \
                not (path == PAIR_PATH and FIREFOX_ORIGIN.fullmatch(origin.lower())):
            return _refuse(403, "This origin may not use Doppel's control server.")
        if path == PAIR_PATH or path == "/" or path.startswith(PAGE_PREFIXES):
            return await handler(request)
        if not token_ok(presented_token(request, allow_query=path == "/proxy.pac"), token):
            return _refuse(401, "Missing or wrong Doppel token: pair first (`doppel pair`).")
        return await handler(request)

    return guard


@dataclass(frozen=True)
class PairingCode:
    code: str
    expires_at: float


class PairingCodes:
    """Short one-time codes that unlock the token (shown by `doppel pair` or the settings page).

    A code is '<control port>-XXXX-XXXX' (the port tells the extension where to connect),
    valid for ``ttl_s`` and once. Too many wrong tries void every open code, so 32^8
    possibilities cannot be walked through.
    """
    ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U: easy to read and type
    MAX_FAILURES = 10

    def __init__(self, ttl_s: float = 300.0) -> None:
        self.ttl_s = ttl_s
        self._lock = threading.Lock()
        self._codes: dict[str, float] = {}
        self._failures = 0

    def issue(self, port: int) -> PairingCode:
        body = "".join(secrets.choice(self.ALPHABET) for _ in range(8))
        code = f"{port}-{body[:4]}-{body[4:]}"
        expires = time.time() + self.ttl_s
        with self._lock:
            self._codes[code] = expires
        return PairingCode(code, expires)

    def redeem(self, code: str) -> bool:
        code = "".join(code.split()).upper()
        now = time.time()
        with self._lock:
            self._codes = {c: t for c, t in self._codes.items() if t > now}
            if self._codes.pop(code, None) is not None:
                return True
            self._failures += 1
            if self._failures >= self.MAX_FAILURES:
                self._codes.clear()
                self._failures = 0
            return False
