"""Measure credsim's peak memory and fit the model the memory guard uses.

Every case runs in a fresh Python process and measures resident memory (RSS) above what that
process held once its scenario was loaded: the point where `credsim run` checks that a run fits.
The peak of each phase is read from /proc/self/status (VmHWM), which is reset between phases
(/proc/self/clear_refs), so a case gives the peak of preparing and stepping the days ("loop":
population, graph, state, the but-for twin, the event log's buffered days and its writes) and of
writing the results ("output": summary, timeseries, citizens.parquet and report.html).

The fit (per phase):
- the default with and without its but-for twin and everything at 4 and 10 million agents give
  bytes per agent (the engine's base, per byte of the plug-ins' declared state, per byte of the
  twin's), and from 20,000 agents up the fixed bytes (the most any size needs beyond its bytes
  per agent);
- 120-day runs of the default (without its twin) and of national-steady (with and without) at
  the two large sizes must be covered: what they need beyond the model is added to the base;
- each plug-in of default and everything switched off at a million agents is printed beside the
  model's share for it (its declared state times the factor), not fitted on;
- the default for 120 days against 10 at the two large sizes gives the history's pending events
  per agent, and at 200,000 agents for 120 and 365 days the daily figures;
- the default without the report, and without any file, at the two large sizes gives what
  writing fewer files takes;
- the default with every event kept, at two lengths, gives the event log's bytes per agent per
  buffered day and per unit of daily act rate (the sum of the behaviours' `rate`s);
- `credsim population`, `--shards 4` and `credsim compare` at two sizes give their own terms.
The bundled scenarios not used in the fit are predicted and measured beside it (the error table).

    python benchmarks/memory_model.py            # measure (35 min here, --workers 1) and fit
    python benchmarks/memory_model.py --reuse    # fit again from the measurements already taken
    python benchmarks/memory_model.py --check    # only the error table of the shipped model

The fit is written to src/credsim/engine/memory_coefficients.py and the measurements to
benchmarks/memory-cases.jsonl (kept in the repository: `--reuse` and `--check` work on a fresh
checkout).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import pprint
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES = HERE / "memory-cases.jsonl"
TARGET = HERE.parent / "src" / "credsim" / "engine" / "memory_coefficients.py"
SIZES = (200_000, 500_000, 1_000_000)
LARGE = (4_000_000, 10_000_000)
"""Sizes the bytes per agent are taken from: below them the allocator keeps freed memory, so a
run of a million agents needs more per agent than a large one (the fixed bytes take that up)."""
SMALL = (20_000, 60_000)
"""Sizes where the fixed bytes dominate: the fit's fixed bytes are the most any size needs."""
ABLATE_AT = 1_000_000
DAYS = 10
QUIET = ["output.events=none"]
LONGER = (("default", 1_000_000, 120), ("reference", 1_000_000, 120), ("default", 200_000, 120),
          ("default", 200_000, 365), *(("default", n, 120) for n in LARGE))  # fmt: skip
"""Longer runs: what grows with the days (pending events of the history arriving, daily
figures) levels off after the warm-up; 120 days stand for the rest. Per agent, the history's
share comes from the large sizes (at a million agents the allocator keeps more of it)."""
WARM = 110
NO_TWIN = "but_for=false"
COVER = (("default", [*QUIET, NO_TWIN]), ("national-steady", QUIET),
         ("national-steady", [*QUIET, NO_TWIN]))  # fmt: skip
COVER_DAYS = 120
"""Runs past the friends' term's first moves and the history's arrival, at the large sizes, that
the fitted bytes per agent must cover (`_cover`): the fit's terms are levelled on the default and
everything scenarios, and a scenario's own transients (the national one's, say) can need more."""
NO_REPORT = ["output.report=false"]
NO_FILES = ["output.report=false", "output.citizens=none"]
"""Days after the 10 measured over which the growth with the days levels off."""


# -- one case, in its own process ------------------------------------------------------------


