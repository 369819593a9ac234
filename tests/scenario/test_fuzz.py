"""Fuzzed scenario files and flags: whatever a user gives, credsim exits 0 with a sane result or
2 with one paragraph - never a traceback, a hang, or anything left behind. The cases are drawn
by Hypothesis from damaged copies of the bundled scenarios (tests/scenario/fuzz_cases.py),
bounded and derandomized so that CI sees the same cases every time; benchmarks/fuzz.py runs
thousands more."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path

from fuzz_cases import (
    SMALL,
    TINY_RUN,
    FileCase,
    Outcome,
    check_json_output,
    check_left,
    check_message,
    check_summary,
    faceid_flags,
    invoke,
    listing,
    load_only,
    population_flags,
    run_flags,
    scenario_files,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BOUNDED = settings(
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@contextlib.contextmanager
def folder(case: FileCase | None = None) -> Iterator[Path]:
    """A fresh working folder (holding the damaged file as case.toml, if any)."""
    with tempfile.TemporaryDirectory() as name, contextlib.chdir(name):
        here = Path(name)
        if case is not None:
            (here / "case.toml").write_bytes(case.data)
        yield here


def _holds(outcome: Outcome, what: str = "") -> None:
    assert not outcome.problems, f"{what}\n{outcome}"


@settings(BOUNDED, max_examples=120)
@given(case=scenario_files())
def test_damaged_scenario_files_load_or_are_refused_in_one_paragraph(case):
    with folder(case) as here:
        _, problem = load_only(here / "case.toml")
        assert problem is None, f"{case.describe()}: {problem}"
        assert listing(here) == {"case.toml"}


@settings(BOUNDED, max_examples=50)
@given(case=scenario_files())
def test_damaged_scenario_files_plan_or_exit_2(case):
    with folder(case) as here:
        outcome = invoke(["run", "case.toml", "--plan", *SMALL])
        check_message(outcome)
        check_left(outcome, {"case.toml"}, here, None)
        _holds(outcome, case.describe())


@settings(BOUNDED, max_examples=70)
@given(args=run_flags())
def test_bad_flags_plan_or_exit_2(args):
    with folder() as here:
        outcome = invoke(args)
        check_message(outcome)
        check_left(outcome, set(), here, None)
        _holds(outcome)


@settings(BOUNDED, max_examples=40)
@given(args=faceid_flags())
def test_faceid_prints_finite_json_or_exits_2(args):
    outcome = invoke(args)
    check_message(outcome)
    if "--json" in args:
        check_json_output(outcome)
    _holds(outcome)


@settings(BOUNDED, max_examples=10)
@given(args=population_flags())
def test_population_describes_or_exits_2(args):
    outcome = invoke(args)
    check_message(outcome)
    check_json_output(outcome)
    _holds(outcome)


@settings(BOUNDED, max_examples=12)
@given(case=scenario_files(most=2, encodings=("utf-8",), gentle=True), named_out=st.booleans())
def test_tiny_runs_of_damaged_files_finish_sane_or_leave_nothing(case, named_out):
    """A few damaged files run for real (500 citizens, 5 days): a sane summary, or exit 2 and
    nothing under --out (or runs/)."""
    with folder(case) as here:
        out = ["--out", "out"] if named_out else []
        outcome = invoke(["run", "case.toml", *TINY_RUN, *out])
        check_message(outcome)
        written = "out" if named_out else "runs"
        check_left(outcome, {"case.toml"}, here, written)
        if outcome.code == 0:
            runs = [here / "out"] if named_out else list((here / "runs").iterdir())
            assert len(runs) == 1, f"{case.describe()}: {runs}"
            check_summary(outcome, runs[0])
        _holds(outcome, case.describe())
