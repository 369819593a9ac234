"""Experiments: twin runs, sweeps, backends (local and Ray), checkpoints, sharded runs."""

from __future__ import annotations

# Twin runs and checkpoints (the function `compare` shadows its module's name here on purpose:
# `credsim.experiments.compare(a, b)`; import helpers from `credsim.experiments.compare`).
from credsim.experiments.checkpoint import resume
from credsim.experiments.compare import Comparison, compare, load_comparison
from credsim.experiments.sharding import run_sharded

__all__ = ["Comparison", "compare", "load_comparison", "resume", "run_sharded"]
