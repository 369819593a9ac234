"""How a run in one process steps its counterfactual without erroneous records: first, alone
(credsim.engine.but_for_ahead), or in a second process at the same time
(credsim.engine.but_for_alongside); the same results either way."""

from __future__ import annotations

from credsim.engine.helper_process import two_cores
from credsim.scenario import SECTIONS, Scenario
from credsim.scenario.footprint import agents, fits_alongside

__all__ = ["ALONGSIDE_FROM", "twin_alongside"]

ALONGSIDE_FROM = 100_000_000
"""Agent-days (agents × days) from which a run steps its counterfactual in a second process, on
a second core. Starting that process, loading the compiled kernels in it and building a second
population beside the run's take back what short runs gain (the default, whole process, one run
each, 2026-12-07: 1e5 × 365 10.4 s alongside against 10.9 s first; 1e6 × 60 10.1 against
9.5 s; 1e6 × 365 26.1 against 35.6 s on one core, medians of five pairs)."""


def twin_alongside(scenario: Scenario) -> bool:
    """Whether a run in one process steps its counterfactual in a second process, at the same
    time as the run (credsim.engine.but_for_alongside) rather than first: when it has one, the
    run may use two cores (`--threads 1` or NUMBA_NUM_THREADS=1 keeps it to one), it is long
    enough for the process to pay, its plug-ins can be imported by a fresh interpreter (not
    defined in a notebook or script), and both simulations fit in memory together."""
    if not scenario.model.but_for or not two_cores():
        return False
    if agents(scenario) * scenario.model.days < ALONGSIDE_FROM:
        return False
    for section in SECTIONS:
        for _, cls, _ in scenario.plugins[section]:
            if cls.__module__ in ("__main__", "__mp_main__") or "<locals>" in cls.__qualname__:
                return False
    return fits_alongside(scenario)
