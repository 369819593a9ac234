"""How much memory a run will need at its peak and how much this machine has, so that a run that
will not fit says so before it starts; and the peak a run really reached, for run.json.

The need comes from a measured model (credsim.engine.memory_coefficients, fitted by
benchmarks/memory_model.py): resident memory above the process once its scenario is loaded,
as fixed bytes plus bytes per agent, for each phase whose peak can be the run's (stepping the
days, writing the results). credsim.scenario.footprint turns a scenario into such lines.
"""

from __future__ import annotations

import contextlib
import os
import re
import resource
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from credsim.errors import UserError

__all__ = [
    "Footprint",
    "MemoryModel",
    "PeakMeter",
    "available_bytes",
    "check_fits",
    "format_bytes",
    "memory_limit",
    "parse_size",
    "population_footprint",
    "set_memory_limit",
]

_LIMIT: ContextVar[int | None] = ContextVar("credsim_memory_limit", default=None)
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$", re.IGNORECASE)


def available_bytes() -> int:
    """Memory a run may use: the limit set by `memory_limit` (--max-memory), else what this
    machine has available to new allocations (MemAvailable), else its physical memory."""
    limit = _LIMIT.get()
    if limit is not None:
        return limit
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


@contextlib.contextmanager
def memory_limit(limit: int | None) -> Iterator[None]:
    """Within the block, runs may use `limit` bytes (None: what the machine has available)."""
    token = _LIMIT.set(limit)
    try:
        yield
    finally:
        _LIMIT.reset(token)


def set_memory_limit(limit: int | None) -> None:
    """From now on in this context, runs may use `limit` bytes (the command line's
    --max-memory; `memory_limit` limits a block)."""
    _LIMIT.set(limit)


def parse_size(text: str, flag: str = "--max-memory") -> int:
    """'4G', '512M', '4GiB' or a number of bytes -> bytes (powers of 1024)."""
    found = _SIZE.match(text)
    if found is None:
        raise UserError(f"{flag} {text!r}: give a size such as 4G, 512M or 1000000 (bytes).")
    power = " KMGT".index((found.group(2) or " ").upper())
    size = int(float(found.group(1)) * 1024**power)
    if size < 2**20:
        raise UserError(f"{flag} {text}: at least 1M.")
    return size


def format_bytes(n: float) -> str:
    """Bytes as GiB or MiB, for messages."""
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 else f"{n / 2**20:.0f} MiB"


@dataclass(frozen=True)
class Footprint:
    """Peak resident memory of a piece of work: the most of a few phases whose peak can be the
    run's, each fixed bytes plus bytes per agent, plus a buffer that grows with the agents up to
    a cap: `(fixed, per_agent)` or `(fixed, per_agent, buffer_per_agent, buffer_cap)`."""

    lines: tuple[tuple[float, ...], ...]

    def _phases(self) -> list[tuple[float, float, float, float]]:
        return [(*line, 0.0, 0.0)[:4] for line in self.lines]  # type: ignore[misc]

    def bytes(self, agents: int) -> float:
        """Peak bytes above the process as it is now, for `agents` agents."""
        return max(self.phase_bytes(agents))

    def phase_bytes(self, agents: int) -> list[float]:
        """Each phase's peak bytes for `agents` agents, in the order of `lines`."""
        return [f + b * agents + min(e * agents, cap) for f, b, e, cap in self._phases()]

    @property
    def bytes_per_agent(self) -> float:
        """The largest bytes per agent of any phase, its buffer apart."""
        return max(b for _, b, _, _ in self._phases())

    @property
    def fixed_bytes(self) -> float:
        """The largest fixed bytes of any phase."""
        return max(f for f, _, _, _ in self._phases())

    def largest(self, free: float) -> int:
        """The most agents that fit in `free` bytes (0 if none do)."""
        if self.bytes(0) > free:
            return 0
        lo, hi = 0, 1
        while self.bytes(hi) <= free:
            lo, hi = hi, hi * 2
            if hi > 2**62:
                return 2**62
        while hi - lo > 1:  # the need grows with the agents: bisect
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if self.bytes(mid) <= free else (lo, mid)
        return lo

    def plus(self, fixed: float = 0.0, per_agent: float = 0.0) -> Footprint:
        """The same work with more fixed bytes and bytes per agent in every phase."""
        return Footprint(tuple((f + fixed, b + per_agent, e, c) for f, b, e, c in self._phases()))

    def times(self, k: int) -> Footprint:
        """`k` of the same work at once (in separate processes)."""
        return Footprint(tuple((f * k, b * k, e * k, c * k) for f, b, e, c in self._phases()))


