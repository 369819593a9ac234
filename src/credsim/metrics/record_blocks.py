"""Columns kept per record, in blocks of a fixed number of records that are added as records
arrive: a growing file costs the pages it fills, never a copy of what it already holds."""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["RecordBlocks"]

BLOCK_BITS = 20
BLOCK = 1 << BLOCK_BITS
"""Records per block (a block of the secret file's 8 bytes a record is 8 MiB)."""


@njit(cache=True)
def _or_at(column, at, bits):
    """column[at[i]] |= bits[i], each row in turn (a position may repeat)."""
    for i in range(at.shape[0]):
        column[at[i]] |= bits[i]


def _by_block(at: np.ndarray) -> list[tuple[int, np.ndarray | slice]]:
    """(block, its rows of `at`) for each block `at` reaches; a day's records mostly fall in
    one block, whose rows are then all of them."""
    if at.shape[0] == 0:
        return []
    first, last = int(at.min()) >> BLOCK_BITS, int(at.max()) >> BLOCK_BITS
    if first == last:
        return [(first, slice(None))]
    block = at >> BLOCK_BITS
    return [(b, rows) for b in range(first, last + 1) if (rows := block == b).any()]


class RecordBlocks:
    """Named columns over record positions 0, 1, ... (`fields`: name -> (dtype, fill))."""

    def __init__(self, fields: dict[str, tuple[str, int]]) -> None:
        self.fields = fields
        self.blocks: list[dict[str, np.ndarray]] = []

    @property
    def capacity(self) -> int:
        return len(self.blocks) * BLOCK

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for block in self.blocks for a in block.values())

    def grow(self, size: int) -> None:
        """Room for positions below `size`."""
        while self.capacity < size:
            self.blocks.append(
                {name: np.full(BLOCK, fill, dtype) for name, (dtype, fill) in self.fields.items()}
            )

    def put(self, name: str, at: np.ndarray, values: np.ndarray) -> None:
        """column[at] = values (positions below the capacity)."""
        for b, rows in _by_block(at):
            self.blocks[b][name][at[rows] & (BLOCK - 1)] = values[rows]

    def or_at(self, name: str, at: np.ndarray, bits: np.ndarray) -> None:
        """column[at] |= bits, row by row (positions may repeat and come in any order)."""
        dtype = np.dtype(self.fields[name][0])
        for b, rows in _by_block(at):
            offset = (at[rows] & (BLOCK - 1)).astype(np.int64)
            _or_at(self.blocks[b][name], offset, bits[rows].astype(dtype))

    def chunks(self, size: int):
        """Positions 0 .. size-1 of every column, a block at a time: {name: rows} per block
        (views, no copy of the file)."""
        for b, block in enumerate(self.blocks):
            rows = min(BLOCK, size - b * BLOCK)
            if rows <= 0:
                return
            yield {name: column[:rows] for name, column in block.items()}

    def take(self, name: str, at: np.ndarray) -> np.ndarray:
        """column[at] (positions below the capacity), in the order of `at`."""
        out = np.empty(at.shape[0], self.fields[name][0])
        for b, rows in _by_block(at):
            out[rows] = self.blocks[b][name][at[rows] & (BLOCK - 1)]
        return out
