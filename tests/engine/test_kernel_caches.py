"""Every compiled kernel is cached under a name of its own: two dispatchers of one Python
function with different options would share one cache entry, and each process would load whichever
variant compiled first for both (the parallel kernels then ran on one thread)."""

from __future__ import annotations

import importlib
import pkgutil
from collections import defaultdict

import numpy as np
from numba import prange
from numba.core.registry import CPUDispatcher

import credsim
from credsim.engine import rng
from credsim.engine.threads import parallel_and_serial


def _dispatchers() -> list[tuple[str, CPUDispatcher]]:
    found = []
    for info in pkgutil.walk_packages(credsim.__path__, "credsim."):
        if info.name.endswith("__main__"):
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # an optional extra (ray, web) not installed
            continue
        for name, value in vars(module).items():
            if isinstance(value, CPUDispatcher) and value.__module__ == module.__name__:
                found.append((f"{info.name}.{name}", value))
    return found


def test_no_two_kernels_share_a_cache_entry():
    by_entry = defaultdict(set)
    kernels = _dispatchers()
    for name, dispatcher in kernels:
        if dispatcher._cache is None or not hasattr(dispatcher._cache, "_cache_file"):
            continue
        options = tuple(sorted((k, str(v)) for k, v in dispatcher.targetoptions.items()))
        by_entry[dispatcher._cache._cache_file._index_name].add((options, name))
    assert len(kernels) > 50  # the walk found credsim's kernels
    shared = {entry: names for entry, names in by_entry.items() if len({o for o, _ in names}) > 1}
    assert not shared


def test_the_parallel_and_serial_variants_give_the_same_draws():
    assert rng._uniforms_par.targetoptions["parallel"]
    assert not rng._uniforms_one.targetoptions["parallel"]
    indices = np.arange(0, 3_000_000, 7, dtype=np.int64)
    np.testing.assert_array_equal(
        rng._uniforms_par(np.uint64(11), 3, indices), rng._uniforms_one(np.uint64(11), 3, indices)
    )


def _twice(x):
    """Doubled."""
    out = np.empty_like(x)
    for i in prange(x.shape[0]):
        out[i] = 2 * x[i]
    return out


def test_variants_keep_the_functions_name_and_text():
    par, one = parallel_and_serial(_twice)
    x = np.arange(10.0)
    np.testing.assert_array_equal(par(x), one(x))
    np.testing.assert_array_equal(par(x), 2 * x)
    assert par.py_func.__qualname__ == "_twice_par"
    assert one.py_func.__doc__ == "Doubled."