class MemoryModel:
    """The fitted coefficients (see benchmarks/memory_model.py for how they were measured)."""

    def __init__(self, coefficients: dict | None = None) -> None:
        if coefficients is None:
            from credsim.engine.memory_coefficients import COEFFICIENTS

            coefficients = COEFFICIENTS
        self.c = coefficients


def population_footprint(model: MemoryModel | None = None) -> Footprint:
    """Peak memory of building a population and its graph alone (credsim population)."""
    c = (model or MemoryModel()).c["population"]
    return Footprint(((c["fixed_bytes"], c["bytes_per_agent"]),))


def _nice(agents: int) -> int:
    """`agents` rounded down to three significant digits."""
    if agents < 1000:
        return agents
    step = 10 ** (len(str(agents)) - 3)
    return agents // step * step


def check_fits(footprint: Footprint, agents: int, what: str, advice: str) -> None:
    """Raise a UserError (exit 2) when `what` (with `agents` agents) will not fit in the memory
    available, naming the largest size that would."""
    free = available_bytes()
    need = footprint.bytes(agents)
    if need <= free:
        return
    limited = _LIMIT.get() is not None
    has = f"--max-memory allows {format_bytes(free)}" if limited else (
        f"this machine has {format_bytes(free)} available"
    )  # fmt: skip
    most = _nice(footprint.largest(free))
    fits = (
        f"At most {most:,} agents fit ({advice.format(most=most)})"
        if most > 0
        else "Not even one agent fits"
    )
    raise UserError(
        f"{what} needs about {format_bytes(need)} of memory at its peak "
        f"({format_bytes(footprint.fixed_bytes)} plus {footprint.bytes_per_agent:,.0f} bytes "
        f"per agent, as measured); {has}. {fits}; or let each agent stand for more people "
        "(population.people_per_agent), or set --max-memory if more memory will be free."
    )


def _status(key: str) -> int | None:
    """A figure of /proc/self/status in bytes (None where there is none)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


_AT_IMPORT = _status("VmRSS") or 0
"""Resident bytes when credsim's engine was imported: the empty process, near enough."""


class PeakMeter:
    """The peak resident memory of this process since the meter started, above what it held
    then (Linux: VmHWM, reset at the start where /proc/self/clear_refs allows; elsewhere the
    process's peak since it began)."""

    def __init__(self, base: int | None = None) -> None:
        """A meter from now; with `base`, one that counts from the process's own peak so far
        above `base` bytes (see `since_import`)."""
        self.helpers = 0
        """Peak bytes of processes that worked for this one (a counterfactual stepped
        alongside), above their start, added to `above_start`: the sum of two peaks, which may
        not have come at the same moment, so at most what the two held together."""
        self.banked = self.banked_peak = 0
        """The peak of the phases before this one above the start, with their helpers', and
        this process's own (`new_phase`)."""
        if base is not None:
            self.base = base
            return
        self.base = _status("VmRSS") or 0
        _reset_peak()

    def new_phase(self) -> None:
        """Keep the peak so far (with its helpers') and measure a new one from here, with helpers
        of its own: the processes of one phase (a counterfactual alongside the day loop) are not
        added to those of another (half of the report). Where the peak cannot be reset, the new
        phase's helpers are added to the whole process's peak: still at most what was held."""
        self.banked, self.banked_peak = self.above_start(), self.peak()
        self.helpers = 0
        _reset_peak()

    @classmethod
    def since_import(cls) -> PeakMeter:
        """The process's peak above what it held when credsim's engine was imported."""
        return cls(_AT_IMPORT)

    def peak(self) -> int:
        """Peak resident bytes of this process since the meter started."""
        hwm = _status("VmHWM")
        if hwm is None:
            hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        return max(hwm, self.banked_peak)

    def above_start(self) -> int:
        """Peak resident bytes since the meter started, above those at its start (with the
        peaks of the processes that worked for this one)."""
        return max(self.banked, max(self.peak() - self.base, 0) + self.helpers)


def _reset_peak() -> None:
    """Reset this process's peak resident size to its current one, where Linux allows."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")  # 5: reset the peak resident size to the current one
    except OSError:
        pass
