"""Per-citizen differences between two runs of the same population: who is sanctioned in one run
and not the other, why, how scores moved, and all of it by group.

The two runs must simulate the same citizens with the same seed, so that counter-based randomness
gives both the same draws (common random numbers): a difference between them is then caused by
the scenarios' difference, directly or through feedback (a citizen told of a penalty acts
differently the next day), never by chance.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import pyarrow.dataset as ds

from credsim.engine.tables import NULLABLE
from credsim.errors import UserError
from credsim.results import Results
from credsim.results.citizens import trait_of_column
from credsim.results.timeseries import DIMENSION, GROUP_NAME

__all__ = ["REASONS", "Analysis", "analyse", "trait_columns"]

REASONS: dict[str, str] = {
    "wrong_record": "a misattributed or fabricated record named them in this run",
    "own_record_elsewhere": "a record of their own act named someone else in the other run",
    "network_loss": "they lost points through their friends' scores (network term) in this run",
    "spared_then_acted": "a record of their own act named someone else in this run, so this run "
    "did not penalise or deter them, and their later acts differ",
    "acts_differ": "their own acts differ between the runs (feedback from what they were told)",
    "other": "none of the above: the scenarios score or respond differently to the same records",
}
"""Why a citizen is sanctioned in one run and not the other, checked in this order."""

QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)
NETWORK_RULE = "P:network"


@dataclass
class Analysis:
    """Per-citizen differences (`citizens`), the same by group (`by_group`), and headline figures
    (`figures`, the body of compare.json without the two runs' summaries)."""

    citizens: pd.DataFrame
    by_group: pd.DataFrame
    figures: dict


def trait_columns(citizens: pd.DataFrame) -> list[str]:
    """The categorical traits of citizens.parquet by column (sex, age_band, urban, province,
    synthetic_group, ...)."""
    return [
        c
        for c in citizens.columns
        if isinstance(citizens[c].dtype, pd.CategoricalDtype) and not c.startswith("grade.")
    ]


def _events(run: Results, table: str, columns: list[str]) -> pd.DataFrame | None:
    """Some columns of one event table (a null id as -1, as the engine holds it), or None when
    the run kept no log of it."""
    folder = run.path / "events" / table
    if not folder.is_dir():
        return None
    data = ds.dataset(folder, format="parquet").to_table(columns=columns)
    nullable = [c for c in NULLABLE.get(table, ()) if c in columns]
    for name in nullable:
        at = data.schema.get_field_index(name)
        data = data.set_column(at, name, pc.fill_null(data.column(name), -1))
    return data.to_pandas()


def _kept_all_events(run: Results) -> bool:
    """Whether the run logged every event (not a sample, not none)."""
    path = run.path / "scenario.toml"
    if not path.is_file() or not (run.path / "events").is_dir():
        return False
    output = tomllib.loads(path.read_text(encoding="utf-8")).get("output", {})
    return output.get("events", "all") == "all"


def _flag(n: int, who: np.ndarray) -> np.ndarray:
    out = np.zeros(n, bool)
    out[who[(who >= 0) & (who < n)]] = True
    return out


def _evidence(run: Results, n: int) -> dict[str, np.ndarray] | None:
    """Per-citizen facts from one run's event log, or None if the run kept only part of it."""
    if not _kept_all_events(run):
        return None
    rec = _events(run, "records", ["attributed_to", "true_actor"])
    changes = _events(run, "score_changes", ["citizen", "delta", "rule"])
    sanctions = _events(run, "sanctions", ["citizen", "action"])
    who = rec["attributed_to"].to_numpy() if rec is not None else np.empty(0, np.int32)
    # A fabricated record's true actor is null in the file: -1 here, as the engine holds it.
    actor = rec["true_actor"].to_numpy() if rec is not None else np.empty(0, np.int32)
    wrong = actor != who
    network = np.empty(0, np.int32)
    if changes is not None:
        lost = (changes["rule"].astype(str) == NETWORK_RULE) & (changes["delta"] < 0)
        network = changes["citizen"].to_numpy()[lost.to_numpy()]
    listed = np.empty(0, np.int32)
    if sanctions is not None:
        listed = sanctions["citizen"].to_numpy()[(sanctions["action"].astype(str) == "listed")]
    return {
        "wrong_record": _flag(n, who[wrong]),
        "own_record_elsewhere": _flag(n, actor[wrong & (actor >= 0)]),
        "network_loss": _flag(n, network),
        "ever_listed": _flag(n, listed),
    }


def _act_keys(acts: pd.DataFrame, kinds: list[str]) -> np.ndarray:
    """One 64-bit key per act: day (15 bits), actor (31), kind (8, index in `kinds`), detail (8)."""
    kind = np.array([kinds.index(k) for k in acts["kind"].cat.categories], np.uint64)
    return (
        (acts["day"].to_numpy().astype(np.uint64) << np.uint64(47))
        | (acts["actor"].to_numpy().astype(np.uint64) << np.uint64(16))
        | (kind[acts["kind"].cat.codes.to_numpy()] << np.uint64(8))
        | acts["detail"].to_numpy().astype(np.uint64)
    )


def _acts_differ(a: Results, b: Results, n: int) -> tuple[np.ndarray, dict] | None:
    """Citizens whose acts differ between the runs, and counts of acts in one run only."""
    if not (_kept_all_events(a) and _kept_all_events(b)):
        return None
    columns = ["day", "actor", "kind", "detail"]
    acts_a, acts_b = _events(a, "acts", columns), _events(b, "acts", columns)
    if acts_a is None or acts_b is None:
        return None
    kinds = sorted(set(acts_a["kind"].cat.categories) | set(acts_b["kind"].cat.categories))
    ua, ca = np.unique(_act_keys(acts_a, kinds), return_counts=True)
    ub, cb = np.unique(_act_keys(acts_b, kinds), return_counts=True)
    _, ia, ib = np.intersect1d(ua, ub, assume_unique=True, return_indices=True)
    common = np.minimum(ca[ia], cb[ib])
    extra_a, extra_b = ca.copy(), cb.copy()
    extra_a[ia] -= common
    extra_b[ib] -= common
    actor = np.uint64((1 << 31) - 1)
    keys = np.concatenate([ua[extra_a > 0], ub[extra_b > 0]])
    differ = ((keys >> np.uint64(16)) & actor).astype(np.int64)
    counts = {
        "acts_a": int(ca.sum()),
        "acts_b": int(cb.sum()),
        "acts_common": int(common.sum()),
        "acts_only_a": int(extra_a.sum()),
        "acts_only_b": int(extra_b.sum()),
    }
    return _flag(n, differ), counts


def _common_policy(a: Results, b: Results, ca: pd.DataFrame, cb: pd.DataFrame) -> str | None:
    """A's primary policy if B scores it too, else the first policy both score."""
    scored_b = {c[6:] for c in cb.columns if c.startswith("score.")}
    first = a.summary.get("primary_policy")
    if first in scored_b and f"score.{first}" in ca.columns:
        return first
    both = [c[6:] for c in ca.columns if c.startswith("score.") and c[6:] in scored_b]
    return both[0] if both else None


def _reason(
    this: dict[str, np.ndarray] | None, other: dict[str, np.ndarray] | None, acts: np.ndarray | None
) -> np.ndarray | None:
    """The first reason of REASONS that holds for each citizen (as a string array)."""
    if this is None or other is None:
        return None
    n = this["wrong_record"].shape[0]
    out = np.full(n, "other", dtype=object)
    differ = acts if acts is not None else np.zeros(n, bool)
    checks = [
        ("wrong_record", this["wrong_record"]),
        ("own_record_elsewhere", other["own_record_elsewhere"]),
        ("network_loss", this["network_loss"]),
        ("spared_then_acted", this["own_record_elsewhere"] & differ),
        ("acts_differ", differ),
    ]
    for name, holds in reversed(checks):
        out[holds] = name
    return out


def per_citizen(a: Results, b: Results) -> tuple[pd.DataFrame, str | None, dict]:
    """One row per citizen: traits, listed and ever listed in each run, score change B - A,
    and the reason for a difference in status."""
    for run, label in ((a, "A"), (b, "B")):
        if not (run.path / "citizens.parquet").is_file():
            raise UserError(f"run {label} ({run.path}) kept no citizens table; set output.citizens")
    ca, cb = a.citizens, b.citizens
    if len(ca) != len(cb) or not np.array_equal(ca["citizen"].to_numpy(), cb["citizen"].to_numpy()):
        raise UserError("the two runs have different citizens; a twin run needs one population")
    traits = trait_columns(ca)
    for col in traits:
        if col not in cb or not ca[col].astype(str).equals(cb[col].astype(str)):
            raise UserError(
                f"the two runs' citizens differ in {col!r}: a twin run needs the same population "
                "(same population table, size and seed)"
            )
    n = len(ca)
    out = ca[["citizen", *traits]].copy()
    out["listed_a"] = ca["listed"].to_numpy()
    out["listed_b"] = cb["listed"].to_numpy()
    # `wrongful` (but-for) is there only when a run computed its counterfactual.
    for column, name in (("wrongful", "wrongful"), ("touched_by_wrong_record", "touched")):
        if column in ca and column in cb:
            out[f"{name}_a"] = ca[column].to_numpy()
            out[f"{name}_b"] = cb[column].to_numpy()
    ev_a, ev_b = _evidence(a, n), _evidence(b, n)
    acts = _acts_differ(a, b, n)
    act_counts: dict = {}
    if acts is not None:
        out["acts_differ"] = acts[0]
        act_counts = acts[1]
    if ev_a is not None and ev_b is not None:
        out["ever_listed_a"] = ev_a["ever_listed"]
        out["ever_listed_b"] = ev_b["ever_listed"]
        reason_a = _reason(ev_a, ev_b, out.get("acts_differ"))
        reason_b = _reason(ev_b, ev_a, out.get("acts_differ"))
        only_a = out["listed_a"] & ~out["listed_b"]
        only_b = out["listed_b"] & ~out["listed_a"]
        out["reason"] = pd.Categorical(
            np.where(only_a, reason_a, np.where(only_b, reason_b, "")),
            categories=["", *REASONS],
        )
    policy = _common_policy(a, b, ca, cb)
    if policy is not None:
        col = f"score.{policy}"
        out["score_a"] = ca[col].to_numpy()
        out["score_b"] = cb[col].to_numpy()
        out["score_change"] = out["score_b"].astype(np.int32) - out["score_a"].astype(np.int32)
    return out, policy, act_counts


def _quantiles(values: np.ndarray, prefix: str = "") -> dict[str, float | None]:
    """Mean and QUANTILES of `values` (None for an empty array), keys prefixed."""
    names = [f"{prefix}p{round(q * 100):02d}" for q in QUANTILES]
    if values.shape[0] == 0:
        return {f"{prefix}mean": None, **dict.fromkeys(names)}
    qs = np.quantile(values, QUANTILES)
    out: dict[str, float | None] = {f"{prefix}mean": round(float(values.mean()), 4)}
    out.update({name: float(v) for name, v in zip(names, qs, strict=True)})
    return out


def _group_row(frame: pd.DataFrame) -> dict:
    row: dict = {
        "citizens": len(frame),
        "sanctioned_a": int(frame["listed_a"].sum()),
        "sanctioned_b": int(frame["listed_b"].sum()),
        "sanctioned_only_a": int((frame["listed_a"] & ~frame["listed_b"]).sum()),
        "sanctioned_only_b": int((frame["listed_b"] & ~frame["listed_a"]).sum()),
    }
    if "ever_listed_a" in frame:
        row["ever_listed_only_a"] = int((frame["ever_listed_a"] & ~frame["ever_listed_b"]).sum())
        row["ever_listed_only_b"] = int((frame["ever_listed_b"] & ~frame["ever_listed_a"]).sum())
    if "score_change" in frame:
        change = frame["score_change"].to_numpy()
        row["score_changed"] = int((change != 0).sum())
        row["score_change_mean"] = round(float(change.mean()), 4) if change.shape[0] else None
        for q in (0.05, 0.5, 0.95):
            key = f"score_change_p{round(q * 100):02d}"
            row[key] = float(np.quantile(change, q)) if change.shape[0] else None
    return row


def by_group(citizens: pd.DataFrame, traits: list[str]) -> pd.DataFrame:
    """One row per (trait, label), "all" first: counts of the sanctioned in each run and in one
    run only, and the score change B - A. The group is named by `dimension` (the trait by its
    own name, as in timeseries.parquet: `group`, not its column `synthetic_group`) and
    `group_name` (the label), not by SQL keywords."""
    rows = [{DIMENSION: "all", GROUP_NAME: "all", **_group_row(citizens)}]
    for column in traits:
        dimension = trait_of_column(column)
        for label, frame in citizens.groupby(column, observed=False, sort=True):
            rows.append({DIMENSION: dimension, GROUP_NAME: str(label), **_group_row(frame)})
    table = pd.DataFrame(rows)
    for side in ("a", "b"):
        per = (
            1e5 * table[f"sanctioned_only_{side}"] / table["citizens"].where(table["citizens"] > 0)
        )
        table[f"sanctioned_only_{side}_per_100k"] = per.round(2)
    return table


def _nested(table: pd.DataFrame) -> dict:
    out: dict = {}
    for row in table.to_dict("records"):
        dimension, label = row.pop(DIMENSION), row.pop(GROUP_NAME)
        if dimension == "all":
            continue
        clean = {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
        out.setdefault(dimension, {})[label] = clean
    return out


def analyse(a: Results, b: Results) -> Analysis:
    """Compare two finished runs of the same population, citizen by citizen."""
    citizens, policy, act_counts = per_citizen(a, b)
    traits = trait_columns(citizens)
    groups = by_group(citizens, traits)
    head = groups.iloc[0].to_dict()
    listed_a, listed_b = citizens["listed_a"], citizens["listed_b"]
    figures: dict = {
        "citizens": len(citizens),
        "people_per_agent": int(a.summary.get("people_per_agent", 1)),
        "sanctioned_definition": "on any list at the end of the run (citizens.parquet `listed`)",
        "sanctioned_a": int(listed_a.sum()),
        "sanctioned_b": int(listed_b.sum()),
        "sanctioned_both": int((listed_a & listed_b).sum()),
        "sanctioned_only_a": int(head["sanctioned_only_a"]),
        "sanctioned_only_b": int(head["sanctioned_only_b"]),
        "ever_listed_definition": "a `listed` event in the run's sanctions log, at any time",
        "ever_listed_only_a": _int_or_none(head.get("ever_listed_only_a")),
        "ever_listed_only_b": _int_or_none(head.get("ever_listed_only_b")),
        **act_counts,
    }
    if "reason" in citizens:
        for side in ("a", "b"):
            only = citizens[f"listed_{side}"] & ~citizens[f"listed_{'b' if side == 'a' else 'a'}"]
            counts = citizens.loc[only, "reason"].value_counts()
            figures[f"reasons_only_{side}"] = {r: int(counts.get(r, 0)) for r in REASONS}
    figures["reasons"] = REASONS
    if policy is not None:
        change = citizens["score_change"].to_numpy()
        changed = change[change != 0]
        figures["score"] = {
            "policy": policy,
            "change": "score under B minus score under A, per citizen",
            "changed": int(changed.shape[0]),
            "up": int((changed > 0).sum()),
            "down": int((changed < 0).sum()),
            **_quantiles(change.astype(np.float64)),
            **_quantiles(changed.astype(np.float64), "changed_"),
        }
    else:
        figures["score"] = None
    figures["by_group"] = _nested(groups)
    return Analysis(citizens, groups, figures)


def _int_or_none(value: object) -> int | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return int(value)


def read_analysis(path: Path) -> Analysis:
    """The analysis of a compare directory's a/ and b/ runs (recomputed from them)."""
    return analyse(Results(Path(path) / "a"), Results(Path(path) / "b"))
