"""A generated registry for benchmarks: ``desks`` desks in ``hubs`` hubs in the 8 municipalities
of the example region (8 municipalities, 25 hubs, 500 desks by default), written to TOML.
"""

from __future__ import annotations

from pathlib import Path

from hubsense.registry import Registry, load_registry

MUNICIPALITIES = [
    ("berg", "Berg", "2326"),
    ("bracke", "Bräcke", "2305"),
    ("harjedalen", "Härjedalen", "2361"),
    ("krokom", "Krokom", "2309"),
    ("ragunda", "Ragunda", "2303"),
    ("stromsund", "Strömsund", "2313"),
    ("are", "Åre", "2321"),
    ("ostersund", "Östersund", "2380"),
]
HOURS = (
    '{ mon = "07:00-18:00", tue = "07:00-18:00", wed = "07:00-18:00", '
    'thu = "07:00-18:00", fri = "07:00-16:00" }'
)


def registry_toml(desks: int = 500, hubs: int = 25, municipalities: int = 8) -> str:
    """Hubs are spread round-robin over the municipalities, desks as evenly as possible
    over the hubs, zones of 10 desks."""
    if not 1 <= municipalities <= len(MUNICIPALITIES) or hubs < municipalities or desks < hubs:
        raise ValueError("need 1..8 municipalities, at least one hub each, a desk per hub")
    lines = [
        "schema_version = 1",
        f'version = "bench-{desks}-{hubs}-{municipalities}"',
        'region = "Benchmark region"',
        "",
        "[municipalities]",
    ]
    for mid, name, code in MUNICIPALITIES[:municipalities]:
        lines.append(f'{mid} = {{ name = "{name}", code = "{code}" }}')
    for h in range(hubs):
        mid = MUNICIPALITIES[h % municipalities][0]
        n = desks // hubs + (1 if h < desks % hubs else 0)
        hub_id = f"{mid}-h{h:02d}"
        lines += [
            "",
            "[[hubs]]",
            f'id = "{hub_id}"',
            f'municipality = "{mid}"',
            f'name = "Hub {h:02d}"',
            'timezone = "Europe/Stockholm"',
            "closed_dates = []",
            f"opening_hours = {HOURS}",
            "desks = [",
        ]
        for d in range(n):
            zone = chr(ord("a") + d // 10)
            desk = f"{zone}{d % 10 + 1:02d}"
            lines.append(f'  {{ id = "{desk}", zone = "{zone}", sensor = "{hub_id}-{desk}" }},')
        lines.append("]")
    return "\n".join(lines) + "\n"


def write_registry(
    path: Path, desks: int = 500, hubs: int = 25, municipalities: int = 8
) -> Registry:
    path.write_text(registry_toml(desks, hubs, municipalities), encoding="utf-8")
    return load_registry(path)
