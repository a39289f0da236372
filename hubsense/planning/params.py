"""The planning assumptions at the edge: one pydantic model validates them, with the
measurement period, for the API's query string, the planning page's form and the CLI's
``--assume name=value`` (docs/planning.md, "Assumptions")."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hubsense.config import Settings
from hubsense.planning.model import Assumptions


class PlanningQuery(BaseModel):
    """The measurement period and every editable assumption (docs/planning.md)."""

    # NaN fails every bound, and pydantic would then report the bound ("less than or equal
    # to 1"); refused as not finite instead.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)

    from_: str | None = Field(
        None,
        alias="from",
        description="First local date of the measurement period, YYYY-MM-DD (default: `to` "
        "− 90 days).",
        json_schema_extra={"format": "date"},
    )
    to: str | None = Field(
        None,
        description="Local date after the last one, YYYY-MM-DD (default: today).",
        json_schema_extra={"format": "date"},
    )
    eligible: Literal["residents", "commuters"] = Field(
        "residents",
        description="Who counts as eligible: employed residents, or residents working in "
        "another municipality.",
    )
    adoption: float | None = Field(
        None, ge=0, le=1, description="Adoption (share of eligible per open day); default measured."
    )
    adoption_low: float | None = Field(None, ge=0, le=1, description="Low end of adoption.")
    adoption_high: float | None = Field(None, ge=0, le=1, description="High end of adoption.")
    peak_ratio: float | None = Field(
        None, gt=0, le=10, description="Peak ÷ daily visits; default measured."
    )
    buffer: int | None = Field(
        None, ge=0, le=100, description="Desks on top of the peak (default capacity_buffer_desks)."
    )
    horizon_years: float = Field(
        0, ge=0, le=20, description="Years ahead: eligible grow with the population change."
    )
    open_days_per_year: int | None = Field(
        None, ge=1, le=366, description="Open days per year (default: weekdays minus holidays)."
    )
    min_commute_km: float = Field(
        10, ge=0, le=100, description="Visitors come from the commute bands from this distance."
    )
    hub_trip_km: float = Field(5, ge=0, le=100, description="One-way trip to the hub, km.")
    hub_trip_minutes: float = Field(10, ge=0, le=120, description="One-way trip to the hub, min.")
    speed_kmh: float = Field(
        70, ge=10, le=130, description="Speed where the facts give no travel time, km/h."
    )
    co2_kg_per_km: float = Field(0.15, ge=0, le=1, description="CO₂ per car-km saved, kg.")
    long_commute_minutes: float = Field(
        45, gt=0, le=300, description="A long commute: at least this many minutes one way."
    )
    rank_by: Literal["demand", "benefit"] = Field(
        "demand", description="Rank by desks needed or by travel time saved."
    )
    lang: Literal["sv", "en"] = Field("sv", description="Language of the note texts.")

    @model_validator(mode="after")
    def _ordered(self) -> PlanningQuery:
        lo, mid, hi = self.adoption_low, self.adoption, self.adoption_high
        if lo is not None and hi is not None and lo > hi:
            raise ValueError("adoption_low must not be above adoption_high")
        if mid is not None and lo is not None and lo > mid:
            raise ValueError("adoption_low must not be above adoption")
        if mid is not None and hi is not None and hi < mid:
            raise ValueError("adoption_high must not be below adoption")
        return self


class PlanningFileQuery(PlanningQuery):
    format: Literal["xlsx", "csv"] = Field("xlsx", description="xlsx (default) or csv.")


def assumptions_of(q: PlanningQuery, settings: Settings) -> Assumptions:
    """The assumptions of a query: the planner's values, settings and defaults for the rest."""
    values: dict[str, object] = {
        "eligible": q.eligible,
        "adoption": q.adoption,
        "adoption_low": q.adoption_low,
        "adoption_high": q.adoption_high,
        "peak_ratio": q.peak_ratio,
        "buffer_desks": settings.capacity_buffer_desks if q.buffer is None else q.buffer,
        "horizon_years": q.horizon_years,
        "open_days_per_year": q.open_days_per_year,
        "min_commute_km": q.min_commute_km,
        "hub_trip_km": q.hub_trip_km,
        "hub_trip_minutes": q.hub_trip_minutes,
        "speed_kmh": q.speed_kmh,
        "co2_kg_per_km": q.co2_kg_per_km,
        "long_commute_minutes": q.long_commute_minutes,
        "rank_by": q.rank_by,
    }
    return Assumptions(**values)  # type: ignore[arg-type]
