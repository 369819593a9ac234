"""Giving freed memory back to the operating system between a run's stages.

A run's arrays of a few to 32 MB come from the C allocator's heap (glibc raises its threshold for
mapping arrays of their own up to 32 MB as arrays are freed), and a heap keeps the pages of what
was freed for reuse: after the day loop a process freed of its simulation still held it in its
resident memory, and the report's peak came on top of it. `give_back_memory` collects Python's
garbage, hands Arrow's pool back and asks glibc to return every free page (`malloc_trim`); on a
C library without it, only the first two.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from functools import cache

import pyarrow as pa

__all__ = ["give_back_memory"]


@cache
def _trim():
    """glibc's malloc_trim, or None."""
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


def give_back_memory(collect: bool = True) -> None:
    """Free what nothing references (unless `collect` is false: only the allocators' free
    pages) and return the freed pages to the operating system."""
    if collect:
        gc.collect()
    pa.default_memory_pool().release_unused()
    trim = _trim()
    if trim is not None:
        trim(0)
