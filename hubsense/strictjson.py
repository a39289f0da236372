"""JSON from outside read without ambiguity: a key given twice in one object is refused.

``{"occupied": false, "occupied": true}`` is valid JSON to most parsers, which keep the
last value; another reader of the same bytes may keep the first. Such a payload has no one
meaning, so the collector rejects it (reason ``duplicate_key``) in its own contract and in
every adapter. The standard library's decoder is used because it hands each object's pairs
over in order (``object_pairs_hook``), where orjson and pydantic keep only the last value.
Also refused: ``NaN``/``Infinity`` (not JSON) and bytes that are not UTF-8.
"""

from __future__ import annotations

import json
from typing import Any


class DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"key {key!r} appears more than once in one object")


class NotJson(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(key)
            seen.add(key)
    return out


def _constant(name: str) -> Any:
    raise NotJson(f"{name} is not JSON")


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_constant)


def loads(payload: bytes | str) -> Any:
    """The document; ``DuplicateKey`` for a key repeated in any object at any depth,
    ``NotJson`` for anything that is not one UTF-8 JSON document."""
    try:
        text = payload.decode("utf-8") if isinstance(payload, bytes) else payload
        return _DECODER.decode(text)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise NotJson(str(exc)) from None


def duplicate_key(payload: bytes | str) -> str | None:
    """The first key repeated within one object, or None (also for text that is not JSON:
    that is for the caller's own parser to say)."""
    try:
        loads(payload)
    except DuplicateKey as exc:
        return exc.key
    except NotJson:
        return None
    return None


def may_repeat(payload: bytes, quoted_keys: tuple[bytes, ...]) -> bool:
    """False only when no key of ``quoted_keys`` (each as ``b'"name"'``) can occur twice:
    no escape sequence (which could spell a key another way) and each at most once. The
    collector's own payloads allow no other key, so this skips the full check for them."""
    return b"\\" in payload or any(payload.count(k) > 1 for k in quoted_keys)
