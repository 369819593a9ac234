"""How much memory this machine has free, so a run that will not fit says so before it starts."""

from __future__ import annotations

import os

from credsim.errors import UserError

__all__ = ["available_bytes", "check_fits"]


def available_bytes() -> int:
    """Memory available to new allocations (MemAvailable), or physical memory if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def check_fits(needed: int, what: str) -> None:
    """Raise a UserError naming the memory `what` needs when it exceeds what is available."""
    free = available_bytes()
    if needed > free:
        raise UserError(
            f"{what} needs about {needed / 2**30:.1f} GiB of memory; this machine has "
            f"{free / 2**30:.1f} GiB available. Use fewer agents, or set people_per_agent so "
            "that each agent stands for more people."
        )
