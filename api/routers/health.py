"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from api.deps import ReadinessDep
from api.models import CheckOut, HealthOut, ReadyOut

router = APIRouter(tags=["health"])

_MAX_ERROR = 500


@router.get("/health", response_model=HealthOut, summary="Liveness: the process answers")
def health() -> HealthOut:
    return HealthOut()


@router.get(
    "/ready",
    response_model=ReadyOut,
    summary="Readiness: the store (and e.g. the broker) answer",
    responses={503: {"model": ReadyOut, "description": "At least one check failed."}},
)
def ready(checks: ReadinessDep, response: Response) -> ReadyOut:
    results: dict[str, CheckOut] = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready", reported
            text = f"{type(exc).__name__}: {exc}"
            if len(text) > _MAX_ERROR:
                text = text[:_MAX_ERROR] + "..."
            results[name] = CheckOut(ok=False, error=text)
        else:
            results[name] = CheckOut(ok=True)
    failing = [name for name, result in results.items() if not result.ok]
    if failing:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return ReadyOut(status="not_ready" if failing else "ready", checks=results, failing=failing)
