"""Second-order norms of indirect reciprocity and the strategies of the donation game.

An observer judges a donor from what the donor did (helped or refused) and the standing of the
recipient: `NORMS[norm][act][recipient_good]` is 1 when the donor is judged good. These are the
four norms of Radzvilavicius, Kessinger & Plotkin (2021); Scoring is Nowak & Sigmund's (1998) image
scoring (the recipient's standing never matters).
"""

from __future__ import annotations

import numpy as np

__all__ = ["ALLC", "ALLD", "DISC", "NORMS", "STRATEGIES", "norm_table"]

NORMS: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    # norm[act][recipient is good] -> donor judged good (1) or bad (0); act 1 = helped
    "stern_judging": ((1, 0), (0, 1)),
    "simple_standing": ((1, 0), (1, 1)),
    "scoring": ((0, 0), (1, 1)),
    "shunning": ((0, 0), (0, 1)),
}

STRATEGIES: tuple[str, ...] = ("ALLC", "ALLD", "DISC")
"""Unconditional cooperators, unconditional defectors, discriminators (help only the good)."""
ALLC, ALLD, DISC = 0, 1, 2


def norm_table(norm: str) -> np.ndarray:
    """The norm as an int8 array [act, recipient_good]."""
    return np.array(NORMS[norm], dtype=np.int8)
