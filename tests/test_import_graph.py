"""The layers of the stack import downwards only: no circle among the package, the runner, the
experiments and the results, counting imports inside functions too."""

from __future__ import annotations

import ast
import itertools
import pkgutil
from pathlib import Path

import credsim

PACKAGE = Path(credsim.__file__).parent
LAYERS = {
    "credsim": "credsim",
    "credsim.runner": "runner",
    "credsim.experiments": "experiments",
    "credsim.results": "results",
}


def _layer(module: str) -> str | None:
    """The layer a module belongs to (the package itself only through its `__init__`)."""
    if module == "credsim":
        return "credsim"
    for prefix, layer in LAYERS.items():
        if prefix != "credsim" and (module == prefix or module.startswith(prefix + ".")):
            return layer
    return None


def _modules():
    for info in pkgutil.walk_packages([str(PACKAGE)], prefix="credsim."):
        path = PACKAGE.joinpath(*info.name.split(".")[1:])
        yield info.name, (path / "__init__.py" if info.ispkg else path.with_suffix(".py"))
    yield "credsim", PACKAGE / "__init__.py"


def _runtime_nodes(tree: ast.AST):
    """Every node outside `if TYPE_CHECKING:` blocks (imports for annotations only)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                yield from _runtime_nodes_of(child)
            continue
        yield from _runtime_nodes_of(node)


def _runtime_nodes_of(node: ast.AST):
    yield node
    yield from _runtime_nodes(node)


def _node(module: str) -> str:
    """A module's node in the graph: its layer, or the module itself outside the layers."""
    return _layer(module) or module


def _edges() -> set[tuple[str, str, str]]:
    """(from node, to node, where) for every import between credsim modules, at any depth of a
    module (inside functions too). Modules outside the layers are nodes of their own, so a
    circle through a helper module (the runner -> a helper -> the runner) is seen as well."""
    edges = set()
    for module, path in _modules():
        source = _node(module)
        for node in _runtime_nodes(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            names = [n for n in names if n.startswith("credsim")]
            if not names:
                continue
            # `from credsim.x import y` reaches module credsim.x.y if there is one, else credsim.x.
            known = {m for m, _ in _modules()}
            targets = {_node(n) for n in names[1:] if n in known} or {_node(names[0])}
            for target in targets - {source}:
                edges.add((source, target, f"{module} line {node.lineno}"))
    return edges


def _cycle(edges: set[tuple[str, str, str]]) -> list[str] | None:
    """A path from a layer back to itself, if there is one."""
    graph: dict[str, set[str]] = {}
    for a, b, _ in edges:
        graph.setdefault(a, set()).add(b)
    for start in sorted(set(LAYERS.values()) & set(graph)):
        seen: set[str] = set()
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in sorted(graph.get(node, ())):
                if nxt == start:
                    return [*path, start]
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    return None


def test_no_import_circle_among_package_runner_experiments_and_results():
    edges = _edges()
    cycle = _cycle(edges)
    steps = set(itertools.pairwise(cycle or []))
    where = [w for a, b, w in sorted(edges) if (a, b) in steps]
    assert cycle is None, f"import circle {' -> '.join(cycle)}: {where}"


def test_the_check_sees_a_circle():
    edges = {("runner", "experiments", "x"), ("experiments", "runner", "y")}
    assert _cycle(edges) == ["experiments", "runner", "experiments"]


def test_importing_credsim_sets_no_thread_policy():
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    code = "import os, credsim; print(os.environ.get('OMP_WAIT_POLICY'))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.stdout.strip() == "None"
