"""Fuzz credsim's input for longer than the test suite does: damaged scenario files and bad flags,
each case checked for exit 0 with a sane result or exit 2 with one paragraph.

Usage: python benchmarks/fuzz.py [--cases 2000] [--seed 1] [--limit 60] [--kinds load,plan,...]

The cases come from the strategies of tests/scenario/fuzz_cases.py (the same ones
tests/scenario/test_fuzz.py draws a bounded number of): bundled scenarios with values replaced by
NaN, infinities, negatives, huge integers, wrong types, deleted or added keys, second plug-in
instances, deep nesting and bad encodings, loaded or planned (`run --plan`) and a share of them
run for real (500 citizens, 5 days); `run --plan` with bad flags and `--set` values; `faceid` and
`population` with bad numbers. Each case runs in this process with a time limit (`--limit`
seconds). Prints counts of exit 0, exit 2, tracebacks, hangs and leftovers (files left behind by
a refused case, or outside the run directory of a finished one) by kind of case, and the first
few problems of each kind; saves them in benchmarks/results/fuzz-TIME.json.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "scenario"))

from fuzz_cases import (
    SMALL,
    TINY_RUN,
    Outcome,
    check_json_output,
    check_left,
    check_message,
    check_summary,
    faceid_flags,
    invoke,
    load_only,
    population_flags,
    run_flags,
    scenario_files,
)

SHARES = {"load": 30, "plan": 25, "flags": 20, "faceid": 12, "population": 3, "run": 10}
"""Percent of the cases of each kind."""


def _kind(outcome: Outcome) -> str:
    text = " ".join(outcome.problems)
    if text.startswith("hang"):
        return "hangs"
    if "traceback" in text:
        return "tracebacks"
    if "left behind" in text:
        return "leftovers"
    if outcome.problems:
        return "other problems"
    return f"exit {outcome.code}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit", type=float, default=60.0, help="seconds before a case hangs")
    parser.add_argument("--kinds", default=",".join(SHARES), help="kinds of case, comma-separated")
    args = parser.parse_args()
    shares = {k: SHARES[k] for k in args.kinds.split(",")}
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    examples: dict[str, list[str]] = collections.defaultdict(list)
    slowest: dict[str, float] = collections.defaultdict(float)

    def record(kind: str, outcome: Outcome) -> None:
        verdict = _kind(outcome)
        counts[kind][verdict] += 1
        slowest[kind] = max(slowest[kind], outcome.seconds)
        if outcome.problems and len(examples[verdict]) < 5:
            examples[verdict].append(f"[{kind}] {outcome}"[:1500])

    def one_case(kind: str, draw) -> None:
        with tempfile.TemporaryDirectory() as name, contextlib.chdir(name):
            here = Path(name)
            if kind in ("load", "plan", "run"):
                gentle = {"most": 2, "encodings": ("utf-8",), "gentle": True}
                only_text = gentle if kind == "run" else {}
                case = draw(scenario_files(**only_text))
                (here / "case.toml").write_bytes(case.data)
                before = {"case.toml"}
                if kind == "load":
                    start = time.perf_counter()
                    code, problem = load_only(here / "case.toml")
                    outcome = Outcome(["load", case.describe()], code=code)
                    outcome.seconds = time.perf_counter() - start
                    if problem:
                        outcome.problems.append(problem)
                    if outcome.seconds > args.limit:
                        outcome.problems.append(f"hang: {outcome.seconds:.0f} s")
                    check_left(outcome, before, here, None)
                    return record(kind, outcome)
                extra = ["--plan", *SMALL] if kind == "plan" else [*TINY_RUN, "--out", "out"]
                outcome = invoke(["run", "case.toml", *extra], limit=args.limit)
                outcome.args.append(f"({case.describe()})")
            else:
                strategy = {"flags": run_flags, "faceid": faceid_flags}.get(kind, population_flags)
                outcome = invoke(draw(strategy()), limit=args.limit)
                before = set()
            check_message(outcome)
            if kind in ("faceid", "population") and "--json" in outcome.args:
                check_json_output(outcome)
            check_left(outcome, before, here, "out" if kind == "run" else None)
            if kind == "run" and outcome.code == 0:
                check_summary(outcome, here / "out")
            record(kind, outcome)

    kinds = [k for k, share in shares.items() for _ in range(share)]

    @hypothesis_seed(args.seed)
    @settings(
        max_examples=args.cases,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data(), slot=st.integers(0, len(kinds) - 1))
    def fuzz(data, slot):
        one_case(kinds[slot], data.draw)

    start = time.perf_counter()
    fuzz()
    seconds = time.perf_counter() - start
    total: collections.Counter = collections.Counter()
    for kind in shares:
        total.update(counts[kind])
        shown = ", ".join(f"{v} {k}" for k, v in sorted(counts[kind].items()))
        print(f"{kind:>10}: {sum(counts[kind].values()):5d} cases: {shown} "
              f"(slowest {slowest[kind]:.1f} s)")  # fmt: skip
    print(f"{'all':>10}: {sum(total.values()):5d} cases in {seconds:.0f} s")
    for verdict in ("tracebacks", "hangs", "leftovers", "other problems"):
        print(f"{verdict}: {total[verdict]}")
        for example in examples[verdict]:
            print("   ", example.replace("\n", "\n    "))
    results = Path(__file__).parent / "results"
    results.mkdir(exist_ok=True)
    path = results / f"fuzz-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(
        json.dumps(
            {
                "cases": sum(total.values()),
                "seed": args.seed,
                "seconds": round(seconds, 1),
                "by_kind": {k: dict(v) for k, v in counts.items()},
                "total": dict(total),
                "examples": examples,
            },
            indent=2,
        )
    )
    print(f"saved {path}")


if __name__ == "__main__":
    main()
