"""Event files: the time to write them and their size, with the options credsim writes them with
(`credsim.engine.events.write_options`) against those it used before, and the time to read them.

Usage: python benchmarks/event_files.py [--population 1e6] [--days 30] [--rows 1048576]
                                        [--rounds 3]

One run of the default writes its event log; then the first `--rows` rows of acts, records,
score changes and notices are written again, in row groups of 131,072 rows as the log writes
them, once with each set of options (best of `--rounds`), and read back with DuckDB and pandas.
Saved as JSON under benchmarks/results/ (not committed).
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from credsim.engine.events import ROW_GROUP, WRITE_OPTIONS, write_options

TABLES = ("acts", "records", "score_changes", "notices")
BEFORE = {"dictionary_pagesize_limit": 16 * 1024}
"""The options of event files until 2026-12-07: a dictionary for every column until it passes
16 KiB, statistics for every column."""
QUERIES = {
    "distinct citizens and a sum of ids (records)": "select count(distinct attributed_to), "
    "sum(record_id) from '{d}/records.parquet'",
    "records joined to their acts": "select count(*) from '{d}/records.parquet' r "
    "join '{d}/acts.parquet' a using (act_id)",
    "score changes by citizen": "select citizen, count(*) from '{d}/score_changes.parquet' "
    "group by 1 order by 2 desc limit 3",
}


def _tables(run_dir: Path, rows: int) -> dict[str, pa.Table]:
    """The first `rows` rows of each table of a run's event log."""
    out = {}
    for name in TABLES:
        dataset = pq.ParquetDataset(sorted((run_dir / "events" / name).glob("*.parquet")))
        out[name] = dataset.read().slice(0, rows).combine_chunks()
    return out


def _best(call: Callable[[], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best


def _write(table: pa.Table, sink, options: dict) -> None:
    with pq.ParquetWriter(sink, table.schema, **options) as writer:
        for start in range(0, table.num_rows, ROW_GROUP):
            writer.write_table(table.slice(start, ROW_GROUP), row_group_size=ROW_GROUP)


def measure(tables: dict[str, pa.Table], folder: Path, rounds: int) -> dict:
    """Write and read every table with each set of options."""
    result = {}
    for label, options_of in (("before", lambda _: BEFORE), ("now", write_options)):
        seconds, size = 0.0, 0
        out = folder / label
        out.mkdir()
        for name, table in tables.items():
            options = options_of(table.schema)
            seconds += _best(lambda t=table, o=options: _write(t, io.BytesIO(), o), rounds)
            _write(table, out / f"{name}.parquet", options)
            size += (out / f"{name}.parquet").stat().st_size
        texts = {q: sql.format(d=out) for q, sql in QUERIES.items()}
        reads = {q: _best(lambda s=s: duckdb.sql(s).fetchall(), rounds) for q, s in texts.items()}
        files = [out / f"{name}.parquet" for name in tables]
        reads["pandas, every table"] = _best(
            lambda f=files: [pq.read_table(p).to_pandas() for p in f], rounds
        )
        result[label] = {"write_seconds": seconds, "bytes": size, "read_seconds": reads}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=float, default=1e6)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--rows", type=int, default=8 * ROW_GROUP)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run_dir = Path(tmp) / "run"
        quiet = ["--set", "output.report=false", "--set", "output.citizens='none'"]
        subprocess.run(
            [sys.executable, "-m", "credsim", "run", "--population", str(int(args.population)),
             "--days", str(args.days), "--out", str(run_dir), "--quiet", "--no-but-for", *quiet],
            check=True,
        )  # fmt: skip
        tables = _tables(run_dir, args.rows)
        result = measure(tables, Path(tmp), args.rounds)
    rows = {name: t.num_rows for name, t in tables.items()}
    print(f"rows written again: {rows} (row groups of {ROW_GROUP:,}; best of {args.rounds})")
    print(f"{'options':<8} {'write ms':>9} {'MB':>7}")
    for label, r in result.items():
        print(f"{label:<8} {r['write_seconds'] * 1e3:9.1f} {r['bytes'] / 1e6:7.1f}")
    print("reads (ms):")
    for query in result["now"]["read_seconds"]:
        before, now = (result[k]["read_seconds"][query] * 1e3 for k in ("before", "now"))
        print(f"  {query}: {before:.1f} before, {now:.1f} now")
    folder = Path(__file__).parent / "results"
    folder.mkdir(exist_ok=True)
    record = {
        "population": int(args.population),
        "days": args.days,
        "rows": rows,
        "shared_options": WRITE_OPTIONS,
        "platform": platform.platform(),
        "result": result,
    }
    (folder / "event_files.json").write_text(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
