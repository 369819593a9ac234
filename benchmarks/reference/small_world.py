"""A clustered small-world friendship graph for the hand-written reference models, built in NumPy.

The same graph model as Mesa's `networkx.watts_strogatz_graph(N, 20, 0.1)` and close to credsim's
friendship layer (about 20 friends, mostly neighbours in the citizen numbering, a tenth of ties
random): a ring lattice joining each citizen to the 10 next ones, each tie's far end moved to a
uniformly random citizen with probability 0.1. networkx avoids a duplicate when it moves a tie;
here a duplicate (odds about 20 in N per moved tie) or a loop is dropped instead. At 1e6 citizens
networkx takes minutes and gigabytes for this; NumPy takes about a second.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["friends_csr", "friends_matrix", "small_world_ties"]

REWIRE = 0.1
"""Share of ties whose far end moves to a random citizen (Mesa's and credsim's 10%)."""


def small_world_ties(
    citizens: int, friends: float, seed: int, rewire: float = REWIRE
) -> tuple[np.ndarray, np.ndarray]:
    """Each tie once, as (lower, higher) citizen numbers (int32): about `friends` ties each."""
    rng = np.random.default_rng([seed, 0x5EED])
    half = round(friends) // 2
    near = np.repeat(np.arange(citizens, dtype=np.int64), half)
    far = (near + np.tile(np.arange(1, half + 1), citizens)) % citizens
    moved = rng.random(far.shape[0]) < rewire
    far[moved] = rng.integers(0, citizens, int(moved.sum()))
    keep = near != far
    low, high = np.minimum(near, far)[keep], np.maximum(near, far)[keep]
    pairs = np.sort(low * citizens + high)  # np.unique is far slower here (numpy 2.4)
    unique = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])]
    return (unique // citizens).astype(np.int32), (unique % citizens).astype(np.int32)


def friends_matrix(citizens: int, low: np.ndarray, high: np.ndarray) -> sp.csr_matrix:
    """The symmetric friendship matrix (float64 ones), rows sorted: `matrix @ scores` sums each
    citizen's friends' scores."""
    rows = np.concatenate([low, high])
    cols = np.concatenate([high, low])
    data = np.ones(rows.shape[0], dtype=np.float64)
    matrix = sp.csr_matrix((data, (rows, cols)), shape=(citizens, citizens))
    matrix.sort_indices()
    return matrix


def friends_csr(citizens: int, low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each citizen's friends as CSR arrays (row offsets int64, friend numbers int32)."""
    matrix = friends_matrix(citizens, low, high)
    return matrix.indptr.astype(np.int64), matrix.indices.astype(np.int32)
