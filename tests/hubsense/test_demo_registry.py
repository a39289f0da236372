"""The demo's registry is the example inventory with some municipalities left without a
hub (so planning has somewhere to project the next hub); every hub it has is exactly the
example's."""

from __future__ import annotations

from hubsense.config import DEFAULT_REGISTRY
from hubsense.registry import load_registry
from launch.demo import DEMO_REGISTRY


def test_the_demo_registry_is_the_example_without_some_hubs():
    example = load_registry(DEFAULT_REGISTRY)
    demo = load_registry(DEMO_REGISTRY)
    assert demo.region == example.region
    assert demo.municipalities.keys() == example.municipalities.keys()
    for hub_id, hub in demo.hubs.items():
        assert hub == example.hubs[hub_id]
    without = sorted(m.id for m in demo.municipalities.values() if not m.hubs)
    assert without == ["bracke", "ragunda"]
    assert all(example.municipalities[m].hubs for m in without)
    assert len(demo.hubs) == len(example.hubs) - 2
