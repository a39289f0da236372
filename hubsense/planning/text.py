"""Every planning label and note in Swedish and English (Swedish first), shared by the
planning page, the API's note texts and the exports, and number formatting
(``Suppressed`` → ``<5``, unknown → ``–``)."""

from __future__ import annotations

from typing import Final, Literal

from hubsense.planning.privacy import Suppressed, Value

Lang = Literal["sv", "en"]

LABELS: Final[dict[str, dict[Lang, str]]] = {
    "title": {
        "sv": "Planeringsunderlag för arbetshubbar",
        "en": "Planning evidence for coworking hubs",
    },
    "lead": {
        "sv": "Var nästa hubb ska ligga och hur stor den ska vara: uppmätt behov där hubbar "
        "finns, prognos för alla kommuner från boende anställda × den användarandel som "
        "uppmätts i de andra kommunerna, och den pendling som sparas.",
        "en": "Where the next hub goes and how big: measured need where hubs exist, a "
        "projection for every municipality from its resident employees × the adoption "
        "measured in the other municipalities, and the commuting saved.",
    },
    "rank": {"sv": "Rang", "en": "Rank"},
    "municipality": {"sv": "Kommun", "en": "Municipality"},
    "hubs": {"sv": "Hubbar i dag", "en": "Hubs now"},
    "desks_now": {"sv": "Platser i dag", "en": "Desks now"},
    "basis": {"sv": "Underlag", "en": "Basis"},
    "basis_measured": {"sv": "uppmätt", "en": "measured"},
    "basis_projected": {"sv": "prognos", "en": "projected"},
    "basis_none": {"sv": "saknas", "en": "none"},
    "eligible": {"sv": "Behöriga anställda", "en": "Eligible employees"},
    "eligible_residents": {
        "sv": "sysselsatta som bor i kommunen",
        "en": "employed people living in the municipality",
    },
    "eligible_commuters": {
        "sv": "boende som arbetar i en annan kommun",
        "en": "residents working in another municipality",
    },
    "desks_needed": {"sv": "Platser som behövs", "en": "Desks needed"},
    "desks_needed_range": {
        "sv": "Platser som behövs (låg–hög)",
        "en": "Desks needed (low–high)",
    },
    "peak_demand": {"sv": "Samtidig topp (platser)", "en": "Peak demand (desks)"},
    "low": {"sv": "låg", "en": "low"},
    "mid": {"sv": "mitt", "en": "mid"},
    "high": {"sv": "hög", "en": "high"},
    "measured": {"sv": "Uppmätt", "en": "Measured"},
    "projected": {"sv": "Prognos", "en": "Projected"},
    "visits_per_day": {"sv": "Besök per öppetdag", "en": "Visits per open day"},
    "adoption": {"sv": "Användarandel", "en": "Adoption"},
    "adoption_long": {
        "sv": "Användarandel (andel behöriga i hubben en genomsnittlig öppetdag)",
        "en": "Adoption (share of eligible employees at the hub on an average open day)",
    },
    "peak_ratio": {"sv": "Toppkvot (topp ÷ besök)", "en": "Peak ratio (peak ÷ visits)"},
    "peak_at_level": {"sv": "Topp vid servicenivån", "en": "Peak at service level"},
    "recommended": {"sv": "Rekommenderade platser", "en": "Recommended desks"},
    "evidence_days": {"sv": "Underlagsdagar", "en": "Evidence days"},
    "references": {"sv": "Referenskommuner", "en": "Reference municipalities"},
    "hours_saved": {"sv": "Sparad restid (h/år)", "en": "Travel time saved (h/year)"},
    "km_saved": {"sv": "Sparad körsträcka (km/år)", "en": "Distance saved (km/year)"},
    "co2_saved": {"sv": "Minskat CO₂ (ton/år)", "en": "CO₂ avoided (tonnes/year)"},
    "visits_per_year": {"sv": "Besök per år", "en": "Visits per year"},
    "minutes_per_visit": {
        "sv": "Sparad tid per besök (min, tur och retur)",
        "en": "Time saved per visit (min, round trip)",
    },
    "km_per_visit": {
        "sv": "Sparad sträcka per besök (km, tur och retur)",
        "en": "Distance saved per visit (km, round trip)",
    },
    "benefit": {"sv": "Nytta", "en": "Benefit"},
    "notes": {"sv": "Anmärkningar", "en": "Notes"},
    "facts_period": {"sv": "Faktaperiod", "en": "Facts period"},
    "source": {"sv": "Källa", "en": "Source"},
    "employed_residents": {"sv": "Sysselsatta boende", "en": "Employed residents"},
    "works_in": {"sv": "Arbetar i kommunen", "en": "Work in the municipality"},
    "works_elsewhere": {
        "sv": "Arbetar i annan kommun i länet",
        "en": "Work elsewhere in the region",
    },
    "works_outside": {"sv": "Arbetar utanför länet", "en": "Work outside the region"},
    "commuters": {"sv": "Utpendlare", "en": "Out-commuters"},
    "commuter_share": {"sv": "Andel utpendlare", "en": "Out-commuter share"},
    "band_n": {"sv": "Pendlar {band}", "en": "Commute {band}"},
    "band_min": {"sv": "Restid {band} (min, enkel väg)", "en": "Travel {band} (min, one way)"},
    "long_commuters": {
        "sv": "Långpendlare (≥ {minutes} min enkel väg)",
        "en": "Long commuters (≥ {minutes} min one way)",
    },
    "long_share": {"sv": "Andel långpendlare", "en": "Long-commuter share"},
    "rest_hours": {
        "sv": "Dygnsvila: långpendlarnas restid (h av 11)",
        "en": "Daily rest: long commuters' travel (h of 11)",
    },
    "shift_workers": {"sv": "Skiftarbetande", "en": "Shift workers"},
    "shift_long": {
        "sv": "Skiftarbetande med lång pendling (uppskattning)",
        "en": "Shift workers with a long commute (estimate)",
    },
    "open_positions": {"sv": "Lediga tjänster", "en": "Open positions"},
    "open_per_100": {
        "sv": "Lediga tjänster per 100 sysselsatta",
        "en": "Open positions per 100 employed",
    },
    "population": {"sv": "Befolkning", "en": "Population"},
    "population_change": {"sv": "Befolkningsförändring", "en": "Population change"},
    "growth": {"sv": "Befolkningsförändring (%/år)", "en": "Population change (%/year)"},
    "in_migration": {"sv": "Inflyttade", "en": "In-migration"},
    "in_per_1000": {
        "sv": "Inflyttade per 1 000 inv. och år",
        "en": "In-migration per 1,000 inhabitants/year",
    },
    "assumptions": {"sv": "Antaganden", "en": "Assumptions"},
    "assumption": {"sv": "Antagande", "en": "Assumption"},
    "value": {"sv": "Värde", "en": "Value"},
    "from": {"sv": "Varifrån", "en": "From"},
    "meaning": {"sv": "Betydelse", "en": "Meaning"},
    "src_measured": {"sv": "uppmätt", "en": "measured"},
    "src_assumed": {"sv": "ditt antagande", "en": "your assumption"},
    "src_default": {"sv": "standard", "en": "default"},
    "src_setting": {"sv": "inställning", "en": "setting"},
    "src_none": {"sv": "saknas", "en": "none"},
    "invented": {
        "sv": "EXEMPELDATA: faktafilen är märkt som påhittad (INVENTED DATA). Siffrorna "
        "visar hur underlaget fungerar och får inte användas för beslut.",
        "en": "EXAMPLE DATA: the facts file is marked as invented (INVENTED DATA). The "
        "figures show how the evidence works and must not be used for decisions.",
    },
    "period": {
        "sv": "Mätperiod {first} – {last} ({days} dagar)",
        "en": "Measurement period {first} – {last} ({days} days)",
    },
    "facts_file": {"sv": "Faktafil: {file}", "en": "Facts file: {file}"},
    "period_evidence": {
        "sv": "mätdata från högst {n} underlagsdagar",
        "en": "measurements from at most {n} evidence days",
    },
    "common_notes": {"sv": "Gäller flera kommuner", "en": "Applies to several municipalities"},
    "t_bands": {
        "sv": "Pendling per avståndsband (antal personer)",
        "en": "Commuting by distance band (people)",
    },
    "privacy": {
        "sv": "Integritet: ett värde som bygger på färre än {k} personer visas som ”<{k}”, "
        "aldrig sitt värde (min_group_size).",
        "en": "Privacy: a figure resting on fewer than {k} people is shown as “<{k}”, "
        "never its value (min_group_size).",
    },
    "generated": {"sv": "Skapad {at}", "en": "Generated {at}"},
    "sheet_plan": {"sv": "Planering", "en": "Planning"},
    "sheet_evidence": {"sv": "Planeringsunderlag", "en": "Planning evidence"},
    "sheet_assumptions": {"sv": "Antaganden", "en": "Assumptions"},
    "t_plan": {
        "sv": "Kommunerna rangordnade efter behov och nytta",
        "en": "Municipalities ranked by demand and benefit",
    },
    "t_evidence": {
        "sv": "Fakta per kommun (aggregerade; små grupper dolda)",
        "en": "Facts per municipality (aggregated; small groups hidden)",
    },
    "t_assumptions": {
        "sv": "Antaganden och formler (docs/planning.md)",
        "en": "Assumptions and formulas (docs/planning.md)",
    },
    "ranked_by_demand": {
        "sv": "Rangordnat efter platser som behövs, sedan sparad restid.",
        "en": "Ranked by desks needed, then travel time saved.",
    },
    "ranked_by_benefit": {
        "sv": "Rangordnat efter sparad restid, sedan platser som behövs.",
        "en": "Ranked by travel time saved, then desks needed.",
    },
    "ranked_suppressed": {
        "sv": "Kommuner utan siffra (okänd eller dold) står sist i bokstavsordning.",
        "en": "Municipalities without a figure (unknown or hidden) come last, alphabetically.",
    },
}

