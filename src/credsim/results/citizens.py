"""The final state of every citizen as one Arrow table: traits by name, scores with grades,
listings, and whether a listing is wrongful (but-for) or touched by a wrong record.

Every column carries a description in the Parquet schema (`description` in its field metadata).
Bit-packed state is decoded into named boolean columns, and a day that never came (not listed,
never removed) is null, not -1. A trait whose name is an SQL keyword is written under another
name (`TRAIT_COLUMNS`: the synthetic group trait `group` as `synthetic_group`), so that DuckDB
reads every column without quoting; scenarios, summary.json and timeseries.parquet keep calling
the trait `group`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa

from credsim.engine.listing import removed_on

if TYPE_CHECKING:
    from credsim.engine import World
    from credsim.engine.state import Column

__all__ = [
    "DESCRIPTIONS",
    "TRAIT_COLUMNS",
    "citizens_table",
    "current_name",
    "trait_column",
    "trait_of_column",
    "with_current_names",
]

TRAIT_COLUMNS = {"group": "synthetic_group"}
"""Traits written under another column name: theirs is an SQL keyword (`select group from ...`
fails in DuckDB). Runs written before the rename have a `group` column; readers rename it."""
_TRAITS_OF = {column: trait for trait, column in TRAIT_COLUMNS.items()}


def trait_column(trait: str) -> str:
    """The citizens.parquet column of a trait (`group` -> `synthetic_group`)."""
    return TRAIT_COLUMNS.get(trait, trait)


def trait_of_column(column: str) -> str:
    """The trait a citizens.parquet column holds, by the trait's own name (`synthetic_group` ->
    `group`); any other column's name unchanged."""
    return _TRAITS_OF.get(column, column)


def current_name(column: str, columns: Iterable[str]) -> str:
    """A column of citizens.parquet (among `columns`, the file's) under its current name: an
    older run's `group` is `synthetic_group`."""
    new = TRAIT_COLUMNS.get(column)
    return new if new is not None and new not in columns else column


