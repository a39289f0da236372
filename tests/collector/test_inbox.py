from __future__ import annotations

import threading
import time

from collector.inbox import Inbox


def test_fifo_and_empty():
    box: Inbox[int] = Inbox()
    assert box.get(timeout=0) is None
    for i in range(3):
        box.put(i)
    assert len(box) == 3
    assert [box.get(0), box.get(0), box.get(0), box.get(0)] == [0, 1, 2, None]


def test_sleeping_consumer_is_woken_promptly():
    box: Inbox[str] = Inbox()
    threading.Timer(0.05, box.put, args=("x",)).start()
    started = time.monotonic()
    assert box.get(timeout=5) == "x"
    assert time.monotonic() - started < 2


def test_no_item_lost_between_threads():
    box: Inbox[int] = Inbox()
    n = 50_000
    producer = threading.Thread(target=lambda: [box.put(i) for i in range(n)])
    producer.start()
    got = []
    while len(got) < n:
        item = box.get(timeout=0.5)
        if item is not None:
            got.append(item)
    producer.join()
    assert got == list(range(n))