def _status(key: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(key)


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
        refs.write("5")


def run_case(case: dict) -> dict:
    """Measure one case in this process (a fresh one: see `measure`)."""
    from credsim import runner
    from credsim.scenario import load_scenario

    verb, n, days = case["verb"], case["n"], case.get("days", DAYS)
    tmp = Path(tempfile.mkdtemp(prefix="credsim-memory-"))
    phases: dict[str, int] = {}
    base = _status("VmRSS")

    def mark(phase: str) -> None:
        phases[phase] = max(phases.get(phase, 0), _status("VmHWM") - base)
        _reset_peak()

    try:
        if verb == "population":  # what `credsim population` does
            from credsim.population.describe import describe_population

            _reset_peak()
            describe_population("china-2020", n, 1)
            mark("loop")
        else:
            sets = case.get("sets") or None
            scenario = load_scenario(case["scenario"], population=n, days=days, overrides=sets)
            base = _status("VmRSS")
            _reset_peak()
            if verb == "run":  # credsim run itself; its day loop marks the end of stepping
                from credsim.engine import Simulation
                from credsim.scenario.footprint import run_state_bytes

                step_days = Simulation.run

                def days_then_mark(sim, *args, **kwargs):
                    step_days(sim, *args, **kwargs)
                    mark("loop")

                Simulation.run = days_then_mark
                runner.run(scenario, out=tmp / "run")
                mark("output")
                case["state_bytes"] = run_state_bytes(scenario) * n
            elif verb == "shards":
                from credsim.experiments.sharding import run_sharded

                run_sharded(scenario, tmp / "run", case["shards"])
                mark("loop")
            elif verb == "compare":
                from credsim.experiments.compare import compare

                compare(case["scenario"], case["b"], population=n, days=days, overrides=sets,
                        out=tmp / "compare")  # fmt: skip
                mark("loop")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {**case, "base_rss": base, "phases": phases}


DEPENDENT = re.compile(r"UserError: (behavior|adversaries|sources|policies|consequences|metrics)"
                       r"\.(\w+)")  # fmt: skip
"""The plug-in that needs one switched off (its error names it first)."""


def measure(case: dict) -> dict:
    """One case in a fresh process; an error is kept as the case's `error`. A plug-in that
    others need is switched off with them (`also`: the fit takes their own share back off)."""
    also: list[str] = []
    for _ in range(6):
        sets = [*(case.get("sets") or []), *(f"{k}.enabled=false" for k in also)]
        done = subprocess.run(
            [sys.executable, __file__, "--case", json.dumps({**case, "sets": sets})],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode == 0:
            row = json.loads(done.stdout.strip().splitlines()[-1])
            return {**row, "sets": case.get("sets"), "also": also}
        found = DEPENDENT.search(done.stderr)
        if case.get("role") != "ablate" or found is None:
            break
        also.append(f"{found.group(1)}.{found.group(2)}")
    return {**case, "error": done.stderr.strip().splitlines()[-1:]}


# -- the plan ---------------------------------------------------------------------------------


def _key(case: dict) -> str:
    keys = (k for k in sorted(case) if k in PLAN_KEYS and case[k] is not None)
    return json.dumps({k: case[k] for k in keys}, sort_keys=True)


PLAN_KEYS = ("verb", "scenario", "b", "n", "days", "sets", "shards")


def _run(scenario: str, n: int, sets: list[str], days: int = DAYS, **extra) -> dict:
    return {"verb": "run", "scenario": scenario, "n": n, "days": days, "sets": sets, **extra}


def plan() -> list[dict]:
    """Every case the fit uses, and the bundled scenarios it is checked against."""
    from credsim.scenario import load_scenario

    cases = []
    measured: set[str] = set()
    for scenario in ("default", "everything"):
        cases += [_run(scenario, n, QUIET, role="base") for n in (*SMALL, *SIZES)]
        cases += [_run(scenario, n, QUIET, role="large") for n in LARGE]
        loaded = load_scenario(scenario, population=1000)
        for section, items in loaded.plugins.items():
            for name, _, _ in items:
                key = f"{section}.{getattr(loaded.model, section)[name].plugin}"
                if scenario == "everything" and key in measured:
                    continue  # the default's plug-ins are measured in the default
                measured.add(key)
                off = [*QUIET, f"{section}.{name}.enabled=false"]
                cases.append(_run(scenario, ABLATE_AT, off, role="ablate", section=section,
                                  name=name))  # fmt: skip
    cases.append(_run("default", ABLATE_AT, [*QUIET, "but_for=false"], role="twin"))
    # The twin's share at the sizes where the allocator gives back what is freed.
    cases += [_run("default", n, [*QUIET, NO_TWIN], role="large-no-twin") for n in LARGE]
    for scenario, sets in COVER:
        cases += [_run(scenario, n, sets, COVER_DAYS, role="cover") for n in LARGE]
    for scenario, n, days in LONGER:
        cases.append(_run(scenario, n, QUIET if scenario == "default" else [], days, role="days"))
    for n, days in ((200_000, 10), (200_000, 40), (ABLATE_AT, 40)):
        cases.append(_run("default", n, [], days, role="events"))
        if days != DAYS:
            cases.append(_run("default", n, QUIET, days, role="events-off"))
    for files in (NO_REPORT, NO_FILES):
        cases += [_run("default", n, [*QUIET, *files], role="files") for n in (ABLATE_AT, *LARGE)]
    for n in (1_000_000, 4_000_000, 10_000_000, 20_000_000):
        cases.append({"verb": "population", "n": n, "role": "population"})
    for n in (500_000, 1_000_000):
        # Without the counterfactual: the guard adds each shard's twin on top (footprint.py).
        cases.append({"verb": "shards", "scenario": "default", "n": n, "days": DAYS,
                      "sets": [*QUIET, "but_for=false"], "shards": 4,
                      "role": "shards"})  # fmt: skip
        cases.append({"verb": "compare", "scenario": "default", "b": "state", "n": n,
                      "days": DAYS, "sets": QUIET, "role": "compare"})  # fmt: skip
    return cases + checks()


def checks() -> list[dict]:
    """Bundled scenarios as they are (events and all), at two sizes and two lengths."""
    out = []
    for scenario in ("reference", "financial", "state", "rongcheng", "national-steady", "rollout"):
        for n in (300_000, 1_000_000):
            out.append(_run(scenario, n, [], role="check"))
    for scenario in ("default", "reference"):
        out += [_run(scenario, n, [], 30, role="check") for n in (300_000, 1_000_000)]
    return out


# -- the fit ----------------------------------------------------------------------------------


def _line(points: list[tuple[int, int]]) -> tuple[float, float]:
    """Least-squares fixed bytes and bytes per agent through (agents, bytes)."""
    count = len(points)
    mx = sum(x for x, _ in points) / count
    my = sum(y for _, y in points) / count
    slope = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _ in points)
    return my - slope * mx, slope


def _peak(rows: list[dict], role: str, phase: str = "loop", **match) -> float:
    """The phase's peak of the one measured case of `role` matching `match`."""
    found = [r for r in rows if r["role"] == role and all(r[k] == v for k, v in match.items())]
    assert len(found) == 1, (role, match, len(found))
    return found[0]["phases"][phase]


def _scenario(row: dict, n: int = 1000):
    from credsim.scenario import load_scenario

    sets = [*(row.get("sets") or []), *(f"{a}.enabled=false" for a in row.get("also") or [])]
    return load_scenario(row["scenario"], population=n, days=row["days"], overrides=sets or None)


def _state(row: dict) -> tuple[int, int]:
    """Declared state bytes per agent of the run and of its but-for twin (0 without one)."""
    from credsim.scenario.footprint import run_state_bytes, twin_bytes

    scenario = _scenario(row)
    return run_state_bytes(scenario), twin_bytes(scenario) if scenario.model.but_for else 0


def fit(rows: list[dict]) -> dict:
    """The coefficients (see credsim.scenario.footprint for how they are used): per phase,
    bytes per agent = base + per_state_byte x declared state + per_twin_byte x the twin's, from
    the large runs; fixed bytes the most any measured size needs beyond that; then raised to
    cover the `COVER` runs (`_cover`)."""
    ok = [r for r in rows if "error" not in r]
    phases = ("loop", "output")
    roles = ("base", "large", "ablate", "twin", "days")
    states = {id(r): _state(r) for r in ok if r["role"] in roles}
    per_agent, fixed = {}, {}
    for phase in phases:
        # The level comes from the large runs (bytes per agent between their two sizes), where
        # the allocator returns what is freed: the twin's share from the default with and
        # without it, the state's from the default without it and everything with it.
        slope = {
            key: _slope(ok, role, phase, scenario, sets)
            for key, (role, scenario, sets) in {
                "twin": ("large", "default", QUIET),
                "alone": ("large-no-twin", "default", [*QUIET, NO_TWIN]),
                "everything": ("large", "everything", QUIET),
            }.items()
        }
        s1, t1 = _state(_run("default", 1000, QUIET))
        s2, t2 = _state(_run("everything", 1000, QUIET))
        twin_byte = max(slope["twin"] - slope["alone"], 0.0) / t1
        state_byte = (slope["everything"] - twin_byte * t2 - slope["alone"]) / (s2 - s1)
        per_agent[phase] = {
            "base": slope["alone"] - state_byte * s1,
            "per_state_byte": state_byte,
            "per_twin_byte": twin_byte,
        }
        # Fixed bytes: the most any measured size of the two scenarios needs beyond its bytes
        # per agent, so that small and middling runs (fixed costs, memory the allocator keeps)
        # are not under-predicted.
        fixed[phase] = max(
            r["phases"][phase] - r["n"] * _per_agent(per_agent[phase], *states[id(r)])
            for r in ok
            if r["role"] in ("base", "large")
        )
    # What grows with the days: a fixed part (daily figures) and, per agent, the pending events
    # of the history arriving, levelling off after the warm-up.
    for phase in phases:
        k = per_agent[phase]
        k["days_fixed"] = (
            _peak(ok, "days", phase, n=200_000, days=365)
            - _peak(ok, "days", phase, n=200_000, days=120)
        ) / (365 - 120)
        # Without a history (reference), at a million agents; the default's history on top of
        # that, per agent between the two large sizes.
        longer = _peak(ok, "days", phase, scenario="reference", n=ABLATE_AT)
        first = _peak(ok, "check", phase, scenario="reference", n=ABLATE_AT, days=DAYS)
        k["days"] = max(longer - first - k["days_fixed"] * WARM, 0.0) / ABLATE_AT
        longer = _slope(ok, "days", phase, "default", QUIET, days=120)
        k["history"] = max(longer - _slope(ok, "large", phase, "default", QUIET) - k["days"], 0.0)
        # The longer runs' fixed bytes (beyond their daily figures) count too.
        fixed[phase] = max(
            fixed[phase],
            *(
                r["phases"][phase]
                - k["days_fixed"] * (r["days"] - DAYS)
                - r["n"] * _loop_per_agent(r, k)
                for r in ok
                if r["role"] == "days"
            ),
        )

    def held(n: int, days: int) -> float:
        """The event log's memory: the loop's peak with every event kept minus with none."""
        off = "base" if days == DAYS else "events-off"
        kept = _peak(ok, "events", n=n, days=days)
        return kept - _peak(ok, off, scenario="default", n=n, days=days)

    default = _scenario({"scenario": "default", "days": DAYS, "sets": []})
    short, long = held(200_000, DAYS) / 200_000, held(200_000, 40) / 200_000
    per_day = max(long - short, 0.0) / (40 - DAYS)
    population = _line([(r["n"], r["phases"]["loop"]) for r in ok if r["role"] == "population"])
    # What writing fewer files takes, as a share of bytes per agent: from the large runs too (at a
    # million agents the fixed bytes, taken from the large runs, leave too little to share).
    full = _slope(ok, "large", "output", "default", QUIET)
    no_report = _slope(ok, "files", "output", "default", [*QUIET, *NO_REPORT]) / full
    loop = _slope(ok, "large", "loop", "default", QUIET)
    no_files = _slope(ok, "files", "output", "default", [*QUIET, *NO_FILES]) / loop
    # A run that writes neither citizens.parquet nor the report still writes its summary and
    # timeseries: fixed bytes of their own, the most any such measured run needs.
    without_files = max(
        r["phases"]["output"] - r["n"] * no_files * _loop_per_agent(r, per_agent["loop"])
        for r in ok
        if r["role"] in ("check", "days", "files") and _no_files(r)
    )
    # What the event log held is partly kept by the allocator while the results are written.
    retained = _peak(ok, "events", "output", n=ABLATE_AT, days=40) - _peak(
        ok, "events-off", "output", scenario="default", n=ABLATE_AT, days=40
    )
    model = {
        "fixed_bytes": {p: round(fixed[p]) for p in phases},
        "bytes_per_agent": {
            p: {k: round(v, 3 if k.startswith("per_") else 1) for k, v in per_agent[p].items()}
            for p in phases
        },
        "warm_days": WARM,
        "event_bytes_per_rate_day": round(per_day / _rate(default), 1),
        "event_bytes_history": round(max(short - per_day * DAYS, 0.0), 1),
        "event_buffer_cap_bytes": round(held(ABLATE_AT, 40)),
        "output_share_without_report": round(no_report, 3),
        "output_share_without_files": round(no_files, 3),
        "fixed_bytes_without_files": round(max(without_files, fixed["loop"])),
        "event_share_retained": round(max(retained, 0.0) / held(ABLATE_AT, 40), 3),
        "population": {
            "fixed_bytes": round(population[0]),
            "bytes_per_agent": round(max(population[1], 0.0), 1),
        },
        "process_bytes": sorted(r["base_rss"] for r in ok)[len(ok) // 2],
    }
    _cover(ok, model)
    for verb in ("shards", "compare"):
        measured = _line([(r["n"], r["phases"]["loop"]) for r in ok if r["role"] == verb])
        model[f"{verb}_bytes_per_agent"] = round(max(measured[1] - _verb_slope(verb, model), 0), 1)
        model[f"{verb}_fixed_bytes"] = round(max(measured[0], model["fixed_bytes"]["output"]))
    return model


def _cover(rows: list[dict], model: dict) -> None:
    """Raise each phase's bytes per agent by what the large runs of `COVER` need beyond the
    model in that phase (per agent between their two sizes, and at each size), and by what any
    other measured run of `COVER_FROM` agents or more needs beyond its prediction, so that none
    is under-predicted: the largest shortfall is added to the phase's base."""
    from credsim.engine.memory import MemoryModel
    from credsim.scenario.footprint import run_footprint

    short = dict.fromkeys(("loop", "output"), 0.0)
    for scenario, sets in COVER:
        match = {"role": "cover", "scenario": scenario, "sets": sets, "days": COVER_DAYS}
        found = {r["n"]: r["phases"] for r in rows if all(r[k] == v for k, v in match.items())}
        given = {
            n: run_footprint(_scenario(match, n), MemoryModel(model)).phase_bytes(n) for n in found
        }
        lo, hi = LARGE
        for i, phase in enumerate(short):
            measured = {n: found[n][phase] for n in found}
            short[phase] = max(
                short[phase],
                (measured[hi] - measured[lo] - given[hi][i] + given[lo][i]) / (hi - lo),
                *((measured[n] - given[n][i]) / n for n in found),
            )
    # Every other measured run of a million agents or more too (its peak against the larger of
    # its two phases' predictions: what the guard compares).
    for r in rows:
        if r["verb"] != "run" or r["n"] < COVER_FROM or r["role"] == "cover":
            continue
        given = run_footprint(_scenario(r, r["n"]), MemoryModel(model)).phase_bytes(r["n"])
        shortfall = (max(r["phases"].values()) - max(given)) / r["n"]
        for phase in short:
            short[phase] = max(short[phase], shortfall)
    model["covered_bytes_per_agent"] = {k: round(v, 1) for k, v in short.items()}
    for phase, k in model["bytes_per_agent"].items():
        k["base"] = round(k["base"] + short[phase], 1)


COVER_FROM = 1_000_000
"""Measured runs at least this large are covered (below it fixed bytes dominate, and the model's
fixed bytes are the most any size needed)."""


def _slope(
    rows: list[dict], role: str, phase: str, scenario: str, sets: list[str], days: int = DAYS
) -> float:
    """Bytes per agent between the two large sizes of `scenario` run with `sets`."""
    match = {"role": role, "scenario": scenario, "sets": sets, "days": days}
    found = {r["n"]: r["phases"][phase] for r in rows if all(r[k] == v for k, v in match.items())}
    lo, hi = LARGE
    return (found[hi] - found[lo]) / (hi - lo)


def _no_files(row: dict) -> bool:
    output = _scenario(row).model.output
    return output.citizens == "none" and not output.report


def _loop_per_agent(row: dict, k: dict) -> float:
    """Bytes per agent of the loop, as the model gives them to `row`'s run (events apart)."""
    from credsim.scenario.footprint import _history_days

    scenario = _scenario(row)
    history = min(_history_days(scenario) / 3650, 1.0)
    warm = min(max(row["days"] - 10, 0) / WARM, 1.0)
    return _per_agent(k, *_state(row)) + (k["days"] + k["history"] * history) * warm


def _per_agent(k: dict, state: int, twin: int) -> float:
    return k["base"] + k["per_state_byte"] * state + k["per_twin_byte"] * twin


def _rate(scenario) -> float:
    from credsim.scenario.footprint import act_rate

    return act_rate(scenario)


def plugin_table(rows: list[dict], model: dict) -> list[tuple[str, float, float, float]]:
    """Each plug-in switched off: the peak per agent it took (measured) beside what the model
    gives it (its declared state and its twin's copy times the fitted factors)."""
    out = []
    ok = [r for r in rows if "error" not in r]
    for r in ok:
        if r["role"] != "ablate" or r.get("also"):
            continue
        full = {
            p: _peak(ok, "base", p, scenario=r["scenario"], n=ABLATE_AT) for p in ("loop", "output")
        }
        s0, t0 = _state({**r, "sets": QUIET})
        s1, t1 = _state(r)
        k = model["bytes_per_agent"]["output"]
        modelled = k["per_state_byte"] * (s0 - s1) + k["per_twin_byte"] * (t0 - t1)
        measured = (full["output"] - r["phases"]["output"]) / ABLATE_AT
        out.append((f"{r['scenario']}: {r['section']}.{r['name']}", s0 - s1, measured, modelled))
    return out


def _verb_slope(verb: str, model: dict) -> float:
    """Bytes per agent the model gives a plain run of what `verb` runs, before its own term."""
    import dataclasses

    from credsim.engine.memory import MemoryModel
    from credsim.scenario import load_scenario
    from credsim.scenario.footprint import run_footprint

    memory = MemoryModel(model)
    scenario = load_scenario("default", population=ABLATE_AT, days=DAYS, overrides=QUIET)
    if verb == "shards":
        single = scenario.model.model_copy(update={"but_for": False})
        return run_footprint(dataclasses.replace(scenario, model=single), memory).bytes_per_agent
    other = load_scenario("state", population=ABLATE_AT, days=DAYS, overrides=QUIET)
    return max(run_footprint(s, memory).bytes_per_agent for s in (scenario, other))


# -- output ---------------------------------------------------------------------------------


def error_table(rows: list[dict], model: dict) -> list[dict]:
    """Predicted against measured peak for every measured run."""
    from credsim.engine.memory import MemoryModel
    from credsim.scenario import load_scenario
    from credsim.scenario.footprint import run_footprint

    memory = MemoryModel(model)
    out = []
    for r in rows:
        if "error" in r or r["verb"] != "run":
            continue
        scenario = load_scenario(r["scenario"], population=r["n"], days=r["days"],
                                 overrides=r["sets"] or None)  # fmt: skip
        predicted = run_footprint(scenario, memory).bytes(r["n"])
        measured = max(r["phases"].values())
        out.append({"role": r["role"], "scenario": r["scenario"], "n": r["n"], "days": r["days"],
                    "sets": " ".join(s for s in r["sets"] if s not in QUIET),
                    "measured_mib": measured / 2**20, "predicted_mib": predicted / 2**20,
                    "error": measured / predicted - 1})  # fmt: skip
    return out


def write_coefficients(model: dict) -> None:
    header = (
        '"""Peak memory of credsim runs, measured and fitted by benchmarks/memory_model.py\n'
        '(do not edit: run it again). See credsim.engine.memory for how the guard uses them."""\n\n'
        f"MEASURED = {pprint.pformat(_how(), width=96, sort_dicts=False)}\n\n"
        f"COEFFICIENTS = {pprint.pformat(model, width=96, sort_dicts=False)}\n"
    )
    TARGET.write_text(header, encoding="utf-8")
    subprocess.run(["ruff", "format", "-q", str(TARGET)], check=False)


def _how() -> dict:
    from credsim.version import __version__

    return {
        "date": dt.date.today().isoformat(),
        "credsim": __version__,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "how": "RSS above the process once its scenario is loaded (VmHWM, reset per phase), "
        f"each case in a fresh process; sizes {', '.join(f'{n:,}' for n in (*SMALL, *SIZES))} "
        f"and {' and '.join(f'{n:,}' for n in LARGE)} agents (bytes per agent between the "
        "largest two: the default with and without its twin, everything; raised to cover "
        f"{COVER_DAYS}-day runs of the default and national-steady there; fixed bytes the most "
        f"any size needs), {DAYS} days, events off; plug-ins switched off one at a time at "
        f"{ABLATE_AT:,}",
    }


def read_cases(path: Path = CASES) -> dict[str, dict]:
    """The measured cases by key (a case measured again replaces the earlier line)."""
    done = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            row = json.loads(line)
            done[_key(row)] = row
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--reuse", action="store_true", help="fit from memory-cases.jsonl")
    parser.add_argument("--check", action="store_true", help="only the error table")
    parser.add_argument("--workers", type=int, default=2, help="cases measured at a time")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(json.loads(args.case))))
        return
    done = read_cases()
    if not (args.reuse or args.check):
        todo = [c for c in plan() if _key(c) not in done or "error" in done[_key(c)]]
        CASES.parent.mkdir(exist_ok=True)
        with ThreadPoolExecutor(args.workers) as pool, CASES.open("a") as out:
            for row in pool.map(measure, todo):
                done[_key(row)] = row
                out.write(json.dumps(row) + "\n")
                out.flush()
                print(row.get("role"), row.get("scenario"), row["n"], row.get("sets"),
                      row.get("phases") or row.get("error"), flush=True)  # fmt: skip
    rows = list(done.values())
    if args.check:
        from credsim.engine.memory_coefficients import COEFFICIENTS as model
    else:
        model = fit(rows)
        write_coefficients(model)
    print(f"\n{'plug-in switched off':<52} {'state B':>7} {'measured':>9} {'model':>7}  (output "
          "phase, bytes per agent; noise up to about 30)")  # fmt: skip
    for name, state, measured, modelled in plugin_table(rows, model):
        print(f"{name:<52} {state:>7} {measured:>9.1f} {modelled:>7.1f}")
    print()
    print(f"{'role':<8} {'scenario':<11} {'agents':>10} {'days':>5} {'measured':>9} "
          f"{'predicted':>9} {'error':>7}  settings")  # fmt: skip
    for r in error_table(rows, model):
        print(f"{r['role']:<8} {r['scenario']:<11} {r['n']:>10,} {r['days']:>5} "
              f"{r['measured_mib']:>8.0f}M {r['predicted_mib']:>8.0f}M {r['error']:>+7.1%}  "
              f"{r['sets']}")  # fmt: skip


if __name__ == "__main__":
    main()
