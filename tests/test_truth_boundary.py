"""Scores and status may depend only on records: policies and consequences never read the truth.

Two checks, one lexical and one behavioural:

- the source of every module under policies/ and consequences/, and of every credsim module they
  import (followed transitively, the engine excepted), may not import a part that holds the truth,
  name a truth field or column, or reach for modules by name (importlib, gc, sys.modules);
- every bundled scenario runs twice, once with the truth overwritten by noise while policies and
  consequences run (`Simulation.poison_truth`): every score change, listing and refusal must be
  the same.

Negative controls show that each route to the truth is closed or caught: a service, a private
attribute, a column name built from strings, and the garbage collector.
"""

from __future__ import annotations

import ast
import gc
import hashlib
import importlib.util
import pkgutil
from pathlib import Path

import numpy as np
import pytest

import credsim
from credsim.engine import Consequence, PublicDay, RecordWorld, State
from credsim.engine.day import TRUTH_FIELDS
from credsim.engine.events import TABLES
from credsim.engine.sealed import ServiceError
from credsim.engine.state import TruthAccessError
from credsim.runner import build_simulation
from credsim.scenario import load_scenario
from credsim.scenario.load import bundled_scenarios

PACKAGE = Path(credsim.__file__).parent
RECORD_ONLY = ("policies", "consequences")
FORBIDDEN_IMPORTS = (
    "credsim.behavior",
    "credsim.metrics",
    "credsim.sources",
    "credsim.adversaries",
    "importlib.import_module",
    "importlib.util",
    "gc",
    "inspect",
)
FORBIDDEN_NAMES = frozenset(
    {"__import__", "import_module", "modules", "get_referrers", "get_objects", "globals"}
)
"""Ways to reach an object by name rather than by what was given (`sys.modules`, `gc`...);
`importlib.resources`, which reads the package's own data files, is allowed."""


def _record_only_modules() -> list[str]:
    names = []
    for part in RECORD_ONLY:
        names.append(f"credsim.{part}")
        names += [f"credsim.{part}.{i.name}" for i in pkgutil.iter_modules([str(PACKAGE / part)])]
    return names


