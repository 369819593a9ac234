"""Experiments: twin runs, sweeps, backends (local and Ray), checkpoints."""
