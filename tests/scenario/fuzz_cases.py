"""Fuzzed input for credsim's command line, shared by tests/scenario/test_fuzz.py and
benchmarks/fuzz.py: Hypothesis strategies that damage the bundled scenario files and the flags,
and the harness that runs the `credsim` command in this process and checks the invariant: exit 0
with a sane result, or exit 2 with one paragraph - never a traceback, a hang, or anything left
behind."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import json
import math
import signal
import sys
import threading
import time
import tomllib
import warnings
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import tomli_w
from hypothesis import assume
from hypothesis import strategies as st

from credsim.errors import UserError

BUNDLED = sorted(
    e.name.removesuffix(".toml")
    for e in resources.files("credsim.scenarios").iterdir()
    if e.name.endswith(".toml")
)
MAX_CITIZENS_SANE = 10**10
SMALL = ["--population", "500"]
"""Every planned or run case is small: the memory guard is not what this fuzzes."""
TINY_RUN = [
    *SMALL,
    "--days",
    "5",
    "--quiet",
    "--set",
    "output.report=false",
    "--set",
    "output.citizens='none'",
]


def deep(depth: int, leaf: Any = 1) -> Any:
    """A value nested `depth` levels deep, tables and lists in turn."""
    value = leaf
    for i in range(depth):
        value = {"x": value} if i % 2 else [value]
    return value


NASTY: list[Any] = [
    math.nan,
    math.inf,
    -math.inf,
    -1,
    -0.5,
    0,
    0.0,
    7,
    1.5,
    1e308,
    -1e308,
    5e-324,
    2**31,
    2**62,
    2**63,
    2**64,
    10**30,
    -(2**63),
    "",
    "abc",
    "../../../escaped",
    "a/b",
    "\u00e9\u4e2d",
    True,
    False,
    [],
    {},
    [1, 2, 3],
    [15, 6],
    {"x": 1},
    {"g0": 0, "g1": 0},
    dt.date(1900, 1, 1),
    dt.date(2999, 12, 31),
    [0.5] * 300,
    "x" * 3000,
]


def _nasty_values() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(NASTY),
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.text(max_size=12),
        st.integers(min_value=33, max_value=60).map(deep),
    )


def bundled_data(name: str) -> dict[str, Any]:
    """The parsed TOML of a bundled scenario (a fresh copy)."""
    return copy.deepcopy(_bundled(name))


_CACHE: dict[str, dict[str, Any]] = {}


def _bundled(name: str) -> dict[str, Any]:
    if name not in _CACHE:
        text = (resources.files("credsim.scenarios") / f"{name}.toml").read_text("utf-8")
        _CACHE[name] = tomllib.loads(text)
    return _CACHE[name]


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key and list item of a parsed file, as a path."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((*prefix, key))
            found.extend(paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.append((*prefix, i))
            found.extend(paths(value, (*prefix, i)))
    return found


def _parent(data: Any, path: tuple) -> Any:
    node = data
    for part in path[:-1]:
        node = node[part]
    return node


@dataclass
class Mutation:
    kind: str
    path: tuple
    value: Any = None

    def apply(self, data: dict[str, Any]) -> dict[str, Any]:
        data = copy.deepcopy(data)
        parent = _parent(data, self.path)
        last = self.path[-1]
        if self.kind == "replace":
            parent[last] = self.value
        elif self.kind == "scale":
            old = parent[last]
            if isinstance(old, bool) or not isinstance(old, int | float):
                parent[last] = self.value
            else:
                parent[last] = old * self.value
        elif self.kind == "delete":
            del parent[last]
        elif self.kind == "add":
            target = parent[last] if isinstance(parent[last], dict) else parent
            target["unknown_key"] = self.value
        elif self.kind == "duplicate" and isinstance(parent[last], dict):
            parent[f"{last}_twin"] = copy.deepcopy(parent[last])  # a second plug-in instance
        return data


@st.composite
def mutations(draw, data: dict[str, Any], gentle: bool = False) -> Mutation:
    """One change to a parsed file; `gentle` changes mostly keep values in range, so that the
    scenario more often runs (and the run itself is what is tested)."""
    everything = paths(data)
    path = draw(st.sampled_from(everything))
    kind = draw(st.sampled_from(["replace", "replace", "replace", "scale", "delete", "add"]))
    if len(path) == 2 and draw(st.integers(0, 9)) == 0:
        kind = "duplicate"
    if gentle and kind in ("replace", "scale", "add"):
        kind = "replace"
        value = draw(st.sampled_from(GENTLE))
    elif kind == "scale":
        value = draw(st.sampled_from([-1, 0, 10, 1e6, 1e300, 0.5, math.inf, math.nan]))
    else:
        value = draw(_nasty_values())
    return Mutation(kind, path, value)


GENTLE = [0, 1, 2, 10, 100, 365, 3650, 0.0, 1.0, 0.5, 1e-9, 0.999, True, False, "", [], {}]
"""Values in range for many keys: runs with them test the engine, not the validation."""
ENCODINGS = ("utf-8",) * 4 + ("utf-8-sig", "utf-16", "utf-16-le", "bad-byte", "cut")


@dataclass
class FileCase:
    """A damaged copy of a bundled scenario: its bytes and what was done to it."""

    scenario: str
    mutations: list[Mutation]
    encoding: str
    data: bytes
    where: int = 0

    def describe(self) -> str:
        done = ", ".join(
            f"{m.kind} {'.'.join(map(str, m.path))}={m.value!r:.60}" for m in self.mutations
        )
        return f"{self.scenario}: {done or 'as is'} [{self.encoding}]"


@st.composite
def scenario_files(
    draw, most: int = 3, encodings: tuple[str, ...] = ENCODINGS, gentle: bool = False
) -> FileCase:
    name = draw(st.sampled_from(BUNDLED))
    data = bundled_data(name)
    done = []
    for _ in range(draw(st.integers(1, most))):
        if not paths(data):
            break
        mutation = draw(mutations(data, gentle))
        try:
            data = mutation.apply(data)
        except (KeyError, IndexError, TypeError):
            continue
        done.append(mutation)
    try:
        text = tomli_w.dumps(data)
    except (TypeError, ValueError):
        assume(False)
        raise
    encoding = draw(st.sampled_from(encodings))
    where = draw(st.integers(0, max(len(text) - 1, 0)))
    if encoding == "bad-byte":
        raw = text.encode("utf-8")
        raw = raw[:where] + b"\xff\xfe\xc3" + raw[where:]
    elif encoding == "cut":
        raw = text.encode("utf-8")[:where]
    else:
        raw = text.encode(encoding)
    return FileCase(name, done, encoding, raw, where)


def _toml_value(value: Any) -> str:
    try:
        return tomli_w.dumps({"v": value}).partition("=")[2].strip()
    except (TypeError, ValueError):
        return str(value)


def _dotted(path: tuple) -> str:
    return ".".join(str(p) for p in path if not isinstance(p, int))


@st.composite
def set_items(draw) -> str:
    """`--set key=value` with a key of a bundled scenario (or a near miss) and a bad value."""
    data = _bundled(draw(st.sampled_from(BUNDLED)))
    key = _dotted(draw(st.sampled_from(paths(data)))) or "days"
    if draw(st.booleans()):
        key += draw(st.sampled_from(["", ".x", "x", ".plugin", ".enabled"]))
    raw = draw(
        st.one_of(
            _nasty_values().map(_toml_value),
            st.text(max_size=20),
            st.sampled_from(["[" * 5000 + "]" * 5000, "{a=" * 600 + "1" + "}" * 600, "nan"]),
        )
    )
    return f"{key}={raw}"


def _numbers(low: int, high: int) -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(low, high).map(str),
        st.sampled_from(["-1", "0", "many", "", "1e3", "nan", "9" * 30, "0x10"]),
    )


def _dates() -> st.SearchStrategy[str]:
    return st.one_of(
        st.dates(dt.date(1900, 1, 1), dt.date(2300, 1, 1)).map(str),
        st.sampled_from(["2020-02-30", "yesterday", "", "2020-1-1", "99999-01-01"]),
    )


@st.composite
def run_flags(draw) -> list[str]:
    """`credsim run SCENARIO --plan` with bad flags."""
    args = ["run"]
    if draw(st.booleans()):
        args.append(draw(st.sampled_from([*BUNDLED, "defualt", "missing.toml", "a/b.toml", ""])))
    options = {
        "--population": _numbers(-5, 10**6),
        "--days": _numbers(-5, 40000),
        "--seed": st.integers(-1, 2**65).map(str),
        "--start": _dates(),
        "--end": _dates(),
        "--set": set_items(),
        "--threads": _numbers(-2, 4),
    }
    for _ in range(draw(st.integers(1, 4))):
        flag = draw(st.sampled_from(sorted(options)))
        args += [flag, draw(options[flag])]
    if "--population" not in args:
        args += SMALL
    if draw(st.integers(0, 4)) == 0:
        args.append(draw(st.sampled_from(["--but-for", "--no-but-for"])))
    return [*args, "--plan"]


def _floats() -> st.SearchStrategy[str]:
    return st.one_of(
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.sampled_from(["1e308", "-0", "5e-324", "abc", "", "1e999"]),
    )


@st.composite
def faceid_flags(draw) -> list[str]:
    """`credsim faceid` with bad numbers and groups."""
    args = ["faceid", "--json"] if draw(st.booleans()) else ["faceid"]
    names = ["--gallery", "--fmr", "--fpir-ref", "--gallery-ref", "--probes-per-day"]
    names += ["--prevalence", "--fnir"]
    for _ in range(draw(st.integers(0, 4))):
        args += [draw(st.sampled_from(names)), draw(_floats())]
    for _ in range(draw(st.integers(0, 3))):
        group = draw(st.sampled_from(["a", "b", "reference", "", "a:b"]))
        share, mult = draw(_floats()), draw(_floats())
        args += ["--group", f"{group}:{share}:{mult}"]
    return args


@st.composite
def population_flags(draw) -> list[str]:
    """`credsim population` small, with bad sizes and scales."""
    args = ["population", "--json", "--size", draw(_numbers(-5, 2000))]
    if draw(st.booleans()):
        args += ["--people-per-agent", draw(_numbers(-5, 2**64))]
    if draw(st.booleans()):
        args += ["--preset", draw(st.sampled_from(["china-2020", "city", "nope", ""]))]
    return args


# The harness -------------------------------------------------------------------------------


class Hang(Exception):
    """A case ran past its time limit."""


@dataclass
class Outcome:
    args: list[str]
    code: int | None = None
    out: str = ""
    err: str = ""
    error: BaseException | None = None
    warned: list[str] = field(default_factory=list)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        shown = " ".join(a if len(a) < 120 else a[:117] + "..." for a in self.args)
        return f"credsim {shown}: exit {self.code}; {'; '.join(self.problems)}\n{self.err[-2000:]}"


def invoke(args: list[str], limit: float = 60.0) -> Outcome:
    """Run `credsim ARGS` in this process as the console script does (credsim.cli.main)."""
    from credsim.cli import main

    outcome = Outcome(list(args))
    out, err = io.StringIO(), io.StringIO()
    alarm = threading.current_thread() is threading.main_thread()
    previous = None
    if alarm:

        def _stop(signum, frame):
            raise Hang(f"no end after {limit:g} s")

        previous = signal.signal(signal.SIGALRM, _stop)
        signal.setitimer(signal.ITIMER_REAL, limit)
    argv = sys.argv
    start = time.perf_counter()
    try:
        sys.argv = ["credsim", *args]
        with (
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            warnings.catch_warnings(record=True) as caught,
        ):
            warnings.simplefilter("always")
            try:
                main()
            finally:
                outcome.warned = [f"{w.category.__name__}: {w.message}" for w in caught]
        outcome.code = 0
    except SystemExit as done:
        outcome.code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except Hang as hang:
        outcome.error = hang
    except Exception as error:  # a traceback: what this harness exists to find
        outcome.error = error
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        sys.argv = argv
    outcome.seconds = time.perf_counter() - start
    outcome.out, outcome.err = out.getvalue(), err.getvalue()
    return outcome


def check_message(outcome: Outcome) -> None:
    """Exit 0, or exit 2 with one paragraph (or click's usage error); never a traceback."""
    if outcome.error is not None:
        kind = "hang" if isinstance(outcome.error, Hang) else "traceback"
        outcome.problems.append(f"{kind}: {type(outcome.error).__name__}: {outcome.error!s:.300}")
        return
    if "Traceback" in outcome.err:
        outcome.problems.append("traceback printed")
    if outcome.warned:
        outcome.problems.append(f"warning printed: {outcome.warned[0]:.200}")
    if outcome.code not in (0, 2):
        outcome.problems.append(f"exit code {outcome.code}")
    if outcome.code == 2:
        message = outcome.err.strip()
        if message.startswith("error:"):
            if "\n" in message:
                outcome.problems.append("the message is more than one paragraph")
        elif "Usage:" not in message:
            outcome.problems.append("exit 2 without a message")


def _strict_json(text: str) -> Any:
    def refuse(token: str) -> Any:
        raise ValueError(f"{token} is not JSON")

    return json.loads(text, parse_constant=refuse)


def _finite(node: Any, where: str = "") -> str | None:
    if isinstance(node, float) and not math.isfinite(node):
        return where
    if isinstance(node, dict):
        items = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return None
    for key, value in items:
        bad = _finite(value, f"{where}.{key}")
        if bad:
            return bad
    return None


def check_summary(outcome: Outcome, run_dir: Path) -> None:
    """A finished run's summary.json: strict JSON, finite, a sane number of citizens."""
    try:
        summary = _strict_json((run_dir / "summary.json").read_text("utf-8"))
    except (OSError, ValueError) as err:
        outcome.problems.append(f"summary.json: {err}")
        return
    citizens = summary.get("citizens")
    if not isinstance(citizens, int) or not 0 < citizens <= MAX_CITIZENS_SANE:
        outcome.problems.append(f"summary reports {citizens!r} citizens")
    bad = _finite(summary)
    if bad:
        outcome.problems.append(f"summary.json{bad} is not finite")


def check_json_output(outcome: Outcome) -> None:
    """A `--json` verb that succeeded printed one strict JSON object."""
    if outcome.code == 0:
        try:
            _strict_json(outcome.out)
        except ValueError as err:
            outcome.problems.append(f"--json printed no strict JSON: {err}")


def listing(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def check_left(outcome: Outcome, before: set[str], folder: Path, allowed: str | None) -> None:
    """Nothing new in `folder` except under `allowed` (a run directory that exit 0 wrote)."""
    new = listing(folder) - before
    if allowed is not None and outcome.code == 0:
        new = {p for p in new if not (p == allowed or p.startswith(allowed + "/"))}
    if new:
        outcome.problems.append(f"left behind: {sorted(new)[:5]}")


def load_only(path: Path) -> tuple[int, str | None]:
    """Load a scenario file with credsim.load_scenario, as (0 loaded or 2 refused with a
    UserError, problem): the problem is None unless it failed otherwise or said more than one
    paragraph."""
    from credsim.scenario import load_scenario

    try:
        load_scenario(path)
    except UserError as err:
        if "\n" in str(err).strip():
            return 2, f"more than one paragraph: {err}"
        return 2, None
    except Exception as err:  # a traceback
        return 1, f"traceback: {type(err).__name__}: {err!s:.300}"
    return 0, None
