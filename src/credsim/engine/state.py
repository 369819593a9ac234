"""Agent state as declared struct-of-arrays columns, one NumPy array per attribute.

Modules declare the columns they own; the engine allocates each once. A column marked `truth`
holds what really happened (a debt that is really unpaid); the view handed to policies and
consequences refuses to read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

__all__ = ["Column", "State", "StateView", "TruthAccessError"]


@dataclass(frozen=True)
class Column:
    """One per-citizen attribute: its name, NumPy dtype, fill value and owner."""

    name: str
    dtype: str
    fill: int | float = 0
    owner: str = ""
    truth: bool = False
    doc: str = ""
    shown: bool = True
    """Whether citizens.parquet shows it (False: working sums a plug-in keeps for speed)."""


class TruthAccessError(RuntimeError):
    """A part that may read records only asked for a ground-truth column."""


class State:
    """All per-citizen columns of a run."""

    def __init__(self, n: int, lo: int = 0, hi: int | None = None) -> None:
        self.n = n
        self.lo, self.hi = lo, n if hi is None else hi
        self._columns: dict[str, np.ndarray] = {}
        self._specs: dict[str, Column] = {}

    def declare(self, columns: Iterable[Column]) -> None:
        """Allocate each column once; two owners of one name is a bug."""
        for col in columns:
            if col.name in self._specs:
                other = self._specs[col.name].owner
                raise ValueError(f"column {col.name!r} declared by {other!r} and {col.owner!r}")
            self._specs[col.name] = col
            if self.lo == 0 and self.hi == self.n:
                self._columns[col.name] = np.full(self.n, col.fill, dtype=np.dtype(col.dtype))
                continue
            # A shard's columns span every citizen so that indices stay global, but only its own
            # range is ever written: the rest stays unmapped zero pages, costing no memory.
            column = np.zeros(self.n, dtype=np.dtype(col.dtype))
            column[self.lo : self.hi] = col.fill
            self._columns[col.name] = column

    def __getitem__(self, name: str) -> np.ndarray:
        return self._columns[name]

    def __contains__(self, name: str) -> bool:
        return name in self._columns

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def spec(self, name: str) -> Column:
        """The declaration of a column."""
        return self._specs[name]

    @property
    def specs(self) -> list[Column]:
        """Every declared column, in declaration order."""
        return list(self._specs.values())

    @property
    def nbytes(self) -> int:
        """Resident bytes of all columns (a shard's own range only)."""
        return sum(a.itemsize for a in self._columns.values()) * (self.hi - self.lo)

    def bytes_per_citizen(self) -> int:
        """Sum of the item sizes of all columns."""
        return sum(a.itemsize for a in self._columns.values())

    def view(self) -> StateView:
        """A view that refuses ground-truth columns (for policies and consequences)."""
        return StateView(self)


class StateView:
    """State as the record-only parts see it: the public columns' arrays, and only the names and
    owners of the truth columns (so that asking for one says why it is refused). It holds no
    reference to the `State`, so no attribute leads from it to a truth column."""

    __slots__ = ("_public", "_truth", "n")

    def __init__(self, state: State) -> None:
        self.n = state.n
        self._public = {s.name: state[s.name] for s in state.specs if not s.truth}
        self._truth = {s.name: s.owner for s in state.specs if s.truth}

    def __getitem__(self, name: str) -> np.ndarray:
        if name in self._truth:
            raise TruthAccessError(
                f"column {name!r} is ground truth (owned by {self._truth[name]!r}); "
                "scores and status may depend only on records"
            )
        return self._public[name]

    def __contains__(self, name: str) -> bool:
        return name in self._public

    def __iter__(self) -> Iterator[str]:
        return iter(self._public)
