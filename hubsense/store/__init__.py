"""Storage: one interface (``Store``), two backends (SQLite embedded, InfluxDB production)."""

from __future__ import annotations

from hubsense.config import Settings
from hubsense.store.base import (
    BatchTooLarge,
    Store,
    StoreError,
    StoreRejected,
    StoreUnavailable,
)
from hubsense.store.sqlite import SqliteStore

__all__ = [
    "BatchTooLarge",
    "SqliteStore",
    "Store",
    "StoreError",
    "StoreRejected",
    "StoreUnavailable",
    "make_store",
    "open_store",
]


def open_store(settings: Settings) -> Store:
    """The configured backend, opened (database/bucket created if missing)."""
    store = make_store(settings)
    store.open()
    return store


def make_store(settings: Settings) -> Store:
    """The configured backend, not opened yet (``open`` connects)."""
    store: Store
    if settings.store == "influxdb":
        from hubsense.store.influx import InfluxStore

        store = InfluxStore.from_settings(settings)
    else:
        store = SqliteStore(settings.sqlite_path)
    return store
