"""The run's tables as DuckDB reads them: group columns named by non-keywords, counts as
integers, nulls where a day never came or an id names nothing, and every citizens.parquet column
described."""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from credsim.experiments import compare
from credsim.results.citizens import with_current_names
from credsim.results.secret_file import secret_file


def query(sql: str) -> list[tuple]:
    """Every row of a query, from a fresh in-memory DuckDB."""
    with duckdb.connect() as con:
        return con.execute(sql).fetchall()


def one(sql: str) -> tuple:
    return query(sql)[0]


def column_types(path) -> dict[str, str]:
    return {row[0]: row[1] for row in query(f"describe select * from '{path}'")}


COUNT_COLUMNS = ("acts", "records", "listed_new", "sanctioned", "sanctioned_wrongful",
                 "blocked_flights", "refused_wrongful")  # fmt: skip


def test_timeseries_groups_by_dimension_and_group_name_with_integer_counts(outputs_run):
    path = outputs_run.path / "timeseries.parquet"
    dims = {d for (d,) in query(f"select distinct dimension from '{path}'")}
    assert {"all", "sex", "age_band", "urban", "income"} <= dims
    types = column_types(path)
    assert types["dimension"] == types["group_name"] == "VARCHAR"
    assert types["day"] == "INTEGER" and types["date"] == "DATE"
    for column in COUNT_COLUMNS:
        assert types[column] == "BIGINT", column
    assert types["score_mean.rongcheng"] == types["grade_share.rongcheng.A"] == "DOUBLE"
    assert "by" not in types and "group" not in types
    (women,) = one(
        f"select sum(acts) from '{path}' where dimension = 'sex' and group_name = 'female'"
    )
    assert isinstance(women, int) and women > 0
    (total,) = one(f"select sum(acts) from '{path}' where dimension = 'all'")
    assert total == outputs_run.summary["acts_total"]


def test_a_run_without_its_counterfactual_stores_null_not_zero(tmp_path):
    import credsim

    run = credsim.run("default", out=tmp_path / "r", population=1_000, days=5,
                      overrides=["but_for=false", "output.report=false",
                                 "output.events='none'", "output.citizens='none'"])  # fmt: skip
    path = run.path / "timeseries.parquet"
    nulls, rows = one(f"select count(*) - count(sanctioned_wrongful), count(*) from '{path}'")
    assert nulls == rows > 0
    assert column_types(path)["sanctioned_wrongful"] == "BIGINT"


def test_citizens_columns_are_decoded_described_and_null_where_no_day(outputs_run):
    path = outputs_run.path / "citizens.parquet"
    schema = pq.read_schema(path)
    for field in schema:
        assert field.metadata and field.metadata.get(b"description"), field.name
    names = set(schema.names)
    assert not names & {"wrongful_basis", "sim", "scored_by_record"}  # decoded, not coded
    assert {"sim_own_name", "wrong_record.court_blacklist", "scored_by_record.rongcheng"} <= names
    listed, never, minus_one = one(
        'select count("listed_since.court_blacklist"), '
        'count(*) filter (where "listed_since.court_blacklist" is null), '
        'count(*) filter (where "listed_since.court_blacklist" = -1) '
        f"from '{path}'"
    )
    assert listed > 0 and never > 0 and minus_one == 0
    types = column_types(path)
    assert types["sim_own_name"] == types["wrongful"] == "BOOLEAN"
    (wrongful,) = one(f"select count(*) from '{path}' where wrongful")
    assert wrongful == outputs_run.summary["sanctioned_wrongful"]


@pytest.mark.parametrize("column", ["listed_since.court_blacklist", "delisted_on.court_blacklist"])
def test_pandas_reads_days_that_never_came_as_missing(outputs_run, column):
    citizens = outputs_run.citizens
    assert citizens[column].isna().any() and not (citizens[column] == -1).any()


