"""Reading one column of citizens.parquet a row group at a time gives what reading it whole
gives: the same values, and categories in the same order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from credsim.results.column_reader import read_column


@pytest.mark.parametrize("width", [pa.int8(), pa.int32()])
def test_labels_read_group_by_group_equal_the_whole_column(tmp_path, width):
    """Row groups each hold their own dictionary (only the labels that occur in them, in the
    order they first occur); the codes are unified across groups as Arrow does it."""
    rng = np.random.default_rng(3)
    labels = ["north", "south", "east", "west", "centre"]
    rows = 10_000
    codes = np.sort(rng.integers(0, 5, rows))  # sorted: each group sees only some labels
    codes[::97] = rng.integers(0, 5, codes[::97].shape[0])
    values = pa.DictionaryArray.from_arrays(pa.array(codes.astype(width.to_pandas_dtype())), labels)
    nulls = pa.array(np.where(np.arange(rows) % 13 == 0, None, codes.astype(object)))
    table = pa.table(
        {
            "place": values,
            "with_nulls": pa.DictionaryArray.from_arrays(
                pa.compute.cast(nulls, width), pa.array(labels)
            ),
            "age": pa.array(rng.integers(0, 100, rows).astype(np.uint8)),
        }
    )
    path = tmp_path / "citizens.parquet"
    pq.write_table(table, path, row_group_size=1_111)
    assert pq.ParquetFile(path).metadata.num_row_groups > 5
    for column in ("place", "with_nulls", "age"):
        whole = pq.read_table(path, columns=[column]).column(column).to_pandas()
        read = read_column(path, column)
        if isinstance(whole.dtype, pd.CategoricalDtype):
            assert list(read.cat.categories) == list(whole.cat.categories)
            np.testing.assert_array_equal(read.cat.codes, whole.cat.codes)
        pd.testing.assert_series_equal(read, whole, check_names=False, check_categorical=True)
