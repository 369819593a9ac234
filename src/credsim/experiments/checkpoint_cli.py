"""`credsim run --resume RUN_DIR`: finish an interrupted checkpointed run, with a progress bar."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from credsim.errors import UserError
from credsim.experiments.checkpoint import check_interval, pending, resume
from credsim.experiments.checkpoint_partial import stepping_twin
from credsim.progress import RunProgress
from credsim.results import Results

__all__ = ["resume_with_progress"]


def resume_with_progress(
    run_dir: Path,
    checkpoint_every: int | None,
    given: dict[str, object],
    console: Console,
    quiet: bool,
) -> Results:
    """Resume `run_dir`; `given` holds the other `run` options, which --resume must not get."""
    clash = [f for f, v in given.items() if v is not None and v is not False and v != []]
    if clash:
        raise UserError(
            f"--resume {run_dir}: the scenario, its options and the run directory come from the "
            f"checkpoint; drop {', '.join(clash)} (only --checkpoint-every and --quiet go with "
            "--resume)."
        )
    if checkpoint_every is not None:
        check_interval(checkpoint_every)
    info = pending(run_dir) or {}
    name = f"{info.get('scenario', 'run')} (resumed)"
    done = int(info.get("day", -1)) + 1
    twin = stepping_twin(info)  # stopped while its counterfactual stepped first
    days = int(info.get("days") or 0)
    with RunProgress(
        console, name, days, done=0 if twin else done, but_for_done=done if twin else 0, quiet=quiet
    ) as bar:
        return resume(
            run_dir,
            on_day=bar.on_day,
            checkpoint_every=checkpoint_every,
            on_but_for_day=bar.on_but_for_day,
        )