def _path(module: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(module)
    except ModuleNotFoundError:  # `from package.module import name`: a name, not a module
        return None
    return Path(spec.origin) if spec and spec.origin and spec.origin.endswith(".py") else None


def _imports(tree: ast.AST, module: str, package: bool = False) -> list[tuple[int, str]]:
    """(line, module) of every import in `tree` (of `module`, a package's `__init__` if
    `package`), relative ones resolved."""
    package_name = module if package else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package_name.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{a.name}") for a in node.names]
    return found


def _truth_columns() -> set[str]:
    sim = build_simulation(load_scenario("default", population=10, days=1))
    return {spec.name for spec in sim.state.specs if spec.truth}


def _violations(path: Path, module: str, truth_columns: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = [
        f"{module} line {line}: imports {name}"
        for line, name in _imports(tree, module, path.name == "__init__.py")
        if name.startswith(FORBIDDEN_IMPORTS)
    ]
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value in TRUTH_FIELDS or node.value in truth_columns:
                found.append(f"{module} line {node.lineno}: reads {node.value!r}")
        elif isinstance(node, ast.Attribute) and node.attr in TRUTH_FIELDS | FORBIDDEN_NAMES:
            found.append(f"{module} line {node.lineno}: reads .{node.attr}")
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            found.append(f"{module} line {node.lineno}: calls {node.id}")
    return found


def record_only_violations(roots: list[str], truth_columns: set[str]) -> list[str]:
    """Violations in `roots` and every credsim module they import, transitively (the engine,
    which draws the boundary, is trusted)."""
    seen, todo, found = set(), list(roots), []
    while todo:
        module = todo.pop()
        if module in seen or module.startswith("credsim.engine"):
            continue
        seen.add(module)
        path = _path(module) if module.startswith("credsim") else None
        if path is None:
            continue
        found += _violations(path, module, truth_columns)
        tree = ast.parse(path.read_text())
        imported = _imports(tree, module, path.name == "__init__.py")
        todo += [name for _, name in imported if name.startswith("credsim")]
    return found


def test_truth_fields_are_what_the_log_calls_them():
    assert set(TABLES["records"]) >= TRUTH_FIELDS


@pytest.mark.parametrize("module", _record_only_modules())
def test_record_only_parts_and_their_helpers_never_name_the_truth(module):
    assert record_only_violations([module], _truth_columns()) == []


def test_the_lexical_check_follows_imports_into_helper_modules(tmp_path, monkeypatch):
    """A leak hidden in a helper module, reached through a relative import, is found."""
    package = tmp_path / "credsim_probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "helper.py").write_text(
        "from importlib import import_module\n"
        "def owed(state):\n"
        "    return state['debt_' + 'outstanding']\n"
        "def actors(records):\n"
        "    return records['true_actor']\n"
    )
    (package / "policy.py").write_text("from .helper import owed\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    # The probe lives outside credsim, so follow it as if it were part of it.
    found = []
    for module in ("credsim_probe.policy", "credsim_probe.helper"):
        found += _violations(_path(module), module, _truth_columns())
    tree = ast.parse((package / "policy.py").read_text())
    assert "credsim_probe.helper" in [n for _, n in _imports(tree, "credsim_probe.policy")]
    assert any("imports importlib.import_module" in f for f in found)
    assert any("'true_actor'" in f for f in found)


# --- the behavioural check: poisoned truth changes nothing a policy or consequence decides ---


def _digest(sim, days: int) -> str:
    """A hash of every score change and sanction of the run, and of the final public state."""
    h = hashlib.sha256()
    sim.initialise()
    for t in range(days):
        day = sim.step(t)
        for batch in (day.score_changes, day.sanctions):
            for name, column in sorted(batch.columns().items()):
                h.update(name.encode())
                h.update(np.ascontiguousarray(column).tobytes())
    for spec in sim.state.specs:
        if not spec.truth:
            h.update(sim.state[spec.name].tobytes())
    return h.hexdigest()


def _run(scenario: str, poison: int | None, extra=None, population=6000, days=90) -> str:
    sim = build_simulation(load_scenario(scenario, population=population, days=days))
    if extra is not None:
        sim.consequences.append(extra)
        sim.plugins.append(extra)
    if poison is not None:
        sim.poison_truth(poison)
    return _digest(sim, days)


@pytest.mark.parametrize("scenario", sorted(bundled_scenarios()))
def test_poisoned_truth_changes_no_score_listing_or_refusal(scenario):
    clean = _run(scenario, None)
    assert _run(scenario, poison=1) == clean
    assert _run(scenario, poison=2) == clean


class _Probe(Consequence):
    """A consequence that tries one route to the truth (negative controls)."""

    route = ""

    def __init__(self) -> None:
        super().__init__("probe", Consequence.Params())

    def needs(self) -> list[str]:
        return ["accounts"] if self.route == "service" else []

    def init(self, world: RecordWorld) -> None:
        self.world = world
        self.state = None
        if self.route == "garbage_collector":
            gc.collect()  # else the first State found may be a dead run's, not yet collected
            # type(), not isinstance(): a dead weak proxy among the objects raises on the latter.
            self.state = next(o for o in gc.get_objects() if issubclass(type(o), State))

    def respond(self, day: PublicDay) -> None:
        who = day.records["attributed_to"]
        if self.route == "private_attribute":
            owed = self.world.state._state["debt_outstanding"][who]
        elif self.route == "string_building":
            owed = self.world.state["debt_" + "outstanding"][who]
        elif self.route == "undeclared_service":
            owed = self.world.services["accounts"].world.state["debt_outstanding"][who]
        else:
            owed = self.state["debt_outstanding"][who]
        flagged = who[owed > 0]
        day.sanctions.add(day=day.day, citizen=flagged, consequence=0, action=0, record_id=0)


def _probe(route: str) -> _Probe:
    probe = _Probe()
    probe.route = route
    return probe


def test_a_service_that_leads_to_the_truth_is_refused():
    with pytest.raises(ServiceError, match="accounts"):
        _run("default", None, _probe("service"), population=500, days=2)


@pytest.mark.parametrize(
    "route, error",
    [
        ("private_attribute", AttributeError),
        ("string_building", TruthAccessError),
        ("undeclared_service", KeyError),
    ],
)
def test_routes_through_the_sealed_world_are_closed(route, error):
    with pytest.raises(error):
        _run("default", None, _probe(route), population=2000, days=40)


def test_a_route_the_seal_cannot_close_is_caught_by_the_poisoned_run():
    """The garbage collector finds any object; the poisoned run still tells."""
    clean = _run("default", None, _probe("garbage_collector"), population=2000, days=40)
    assert _run("default", 1, _probe("garbage_collector"), population=2000, days=40) != clean
