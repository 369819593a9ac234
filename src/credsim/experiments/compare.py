"""Twin runs: two scenarios on the same population with the same random draws, compared citizen
by citizen (`credsim compare A B`).

The output directory holds both run directories (`a/`, `b/`), `compare.json` (headline figures,
by group, and both runs' summaries), `by_group.parquet` (the same groups as a table, one row per
dimension and group), `differences.parquet` (the citizens whose status or score differs) and
`compare.html`; it is built under a temporary sibling and renamed into place whole.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from credsim.errors import UserError
from credsim.experiments.compare_analysis import Analysis, analyse
from credsim.results import Results
from credsim.results.writer import RunDirectory
from credsim.scenario import Scenario, load_scenario
from credsim.scenario.footprint import check_compare_fits

__all__ = ["Comparison", "compare", "load_comparison", "load_twins"]

MARKER = "compare.json"
FORCED = ["output.citizens=all"]
"""A twin run needs every citizen's final state, whatever the scenarios say."""


@dataclass
class Comparison:
    """A finished twin run: both runs, per-citizen differences, by group, and compare.json."""

    path: Path
    a: Results
    b: Results
    citizens: pd.DataFrame
    """One row per citizen: traits (citizens.parquet's columns), listed_a/b, ever_listed_a/b,
    wrongful_a/b (but-for, if both runs computed it), touched_a/b, score_a/b, score_change (B - A,
    primary policy), acts_differ, reason (for a status difference)."""
    by_group: pd.DataFrame
    """One row per (`dimension`, `group_name`), "all"/"all" first: counts sanctioned in each
    run and in one only, ever listed in one only, and score change mean and percentiles."""
    data: dict
    """compare.json."""

    def __repr__(self) -> str:
        return f"Comparison({str(self.path)!r})"

    @property
    def sanctioned_only_a(self) -> np.ndarray:
        """Citizens on a list at the end under A and on none under B."""
        c = self.citizens
        return c.loc[c["listed_a"] & ~c["listed_b"], "citizen"].to_numpy()

    @property
    def sanctioned_only_b(self) -> np.ndarray:
        """Citizens on a list at the end under B and on none under A."""
        c = self.citizens
        return c.loc[c["listed_b"] & ~c["listed_a"], "citizen"].to_numpy()


def load_twins(
    a: str | Path | Scenario,
    b: str | Path | Scenario,
    *,
    population: int | None = None,
    days: int | None = None,
    seed: int | None = None,
    overrides: list[str] | None = None,
    overrides_a: list[str] | None = None,
    overrides_b: list[str] | None = None,
) -> tuple[Scenario, Scenario]:
    """Load both scenarios with the shared options and check that they simulate one population."""
    shared = {"population": population, "days": days, "seed": seed}
    loaded = []
    for side, source, own in (("A", a, overrides_a), ("B", b, overrides_b)):
        if isinstance(source, Scenario):
            if any(v is not None for v in shared.values()) or overrides or own:
                raise UserError(f"scenario {side} is already loaded: pass options to load_scenario")
            loaded.append(source)
            continue
        items = [*(overrides or []), *(own or []), *FORCED]
        loaded.append(load_scenario(source, overrides=items, **shared))
    _check_same_population(*loaded)
    return loaded[0], loaded[1]


def _check_same_population(a: Scenario, b: Scenario) -> None:
    """A twin run compares the same citizens over the same days with the same seed."""
    da, db = a.to_dict(), b.to_dict()
    hints = {"seed": "--seed", "days": "--days"}
    for key, flag in hints.items():
        if da.get(key) != db.get(key):
            raise UserError(
                f"scenario A ({a.origin}) has {key} = {da.get(key)} and B ({b.origin}) has "
                f"{key} = {db.get(key)}; a twin run needs one value: pass {flag}."
            )
    pa_, pb = da["population"], db["population"]
    differ = sorted(k for k in pa_.keys() | pb.keys() if pa_.get(k) != pb.get(k))
    if differ:
        key = differ[0]
        flag = " (pass --population)" if key == "size" else ""
        raise UserError(
            f"scenarios A ({a.origin}) and B ({b.origin}) build different populations: "
            f"population.{key} is {pa_.get(key)!r} in A and {pb.get(key)!r} in B{flag}. "
            "A twin run compares the same citizens; differing keys: "
            + ", ".join(f"population.{k}" for k in differ)
            + "."
        )