def test_citizens_synthetic_group_needs_no_quoting(outputs_run):
    path = outputs_run.path / "citizens.parquet"
    rows = query(f"select synthetic_group, count(*) from '{path}' group by synthetic_group")
    assert {g for g, _ in rows} == {"g0", "g1"}
    assert sum(n for _, n in rows) == outputs_run.summary["citizens"]
    assert "group" not in column_types(path)  # `group` is an SQL keyword
    description = pq.read_schema(path).field("synthetic_group").metadata[b"description"]
    assert b"trait `group`" in description
    # The trait keeps its name everywhere else: summary.json's by_group, timeseries' dimension.
    by_group = outputs_run.summary["by_group"]["group"]
    for label, n in rows:
        assert by_group[label]["citizens"] == n
    # pandas readers see the same column, and an older run's `group` is renamed on reading.
    citizens = outputs_run.citizens
    assert "synthetic_group" in citizens and "group" not in citizens
    older = with_current_names(citizens.rename(columns={"synthetic_group": "group"}))
    assert list(older.columns) == list(citizens.columns)


def test_fabricated_records_have_a_null_true_actor_not_minus_one(outputs_run):
    records = f"{outputs_run.path}/events/records/*.parquet"
    fabricated, no_act, minus_one = one(
        "select count(*) filter (where true_actor is null), "
        "count(*) filter (where act_id is null), "
        "count(*) filter (where true_actor < 0 or act_id < 0 or firm < 0) "
        f"from '{records}'"
    )
    assert fabricated == no_act == outputs_run.summary["records_fabricated"] > 0
    assert minus_one == 0
    (misattributed,) = one(f"select count(*) from '{records}' where true_actor <> attributed_to")
    assert misattributed == outputs_run.summary["records_misattributed"]
    for table in ("score_changes", "sanctions", "notices"):
        (negative,) = one(
            f"select count(*) from '{outputs_run.path}/events/{table}/*.parquet' "
            "where record_id < 0"
        )
        assert negative == 0, table
    (no_record,) = one(
        f"select count(*) from '{outputs_run.path}/events/score_changes/*.parquet' "
        "where record_id is null"
    )
    assert no_record > 0  # the friends' term moves scores without a record
    # pandas: nullable integers; the dossier and the state's file say "fabricated".
    frame = outputs_run.events("records")
    assert str(frame["true_actor"].dtype) == "Int32" and str(frame["act_id"].dtype) == "Int64"
    victim = int(frame.loc[frame["true_actor"].isna(), "attributed_to"].iloc[0])
    held = secret_file(outputs_run, victim, truth=True)["records"]
    assert "fabricated" in {r["truth"] for r in held}


def test_compare_by_group_and_differences_need_no_quoting(tmp_path):
    cmp = compare(
        "default",
        "default",
        population=2_000,
        days=30,
        overrides=["output.report=false"],
        overrides_b=["sources.errors=false"],
        out=tmp_path / "cmp",
        report=False,
    )
    groups = cmp.by_group
    assert not {"by", "group"} & set(groups.columns)
    with duckdb.connect() as con:
        con.register("groups", groups)
        rows = con.execute(
            "select dimension, group_name, citizens from groups where dimension = 'group'"
        ).fetchall()
        (everyone,) = con.execute(
            "select citizens from groups where dimension = 'all' and group_name = 'all'"
        ).fetchone()
    assert {g for _, g, _ in rows} == {"g0", "g1"} and sum(n for *_, n in rows) == everyone
    assert set(cmp.data["by_group"]["group"]) == {"g0", "g1"}  # compare.json: by the trait
    path = cmp.path / "differences.parquet"
    types = column_types(path)
    assert "synthetic_group" in types and "group" not in types
    query(f"select synthetic_group, count(*) from '{path}' group by synthetic_group")


def test_a_removal_shows_as_the_day_off_the_list_and_no_day_listed(outputs_run):
    """One status column per list holds both days; the table gives them apart, as the events
    tell them: the last `delisted` of a citizen off the list at the end is their `delisted_on`."""
    citizens = outputs_run.citizens.set_index("citizen")
    sanctions = f"{outputs_run.path}/events/sanctions/*.parquet"
    rows = query(
        "select citizen, max(day) from ("
        f"  select citizen, day, action, consequence from '{sanctions}'"
        "  where consequence = 'court_blacklist' and action in ('listed', 'delisted', 'died')"
        "  qualify row_number() over (partition by citizen order by day desc, "
        "    action = 'listed') = 1"
        ") where action = 'delisted' group by citizen"
    )
    assert rows, "the run removes someone from the court list"
    for citizen, day in rows:
        assert citizens.at[citizen, "delisted_on.court_blacklist"] == day
        assert pd.isna(citizens.at[citizen, "listed_since.court_blacklist"])
    listed = citizens["listed_since.court_blacklist"].notna()
    assert listed.sum() > 0
