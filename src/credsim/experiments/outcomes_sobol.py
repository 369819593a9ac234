"""Sobol' sensitivity indices of a sweep's outcomes (SALib.analyze.sobol): first and total order,
with bootstrap 95% confidence half-widths; second order too when the design sampled for it."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from credsim.experiments.design import sobol_problem
from credsim.experiments.outcomes_writer import write_json_atomic, write_parquet_atomic

if TYPE_CHECKING:
    from credsim.experiments.sweep_check import PreparedSweep

__all__ = ["sobol_indices", "write_sobol"]

CONF_LEVEL = 0.95


def _num(x: Any) -> float | None:
    x = float(x)
    return None if math.isnan(x) else x


def sobol_indices(prepared: PreparedSweep, table: pa.Table) -> dict[str, Any]:
    """Per outcome: {"indices": {parameter: {S1, S1_conf, ST, ST_conf}}, "S2": ...}, computed on
    each point's mean across replicates (an outcome missing at any point is skipped, with why)."""
    from SALib.analyze import sobol as sobol_analyze

    spec = prepared.sweep
    design = prepared.design
    problem = sobol_problem(spec.parameters)
    second = bool(design.settings.get("calc_second_order"))
    frame = table.to_pandas().groupby("point", sort=True).mean(numeric_only=True)
    names = [p.name for p in spec.parameters]
    found: dict[str, Any] = {}
    for outcome in spec.outcomes:
        y = frame[outcome.name].reindex(range(len(design))).to_numpy(dtype=np.float64)
        if np.isnan(y).any():
            found[outcome.name] = {"skipped": "the outcome is missing at some design points"}
            continue
        if np.ptp(y) == 0:
            found[outcome.name] = {"skipped": f"the outcome is constant ({y[0]:g}) at every point"}
            continue
        result = sobol_analyze.analyze(
            problem,
            y,
            calc_second_order=second,
            conf_level=CONF_LEVEL,
            print_to_console=False,
            seed=spec.model.seed,
        )
        entry: dict[str, Any] = {
            "indices": {
                name: {
                    "S1": _num(result["S1"][j]),
                    "S1_conf": _num(result["S1_conf"][j]),
                    "ST": _num(result["ST"][j]),
                    "ST_conf": _num(result["ST_conf"][j]),
                }
                for j, name in enumerate(names)
            }
        }
        if second:
            entry["S2"] = {
                f"{names[i]}|{names[j]}": {
                    "S2": _num(result["S2"][i, j]),
                    "S2_conf": _num(result["S2_conf"][i, j]),
                }
                for i in range(len(names))
                for j in range(i + 1, len(names))
            }
        found[outcome.name] = entry
    return found


def write_sobol(prepared: PreparedSweep, table: pa.Table, out: Path) -> dict[str, Any]:
    """Write sobol.json and sobol.parquet (one row per outcome and parameter); return the dict."""

    indices = sobol_indices(prepared, table)
    rows = [
        {"outcome": outcome, "parameter": parameter, **values}
        for outcome, entry in indices.items()
        for parameter, values in entry.get("indices", {}).items()
    ]
    schema = pa.schema(
        [
            pa.field("outcome", pa.string()),
            pa.field("parameter", pa.string()),
            *(pa.field(c, pa.float64()) for c in ("S1", "S1_conf", "ST", "ST_conf")),
        ]
    )
    write_parquet_atomic(pa.Table.from_pylist(rows, schema=schema), out / "sobol.parquet")
    document = {"conf_level": CONF_LEVEL, "N": prepared.design.settings["N"], "outcomes": indices}
    write_json_atomic(out / "sobol.json", document)
    return document
