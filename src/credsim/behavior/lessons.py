"""The lessons in a day's notices, for deterrence: for each notice that teaches, its citizen's
row, the families of acts it teaches about (a bit mask) and its severity, in one compiled pass
over the notices (the same rows and numbers as the NumPy expressions it replaced; a test holds
them equal)."""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["lesson_rows"]


def lesson_rows(
    told: dict[str, np.ndarray],
    codes: tuple[int, int, int, int, int, int],
    severity: tuple[float, float, float, float],
    tables: tuple[np.ndarray, np.ndarray, np.ndarray],
    refused_told: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, families, severity) of the notices that teach. A lost grade's points teach
    `grade` x the points over a grade's (`per_grade`, by policy), a grade lost `grade`, a fine
    `fined` (those three only when they name a record: its kind's families, `by_record`), a
    warning `warned`, a listing or a refusal `listed` (the list's families, `by_list`) but a
    refusal of a citizen a list told (`refused_told`, per notice) teaches nothing; severities
    at most 1. `codes`: the notice codes of points, grade_down, fined, warned, listed and
    refused; `severity`: (grade, fined, warned, listed)."""
    by_record, by_list, per_grade = tables
    return _lessons(
        told["notice"], told["about"], told["value"], told["record_kind"], refused_told,
        tuple(int(c) for c in codes), tuple(float(v) for v in severity), by_record, by_list,
        per_grade,
    )  # fmt: skip


@njit(cache=True)
def _lessons(kind, about, value, rkind, refused_told, codes, sev, by_record, by_list, per_grade):
    points, grade_down, fined, warned, listed, refused = codes
    grade_sev, fined_sev, warned_sev, listed_sev = sev
    n = kind.shape[0]
    rows = np.empty(n, np.int64)
    masks = np.empty(n, np.int64)
    sevs = np.empty(n, np.float64)
    k = 0
    for i in range(n):
        what, rk, ab = np.int64(kind[i]), np.int64(rkind[i]), np.int64(about[i])
        s, mask = 0.0, np.int64(0)
        if what == points and value[i] < 0 and rk >= 0:
            s, mask = grade_sev * -np.int64(value[i]) / per_grade[ab], by_record[rk]
        elif what == grade_down and rk >= 0:
            s, mask = grade_sev, by_record[rk]
        elif what == fined and rk >= 0:
            s, mask = fined_sev, by_record[rk]
        elif what == warned:
            s, mask = warned_sev, by_list[ab]
        elif what == listed or (what == refused and not refused_told[i]):
            s, mask = listed_sev, by_list[ab]
        if mask > 0 and s > 0:
            rows[k], masks[k], sevs[k] = i, mask, min(s, 1.0)
            k += 1
    return rows[:k], masks[:k], sevs[:k]
