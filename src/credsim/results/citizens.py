"""The final state of every citizen as one Arrow table: traits by name, scores with grades,
listings, and whether a listing is wrongful (but-for) or touched by a wrong record."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from credsim.engine import World

__all__ = ["citizens_table"]


def _labelled(codes: np.ndarray, labels: list[str]) -> pa.DictionaryArray:
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(np.int32)), pa.array(labels))


PACKED = frozenset({"traits", "household", "ses"})
"""Population columns that pack several traits; the table shows the traits decoded instead."""


def citizens_table(
    world: World,
    state_columns: dict[str, np.ndarray],
    bases: dict[str, np.ndarray] | None = None,
    but_for: bool = False,
) -> pa.Table:
    """One row per citizen (agent): traits by name, every other column, grade, `listed`,
    `touched_by_wrong_record` (listed, and a wrong record of that list's kind reached them) and,
    when the run computed its counterfactual (`but_for`), `wrongful` (listed here and on no list
    in the same run without erroneous records). With births and deaths, only the citizens alive
    at the end have a row."""
    everyone = np.arange(world.n, dtype=np.int64)
    cols: dict[str, pa.Array] = {"citizen": pa.array(everyone.astype(np.int32))}
    for name, trait in world.traits.items():
        cols[name] = _labelled(trait.codes(everyone), trait.labels)
    if "household" in state_columns:
        position = state_columns["household"] & 0x0F
        cols["household"] = pa.array((everyone - position).astype(np.int32))
        cols["household_size"] = pa.array(state_columns["household"] >> 4)
    for name, values in state_columns.items():
        if name not in PACKED:
            cols[name] = pa.array(values)
    for policy, base in (bases or {}).items():
        cols[f"base.{policy}"] = pa.array(base.astype(np.int16))
    for policy, info in world.scores.items():
        if info.grades:
            names = [g for g, _ in info.grades]
            bounds = np.array([b for _, b in info.grades])
            # The first grade whose lower bound the score reaches; below all bounds: the last.
            idx = np.searchsorted(-bounds, -state_columns[info.column].astype(np.int64), "left")
            cols[f"grade.{policy}"] = _labelled(np.minimum(idx, len(names) - 1), names)
    listed = np.zeros(world.n, bool)
    for info in world.sanctions.values():
        listed |= state_columns[info.column] >= 0
    cols["listed"] = pa.array(listed)
    basis = state_columns.get("wrongful_basis")  # kept by the core metric, if it runs
    if basis is not None:
        cols["touched_by_wrong_record"] = pa.array((basis & 0x20) > 0)
        if but_for:
            cols["wrongful"] = pa.array((basis & 0x80) > 0)
    table = pa.table(cols)
    if world.alive is not None:  # with births and deaths: the living at the end, not empty slots
        table = table.filter(pa.array(world.alive(everyone)))
    return table
