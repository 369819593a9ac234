"""The search and the wave: Optuna asks for points in batches (its sampler for the search, then the
history-matching wave's fixed points), a backend runs each point's replicates, and every trial,
with its figures, lives in an SQLite store (`study.db`) so a killed calibration resumes.

Resuming reproduces an uninterrupted calibration: trial n's sampler is seeded from the
calibration's seed and n alone (QMC keeps its place in the store), its runs' seeds likewise, and
batches are fixed blocks of trial numbers, so the store holds the same trials, asked for in the
same state of the study, whenever the process was killed. Trials left running by a killed process
are run again with the values they were given."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from credsim.calibration.evaluate import PointRun, run_point, trial_seed
from credsim.calibration.history import dispersion, match, point_implausibility
from credsim.calibration.refine import wave_box, wave_points
from credsim.errors import UserError

__all__ = ["STUDY_FILE", "import_optuna", "open_study", "run_search"]

STUDY_FILE = "study.db"
_SAMPLER_STREAM = 1_000_003
"""The sampler's seed stream (replicates use streams 0..replicates-1)."""
_WAVE_STREAM = 1_000_033
"""The wave design's seed stream."""


class MissingExtra(UserError):
    """An optional dependency a command needs is not installed."""


def import_optuna():
    """Optuna, or a clear message naming the extra that installs it."""
    try:
        import optuna
    except ImportError:
        raise MissingExtra(
            "credsim calibrate needs Optuna, an optional extra: pip install 'credsim[calibrate]'."
        ) from None
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    return optuna


def _sampler(optuna, prepared, number: int):
    m = prepared.calibration.model
    if m.sampler == "qmc":
        return optuna.samplers.QMCSampler(seed=m.seed, scramble=True)
    seed = trial_seed(m.seed, number, _SAMPLER_STREAM)
    if m.sampler == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    return optuna.samplers.TPESampler(
        seed=seed, n_startup_trials=m.startup_trials, multivariate=True
    )


def _distributions(optuna, prepared) -> dict[str, Any]:
    out = {}
    for name, spec in prepared.calibration.model.parameters.items():
        low, high = spec.bounds
        if spec.whole:
            out[name] = optuna.distributions.IntDistribution(int(low), int(high))
        else:
            out[name] = optuna.distributions.FloatDistribution(low, high, log=spec.log)
    return out


def _set_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _quick_commits(engine) -> None:
    """Write-ahead logging without a disk flush per commit (a dozen milliseconds each): a killed
    process loses nothing, and a power cut at worst the last trials, which a resumed calibration
    runs again with the same result."""
    from sqlalchemy import event

    event.listen(engine, "connect", _set_pragmas)
    engine.dispose()  # connections made before the listener reopen with it


def open_study(out: Path, prepared=None, trials: int | None = None):
    """The calibration's study in `out/study.db` (made if new); with `prepared`, checks that it
    is this calibration's, with `trials` search points."""
    optuna = import_optuna()
    storage = optuna.storages.RDBStorage(f"sqlite:///{out / STUDY_FILE}")
    _quick_commits(storage.engine)
    study = optuna.create_study(
        study_name="calibration", storage=storage, direction="minimize", load_if_exists=True
    )
    if prepared is not None:
        digest = prepared.digest(trials or prepared.calibration.model.trials)
        held = study.user_attrs.get("digest")
        if held is None:
            study.set_user_attr("digest", digest)
        elif held != digest:
            raise UserError(
                f"{out}: this directory holds a calibration of a different file, scenario, "
                "settings or number of --trials; give the same ones to resume it, or another "
                "--out (or remove the directory) to start again."
            )
    return study


def _stage(number: int, search_end: int, refine: int) -> tuple[int, int]:
    """(first, end) trial numbers of trial `number`'s stage: the search, or one wave."""
    if number < search_end:
        return 0, search_end
    first = search_end + (number - search_end) // refine * refine
    return first, first + refine


def _wave_sampler(optuna, prepared, study, search_end: int, number: int):
    """A sampler that gives trial `number` its point of its wave: a design over the box of the
    points accepted before the wave began (with the dispersion pooled over all of them)."""
    m = prepared.calibration.model
    first, _ = _stage(number, search_end, m.refine)
    state = optuna.trial.TrialState
    before = [t for t in study.get_trials(deepcopy=False, states=(state.COMPLETE,))
              if t.number < first]  # fmt: skip
    scores, _ = match([t.user_attrs["values"] for t in before], prepared.published,
                      prepared.obs_sd, prepared.world_share)  # fmt: skip
    scored = [(max(s.values()), t.number, t.params) for s, t in zip(scores, before, strict=True)]
    box = wave_box(m.parameters, scored, m.cutoff)
    points = wave_points(m.parameters, box, m.refine, trial_seed(m.seed, first, _WAVE_STREAM))
    fixed = points[number - first]
    return optuna.samplers.PartialFixedSampler(fixed, optuna.samplers.RandomSampler(seed=0))