ASSUMPTIONS: Final[dict[str, dict[Lang, str]]] = {
    "eligible": {
        "sv": "Vilka som räknas som behöriga (E): sysselsatta boende, eller utpendlare.",
        "en": "Who counts as eligible (E): employed residents, or out-commuters.",
    },
    "adoption": {
        "sv": "Användarandel a = besök per öppetdag ÷ behöriga; mitt = ΣV ÷ ΣE i "
        "referenskommunerna.",
        "en": "Adoption a = visits per open day ÷ eligible; mid = ΣV ÷ ΣE over the "
        "reference municipalities.",
    },
    "adoption_low": {
        "sv": "Låg användarandel: lägsta uppmätta i en referenskommun.",
        "en": "Low adoption: the lowest measured in one reference municipality.",
    },
    "adoption_high": {
        "sv": "Hög användarandel: högsta uppmätta i en referenskommun.",
        "en": "High adoption: the highest measured in one reference municipality.",
    },
    "peak_ratio": {
        "sv": "Toppkvot r = Σ topp vid servicenivån ÷ Σ besök per öppetdag (referenserna).",
        "en": "Peak ratio r = Σ peak at the service level ÷ Σ visits per open day (references).",
    },
    "buffer": {
        "sv": "Buffert b: platser utöver toppen (capacity_buffer_desks).",
        "en": "Buffer b: desks on top of the peak (capacity_buffer_desks).",
    },
    "horizon_years": {
        "sv": "År framåt: E växer med kommunens befolkningsförändring per år.",
        "en": "Years ahead: E grows at the municipality's yearly population change.",
    },
    "open_days_per_year": {
        "sv": "Öppetdagar per år D (standard: vardagar utom helgdagar, senaste året).",
        "en": "Open days per year D (default: weekdays minus holidays, the last year).",
    },
    "min_commute_km": {
        "sv": "Besökarna pendlar som de behöriga i avståndsbanden från så här många km.",
        "en": "Visitors commute like the eligible in the distance bands from this many km.",
    },
    "hub_trip_km": {
        "sv": "Resan till hubben (km enkel väg) dras från den sparade sträckan.",
        "en": "The trip to the hub (km one way) is subtracted from the distance saved.",
    },
    "hub_trip_minutes": {
        "sv": "Resan till hubben (min enkel väg) dras från den sparade tiden.",
        "en": "The trip to the hub (min one way) is subtracted from the time saved.",
    },
    "speed_kmh": {
        "sv": "Medelhastighet när faktafilen saknar restid för ett band (km/h).",
        "en": "Average speed where the facts file gives no travel time for a band (km/h).",
    },
    "co2_kg_per_km": {
        "sv": "CO₂ per sparad bil-km (kg): 150,8 g/km, genomsnitt för personbilar i trafik "
        "i Ragunda 2023 (Miljöbarometern K.H.B1.M, data SCB), avrundat.",
        "en": "CO₂ per car-km saved (kg): 150.8 g/km, average of passenger cars in traffic "
        "in Ragunda 2023 (Miljöbarometern K.H.B1.M, data SCB), rounded.",
    },
    "long_commute_minutes": {
        "sv": "Lång pendling: minst så här många minuter enkel väg (dygnsvila 11 h).",
        "en": "Long commute: at least this many minutes one way (daily rest 11 h).",
    },
    "service_level": {
        "sv": "Servicenivå för uppmätt topp (capacity_service_level).",
        "en": "Service level of the measured peak (capacity_service_level).",
    },
    "min_days": {
        "sv": "Minsta antal underlagsdagar för att mätningen ska gälla (capacity_min_days).",
        "en": "Fewest evidence days for a measurement to count (capacity_min_days).",
    },
    "min_group_size": {
        "sv": "Minsta gruppstorlek: färre personer visas som ”<k” (min_group_size).",
        "en": "Minimum group size: fewer people are shown as “<k” (min_group_size).",
    },
}

