"""How often a policy's grade is wrong: each citizen's grade beside the grade they would hold if
only true records had moved their score (base + changes from records whose true actor is the
citizen they are attributed to, + changes with no record such as the network term)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from credsim.behavior.strangers import grade_index

__all__ = ["GradeCheck", "grade_check"]


@dataclass(frozen=True)
class GradeCheck:
    """Shares of the citizens considered (every agent, or the sampled ones of a sampled log)."""

    source: str  # "citizens.parquet" or "score_changes"
    citizens: int
    wrong_share: float
    worse_share: float  # the grade held is worse than the true-record grade (wrongly marked down)
    better_share: float  # the grade held is better (points that were not theirs lifted it)
    identity_mismatches: int  # citizens whose base + logged changes != final score (expect 0)


def grade_check(
    run: Path,
    policy: str,
    grades: tuple[tuple[str, int], ...],
    bounds: tuple[int, int],
    rows: dict[str, np.ndarray],
    considered: np.ndarray,
) -> GradeCheck:
    """`rows` are the policy's score changes in log order (citizen, delta, score, wrong);
    `considered` is a boolean mask over agents (all of them, or a sampled log's sample)."""
    agents = considered.shape[0]
    citizen = rows["citizen"].astype(np.int64)
    delta = rows["delta"].astype(np.int64)
    all_sum = np.bincount(citizen, weights=delta, minlength=agents).astype(np.int64)
    true_sum = np.bincount(
        citizen, weights=np.where(rows["wrong"], 0, delta), minlength=agents
    ).astype(np.int64)
    path = run / "citizens.parquet"
    base_col, score_col = f"base.{policy}", f"score.{policy}"
    names = pq.read_schema(path).names if path.is_file() else []
    if base_col in names and score_col in names:
        table = pq.read_table(path, columns=["citizen", base_col, score_col])
        who = table.column("citizen").to_numpy().astype(np.int64)
        keep = considered[who]
        who = who[keep]
        base = table.column(base_col).to_numpy().astype(np.int64)[keep]
        final = table.column(score_col).to_numpy().astype(np.int64)[keep]
        mismatches = int((base + all_sum[who] != final).sum())
        source = "citizens.parquet"
    else:
        # Without base columns: a citizen's last logged score minus their changes is their base;
        # citizens without changes hold the grade true records give them.
        order = citizen[::-1]
        seen, first_rev = np.unique(order, return_index=True)
        last = citizen.shape[0] - 1 - first_rev
        who = seen[considered[seen]]
        final = rows["score"].astype(np.int64)[last][considered[seen]]
        base = final - all_sum[who]
        mismatches = 0
        source = "score_changes"
    low, high = bounds
    truth = np.clip(base + true_sum[who], low, high)
    held = grade_index(final, grades)
    fair = grade_index(truth, grades)
    n = int(considered.sum())
    if n == 0:
        return GradeCheck(source, 0, 0.0, 0.0, 0.0, mismatches)
    return GradeCheck(
        source=source,
        citizens=n,
        wrong_share=float((held != fair).sum() / n),
        worse_share=float((held > fair).sum() / n),  # index 0 is the best grade
        better_share=float((held < fair).sum() / n),
        identity_mismatches=mismatches,
    )
