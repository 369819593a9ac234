"""A counterfactual stepped in a second process while its run steps in this one.

Stepped ahead (credsim.engine.but_for_ahead), a run's counterfactual takes its days before the
run's own, one after the other on one core. Nothing in the counterfactual reads the run, so on a
machine with a second core it can as well step at the same time in a process of its own: that
process builds it from the same scenario and seed, steps it with `AheadSteps` and sends what is
kept of each day as it is done; the run reads a day's answers when it reaches that day (waiting
if the counterfactual is behind). The answers are the same bytes as stepped ahead; the two
simulations are in memory together, in two processes.

The process (credsim.experiments.twin_process) is a fresh interpreter started by
credsim.engine.helper_process; it ends when the run lets it go, or on its own when the run's
process is gone."""

from __future__ import annotations

import pickle
import subprocess
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

import numpy as np

from credsim.engine.but_for_ahead import Ahead
from credsim.engine.helper_process import end_helper, spawn_helper

if TYPE_CHECKING:
    from credsim.scenario import Scenario

__all__ = ["CHILD", "Alongside", "TwinProcessDied", "start_alongside"]


class TwinProcessDied(RuntimeError):
    """The counterfactual's process ended without answering (killed, or out of memory)."""


class Alongside(Ahead):
    """The answers of a counterfactual stepping in a second process, read day by day as the run
    reaches them (`advance`); the same answers as `Ahead`'s."""

    def __init__(
        self, conn: Connection, proc: subprocess.Popen, on_day: Callable[[int], None] | None
    ) -> None:
        # Ahead's fields come with the process's first message (`_begun`), not before: building
        # this run meanwhile is what the second core is for.
        self._conn, self._proc, self._on_day = conn, proc, on_day
        self._begun = False
        self._ended = False
        self.days, self.perks, self.today = [], None, -1
        self.seconds = 0.0
        """The time its days took to step, in its process (known at its end)."""
        self.twin_bytes = 0
        self.twin_peak_bytes = 0
        """The counterfactual's process's peak resident bytes above its start."""

    @property
    def codes(self):  # type: ignore[override]
        self._begin()
        return self._codes

    def _receive(self, what: str) -> Any:
        try:
            kind, payload = self._conn.recv()
        except (EOFError, OSError):
            raise self._died() from None
        if kind == "error":
            self.close(stop=True)
            raise payload
        assert kind == what, (kind, what)
        return payload

    def _begin(self) -> None:
        if not self._begun:
            self._codes, self.lo, self.start = self._receive("begin")
            self.now = self.start.copy()
            self._begun = True

    def advance(self, day: int) -> None:
        self._begin()
        while len(self.days) <= day:
            self.days.append(self._receive("day"))
            if self._on_day is not None:
                self._on_day(len(self.days) - 1)
        super().advance(day)

    def listed(self, citizens: np.ndarray) -> np.ndarray:
        self._begin()
        return super().listed(citizens)

    def perk_eligible(self, name: str, citizens: np.ndarray) -> np.ndarray | None:
        self.finish()
        return super().perk_eligible(name, citizens)

    def finish(self) -> None:
        """Take the counterfactual's end (its perks and bytes) and let its process end."""
        if self._ended:
            return
        self._begin()
        self.perks, self.seconds, self.twin_bytes, self.twin_peak_bytes = self._receive("end")
        self._ended = True
        self.close()

    def close(self, stop: bool = False) -> None:
        """Let the process end; with `stop`, end it at once (the run stopped before the end)."""
        end_helper(self._conn, self._proc, stop)

    def let_go(self) -> None:
        self.finish()
        super().let_go()

    def nbytes(self) -> int:
        return super().nbytes() if self._begun else 0

    def _died(self) -> TwinProcessDied:
        try:
            code = self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        return TwinProcessDied(
            f"the process stepping the counterfactual without erroneous records ended without "
            f"answering (exit code {code}); if it ran out of memory, run with --threads 1 (the "
            "counterfactual then steps first, in this process) or with fewer citizens"
        )


CHILD = "from credsim.experiments.twin_process import serve; serve({fd})"
"""The second process's program (the runner's layer builds simulations; the engine does not)."""


def start_alongside(scenario: Scenario, on_day: Callable[[int], None] | None = None) -> Alongside:
    """Start stepping `scenario`'s counterfactual (`scenario` without its errors, as
    `build_simulation` would step it ahead) in a process of its own; `on_day` is told each of
    its days as this process receives it."""
    conn, proc = spawn_helper(CHILD)  # one core each: this process takes the other
    conn.send_bytes(pickle.dumps(scenario, protocol=pickle.HIGHEST_PROTOCOL))
    return Alongside(conn, proc, on_day)
