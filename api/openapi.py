"""The OpenAPI document as the contract the API keeps (checked by schemathesis in
tests/api/test_openapi_contract.py).

FastAPI's generated document is right about routes, parameters and success bodies, and
wrong about errors in three ways this module corrects once for every route:

* a 422 is documented as FastAPI's ``HTTPValidationError`` (``detail`` an array), while
  ``api.errors`` answers ``{"detail": "...", "errors": [...]}``: every 422 gets ``ErrorOut``;
* an error of a route whose success is not JSON (the memo is ``text/plain``, the files
  XLSX/CSV) is documented with the success's media type, while every error is JSON: every
  4xx/5xx gets ``application/json``;
* with authentication on, nothing says that a key is needed: the document gets the bearer
  scheme and the session cookie, each operation the security of its ``POLICY`` rule, and
  401/403 answers where a role is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.models import ErrorOut
from api.security import SESSION_COOKIE, Open, rule_for

JSON = "application/json"
_ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
SECURITY_SCHEMES: dict[str, dict[str, str]] = {
    "apiKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key (`hubsense keys add NAME --role ROLE`).",
    },
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": "A browser session from the login form at /login.",
    },
}


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": _ERROR_REF}}}


def _fix_errors(operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    for code, response in responses.items():
        if code[:1] in ("4", "5"):
            response["content"] = {JSON: {"schema": _ERROR_REF}}


def _secure(path: str, method: str, operation: dict[str, Any]) -> None:
    rule = rule_for(method.upper(), path)
    responses = operation.setdefault("responses", {})
    if isinstance(rule.access, Open):
        operation["security"] = []  # public, or the route checks a signature itself
        return
    operation["security"] = [{"apiKey": []}, {"session": []}]
    responses.setdefault("401", _error_response("No valid API key or session."))
    responses.setdefault("403", _error_response(f"The key's role is below {rule.access}."))


def build_openapi(app: FastAPI, *, auth: bool) -> dict[str, Any]:
    doc = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
    )
    schemas: dict[str, Any] = doc.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(
        ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}").pop("$defs", {})
    )
    schemas["ErrorOut"] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas["ErrorOut"].pop("$defs", None)
    for path, item in doc.get("paths", {}).items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            _fix_errors(operation)
            if auth:
                _secure(path, method, operation)
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    if auth:
        doc["components"]["securitySchemes"] = SECURITY_SCHEMES
    return doc


def install_openapi(app: FastAPI, *, auth: bool) -> None:
    """``app.openapi`` builds the corrected document once, on first use."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app, auth=auth)
        return app.openapi_schema

    setter: Callable[[], dict[str, Any]] = openapi
    app.openapi = setter  # type: ignore[method-assign]
