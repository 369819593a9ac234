"""Giving freed memory back to the operating system between a run's stages.

A run's arrays of a few to 32 MB come from the C allocator's heap (glibc raises its threshold for
mapping arrays of their own up to 32 MB as arrays are freed), and a heap keeps the pages of what
was freed for reuse: after the day loop a process freed of its simulation still held it in its
resident memory, and the report's peak came on top of it. `give_back_memory` collects Python's
garbage, hands Arrow's pool back and asks glibc to return every free page (`malloc_trim`); on a
C library without it, only the first two. Told how much was just let go (`held`), it does
nothing below `GIVE_BACK_BYTES`: a small run's pages set no peak, and a collection's 0.1 s
would be a tenth of it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from functools import cache

import pyarrow as pa

__all__ = ["GIVE_BACK_BYTES", "give_back_memory"]

GIVE_BACK_BYTES = 1 << 24
"""Bytes let go (a simulation's state, a counterfactual's, a report section's columns) from
which their pages are given back: about 500,000 citizens of the default's state."""


@cache
def _trim():
    """glibc's malloc_trim, or None."""
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


def give_back_memory(collect: bool = True, held: int | None = None) -> None:
    """Free what nothing references (unless `collect` is false: only the allocators' free
    pages) and return the freed pages to the operating system; nothing if `held`, the bytes
    just let go, is given and under `GIVE_BACK_BYTES`."""
    if held is not None and held < GIVE_BACK_BYTES:
        return
    if collect:
        gc.collect()
    pa.default_memory_pool().release_unused()
    trim = _trim()
    if trim is not None:
        trim(0)
