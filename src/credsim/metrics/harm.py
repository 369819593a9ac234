"""But-for harm in the core metric: what it compares with the run's counterfactual without
erroneous records (credsim.engine.but_for), and the harm figures of its summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from credsim.engine.but_for import ButFor

if TYPE_CHECKING:
    from credsim.engine import World
    from credsim.metrics.groups import Groups

__all__ = ["WRONGFUL", "ButForHarms"]

WRONGFUL = np.uint8(0x80)
"""Bit of `wrongful_basis`: sanctioned now and not in the counterfactual."""


class ButForHarms:
    """Methods of the core metric that count harm against the counterfactual. The metric holds
    `world`, `groups`, `k`, `lists`, `tracked`, `wrong`, `flows`, `stocks`, `sanctioned_wrongful`,
    `sanctioned_touched`, `refused_wrongful_by`, `blocked_code` and `but_for`."""

    world: World
    groups: Groups
    k: int
    but_for: ButFor | None

    def compare_with(self, but_for: ButFor) -> None:
        """Count harms against the run without erroneous records."""
        self.but_for = but_for
        # Record kinds of the counterfactual in this run's codes (its codebook may differ).
        names = but_for.codes.names("record_kind")
        self.twin_kind = np.array([self.world.codes.code("record_kind", k) for k in names])

    def _twin_changes(self) -> np.ndarray:
        """Citizens listed or removed today in the counterfactual."""
        if self.but_for is None:
            return np.empty(0, np.int32)
        return self.but_for.moved()

    def _refused_wrongful(self, t: int, who: np.ndarray, kinds: np.ndarray) -> None:
        """Refusals that the same citizen did not meet today, for that kind, without errors."""
        assert self.but_for is not None
        there, there_kinds = self.but_for.refused()
        keys = (who.astype(np.int64) << 8) | kinds
        twin_keys = (there.astype(np.int64) << 8) | self.twin_kind[there_kinds]
        wrong = ~np.isin(keys, twin_keys)
        self.flows["refused_wrongful"][t] = self.groups.count(who[wrong])
        for code, count in zip(*np.unique(kinds[wrong], return_counts=True), strict=True):
            metric = self.blocked_code.get(int(code))
            if metric is not None:
                self.refused_wrongful_by[metric] = self.refused_wrongful_by.get(metric, 0) + int(
                    count
                )

    def _harms(self, i: int) -> dict:
        """Group i's harm stocks: but-for (None when not computed) and touched by a wrong
        record; people at the end, and person-days over the run."""
        k, stocks = self.k, self.stocks
        but_for = self.but_for is not None
        return {
            "sanctioned_wrongful": int(self.sanctioned_wrongful[i] * k) if but_for else None,
            "listed_new_wrongful": (
                round(self.flows["listed_new_wrongful"][:, i].sum() * k) if but_for else None
            ),
            "wrongful_sanction_days": (
                round(stocks["sanctioned_wrongful"][:, i].sum() * k) if but_for else None
            ),
            "sanctioned_touched_by_wrong_record": int(self.sanctioned_touched[i] * k),
            "touched_sanction_days": round(
                stocks["sanctioned_touched_by_wrong_record"][:, i].sum() * k
            ),
        }

    def _reasons(self) -> dict[str, int]:
        """Why the wrongfully sanctioned are: a wrong record of a list's basis kind reached
        them (per list; one citizen can count under several), or none did (knock-on harm)."""
        lo, hi = self.world.lo, self.world.hi
        flags = self.wrong[lo:hi]
        wrongful = (flags & WRONGFUL) > 0
        out = {}
        for bit, (name, _) in enumerate(self.tracked):
            out[f"wrong record under {name}"] = int(
                np.count_nonzero(wrongful & ((flags & np.uint8(1 << bit)) > 0)) * self.k
            )
        mask = np.uint8((1 << len(self.tracked)) - 1)
        out["no wrong record of their own"] = int(
            np.count_nonzero(wrongful & ((flags & mask) == 0)) * self.k
        )
        return out
