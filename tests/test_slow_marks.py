"""Every entry of the quick subset's list of slow tests (tests/conftest.py) still names a test."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def slow_entries() -> list[str]:
    tree = ast.parse((ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets] == ["SLOW"]:
            return list(ast.literal_eval(node.value))
    raise AssertionError("tests/conftest.py defines no SLOW")


def test_every_slow_entry_names_an_existing_test_file_and_function():
    entries = slow_entries()
    assert entries and len(entries) == len(set(entries))
    for entry in entries:
        path, _, name = entry.partition("::")
        source = ROOT / path
        assert source.is_file(), f"{entry}: no file {path}"
        if name:
            function = name.split("::")[-1].split("[")[0]
            text = source.read_text(encoding="utf-8")
            assert re.search(rf"^\s*(async )?def {re.escape(function)}\(", text, re.M), entry
