"""collector.heaptrim: freed heap memory of another thread, held by glibc behind a block
still in use, goes back to the system."""

from __future__ import annotations

import os
import platform
import threading

import pytest

from collector.heaptrim import available, trim_heap

glibc = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc only"
)


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@glibc
def test_glibc_can_trim() -> None:
    assert available()


@glibc
def test_memory_freed_in_a_thread_behind_a_live_block_is_given_back() -> None:
    kept: list[bytes] = []

    def churn() -> None:
        blocks = [bytes(4000) for _ in range(40_000)]  # ~160 MB in the thread's arena
        kept.append(bytes(4000))  # still in use after them: the arena cannot shrink
        blocks.clear()

    thread = threading.Thread(target=churn)
    thread.start()
    thread.join()
    before = _rss_bytes()
    assert trim_heap()
    after = _rss_bytes()
    assert before - after > 100_000_000, (before, after)
    assert kept
