"""A payload with a key given twice is ambiguous (``{"occupied":false,"occupied":true}``):
every adapter that reads JSON rejects it with reason ``duplicate_key``, whichever key and
at whatever depth, including when both values agree. Derived from each adapter's own
accepted examples, so a new adapter or example is covered without listing it here."""

from __future__ import annotations

import json
from typing import Any

import pytest

from hubsense.events import PresenceEvent, Rejection, RejectReason
from tests.collector.adapters.support import NAMES, RECEIVED_NS, Case, cases, sample_adapter

JSON_CASES = [
    c for name in NAMES for c in cases(name) if c.is_event and c.payload.lstrip().startswith(b"{")
]


def _paths(doc: Any, at: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The path of every object's first key, the top level first."""
    out: list[tuple[str, ...]] = []
    if isinstance(doc, dict) and doc:
        first = next(iter(doc))
        out.append((*at, first))
        for key, value in doc.items():
            out += _paths(value, (*at, key))
    return out


def _repeat(payload: bytes, path: tuple[str, ...]) -> bytes:
    """The payload with the object at ``path[:-1]`` giving its key ``path[-1]`` twice."""

    def encode(value: Any, here: tuple[str, ...]) -> str:
        if isinstance(value, dict):
            items = [f"{json.dumps(k)}:{encode(v, (*here, k))}" for k, v in value.items()]
            if here == path[:-1]:
                key = path[-1]
                items.insert(0, f"{json.dumps(key)}:{encode(value[key], (*here, key))}")
            return "{" + ",".join(items) + "}"
        if isinstance(value, list):
            return "[" + ",".join(encode(v, here) for v in value) + "]"
        return json.dumps(value)

    return encode(json.loads(payload), ()).encode()


@pytest.mark.parametrize("case", JSON_CASES, ids=lambda c: f"{c.adapter}/{c.name}")
def test_a_repeated_key_is_rejected_at_every_depth(case: Case) -> None:
    paths = _paths(json.loads(case.payload))
    assert paths
    for path in paths:
        adapter = sample_adapter(case.adapter)
        [result] = adapter.parse(case.topic, _repeat(case.payload, path), RECEIVED_NS)
        assert isinstance(result, Rejection), (path, result)
        assert result.reason == RejectReason.DUPLICATE_KEY, (path, result.detail)
        assert repr(path[-1]) in result.detail
        assert "ambiguous" in result.detail
        # the same message without the repeat is accepted: the repeat is the reason
        [plain] = sample_adapter(case.adapter).parse(case.topic, case.payload, RECEIVED_NS)
        assert isinstance(plain, PresenceEvent)


def test_every_json_adapter_is_covered() -> None:
    assert {c.adapter for c in JSON_CASES} == set(NAMES) - {"homeassistant"}
