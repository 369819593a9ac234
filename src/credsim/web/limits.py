"""What one dashboard run may cost: events, memory and wall time, estimated before it is queued
and enforced while it runs (`credsim run` has no such limits)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from credsim.scenario import Scenario
from credsim.scenario.footprint import act_rate

__all__ = [
    "BASE_BYTES",
    "BYTES_PER_AGENT",
    "BYTES_PER_PENDING_EVENT",
    "EVENTS_PER_RATE",
    "Estimate",
    "RunLimits",
    "agents_of",
    "estimate",
    "format_bytes",
    "parse_bytes",
    "refusal",
    "rss_bytes",
]

EVENTS_PER_RATE = 3.0
"""Event rows (acts, records, score changes, sanctions, notices) per act: measured 2.7 in the
default scenario and 1.7 with every act rate at 1."""
EVENTS_PER_AGENT = 2.0
"""Event rows per agent that do not grow with the days (the ten-year history arriving)."""
BASE_BYTES = 350 * 2**20
"""A worker process before its first citizen: Python, NumPy, Numba, Arrow."""
BYTES_PER_AGENT = 400
"""Peak resident bytes per agent with the but-for counterfactual and the report (measured
180-470)."""
BYTES_PER_PENDING_EVENT = 60
"""Memory per event row held until the event log writes it (every `output.flush_days` days)."""

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class RunLimits:
    """The most a run started from the dashboard may cost."""

    events: int = 200_000_000
    memory_bytes: int = 4 * 2**30
    seconds: float = 3600.0


@dataclass(frozen=True)
class Estimate:
    """What a scenario is expected to cost before it runs."""

    agents: int
    days: int
    daily_rate: float
    events: float
    memory_bytes: float


def parse_bytes(text: str) -> int:
    """'4G', '512M', '4GiB' or a number of bytes -> bytes (powers of 1024)."""
    found = _SIZE.match(text)
    if found is None:
        raise ValueError(f"{text!r} is not a size such as 4G, 512M or 1000000")
    power = " KMGT".index((found.group(2) or " ").upper())
    return int(float(found.group(1)) * 1024**power)


def format_bytes(n: float) -> str:
    """Bytes as GiB or MiB, for messages."""
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 else f"{n / 2**20:.0f} MiB"


def agents_of(scenario: Scenario) -> int:
    """The agents a scenario's population has (its size, or its preset's default size)."""
    name, cls, params = scenario.population
    return int(cls(name, params).size())


def estimate(scenario: Scenario) -> Estimate:
    """Events and peak memory of a run: agents x days x the daily act rates of its behaviours and
    adversaries (switched on or not: a timeline may switch them on)."""
    agents = agents_of(scenario)
    days = int(scenario.model.days)
    rate = act_rate(scenario)
    per_day = agents * rate * EVENTS_PER_RATE
    events = per_day * days + agents * EVENTS_PER_AGENT
    pending = per_day * min(days, scenario.model.output.flush_days)
    memory = BASE_BYTES + agents * BYTES_PER_AGENT + pending * BYTES_PER_PENDING_EVENT
    return Estimate(agents, days, rate, events, memory)


def refusal(guess: Estimate, limits: RunLimits) -> str | None:
    """Why a run cannot fit within `limits`, or None when it can."""
    size = (
        f"{guess.agents:,} citizens x {guess.days:,} days x {guess.daily_rate:.3g} acts a day "
        f"each (the sum of the scenario's act rates)"
    )
    advice = "use fewer citizens or days or lower rates, or run it with credsim run."
    if not guess.events <= limits.events:
        return (
            f"{size} makes about {guess.events:,.0f} events; the dashboard runs at most "
            f"{limits.events:,} (credsim serve --max-run-events): {advice}"
        )
    if not guess.memory_bytes <= limits.memory_bytes:
        return (
            f"{size} needs about {format_bytes(guess.memory_bytes)} of memory; the dashboard "
            f"gives a run at most {format_bytes(limits.memory_bytes)} "
            f"(credsim serve --max-run-memory): {advice}"
        )
    return None


def rss_bytes(pid: int) -> int | None:
    """Resident memory of process `pid` (Linux), or None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None
