"""Command-line commands of credsim.experiments, added to the `credsim` app by `register`."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add this package's commands to `app` (none yet)."""
    from credsim.experiments.sweep_cli import sweep  # sweep: heavy imports stay inside it

    app.command()(sweep)
