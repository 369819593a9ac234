"""Bundled sweep files (`credsim sweep NAME`); see docs/sweeps.md."""
