"""Thread settings applied when credsim starts work, never on import."""

from __future__ import annotations

import os

__all__ = ["wait_passively"]


def wait_passively() -> None:
    """Numba's OpenMP threads spin at each barrier by default: on a machine busier than its
    cores that costs a time slice per parallel call. Passive waiting gives the same results, far
    faster there, and the same speed on an idle machine. A value the user set is kept. Called
    before the first simulation is built (the runtime reads it when it starts its threads)."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
