"""Big buffers go back to the OS when freed (glibc), so an all-day inbox does not creep up.

glibc serves a large allocation with its own mmap, returned at free, but raises that size limit
to the largest block freed so far (up to 32 MB). After the first 6 MB list response is freed,
every later response, decoded body and PCM buffer comes from the heap instead, where a freed
block stays part of the process: RSS rose in steps of 5-15 MB over a 10,000-voicemail soak.
Fixing the limit at glibc's default (128 KiB) turns that adjustment off; a big block then costs
an mmap and the page faults to fill it (about a millisecond for a 6 MB response).
"""

from __future__ import annotations

import ctypes
import sys

M_MMAP_THRESHOLD = -3  # glibc's <malloc.h>
MMAP_THRESHOLD = 128 * 1024


def return_big_buffers_to_the_os() -> bool:
    """Fix glibc's mmap threshold; False where there is no glibc (macOS, musl): nothing to do."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
