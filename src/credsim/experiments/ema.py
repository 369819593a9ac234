"""An EMA Workbench adapter: a credsim scenario as an `ema_workbench` model, so analysts can use
`perform_experiments`, PRIM, feature scoring and the rest on it.

Uncertainties, levers and outcomes are given in the sweep vocabulary (or read from a sweep file);
each experiment runs the scenario through the same task a sweep uses, so keys and values are
checked before any run. Needs the optional extra: `pip install 'credsim[ema]'`.

```python
from ema_workbench import perform_experiments
from credsim.experiments.ema import credsim_model

model = credsim_model(
    "default",
    uncertainties={"court_errors": {
        "key": "sources.courts.records.court_judgment.misattribution_rate",
        "low": 0.001, "high": 0.05}},
    levers={"delay": {"key": "consequences.court_blacklist.listing_delay_days",
                      "low": 0, "high": 90}},
    outcomes=[{"key": "sanctioned_wrongful", "goal": "minimize"}],
    population=20_000, days=60, replicates=2,
)
experiments, outcomes = perform_experiments(model, scenarios=16, policies=2)
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from credsim.errors import UserError
from credsim.experiments.sweep_check import PreparedSweep, prepare_sweep, quiet_output
from credsim.experiments.sweep_file import Sweep, load_sweep
from credsim.experiments.sweep_task import RunTask, derive_seed, run_task

__all__ = ["CredsimFunction", "credsim_model", "model_from_sweep"]


@dataclass(frozen=True)
class CredsimFunction:
    """The callable an EMA model runs: keyword parameter values (and `seed`) -> outcomes.

    Picklable, so EMA's multiprocessing evaluator can ship it to its workers.
    """

    scenario: dict[str, Any]
    keys: dict[str, str]
    outcomes: dict[str, str]
    seed: int

    def __call__(self, seed: int | None = None, **values: Any) -> dict[str, float]:
        settings = {self.keys[name]: _plain(value) for name, value in values.items()}
        task = RunTask(
            point=0,
            replicate=0,
            seed=self.seed if seed is None else int(seed),
            scenario=self.scenario,
            settings=settings,
            outcomes=tuple(self.outcomes.values()),
        )
        found = run_task(task)["outcomes"]
        return {
            name: np.nan if found[key] is None else found[key]
            for name, key in self.outcomes.items()
        }


def _plain(value: Any) -> Any:
    """EMA hands numpy scalars; scenarios take plain Python values."""
    return value.item() if isinstance(value, np.generic) else value


def _import_ema() -> Any:
    try:
        import ema_workbench
    except ImportError:
        raise UserError(
            "the EMA Workbench adapter needs ema_workbench, an optional extra: "
            "pip install 'credsim[ema]'."
        ) from None
    return ema_workbench


def _model_name(name: str) -> str:
    cleaned = re.sub(r"[^0-9A-Za-z]", "", name)
    return cleaned or "credsim"


def model_from_sweep(
    sweep: Sweep | PreparedSweep | str | Path | dict[str, Any], *, name: str | None = None
) -> Any:
    """An `ema_workbench.Model` (a `ReplicatorModel` when the sweep has replicates > 1) with the
    sweep's uncertainties, levers and outcomes; its design section is ignored (EMA samples)."""
    ema = _import_ema()
    if isinstance(sweep, PreparedSweep):
        prepared = sweep
    else:
        loaded = sweep if isinstance(sweep, Sweep) else load_sweep(sweep)
        prepared = prepare_sweep(loaded, check_points=False)
    spec, model_spec = prepared.sweep, prepared.sweep.model
    function = CredsimFunction(
        scenario=quiet_output(prepared.base),
        keys={p.name: p.key for p in spec.parameters},
        outcomes={o.name: o.key for o in spec.outcomes},
        seed=derive_seed(model_spec.seed, 0, 0),
    )
    label = _model_name(name or spec.name)
    replicates = model_spec.replicates
    if replicates > 1:
        model = ema.ReplicatorModel(label, function=function)
        model.replications = [
            {"seed": derive_seed(model_spec.seed, 0, r, common=True)} for r in range(replicates)
        ]
    else:
        model = ema.Model(label, function=function)

    def parameter(p):
        if p.kind == "real":
            return ema.RealParameter(p.name, p.low, p.high)
        if p.kind == "integer":
            return ema.IntegerParameter(p.name, int(p.low), int(p.high))
        return ema.CategoricalParameter(p.name, list(p.values))

    model.uncertainties = [parameter(p) for p in spec.parameters if p.role == "uncertainty"]
    model.levers = [parameter(p) for p in spec.parameters if p.role == "lever"]
    kinds = {
        "maximize": ema.ScalarOutcome.MAXIMIZE,
        "minimize": ema.ScalarOutcome.MINIMIZE,
        "info": ema.ScalarOutcome.INFO,
    }
    reduce = np.mean if replicates > 1 else None
    model.outcomes = [
        ema.ScalarOutcome(o.name, kind=kinds[o.goal], function=reduce) for o in spec.outcomes
    ]
    return model


def credsim_model(
    scenario: str | Path = "default",
    *,
    uncertainties: dict[str, dict[str, Any]] | None = None,
    levers: dict[str, dict[str, Any]] | None = None,
    outcomes: list[str | dict[str, Any]],
    constants: dict[str, Any] | None = None,
    population: int | None = None,
    days: int | None = None,
    replicates: int = 1,
    seed: int = 1,
    name: str | None = None,
) -> Any:
    """An EMA model of a credsim scenario (bundled name or path), in the sweep vocabulary:
    parameters as {name: {key, low, high} or {key, values}}, outcomes as dotted summary keys
    (or {key, name, goal}). Raises ScenarioError for a bad key or value before any run."""
    document: dict[str, Any] = {
        "name": name or Path(str(scenario)).stem,
        "scenario": str(Path(scenario).resolve()) if Path(str(scenario)).is_file() else scenario,
        "seed": seed,
        "replicates": replicates,
        "outcomes": outcomes,
        "design": {"kind": "latin_hypercube", "n": 2},
        "uncertainties": uncertainties or {},
        "levers": levers or {},
        "constants": constants or {},
    }
    if population is not None:
        document["population"] = population
    if days is not None:
        document["days"] = days
    return model_from_sweep(document, name=name)