def with_current_names(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` (citizens.parquet's columns) with an older run's `group` renamed (else unchanged)."""
    names = {c: current_name(c, frame.columns) for c in frame.columns}
    renamed = {old: new for old, new in names.items() if old != new}
    return frame.rename(columns=renamed) if renamed else frame


def _labelled(codes: np.ndarray, labels: list[str]) -> pa.DictionaryArray:
    """Codes as a dictionary column with the smallest indices that hold every label (int8 for
    up to 127: a byte a row in memory, where the file's pages are the same for any width)."""
    width = np.int8 if len(labels) <= 127 else np.int16 if len(labels) <= 32767 else np.int32
    return pa.DictionaryArray.from_arrays(pa.array(codes.astype(width)), pa.array(labels))


PACKED = frozenset({"traits", "household", "ses"})
"""Population columns that pack several traits; the table shows the traits decoded instead."""
DECODED = frozenset({"wrongful_basis", "sim", "scored_by_record"})
"""Bit-flag columns the table shows as named booleans instead."""
MAX_POLICIES = 8  # bits of `scored_by_record` (credsim.metrics.association)
MAX_LISTS = 5  # list bits of `wrongful_basis` (credsim.metrics.core)

DESCRIPTIONS = {
    "citizen": "the citizen's number (agent index)",
    "household": "number of the household's first citizen (household members share it)",
    "household_size": "people in the citizen's household",
    "listed": "on any sanction list at the end of the run",
    "touched_by_wrong_record": "listed, and a misattributed or fabricated record of that list's "
    "kind reached the citizen (some would be listed anyway)",
    "wrongful": "listed at the end of the run and on no list in the same run without its "
    "erroneous records (but-for)",
    "sim_own_name": "holds a phone number registered in their own name",
    "sim_in_another_name": "uses a phone number registered with another person's ID",
}
"""Descriptions of the columns the table builds (state columns carry their own)."""
PATTERNS = {
    "score.": "final score under policy {}",
    "base.": "score under policy {} before any record moved it",
    "grade.": "final grade under policy {}",
    "network.": "the friends' term of policy {}'s score, in points",
    "listed_since.": "day the citizen was put on list {} (null: not on it at the end)",
    "delisted_on.": "day of the citizen's last removal from list {} (null: never removed)",
    "judgment_balance.": "records against the citizen minus records settling them, list {}",
    "wrong_record.": "a misattributed or fabricated record of list {}'s kind reached the citizen",
    "scored_by_record.": "a record of the citizen's own moved their score under policy {}",
}


def _description(name: str, spec: Column | None, traits: dict) -> str:
    if name in DESCRIPTIONS:
        return DESCRIPTIONS[name]
    trait = trait_of_column(name)
    if trait in traits and trait != name:
        return f"{name.replace('_', ' ')} (trait `{trait}`, by name)"
    if name in traits:
        return f"{name.replace('_', ' ')} (trait, by name)"
    for prefix, text in PATTERNS.items():
        if name.startswith(prefix):
            return text.format(name[len(prefix) :])
    return spec.doc if spec is not None and spec.doc else name.replace("_", " ")


def _state_column(values: np.ndarray, spec: Column | None) -> pa.Array:
    """A state column as written: a fill of -1 (a day that never came) becomes null."""
    if spec is not None and spec.fill == -1 and np.issubdtype(values.dtype, np.signedinteger):
        missing = values == -1
        if missing.any():
            return pa.array(values, mask=missing)
    return pa.array(values)


def citizens_table(
    world: World,
    state_columns: dict[str, np.ndarray],
    bases: dict[str, np.ndarray] | None = None,
    but_for: bool = False,
    specs: dict[str, Column] | None = None,
    lo: int = 0,
) -> pa.Table:
    """One row per citizen (agent): traits by name (`group` as `synthetic_group`), every other
    column, grade, `listed`, `touched_by_wrong_record` (listed, and a wrong record of that list's
    kind reached them) and, when the run computed its counterfactual (`but_for`), `wrongful`
    (listed here and on no list in the same run without erroneous records). With births and
    deaths, only the citizens alive at the end have a row. `specs` (the state's column
    declarations) give each column's description and which value stands for "none". The columns
    may be those of citizens `lo`.. only (a shard's own), given as their slices."""
    specs = specs or {}
    count = next(iter(state_columns.values())).shape[0] if state_columns else world.n - lo
    everyone = np.arange(lo, lo + count, dtype=np.int64)
    cols: dict[str, pa.Array] = {"citizen": pa.array(everyone.astype(np.int32))}
    for name, trait in world.traits.items():
        cols[trait_column(name)] = _labelled(trait.codes(everyone), trait.labels)
    if "household" in state_columns:
        position = state_columns["household"] & 0x0F
        cols["household"] = pa.array((everyone - position).astype(np.int32))
        cols["household_size"] = pa.array(state_columns["household"] >> 4)
    statuses = {info.column: (name, info.keeps_removals) for name, info in world.sanctions.items()}
    for name, values in state_columns.items():
        spec = specs.get(name)
        if name in statuses:  # a list's status: the day listed, and the last removal's
            listed_name, keeps_removals = statuses[name]
            cols[name] = pa.array(values, mask=values < 0)
            if keeps_removals:
                removed = removed_on(values)
                cols[f"delisted_on.{listed_name}"] = pa.array(removed, mask=removed < 0)
        elif name not in PACKED and name not in DECODED and (spec is None or spec.shown):
            cols[name] = _state_column(values, spec)
    if "sim" in state_columns:
        cols["sim_own_name"] = pa.array((state_columns["sim"] & 0x01) > 0)
        cols["sim_in_another_name"] = pa.array((state_columns["sim"] & 0x02) > 0)
    if "scored_by_record" in state_columns:
        for bit, policy in enumerate(list(world.scores)[:MAX_POLICIES]):
            own = (state_columns["scored_by_record"] & np.uint8(1 << bit)) > 0
            cols[f"scored_by_record.{policy}"] = pa.array(own)
    for policy, base in (bases or {}).items():
        cols[f"base.{policy}"] = pa.array(base.astype(np.int16))
    for policy, info in world.scores.items():
        if info.grades:
            names = [g for g, _ in info.grades]
            bounds = np.array([b for _, b in info.grades])
            # The first grade whose lower bound the score reaches; below all bounds: the last.
            idx = np.searchsorted(-bounds, -state_columns[info.column].astype(np.int64), "left")
            cols[f"grade.{policy}"] = _labelled(np.minimum(idx, len(names) - 1), names)
    listed = np.zeros(count, bool)
    for info in world.sanctions.values():
        listed |= state_columns[info.column] >= 0
    cols["listed"] = pa.array(listed)
    basis = state_columns.get("wrongful_basis")  # kept by the core metric, if it runs
    if basis is not None:
        for bit, name in enumerate(list(world.sanctions)[:MAX_LISTS]):
            cols[f"wrong_record.{name}"] = pa.array((basis & np.uint8(1 << bit)) > 0)
        cols["touched_by_wrong_record"] = pa.array((basis & 0x20) > 0)
        if but_for:
            cols["wrongful"] = pa.array((basis & 0x80) > 0)
    fields = [
        pa.field(
            name,
            array.type,
            metadata={"description": _description(name, specs.get(name), world.traits)},
        )
        for name, array in cols.items()
    ]
    table = pa.Table.from_arrays(list(cols.values()), schema=pa.schema(fields))
    if world.alive is not None:  # with births and deaths: the living at the end, not empty slots
        table = table.filter(pa.array(world.alive(everyone)))
    return table
