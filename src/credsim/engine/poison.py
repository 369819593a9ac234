"""Poisoned truth: a check that scores and status depend on records only, by behaviour.

While policies score and consequences respond, `TruthPoison` overwrites every ground-truth state
column, the day's acts and the records' truth fields with random values, then puts the real ones
back before the metrics measure. A run whose scores, listings and refusals change under poison has
a policy or consequence that reads the truth by some route, however indirect (a service, a private
attribute, a name built from strings, the garbage collector). Tests switch it on with
`Simulation.poison_truth(seed)`; it costs a copy of the truth columns twice a day.
"""

from __future__ import annotations

import numpy as np

from credsim.engine.day import TRUTH_FIELDS, Day
from credsim.engine.state import State

__all__ = ["TruthPoison"]


class TruthPoison:
    """Hides the truth behind random values during the score and respond phases."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self._saved: list[tuple[dict[str, np.ndarray], str, np.ndarray]] = []
        self._columns: list[tuple[np.ndarray, np.ndarray]] = []

    def hide(self, state: State, day: Day) -> None:
        """Overwrite the truth in place (columns) and in the day's frozen tables."""
        for spec in state.specs:
            if spec.truth:
                column = state[spec.name]
                self._columns.append((column, column.copy()))
                column[...] = self._noise(column.shape[0], column.dtype)
        tables = [(day.acts, list(day.acts.fields)), (day.records, sorted(TRUTH_FIELDS))]
        for batch, fields in tables:
            frozen = batch.columns()
            for name in fields:
                self._saved.append((frozen, name, frozen[name]))
                frozen[name] = self._noise(frozen[name].shape[0], frozen[name].dtype)

    def restore(self) -> None:
        """Put every real value back."""
        for column, real in self._columns:
            column[...] = real
        for frozen, name, real in self._saved:
            frozen[name] = real
        self._columns, self._saved = [], []

    def _noise(self, size: int, dtype: np.dtype) -> np.ndarray:
        dtype = np.dtype(dtype)
        if dtype.kind == "f":
            return self.rng.standard_normal(size).astype(dtype)
        if dtype.kind == "b":
            return self.rng.integers(0, 2, size).astype(bool)
        info = np.iinfo(dtype)
        return self.rng.integers(info.min, info.max, size, dtype=dtype, endpoint=True)
