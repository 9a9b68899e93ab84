"""The local control server (aiohttp, 127.0.0.1 only): what the extension and the settings page
talk to.

  /health            liveness for `doppel` itself (no token)
  /api/...           the JSON API (proxy/control/api.py; OpenAPI at /api/openapi.json)
  /proxy.pac         PAC script for the enabled chat hosts (token, also as ?token=)
  /settings          the settings page (proxy/control/static/: plain HTML/CSS/JS, no CDN)
Who may call what: proxy/control/auth.py (loopback Host, known Origin, the local token).
Nothing here returns a real value: counts, categories and why (layer, rule, confidence) only,
except /api/try (the text its caller sent), /api/terms (the user's own list) and
/api/events/reveal (one value the settings page asked to see, by its opaque id).
"""
from __future__ import annotations

import secrets
import time
from pathlib import Path

from aiohttp import web

from proxy.control.api import add_api_routes, pac_response
from proxy.control.auth import LOOPBACK_NAMES, auth_middleware  # noqa: F401 - re-exported
from proxy.control.state import STATE, ControlState  # noqa: F401 - re-exported

STATIC_DIR = Path(__file__).parent / "static"

# The settings page loads only its own files and talks only to this server.
_PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


async def health(request: web.Request) -> web.Response:
    state = request.app[STATE]
    ready = state.ready and (state.runtime is None or state.runtime.ready)
    return web.json_response({
        "status": "ok" if ready else "starting",
        "ready": ready,
        "version": state.version,
        "proxy": {"host": state.proxy_host, "port": state.proxy_port, "mode": state.mode},
        "detector": state.detector,
        # Thorough mode: until "ready", requests are protected by the fast layers alone.
        "llm": state.runtime.llm_state() if state.runtime is not None else "off",
        "on_error": state.on_error,
        "uptime_s": round(time.time() - state.started_at, 1),
        "stats": state.stats(),
    }, status=200)


async def proxy_pac(request: web.Request) -> web.Response:
    return pac_response(request.app[STATE])


async def settings_page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "settings.html", headers=_PAGE_HEADERS)


async def to_settings(request: web.Request) -> web.Response:
    raise web.HTTPFound("/settings")


@web.middleware
async def page_headers(request: web.Request, handler):
    response = await handler(request)
    if request.path.startswith("/static/"):
        response.headers.update(_PAGE_HEADERS)
    return response


def create_control_app(state: ControlState) -> web.Application:
    if not state.token:
        state.token = "dpt_" + secrets.token_urlsafe(32)  # nobody knows it: the API stays shut
    app = web.Application(middlewares=[auth_middleware(state.token, state.paired_origins),
                                       page_headers],
                          client_max_size=256 * 1024)
    app[STATE] = state
    app.router.add_get("/health", health)
    app.router.add_get("/proxy.pac", proxy_pac)
    app.router.add_get("/", to_settings)
    app.router.add_get("/settings", settings_page)
    app.router.add_static("/static/", STATIC_DIR, follow_symlinks=False)
    add_api_routes(app)
    return app


async def start_control_server(app: web.Application, port: int,
                               host: str = "127.0.0.1") -> web.AppRunner:
    """Serve ``app`` on host:port (loopback only); returns the runner (``await runner.cleanup()``)."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner
