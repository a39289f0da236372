"""Query and response models of the planning routes (GET /api/planning and its file).

A published figure is a number, ``null`` (not known / not computable) or the text ``"<5"``
(``"<k"`` for ``min_group_size`` k): it rests on fewer people than the minimum group size,
and its value is never sent.

A municipality's models are built from the plan (``hubsense.planning.plan``) with
``model_validate(plan, from_attributes=True, context={"lang": lang})``: a ``Suppressed``
figure becomes its text, a note gets its text in ``lang``, and the few fields the API names
otherwise than the plan read the plan's name (``validation_alias``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    Field,
    ValidationInfo,
    model_validator,
)

from hubsense.planning.params import PlanningFileQuery, PlanningQuery
from hubsense.planning.plan import Note
from hubsense.planning.privacy import Suppressed
from hubsense.planning.text import note_text

__all__ = ["PlanningFileQuery", "PlanningQuery"]


def _published(value: object) -> object:
    """A suppressed figure is sent as its text (``"<5"``), never as its value."""
    return str(value) if isinstance(value, Suppressed) else value


Published = Annotated[int | float | str | None, BeforeValidator(_published)]
SpanValue = Published


class SpanOut(BaseModel):
    low: SpanValue
    mid: SpanValue
    high: SpanValue


class RangeOut(BaseModel):
    low: float
    mid: float
    high: float


class NoteOut(BaseModel):
    code: str
    text: str = Field(description="The note in the chosen language.")

    @model_validator(mode="before")
    @classmethod
    def _from_note(cls, data: Any, info: ValidationInfo) -> Any:
        # a plan's Note: its text in the language of the validation context
        if isinstance(data, Note):
            lang = (info.context or {}).get("lang", "sv")
            return {"code": data.code, "text": note_text(data.code, dict(data.params), lang)}
        return data


class BandOut(BaseModel):
    band: str = Field(
        validation_alias=AliasChoices("band", "key"),
        description="One-way distance band, e.g. `10_30` (10–30 km).",
    )
    label: str
    people: Published = Field(validation_alias=AliasChoices("people", "n"))
    mean_km: Published
    mean_minutes: Published


class EvidenceOut(BaseModel):
    first_day: date
    last_day: date
    source: str
    row: int = Field(description="Row of the facts file.")
    employed_residents: Published
    works_in_municipality: Published
    works_elsewhere_in_region: Published
    works_outside_region: Published
    commuters: Published
    commuter_share: Published
    bands: list[BandOut]
    long_commuters: Published
    long_commute_share: Published
    rest_hours: Published = Field(description="Long commuters' round trip, h of the 11-h rest.")
    shift_workers: Published
    shift_workers_long_commute: Published = Field(description="Estimate.")
    open_positions: Published
    open_positions_per_100: Published
    population: Published
    population_change: Published
    growth_per_year: Published = Field(description="Fraction per year.")
    in_migration: Published
    in_migration_per_1000: Published


class MeasuredOut(BaseModel):
    hubs: int
    desks: int
    open_days: int
    evidence_days: int
    too_few_days: bool
    visits_per_day: float
    peak_at_service_level: int | None = Field(
        validation_alias=AliasChoices("peak_at_service_level", "peak")
    )
    recommended_desks: int | None
    adoption: Published
    peak_ratio: float | None
    lower_bound: bool = Field(
        description="A hub was full on some evidence day: peak and recommended desks are "
        "a lower bound; desks_needed is then the censored estimate of demand."
    )
    days_at_capacity: int


class ProjectionOut(BaseModel):
    eligible: Published = Field(description="Eligible employees at the horizon.")
    adoption: RangeOut
    adoption_source: Literal["measured", "assumed"]
    references: list[str]
    peak_ratio: float
    peak_ratio_source: Literal["measured", "assumed"]
    visits_per_day: SpanOut = Field(validation_alias=AliasChoices("visits_per_day", "visits"))
    peak: SpanOut
    desks: SpanOut


class BenefitOut(BaseModel):
    basis: Literal["measured", "projected"]
    open_days_per_year: int
    visits_per_year: SpanOut
    minutes_per_visit: Published
    km_per_visit: Published
    hours_per_year: SpanOut
    km_per_year: SpanOut
    co2_tonnes_per_year: SpanOut


class MunicipalityPlanOut(BaseModel):
    rank: int
    id: str
    name: str
    code: str
    hubs: int
    desks_now: int
    eligible: Published
    basis: Literal["measured", "projected", "none"]
    desks_needed: SpanOut | None
    peak_demand: SpanOut | None
    measured: MeasuredOut | None
    projection: ProjectionOut | None
    benefit: BenefitOut | None
    evidence: EvidenceOut | None
    notes: list[NoteOut]


class AssumptionOut(BaseModel):
    key: str
    value: float | int | str | None
    source: Literal["measured", "assumed", "default", "setting", "none"]
    meaning: str


class FactsOut(BaseModel):
    file: str | None
    invented: bool = Field(description="The file says INVENTED DATA: example figures.")
    error: str | None


class PlanningOut(BaseModel):
    period: dict[str, object] = Field(description="from, to (exclusive), last_day, days.")
    facts: FactsOut
    min_group_size: int
    rank_by: Literal["demand", "benefit"]
    assumptions: list[AssumptionOut]
    references: list[str] = Field(description="Municipalities whose measurement is evidence.")
    notes: list[NoteOut]
    municipalities: list[MunicipalityPlanOut] = Field(description="Ranked, rank 1 first.")
