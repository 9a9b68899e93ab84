"""The control API's route table and its OpenAPI 3.1 description, built from the pydantic models.

Written by hand (a route table plus pydantic's ``models_json_schema``) rather than adding an
aiohttp-OpenAPI dependency: the table is also what registers the routes, so the description
cannot drift from what the server answers.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from aiohttp import web
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema

from proxy.control.models import Error

Handler = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Handler
    summary: str
    body: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    content_type: str = "application/json"   # of the response
    token: bool = True                        # needs the control token


def validation_message(e: ValidationError) -> str:
    """Field locations and reasons only: pydantic's default text would echo the input."""
    return "; ".join(f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}"
                     for err in e.errors(include_input=False, include_url=False))


def json_handler(route: Route):
    """Wrap a handler ``(request[, body]) -> BaseModel | web.Response``: parse and validate the
    JSON body into ``route.body``, serialize a model answer."""

    async def handle(request: web.Request) -> web.StreamResponse:
        args = []
        if route.body is not None:
            try:
                raw = await request.read()
                args.append(route.body.model_validate(json.loads(raw or b"{}")))
            except ValueError as e:
                msg = validation_message(e) if isinstance(e, ValidationError) else "body is not JSON"
                return web.json_response({"error": msg}, status=400)
        result = await route.handler(request, *args)
        if isinstance(result, web.StreamResponse):
            return result
        return web.Response(text=result.model_dump_json(), content_type="application/json",
                            headers={"Cache-Control": "no-store"})

    return handle


def add_routes(app: web.Application, routes: list[Route]) -> None:
    for route in routes:
        app.router.add_route(route.method, route.path, json_handler(route))


def openapi_spec(routes: list[Route], *, version: str) -> dict:
    inputs = sorted({r.body for r in routes if r.body is not None}, key=lambda m: m.__name__)
    outputs = sorted({r.response for r in routes if r.response is not None} | {Error},
                     key=lambda m: m.__name__)
    refs, schema = models_json_schema([*((m, "validation") for m in inputs),
                                       *((m, "serialization") for m in outputs)],
                                      ref_template="#/components/schemas/{model}")
    paths: dict[str, dict] = {}
    for r in routes:
        op: dict[str, Any] = {"summary": r.summary, "operationId": r.handler.__name__,
                              "responses": {}}
        params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                  for name in _path_params(r.path)]
        if params:
            op["parameters"] = params
        if r.body is not None:
            op["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": refs[(r.body, "validation")]}}}
        if r.response is not None:
            op["responses"]["200"] = {"description": "OK", "content": {"application/json": {
                "schema": refs[(r.response, "serialization")]}}}
        else:
            op["responses"]["200"] = {"description": "OK", "content": {
                r.content_type: {"schema": {"type": "string"}}}}
        error = {"content": {"application/json": {"schema": refs[(Error, "serialization")]}}}
        if r.body is not None:
            op["responses"]["400"] = {"description": "Invalid body", **error}
        if r.token:
            op["responses"]["401"] = {"description": "Missing or wrong token", **error}
            op["security"] = [{"bearer": []}, {"header": []}]
        op["responses"]["403"] = {"description": "Origin not allowed", **error}
        op["responses"]["421"] = {"description": "Host is not a loopback name", **error}
        paths.setdefault(r.path, {})[r.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "Doppel control API", "version": version,
                 "description": "Local control server of Doppel (127.0.0.1 only). Counts, "
                                "categories and explanations: no real value leaves through it, "
                                "except /api/try (for text its caller sent), /api/terms (your "
                                "own list) and /api/events/reveal (one value, asked for by id)."},
        "servers": [{"url": "http://127.0.0.1:8765"}],
        "paths": paths,
        "components": {
            "schemas": schema.get("$defs", {}),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "header": {"type": "apiKey", "in": "header", "name": "X-Doppel-Token"},
            },
        },
    }


def _path_params(path: str) -> list[str]:
    return [seg[1:-1].split(":")[0] for seg in path.split("/") if seg.startswith("{")]
