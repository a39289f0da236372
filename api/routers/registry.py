"""The hub registry itself and its municipalities."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import RegistryDep
from api.models import MunicipalityOut, RegistryOut

router = APIRouter(tags=["registry"])


@router.get("/registry", response_model=RegistryOut, summary="Region and registry version")
def registry_info(registry: RegistryDep) -> RegistryOut:
    return RegistryOut(
        region=registry.region,
        version=registry.version,
        municipalities=len(registry.municipalities),
        hubs=len(registry.hubs),
        desks=sum(len(h.desks) for h in registry.hubs.values()),
    )


@router.get(
    "/municipalities", response_model=list[MunicipalityOut], summary="Municipalities and hubs"
)
def municipalities(registry: RegistryDep) -> list[MunicipalityOut]:
    return [
        MunicipalityOut(
            id=m.id,
            name=m.name,
            code=m.code,
            hubs=list(m.hubs),
            desk_count=sum(len(registry.hubs[h].desks) for h in m.hubs),
        )
        for m in registry.municipalities.values()
    ]