ASSUMPTION_NAMES: Final[dict[str, dict[Lang, str]]] = {
    "eligible": {"sv": "Behöriga", "en": "Eligible"},
    "adoption": {"sv": "Användarandel, mitt", "en": "Adoption, mid"},
    "adoption_low": {"sv": "Användarandel, låg", "en": "Adoption, low"},
    "adoption_high": {"sv": "Användarandel, hög", "en": "Adoption, high"},
    "peak_ratio": {"sv": "Toppkvot", "en": "Peak ratio"},
    "buffer": {"sv": "Buffert (platser)", "en": "Buffer (desks)"},
    "horizon_years": {"sv": "År framåt", "en": "Years ahead"},
    "open_days_per_year": {"sv": "Öppetdagar per år", "en": "Open days per year"},
    "min_commute_km": {
        "sv": "Kortaste pendling som räknas (km)",
        "en": "Shortest commute counted (km)",
    },
    "hub_trip_km": {"sv": "Resa till hubben (km)", "en": "Trip to the hub (km)"},
    "hub_trip_minutes": {"sv": "Resa till hubben (min)", "en": "Trip to the hub (min)"},
    "speed_kmh": {"sv": "Medelhastighet (km/h)", "en": "Average speed (km/h)"},
    "co2_kg_per_km": {"sv": "CO₂ per bil-km (kg)", "en": "CO₂ per car-km (kg)"},
    "long_commute_minutes": {"sv": "Lång pendling (min)", "en": "Long commute (min)"},
    "service_level": {"sv": "Servicenivå", "en": "Service level"},
    "min_days": {"sv": "Minsta antal underlagsdagar", "en": "Fewest evidence days"},
    "min_group_size": {"sv": "Minsta gruppstorlek", "en": "Minimum group size"},
}
"""The assumptions' names for people (the keys are the query's and the settings' names)."""

