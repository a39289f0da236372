"""Response models of the utilisation and report routes. Field names are the glossary's
(``hubsense.glossary``, defined in docs/metrics.md); times in hours, shares as fractions
(0.345 = 34.5 %), ``to`` dates exclusive.

Each model is built from the use case's answer (``hubsense.query``) with
``model_validate(answer, from_attributes=True)``: the answers' fields carry the same names,
so a new figure is added to the answer and to its model, and nothing maps it by hand."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

BandName = Literal["low", "medium", "high"]


class PeriodOut(BaseModel):
    # read from a hubsense.query.Period (first, end) or from its JSON (from, to)
    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(
        validation_alias=AliasChoices("from", "first"),
        serialization_alias="from",
        description="First local date (inclusive).",
    )
    to: date = Field(
        validation_alias=AliasChoices("to", "end"),
        description="Local date after the last one (exclusive).",
    )
    last_day: date = Field(description="Last local date included.")
    days: int = Field(description="Calendar days in the period.")


class ScopeOut(BaseModel):
    kind: Literal["desk", "zone", "hub", "municipality", "region"]
    id: str = Field(description="'' for the region; 'hub/zone' or 'hub/desk' below hubs.")
    name: str


class ThresholdsOut(BaseModel):
    offline_after_s: float
    flicker_min_s: int
    stuck_occupied_s: int
    stuck_unchanged_open_days: int
    daily_use_min_s: int


class SummaryOut(BaseModel):
    scope: ScopeOut
    desks: int = Field(description="Desks in the scope now (registry).")
    hubs: int
    open_days: int = Field(description="Dates on which at least one hub of the scope was open.")
    open_desk_hours: float = Field(description="Σ desks × opening hours (h).")
    occupied_hours: float
    free_hours: float
    unknown_hours: float = Field(description="offline_hours + stuck_hours.")
    offline_hours: float
    stuck_hours: float
    utilisation: float | None = Field(
        description="occupied ÷ (open desk-time − unknown); null without known time."
    )
    coverage: float | None = Field(description="(open desk-time − unknown) ÷ open desk-time.")
    used_desk_days: int
    unused_desk_days: int
    undecided_desk_days: int
    daily_usage_rate: float | None = Field(description="used ÷ (used + unused) desk-days.")
    usage_band: BandName | None
    peak_concurrency: int | None = Field(
        description="Highest daily peak concurrency in the period (hub and zone scopes)."
    )
    peak_share: float | None = Field(description="That peak ÷ desks (hub and zone scopes).")
    evidence_days: int | None = Field(description="Hub and zone scopes.")
    flickers: int
    suspect_desks: int


class BandCountsOut(BaseModel):
    low: int
    medium: int
    high: int
    no_data: int


class BandsOut(BaseModel):
    desks: BandCountsOut
    hubs: BandCountsOut


class UtilisationOut(BaseModel):
    period: PeriodOut
    thresholds: ThresholdsOut
    summary: SummaryOut
    breakdown: list[SummaryOut] = Field(
        description="The next level down: municipalities, hubs, zones or desks."
    )
    bands: BandsOut
    recomputed_days: int = Field(description="Hub-days whose rollups this request computed.")


class DayOut(BaseModel):
    date: date
    weekday: int = Field(description="0 = Monday.")
    open_hours: float
    desks: int
    peak_concurrency: int
    peak_at: datetime = Field(description="First moment of the peak (local time).")
    peak_share: float
    utilisation: float | None
    coverage: float | None
    daily_usage_rate: float | None
    evidence: bool = Field(description="Coverage ≥ evidence_min_coverage: used for capacity.")
    at_capacity: bool = Field(description="The peak reached every desk (docs/metrics.md).")
    full_minutes: float | None = Field(
        description="Minutes within opening hours at which every desk with a known state "
        "was occupied; null for a day whose rollup predates the figure."
    )


class DailyOut(BaseModel):
    period: PeriodOut
    scope: ScopeOut
    days: list[DayOut] = Field(description="Open days only.")


class CurvePointOut(BaseModel):
    capacity: int
    days_exceeding: int
    share_exceeding: float


class HubCapacityOut(BaseModel):
    hub: str
    name: str
    desks: int
    open_days: int
    evidence_days: int
    peak_at_service_level: int | None
    recommended_desks: int | None
    too_few_days: bool
    days_at_capacity: int
    days_at_capacity_share: float | None = Field(description="÷ evidence days.")
    full_hours: float | None = Field(description="Time at full over the open days.")
    max_peak: int | None
    curve: list[CurvePointOut] = Field(
        description="For each capacity k, the evidence days on which the peak exceeded k."
    )
    lower_bound: bool = Field(
        description="Full on some evidence day: recommended_desks is only a lower bound."
    )
    demand_at_service_level: int | None = Field(
        description="Censored estimate of the percentile of daily peak demand "
        "(docs/metrics.md); peak_at_service_level when no day was full."
    )
    demand_low: int | None
    demand_high: int | None
    demand_recommended_desks: int | None = Field(
        description="demand_at_service_level + buffer_desks; recommended_desks when no day "
        "was full."
    )
    demand_pooled: bool = Field(description="Weekday means pooled in the fit.")
    demand_reason: Literal["all_full", "too_few_measured"] | None = Field(
        description="Why a hub that was full has no estimate."
    )


class CapacityOut(BaseModel):
    period: PeriodOut
    scope: ScopeOut
    service_level: float
    buffer_desks: int
    min_days: int
    evidence_min_coverage: float
    desks: int
    peak_at_service_level: int | None = Field(description="Sum over the hubs.")
    recommended_desks: int | None = Field(description="Sum over the hubs.")
    too_few_days: bool
    days_at_capacity: int = Field(description="Hub-days, summed over the hubs.")
    days_at_capacity_share: float | None = Field(
        description="days_at_capacity ÷ the hubs' evidence days summed."
    )
    full_hours: float | None = Field(description="Sum over the hubs.")
    lower_bound: bool = Field(description="Any hub's recommendation is a lower bound.")
    demand_at_service_level: int | None = Field(description="Sum over the hubs.")
    demand_low: int | None = Field(description="Sum of the hubs' lows.")
    demand_high: int | None = Field(description="Sum of the hubs' highs.")
    demand_recommended_desks: int | None = Field(description="Sum over the hubs.")
    hubs: list[HubCapacityOut]


class ProfileOut(BaseModel):
    period: PeriodOut
    scope: ScopeOut
    weekdays: list[str]
    hours: list[int]
    mean_concurrency: list[list[float | None]] = Field(
        description="[weekday][hour] average number of desks occupied while open "
        "(summed over hubs); null where no hub of the scope was open."
    )


class DeskRankOut(BaseModel):
    rank: int
    hub: str
    zone: str
    desk: str
    utilisation: float | None
    coverage: float | None
    occupied_hours: float
    daily_usage_rate: float | None
    usage_band: BandName | None
    suspect: bool


class RankingOut(BaseModel):
    period: PeriodOut
    scope: ScopeOut
    order: Literal["desc", "asc"]
    desks: list[DeskRankOut] = Field(description="Desks without known time come last.")


class SuspectOut(BaseModel):
    hub: str
    desk: str
    kind: Literal["occupied", "unchanged"]
    first_day: date
    last_day: date
    open_days: int
    stuck_hours: float = Field(description="Opening hours within the period made unknown.")


class DeskHealthOut(BaseModel):
    hub: str
    desk: str
    offline_hours: float
    stuck_hours: float
    coverage: float | None
    flickers: int


class SensorHealthOut(BaseModel):
    period: PeriodOut
    scope: ScopeOut
    suspects: list[SuspectOut]
    desks: list[DeskHealthOut] = Field(
        description="Desks with offline or stuck time, or flickers, in the period."
    )


class ForecastDayOut(BaseModel):
    date: date
    weekday: int = Field(description="0 = Monday.")
    peak_concurrency: float = Field(description="Expected daily peak (desks).")
    peak_low: float = Field(description="Low end of the prediction interval.")
    peak_high: float
    utilisation: float | None
    utilisation_low: float | None
    utilisation_high: float | None


class HubForecastOut(BaseModel):
    hub: str
    name: str
    desks: int
    history_days: int = Field(description="Evidence days of the period fitted.")
    terms: list[Literal["trend", "holiday_adjacent", "july", "christmas"]] = Field(
        description="Effects used besides the weekday."
    )
    not_estimated: list[Literal["trend", "holiday_adjacent", "july", "christmas"]] = Field(
        description="Effects the period cannot tell (no day with, or none without, them)."
    )
    reason: Literal["short_history", "few_days"] | None = Field(
        description="Why there is no forecast: a period under 8 weeks, or under 20 "
        "evidence days."
    )
    days: list[ForecastDayOut] = Field(description="The open days of the forecast.")


class ForecastOut(BaseModel):
    period: PeriodOut = Field(description="The history the forecast is fitted on.")
    scope: ScopeOut
    first_day: date
    weeks: int
    level: float = Field(description="Share of days the prediction intervals cover.")
    min_history_days: int
    min_evidence_days: int
    hubs: list[HubForecastOut]
