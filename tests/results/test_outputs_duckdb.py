"""The run's tables as DuckDB reads them: group columns named by non-keywords, counts as
integers, nulls where a day never came, and every citizens.parquet column described."""

from __future__ import annotations

import duckdb
import pyarrow.parquet as pq
import pytest


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