NOTES: Final[dict[str, dict[Lang, str]]] = {
    "no_facts": {
        "sv": "Faktafilen har ingen period för mätperioden.",
        "en": "The facts file has no period for the measurement period.",
    },
    "no_facts_file": {
        "sv": "Ingen faktafil är inläst (planning_facts_file): bara uppmätta siffror.",
        "en": "No facts file loaded (planning_facts_file): measured figures only.",
    },
    "facts_invalid": {
        "sv": "Faktafilen kunde inte läsas: {error}",
        "en": "The facts file could not be read: {error}",
    },
    "scoped": {
        "sv": "Planeringen visar bara kommuner som nyckeln ser i sin helhet ({seen}); "
        "jämförelser och prognoser bygger bara på dem.",
        "en": "Planning shows only the municipalities this key sees whole ({seen}); "
        "comparisons and projections rest on them alone.",
    },
    "none_in_scope": {
        "sv": "Ingen kommun att visa: planeringen visar en kommun bara för nycklar som ser "
        "alla dess hubbar, och den här nyckeln ser ingen kommun i sin helhet.",
        "en": "No municipality to show: planning shows a municipality only to keys that see "
        "all of its hubs, and this key sees no municipality whole.",
    },
    "no_hub": {"sv": "Ingen hubb ännu: bara prognos.", "en": "No hub yet: projection only."},
    "no_evidence": {
        "sv": "Inga underlagsdagar i perioden för {hubs}: inget uppmätt.",
        "en": "No evidence days in the period for {hubs}: nothing measured.",
    },
    "too_few_days": {
        "sv": "Bara {days} underlagsdagar (minst {min}): mätningen är osäker och ingen "
        "referens för andra.",
        "en": "Only {days} evidence days (at least {min}): the measurement is uncertain "
        "and no reference for others.",
    },
    "lower_bound": {
        "sv": "Hubben var full {days} underlagsdagar: uppmätta {desks} platser är en undre "
        "gräns, och efterfrågan kan inte skattas (för få dagar under kapaciteten).",
        "en": "The hub was full on {days} evidence days: the measured {desks} desks are a "
        "lower bound, and demand cannot be estimated (too few days below capacity).",
    },
    "lower_bound_estimated": {
        "sv": "Hubben var full {days} underlagsdagar: uppmätta {desks} platser är en undre "
        "gräns. Behovet är skattad efterfrågan med de fulla dagarna som censurerade "
        "observationer (docs/metrics.md), med dess intervall.",
        "en": "The hub was full on {days} evidence days: the measured {desks} desks are a "
        "lower bound. The need is the estimated demand with the full days as censored "
        "observations (docs/metrics.md), with its range.",
    },
    "leave_one_out": {
        "sv": "Prognosen bygger på de andra kommunernas mätningar, inte den egna: jämför.",
        "en": "The projection uses the other municipalities' measurements, not its own: compare.",
    },
    "no_reference": {
        "sv": "Ingen uppmätt användarandel att räkna från: ange en under Antaganden.",
        "en": "No measured adoption to project from: enter one under Assumptions.",
    },
    "no_projection": {
        "sv": "Ingen prognos: ingen användarandel eller toppkvot att räkna med.",
        "en": "No projection: no adoption or peak ratio to use.",
    },
    "no_commuters": {
        "sv": "Faktafilen säger inte var de boende arbetar: utpendlare okänt.",
        "en": "The facts file does not say where residents work: out-commuters unknown.",
    },
    "no_growth": {
        "sv": "Ingen befolkningsförändring i faktafilen: ingen tillväxt i prognosen.",
        "en": "No population change in the facts file: no growth in the projection.",
    },
    "no_bands": {
        "sv": "Inga pendlingsavstånd att räkna nyttan från.",
        "en": "No commuting distances to estimate the benefit from.",
    },
    "suppressed": {
        "sv": "Värden som bygger på färre än {k} personer visas som ”<{k}”.",
        "en": "Figures resting on fewer than {k} people are shown as “<{k}”.",
    },
}


