"""Sharded runs: one run split between localities (provinces, or parts of them) into shards that
step in lockstep, locally or as long-lived Ray actors, with the same results as a single
process."""

from credsim.experiments.sharding.driver import run_sharded
from credsim.experiments.sharding.split import split

__all__ = ["run_sharded", "split"]
