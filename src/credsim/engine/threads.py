"""Thread settings applied when credsim starts work, never on import, and kernels compiled both
for every thread and for one."""

from __future__ import annotations

import os
import types
from collections.abc import Callable

from numba import njit

__all__ = ["parallel_and_serial", "wait_passively"]


def wait_passively() -> None:
    """Numba's OpenMP threads spin at each barrier by default: on a machine busier than its
    cores that costs a time slice per parallel call. Passive waiting gives the same results, far
    faster there, and the same speed on an idle machine. A value the user set is kept. Called
    before the first simulation is built (the runtime reads it when it starts its threads)."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def parallel_and_serial(py_func: Callable) -> tuple[Callable, Callable]:
    """`py_func` compiled to run its `prange` loops on every thread, and as plain loops on one
    (the same arithmetic, so the same numbers, without a thread barrier per call), each cached
    under its own name. Numba names a function's cache after its qualified name and line: two
    dispatchers of one function share one cache entry, and whichever compiled first (parallel or
    not) was loaded for both."""
    variants = []
    for suffix, parallel in (("_par", True), ("_one", False)):
        code = py_func.__code__
        copy = types.FunctionType(
            code, py_func.__globals__, code.co_name + suffix, py_func.__defaults__,
            py_func.__closure__,
        )  # fmt: skip
        copy.__qualname__ = py_func.__qualname__ + suffix
        copy.__module__ = py_func.__module__
        copy.__doc__ = py_func.__doc__
        variants.append(njit(parallel=parallel, cache=True)(copy))
    return variants[0], variants[1]
