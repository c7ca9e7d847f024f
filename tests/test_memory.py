"""glibc's mmap threshold fixed: freed big buffers leave the process (real allocations, measured
in fresh processes: the setting is process-wide and one-way)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from vm_tui.startup import return_big_buffers_to_the_os

PROGRAM = """
import sys
from vm_tui.startup import return_big_buffers_to_the_os
if sys.argv[1] == "fixed":
    assert return_big_buffers_to_the_os()
def rss():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS")) // 1024
big = bytearray(8 << 20); del big  # as after a big list response: glibc now keeps up to 8 MB
before = rss()
blocks = []
for _ in range(10):
    blocks.append(bytearray(4 << 20))  # a decoded body, a PCM buffer...
    blocks.append(bytearray(200 << 10))  # ...and something kept, above it in the heap
pins = blocks[1::2]
del blocks
print(rss() - before)
"""

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")


def retained_mb(mode: str) -> int:
    out = subprocess.run(
        [sys.executable, "-c", PROGRAM, mode], capture_output=True, text=True, check=True
    )
    return int(out.stdout)


@linux_only
def test_freed_big_buffers_are_given_back() -> None:
    assert retained_mb("dynamic") >= 30  # glibc's default: the 40 MB stay
    assert retained_mb("fixed") <= 8


@linux_only
def test_it_says_it_applied() -> None:
    assert return_big_buffers_to_the_os() is True
