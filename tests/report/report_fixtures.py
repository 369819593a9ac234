"""A synthetic run directory in the documented format, and the mechanisms' summary keys by hand."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["MECHANISMS", "make_run_dir"]

POLICIES = ("rules", "points")
GRADES = ("A", "B", "C", "D")  # best first
CUTS = (900, 700, 500)  # lowest score of A, B, C
DIMS = {
    "sex": ("female", "male"),
    "age_band": ("0-14", "15-59", "60+"),
    "urban": ("urban", "rural"),
    "group": ("majority", "minority", "migrant"),
    "income": ("q1", "q2", "q3", "q4", "q5"),
}

MECHANISMS = {
    "ties_cut": 1234,
    "isolation": {"listed": 0.31, "family_of_listed": 0.12, "others": 0.01},
    "ties_cut_by_group": {
        "sex": {"female": 600, "male": 634},
        "income": {"q1": 400, "q2": 300, "q3": 250, "q4": 180, "q5": 104},
    },
    "points_bought": 5000,
    "gaming_cost": 123456.0,
    "gaming_by_income": {
        f"q{i}": {
            "buyers": 10 * i,
            "points_bought": 200 * i,
            "yuan": 1000.0 * i,
            "points_per_yuan": 0.05 * i,
        }
        for i in range(1, 6)
    },
    "gaming_by_service": {
        "score_farm": {"buyers": 40, "points_bought": 3000, "yuan": 9000.0, "caught": 4},
        "card_swiping": {"buyers": 20, "points_bought": 2000, "yuan": 6000.0, "caught": 0},
    },
    "help_given": 700,
    "help_requests": 1000,
    "trust_index": 0.62,
    "help_by_group": {
        "sex": {
            "female": {"help_requests": 480, "help_given": 350, "trust_index": 0.729167},
            "male": {"help_requests": 520, "help_given": 350, "trust_index": 0.673077},
        }
    },
    "lender_listings": 90,
    "lender_listings_detected": 30,
    "broker_people_exposed_by_group": {"sex": {"female": 500, "male": 450}},
    "breach_people_exposed": 2000,
    "insider_edits": 12,
}
"""Summary keys of the exclusion, gaming, trust and adversary mechanisms, by hand."""


def _grade(scores: np.ndarray) -> np.ndarray:
    return np.select([scores >= c for c in CUTS], list(GRADES[:3]), GRADES[3])


def make_run_dir(root: Path, citizens: int = 3000, days: int = 95, extra: dict | None = None):
    """A small synthetic run directory in the documented format (no event log)."""
    rng = np.random.default_rng(7)
    run_dir = root / "run"
    run_dir.mkdir()
    people = pd.DataFrame({"citizen": np.arange(citizens, dtype=np.int32)})
    for dim, labels in DIMS.items():
        people[dim] = pd.Categorical(rng.choice(labels, size=citizens), categories=labels)
    for i, policy in enumerate(POLICIES):
        scores = np.clip(rng.normal(750 - 40 * i, 120, citizens), 350, 950).astype(np.int16)
        people[f"score.{policy}"] = scores
        people[f"grade.{policy}"] = _grade(scores)
    people["sim"] = (rng.random(citizens) < 0.9).astype(np.uint8)
    people["listed"] = rng.random(citizens) < 0.05
    people["wrongful"] = people["listed"] & (rng.random(citizens) < 0.3)
    # citizens.parquet writes the trait `group` as `synthetic_group` (an SQL keyword otherwise)
    people.rename(columns={"group": "synthetic_group"}).to_parquet(
        run_dir / "citizens.parquet", index=False
    )

    rows = []
    groups = [("all", "all")] + [(d, label) for d, labels in DIMS.items() for label in labels]
    for day in range(days):
        for by, group in groups:
            row = {"day": day, "dimension": by, "group_name": group}
            for col in ("acts", "records", "records_misattributed", "listed_new", "delisted"):
                row[col] = float(rng.poisson(5))
            row["blocked_flights"] = float(day % 7)
            row["blocked_trains"] = float(day % 3)
            row["sanctioned"] = float(day * 2)
            row["sanctioned_wrongful"] = float(day // 2)
            row["trust_index"] = 0.7 - day * 1e-3
            for policy in POLICIES:
                shares = rng.dirichlet(np.ones(len(GRADES)))
                for grade, share in zip(GRADES, shares, strict=True):
                    row[f"grade_share.{policy}.{grade}"] = share
            rows.append(row)
    ts = pd.DataFrame(rows).astype({"day": "int32", "dimension": "string", "group_name": "string"})
    ts.to_parquet(run_dir / "timeseries.parquet", index=False)

    def group_stats(mask: np.ndarray) -> dict:
        sub = people[mask]
        return {
            "citizens": len(sub),
            "sanctioned": int(sub["listed"].sum()),
            "sanctioned_wrongful": int(sub["wrongful"].sum()),
            "wrongful_sanction_days": int(sub["wrongful"].sum()) * 30,
            "sanctioned_touched_by_wrong_record": int(sub["wrongful"].sum()) + 1,
            "touched_sanction_days": (int(sub["wrongful"].sum()) + 1) * 30,
            "records_misattributed": int(rng.poisson(20)),
            "score_mean": float(sub["score.rules"].mean()),
        }

    by_group = {
        d: {label: group_stats((people[d] == label).to_numpy()) for label in labels}
        for d, labels in DIMS.items()
    }
    summary = {
        "scenario": "test <town>",
        "seed": 42,
        "citizens": citizens,
        "days": days,
        "acts_total": 1234567,
        "records_total": 1000000,
        "records_misattributed": 12345,
        "records_fabricated": 678,
        "records_by_source": {
            "cameras": {"records": 5000, "misattributed": 50, "fabricated": 5},
            "courts": {"records": 800, "misattributed": 2, "fabricated": 0},
        },
        "sanctioned": int(people["listed"].sum()),
        "but_for": True,
        "sanctioned_wrongful": int(people["wrongful"].sum()),
        "wrongful_sanction_days": int(people["wrongful"].sum()) * 30,
        "blocked_flights": 4321,
        "blocked_trains": 8765,
        "score_mean": 712.25,
        "score_gini": 0.0912,
        "grade_shares": {"A": 0.1, "B": 0.4, "C": 0.4, "D": 0.1},
        "primary_policy": "rules",
        "policies": {
            p: {
                "score_mean": 700.0,
                "score_gini": 0.1,
                "grade_shares": {"A": 0.1, "B": 0.4, "C": 0.4, "D": 0.1},
            }
            for p in POLICIES
        },
        "by_group": by_group,
        "speech_acts": 9000,
        "speech_suppressed": 1000,
        "speech_by_group": {
            d: {label: {"speech_acts": 900, "speech_suppressed": 100} for label in labels}
            for d, labels in DIMS.items()
        },
        **(extra or {}),
    }
    (run_dir / "summary.json").write_text(json.dumps(summary, indent=2))
    run = {"credsim_version": "0.1.0", "seed": 42, "threads": 4, "wall_seconds": 12.5,
           "agent_days_per_second": 2.5e7,
           "peak_rss_bytes_per_citizen_before_report": 180}  # fmt: skip
    (run_dir / "run.json").write_text(json.dumps(run))
    (run_dir / "scenario.toml").write_text(
        'name = "test <town>"\nseed = 42\n\n[behavior.self_censorship]\n'
        'plugin = "self_censorship"\nflag_chance = 0.5\n\n'
        '[sources.identity]\nplugin = "identity"\nregistered_share = 0.9\n'
    )
    return run_dir
