"""How errors become HTTP answers: one handler per kind, installed once on the app.

Why here and not in the routes: the use cases (``hubsense.query``) raise domain errors,
the store raises ``StoreError``, FastAPI raises ``RequestValidationError``; each becomes
the same JSON ``{"detail": ...}`` with its status code whichever route it came from.
"""

from __future__ import annotations

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.deps import HTTP_422
from hubsense.query.errors import NotFound, QueryError
from hubsense.store.base import StoreError

_MAX_STORE_ERROR = 300


def status_of(error: QueryError) -> int:
    """404 for an id the registry does not have, 422 for any other bad question."""
    return status.HTTP_404_NOT_FOUND if isinstance(error, NotFound) else HTTP_422


def _query_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, QueryError)
    return JSONResponse(status_code=status_of(exc), content={"detail": str(exc)})


def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {
            "loc": [str(part) for part in err.get("loc", ())],
            "msg": str(err.get("msg", "")),
            "type": str(err.get("type", "")),
        }
        for err in exc.errors()
    ]
    detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors)
    return JSONResponse(
        status_code=HTTP_422,
        content={"detail": detail or "invalid request", "errors": errors},
    )


def _store_error(_request: Request, exc: Exception) -> JSONResponse:
    text = str(exc)
    if len(text) > _MAX_STORE_ERROR:
        text = text[:_MAX_STORE_ERROR] + "..."
    headers: dict[str, str] = {}
    retry_after = getattr(exc, "retry_after_s", None)
    if retry_after is not None:
        headers["Retry-After"] = str(max(1, round(retry_after)))
    return JSONResponse(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        content={"detail": f"store unavailable, try again later ({type(exc).__name__}: {text})"},
        headers=headers,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StoreError, _store_error)
    app.add_exception_handler(QueryError, _query_error)
