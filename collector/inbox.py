"""A single-producer, single-consumer hand-off from paho's network thread to the worker.

``queue.Queue`` takes a lock and notifies a condition on every put and get; at tens of
thousands of messages a second the two threads then spend their time contending for it.
A deque's append and popleft are atomic, so the producer only touches the event when the
consumer has said it is about to sleep.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Generic, TypeVar

T = TypeVar("T")


class Inbox(Generic[T]):
    def __init__(self) -> None:
        self._items: deque[T] = deque()
        self._wake = threading.Event()
        self._sleeping = False

    def put(self, item: T) -> None:
        self._items.append(item)
        if self._sleeping:
            self._wake.set()

    def get(self, timeout: float) -> T | None:
        """The oldest item, waiting up to ``timeout`` seconds; None if there is none."""
        try:
            return self._items.popleft()
        except IndexError:
            pass
        if timeout <= 0:
            return None
        self._wake.clear()
        self._sleeping = True  # from here on a put wakes us
        try:
            if not self._items:
                self._wake.wait(timeout)
        finally:
            self._sleeping = False
        try:
            return self._items.popleft()
        except IndexError:
            return None

    def __len__(self) -> int:
        return len(self._items)
