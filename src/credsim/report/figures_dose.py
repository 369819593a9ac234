"""A dose-response figure from a sweep's outcomes table: an outcome against one swept parameter,
overall and per group, with every replicate shown and the spread across replicates.

    python -m credsim.report.figures_dose SWEEP_DIR OUT.png [--parameter camera_fmr]

draws `sanctioned_wrongful` (people on a list at the end only because of the run's wrong records)
against the parameter: counts on the left, per 100,000 people of each group on the right (the
sweep must keep `by_group.<dimension>.<label>.sanctioned_wrongful` and `...citizens`).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from credsim.errors import UserError

from .style import GREY, OKABE_ITO, PEOPLE, figure

__all__ = ["by_group_columns", "dose_response", "main"]


def by_group_columns(outcomes: pd.DataFrame, outcome: str) -> list[tuple[str, str, str]]:
    """(dimension, label, column) of every per-group figure of `outcome` with its group size."""
    found = []
    for column in outcomes.columns:
        m = re.fullmatch(rf"by_group\.([^.]+)\.([^.]+)\.{re.escape(outcome)}", column)
        if m and f"by_group.{m[1]}.{m[2]}.citizens" in outcomes.columns:
            found.append((m[1], m[2], column))
    return found


def _spread(ax, x: np.ndarray, table: pd.DataFrame, column: str, colour: str, label: str) -> None:
    """Mean across replicates as a line, their range as a bar, each replicate as a dot."""
    stats = table.groupby("x")[column].agg(["mean", "min", "max"]).reindex(x)
    ax.plot(x, stats["mean"], "-o", color=colour, label=label, markersize=4)
    ax.vlines(x, stats["min"], stats["max"], color=colour, linewidth=3, alpha=0.35)
    ax.plot(table["x"], table[column], ".", color=colour, alpha=0.6, markersize=3)


def dose_response(
    outcomes: pd.DataFrame, parameter: str, outcome: str = "sanctioned_wrongful"
) -> Figure:
    """The outcome against `parameter` (log axis): counts, and per 100,000 people by group."""
    if parameter not in outcomes.columns or outcome not in outcomes.columns:
        raise UserError(
            f"the outcomes table has no {parameter!r} or {outcome!r}; it has "
            + ", ".join(map(str, outcomes.columns))
        )
    table = outcomes.assign(x=outcomes[parameter].astype(float))
    x = np.sort(table["x"].unique())
    runs = int(table.groupby("x").size().min())
    fig = figure(9.0, 3.6)
    left, right = fig.subplots(1, 2)
    _spread(left, x, table, outcome, OKABE_ITO[0], "everyone")
    means = table.groupby("x")[outcome].mean().reindex(x)
    for xi, mean in zip(x, means, strict=True):
        left.annotate(f"{mean:,.1f}", (xi, mean), textcoords="offset points", xytext=(4, -10))
    left.set_title(f"{outcome}: people")
    left.yaxis.set_major_formatter(PEOPLE)
    groups = by_group_columns(table, outcome)
    for i, (dimension, label, column) in enumerate(groups):
        size = table[f"by_group.{dimension}.{label}.citizens"]
        rate = f"rate {dimension}={label}"
        table[rate] = table[column] / size.where(size > 0) * 1e5
        colour = OKABE_ITO[(i + 1) % len(OKABE_ITO)]
        _spread(right, x, table, rate, colour, f"{dimension} {label}")
    right.set_title("the same, per 100,000 people of each group")
    if groups:
        right.legend(loc="upper left")
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_xlabel(parameter)
        ax.set_ylim(bottom=0)
    fig.suptitle(
        f"line: mean of {runs} seeds per value; bar: their range; dots: each run "
        f"({len(table)} runs)",
        color=GREY,
        fontsize=7,
        x=0.99,
        ha="right",
    )
    return fig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m credsim.report.figures_dose")
    parser.add_argument("sweep", type=Path, help="a sweep directory (with outcomes.parquet)")
    parser.add_argument("out", type=Path, help="the PNG to write")
    parser.add_argument("--parameter", default="camera_fmr")
    parser.add_argument("--outcome", default="sanctioned_wrongful")
    args = parser.parse_args(argv)
    table = args.sweep / "outcomes.parquet"
    try:
        if not table.is_file():
            raise UserError(f"{args.sweep}: no outcomes.parquet (is it a finished sweep?)")
        fig = dose_response(pd.read_parquet(table), args.parameter, args.outcome)
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.out, format="png", dpi=150, metadata={"Software": None})
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
