"""Execution backends for sweeps: interchangeable, holding no model logic.

`local` runs tasks in a pool of processes on this machine; `ray` runs them as Ray tasks on a local
or remote cluster (optional extra `credsim[ray]`, imported only when used).
"""

from __future__ import annotations

from credsim.experiments.backends.base import (
    BACKENDS,
    Backend,
    BackendUnavailable,
    make_backend,
)
from credsim.experiments.backends.local import LocalBackend

__all__ = ["BACKENDS", "Backend", "BackendUnavailable", "LocalBackend", "make_backend"]
