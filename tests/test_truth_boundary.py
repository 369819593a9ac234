"""Scores and status may depend only on records: policies and consequences never read the truth.

The check reads the source of every module under policies/ and consequences/: it fails if one
imports a part that holds the truth (behavior, metrics, sources, adversaries), names a record's
truth fields, or reads a ground-truth state column.
"""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import pytest

import credsim
from credsim.engine.day import TRUTH_FIELDS
from credsim.engine.events import TABLES
from credsim.runner import build_simulation
from credsim.scenario import load_scenario

PACKAGE = Path(credsim.__file__).parent
RECORD_ONLY = ("policies", "consequences")
FORBIDDEN_IMPORTS = (
    "credsim.behavior",
    "credsim.metrics",
    "credsim.sources",
    "credsim.adversaries",
)


def _modules():
    for part in RECORD_ONLY:
        for info in pkgutil.iter_modules([str(PACKAGE / part)]):
            yield PACKAGE / part / f"{info.name}.py"
        yield PACKAGE / part / "__init__.py"


def _truth_columns() -> set[str]:
    sim = build_simulation(load_scenario("default", population=10, days=1))
    return {spec.name for spec in sim.state.specs if spec.truth}


def _violations(path: Path, truth_columns: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            for name in names:
                if name.startswith(FORBIDDEN_IMPORTS):
                    found.append(f"line {node.lineno}: imports {name}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value in TRUTH_FIELDS or node.value in truth_columns:
                found.append(f"line {node.lineno}: reads {node.value!r}")
        elif isinstance(node, ast.Attribute) and node.attr in TRUTH_FIELDS:
            found.append(f"line {node.lineno}: reads .{node.attr}")
    return found


def test_truth_fields_are_what_the_log_calls_them():
    assert set(TABLES["records"]) >= TRUTH_FIELDS


@pytest.mark.parametrize("path", list(_modules()), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_record_only_parts_never_read_the_truth(path):
    assert _violations(path, _truth_columns()) == []


def test_the_check_catches_a_leak(tmp_path):
    leaky = tmp_path / "leaky.py"
    leaky.write_text(
        "from credsim.behavior import BaselineBehavior\n"
        "def f(records, state):\n"
        "    return records['true_actor'], state['debt_outstanding']\n"
    )
    assert len(_violations(leaky, _truth_columns())) == 3