def assumption_name(key: str, lang: Lang) -> str:
    names = ASSUMPTION_NAMES.get(key)
    return key if names is None else names[lang]


def label(key: str, lang: Lang, **fields: object) -> str:
    text = LABELS[key][lang]
    return text.format(**fields) if fields else text


def note_text(code: str, params: dict[str, str], lang: Lang) -> str:
    texts = NOTES.get(code)
    if texts is None:
        return code
    try:
        return texts[lang].format(**params)
    except KeyError:
        return texts[lang]


# --- formatting ---------------------------------------------------------------------------

_NBSP = "\u00a0"


def fmt_num(value: Value, lang: Lang, decimals: int = 0) -> str:
    """``12345.6`` → ``12 346`` (Swedish, no-break space) or ``12,346``; ``<5``; ``–``."""
    if isinstance(value, Suppressed):
        return str(value)
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "sv":
        text = text.replace(",", "\u2009").replace(".", ",").replace("\u2009", _NBSP)
    return text


def fmt_pct(value: Value, lang: Lang, decimals: int | None = None) -> str:
    """A fraction as percent: two decimals below 1 %, else one (``0,8 %``, ``12.5%``)."""
    if isinstance(value, Suppressed) or value is None:
        return fmt_num(value, lang)
    pct = float(value) * 100
    d = decimals if decimals is not None else (2 if abs(pct) < 1 else 1)
    number = fmt_num(pct, lang, d)
    return f"{number}{_NBSP}%" if lang == "sv" else f"{number}%"


def fmt_range(low: Value, mid: Value, high: Value, lang: Lang, decimals: int = 0) -> str:
    """``8 (6–11)``; a point value alone when low = mid = high."""
    m = fmt_num(mid, lang, decimals)
    if isinstance(mid, Suppressed) or mid is None or (low == mid == high):
        return m
    return f"{m} ({fmt_num(low, lang, decimals)}–{fmt_num(high, lang, decimals)})"
