"""Command-line commands of credsim.web, added to the `credsim` app by `register`."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Annotated

import typer

from credsim.errors import UserError

__all__ = ["register"]

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _check_port(host: str, port: int) -> None:
    """A clear message, not a traceback, when the port is taken or the host cannot be bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as err:
            raise UserError(
                f"--host {host} --port {port}: cannot listen there ({err.strerror}); "
                "choose another port with --port."
            ) from None


def serve(
    host: Annotated[str, typer.Option(help="address to listen on (local only by default)")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="port to listen on")] = 8765,
    runs_dir: Annotated[
        Path, typer.Option(help="where runs are written (finished runs there are listed)")
    ] = Path("runs"),
    max_runs: Annotated[int, typer.Option(help="runs at the same time; the rest wait")] = 1,
    max_citizens: Annotated[int, typer.Option(help="largest population a run may have")] = (
        2_000_000
    ),
) -> None:
    """The local web dashboard: pick a scenario, change it, run it, compare runs."""
    try:
        import uvicorn

        from credsim.web.app import LOCAL_HOSTS, create_app
    except ImportError as err:
        raise UserError(
            f"credsim serve needs the web extra ({err.name} is missing): "
            "pip install 'credsim[web]'."
        ) from None
    if not 1 <= port <= 65535:
        raise UserError(f"--port {port}: choose a port from 1 to 65535.")
    if max_runs < 1:
        raise UserError(f"--max-runs {max_runs}: at least 1.")
    if max_citizens < 1:
        raise UserError(f"--max-citizens {max_citizens}: at least 1.")
    if runs_dir.exists() and not runs_dir.is_dir():
        raise UserError(f"--runs-dir {runs_dir}: exists and is not a directory.")
    _check_port(host, port)
    hosts = None if host in _LOOPBACK else [*LOCAL_HOSTS, host]
    if host not in _LOOPBACK:
        typer.echo(
            f"warning: listening on {host}: the dashboard has no login, so anyone who can "
            "reach this address can start runs.",
            err=True,
        )
        if host in ("0.0.0.0", "::"):
            hosts = ["*"]
    app = create_app(runs_dir, max_runs=max_runs, max_citizens=max_citizens, allowed_hosts=hosts)
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"credsim dashboard on http://{shown}:{port}/ (runs in {runs_dir}; Ctrl-C stops)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add `credsim serve` to `app`."""
    app.command()(serve)