def compare(
    a: str | Path | Scenario,
    b: str | Path | Scenario,
    *,
    population: int | None = None,
    days: int | None = None,
    seed: int | None = None,
    overrides: list[str] | None = None,
    overrides_a: list[str] | None = None,
    overrides_b: list[str] | None = None,
    out: str | Path | None = None,
    on_day: Callable[[str, int], None] | None = None,
    report: bool = True,
    force: bool = False,
) -> Comparison:
    """Run scenarios A and B (bundled names, paths or loaded scenarios) on one population with
    the same seed and compare them citizen by citizen.

    `overrides` apply to both, `overrides_a`/`overrides_b` to one; `on_day(side, day)` reports
    progress ("a" or "b"). Without `out`, a new temporary directory is used; an earlier
    comparison in `out` is replaced only with `force`.
    """
    from credsim.runner import run

    twin_a, twin_b = load_twins(
        a,
        b,
        population=population,
        days=days,
        seed=seed,
        overrides=overrides,
        overrides_a=overrides_a,
        overrides_b=overrides_b,
    )
    check_compare_fits(twin_a, twin_b)  # before anything is written
    if out is None:
        out = Path(tempfile.mkdtemp(prefix="credsim-compare-")) / "compare"
    out = Path(out)
    with RunDirectory(out, marker=MARKER, what="comparison", force=force) as folder:
        for side, scenario in (("a", twin_a), ("b", twin_b)):
            tick = None if on_day is None else (lambda day, s=side: on_day(s, day))
            run(scenario, out=folder.path / side, on_day=tick)
        data, analysis = _write(folder.path, twin_a, twin_b, report)
    ra, rb = Results(out / "a"), Results(out / "b")
    return Comparison(out, ra, rb, analysis.citizens, analysis.by_group, data)


def _write(path: Path, a: Scenario, b: Scenario, report: bool) -> tuple[dict, Analysis]:
    """compare.json, by_group.parquet, differences.parquet and compare.html of two finished runs
    in path/a, path/b."""
    ra, rb = Results(path / "a"), Results(path / "b")
    analysis = analyse(ra, rb)
    data = {
        "a": {"scenario": a.name, "origin": a.origin, "overrides": a.overrides},
        "b": {"scenario": b.name, "origin": b.origin, "overrides": b.overrides},
        "days": a.model.days,
        "seed": a.model.seed,
        **analysis.figures,
        "summary_a": ra.summary,
        "summary_b": rb.summary,
    }
    _write_json(path / MARKER, data)
    c = analysis.citizens
    differ = c["listed_a"] != c["listed_b"]
    if "ever_listed_a" in c:
        differ |= c["ever_listed_a"] != c["ever_listed_b"]
    if "score_change" in c:
        differ |= c["score_change"] != 0
    if "acts_differ" in c:
        differ |= c["acts_differ"]
    table = pa.Table.from_pandas(c[differ.to_numpy()].reset_index(drop=True), preserve_index=False)
    pq.write_table(table, path / "differences.parquet")
    groups = pa.Table.from_pandas(analysis.by_group, preserve_index=False)
    pq.write_table(groups, path / "by_group.parquet")
    if report:
        from credsim.report.compare import write_compare_report

        write_compare_report(path, data, analysis)
    return data, analysis


def _write_json(path: Path, data: dict) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    path.write_text(text, encoding="utf-8")


def load_comparison(path: str | Path) -> Comparison:
    """A finished comparison directory, its per-citizen tables recomputed from a/ and b/."""
    path = Path(path)
    if not (path / MARKER).is_file():
        raise UserError(f"{path}: not a credsim comparison (no {MARKER}).")
    ra, rb = Results(path / "a"), Results(path / "b")
    analysis = analyse(ra, rb)
    data = json.loads((path / MARKER).read_text(encoding="utf-8"))
    return Comparison(path, ra, rb, analysis.citizens, analysis.by_group, data)
