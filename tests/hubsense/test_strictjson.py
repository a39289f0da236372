"""Strict JSON: a key repeated in any object is found; the cheap pre-check never hides one
of the contract's keys."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collector.parser import _QUOTED_KEYS
from hubsense import strictjson
from hubsense.contract import PresencePayload

KEYS = list(PresencePayload.model_fields)
scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(st.tuples(st.sampled_from(KEYS) | st.text(max_size=4), inner), max_size=4)
    ),
    max_leaves=12,
)


def render(value: Any, escape: bool) -> str:
    """JSON text; a list of pairs becomes an object that may repeat keys, keys optionally
    written with \\u escapes."""
    if isinstance(value, list) and all(isinstance(p, tuple) for p in value) and value:
        items = []
        for key, v in value:
            k = "".join(f"\\u{ord(c):04x}" for c in key) if escape else key
            items.append(
                f'"{k}":{render(v, escape)}' if escape else f"{json.dumps(k)}:{render(v, escape)}"
            )
        return "{" + ",".join(items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(render(v, escape) for v in value) + "]"
    return json.dumps(value)


def repeated(value: Any) -> bool:
    if isinstance(value, list) and all(isinstance(p, tuple) for p in value) and value:
        keys = [k for k, _ in value]
        return len(set(keys)) != len(keys) or any(repeated(v) for _, v in value)
    if isinstance(value, list):
        return any(repeated(v) for v in value)
    return False


@given(values, st.booleans())
def test_a_repeated_key_is_found_at_any_depth(value: Any, escape: bool) -> None:
    text = render(value, escape)
    assert (strictjson.duplicate_key(text.encode()) is not None) == repeated(value)


@given(st.lists(st.tuples(st.sampled_from(KEYS), scalars), min_size=1, max_size=10), st.booleans())
def test_the_pre_check_never_hides_a_repeated_contract_key(pairs: list, escape: bool) -> None:
    raw = render(pairs, escape).encode()
    if strictjson.duplicate_key(raw) is not None:
        assert strictjson.may_repeat(raw, _QUOTED_KEYS)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        (b'{"a":1,"a":2}', strictjson.DuplicateKey),
        (b'{"x":{"b":1,"b":1}}', strictjson.DuplicateKey),
        (b'[{"a":1},{"a":2},{"c":[{"d":1,"d":2}]}]', strictjson.DuplicateKey),
        (b'{"a":NaN}', strictjson.NotJson),
        (b'{"a":Infinity}', strictjson.NotJson),
        (b'{"a":"\xff"}', strictjson.NotJson),
        (b"[" * 5000, strictjson.NotJson),
        (b"", strictjson.NotJson),
    ],
)
def test_loads_refuses(raw: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        strictjson.loads(raw)


def test_loads_keeps_distinct_keys() -> None:
    assert strictjson.loads(b'{"a":1,"b":{"a":2},"c":[{"a":3}]}') == {
        "a": 1, "b": {"a": 2}, "c": [{"a": 3}]}  # fmt: skip
