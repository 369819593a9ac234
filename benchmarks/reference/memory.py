"""Resident memory of this process, from /proc/self/status (Linux): what a model costs is the peak
resident set while it is built and run, less what the process held just before."""

from __future__ import annotations

import gc
from pathlib import Path

__all__ = ["MemoryProbe"]


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field}")


class MemoryProbe:
    """Start before building a model; `peak_bytes` is the peak RSS since then, minus the RSS at
    the start (the kernel's high-water mark is reset through /proc/self/clear_refs)."""

    def __init__(self) -> None:
        gc.collect()
        try:
            Path("/proc/self/clear_refs").write_text("5")
            self.reset = True
        except OSError:
            self.reset = False  # then the peak may include earlier allocations: said in the output
        self.start_bytes = _status_kib("VmRSS") * 1024

    @property
    def peak_bytes(self) -> int:
        return _status_kib("VmHWM") * 1024 - self.start_bytes

    @property
    def resident_bytes(self) -> int:
        """Resident now, less the start: what the model still holds."""
        return _status_kib("VmRSS") * 1024 - self.start_bytes
