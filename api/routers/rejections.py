"""Messages the collector did not accept, for diagnosing sensors and gateways."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import StoreDep
from api.models import ErrorOut, RejectionOut, RejectionsOut
from api.times import ns_to_datetime
from hubsense.events import RejectReason

router = APIRouter(tags=["rejections"])


@router.get(
    "/rejections",
    response_model=RejectionsOut,
    summary="Recent rejected messages and counts per reason",
    responses={503: {"model": ErrorOut, "description": "The store is unavailable."}},
)
def rejections(
    store: StoreDep,
    limit: Annotated[int, Query(ge=1, le=1000, description="How many recent ones to list.")] = 100,
) -> RejectionsOut:
    counts = dict.fromkeys((str(r) for r in RejectReason), 0)
    counts.update(store.rejection_counts())
    recent = store.rejections(limit=limit)
    return RejectionsOut(
        total=sum(counts.values()),
        counts=counts,
        rejections=[
            RejectionOut(
                reason=str(r.reason),
                detail=r.detail,
                topic=r.topic,
                payload=r.payload,
                received=ns_to_datetime(r.received_ns),
            )
            for r in recent
        ],
    )