def _batch_start(number: int, search_end: int, refine: int, batch: int) -> int:
    """The first trial of trial `number`'s batch (batches restart with each stage)."""
    first, _ = _stage(number, search_end, refine)
    return first + (number - first) // batch * batch


def _next_batch(optuna, study, prepared, search_end: int) -> list:
    """The trials to run now: those of the batch in progress (asking for the rest of it first),
    or a new batch; empty when every trial is done. Batches are fixed blocks of trial numbers
    within each stage (the search, then the wave)."""
    state = optuna.trial.TrialState
    m = prepared.calibration.model
    total = search_end + m.refine * m.waves
    trials = study.get_trials(deepcopy=False)
    running = [t for t in trials if t.state in (state.RUNNING, state.WAITING)]
    if running:
        first = running[0].number
    elif len(trials) < total:
        first = len(trials)
    else:
        return []
    _, stage_end = _stage(first, search_end, m.refine)
    end = min(_batch_start(first, search_end, m.refine, m.batch) + m.batch, stage_end)
    distributions = _distributions(optuna, prepared)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        for number in range(len(trials), end):
            if number == 0 and m.first_point == "scenario":
                study.sampler = optuna.samplers.PartialFixedSampler(
                    prepared.scenario_point(), optuna.samplers.RandomSampler(seed=m.seed)
                )
            elif number < search_end:
                study.sampler = _sampler(optuna, prepared, number)
            else:
                study.sampler = _wave_sampler(optuna, prepared, study, search_end, number)
            study.ask(distributions)
    return study.get_trials(deepcopy=False, states=(state.RUNNING, state.WAITING))


def _tasks(prepared, trial) -> list[PointRun]:
    m = prepared.calibration.model
    settings = prepared.settings(trial.params)
    return [
        PointRun(
            trial.number,
            r,
            trial_seed(m.seed, trial.number, r),
            prepared.base,
            settings,
            prepared.windows + prepared.prediction_windows,
        )
        for r in range(m.replicates)
    ]


def _tell(optuna, study, prepared, trial, runs: list[dict[str, Any]], earlier: list) -> None:
    """Store a point's figures and tell Optuna its largest implausibility, with the dispersion
    pooled over `earlier` points (those of earlier batches: the same whatever order this batch
    finishes in), or the point's own when there are none."""
    targets = prepared.calibration.model.targets
    values = {name: [run["values"][name] for run in runs] for name in targets}
    pool = earlier or [values]
    phi = {name: dispersion([p[name] for p in pool]) for name in targets}
    score = point_implausibility(
        values, prepared.published, prepared.obs_sd, phi, prepared.world_share
    )
    handle = optuna.trial.Trial(study, trial._trial_id)
    handle.set_user_attr("values", values)
    handle.set_user_attr(
        "curves", {name: [run["curves"][name] for run in runs] for name in targets}
    )
    ahead = prepared.calibration.model.predictions
    handle.set_user_attr(
        "predictions", {name: [run["values"][name] for run in runs] for name in ahead}
    )
    study.tell(trial.number, max(score.values()))


def run_search(
    prepared,
    out: Path,
    backend,
    *,
    trials: int,
    on_trial: Callable[[int], None] | None = None,
) -> list:
    """Run `trials` search points, then the file's waves of `refine` points, on `backend` (a context
    manager the caller has entered); return the complete trials, in order of number."""
    optuna = import_optuna()
    study = open_study(out, prepared, trials)
    replicates = prepared.calibration.model.replicates
    total = trials + prepared.calibration.model.refine * prepared.calibration.model.waves
    while batch := _next_batch(optuna, study, prepared, trials):
        by_number = {t.number: t for t in batch}
        m = prepared.calibration.model
        start = _batch_start(min(by_number), trials, m.refine, m.batch)
        done = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
        earlier = [t.user_attrs["values"] for t in done if t.number < start]
        runs: dict[int, list[dict[str, Any] | None]] = {n: [None] * replicates for n in by_number}
        items = [task for trial in batch for task in _tasks(prepared, trial)]
        for task, result in backend.map_unordered(run_point, items):
            runs[task.trial][task.replicate] = result
            if all(r is not None for r in runs[task.trial]):
                _tell(optuna, study, prepared, by_number[task.trial], runs[task.trial], earlier)
                if on_trial is not None:
                    on_trial(task.trial)
    complete = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    return sorted((t for t in complete if t.number < total), key=lambda t: t.number)
