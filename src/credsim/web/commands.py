"""Command-line commands of credsim.web, added to the `credsim` app by `register`."""

from __future__ import annotations

import ipaddress
import socket
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from credsim.errors import UserError

__all__ = ["register"]

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_EVERY_ADDRESS = {"0.0.0.0", "::", ""}


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


def _check_runs_dir(runs_dir: Path) -> None:
    """One paragraph, not a traceback, when the runs folder cannot be made, read or written."""
    from credsim.results.paths import check_not_virtual

    check_not_virtual(runs_dir, "--runs-dir")  # before creating anything there
    try:
        if runs_dir.exists() and not runs_dir.is_dir():
            raise UserError(f"--runs-dir {runs_dir}: exists and is not a directory.")
        runs_dir.mkdir(parents=True, exist_ok=True)
        next(runs_dir.iterdir(), None)
        with tempfile.TemporaryFile(dir=runs_dir, prefix=".credsim-write-test-"):
            pass
    except OSError as err:
        raise UserError(
            f"--runs-dir {runs_dir}: cannot be used as the folder of runs "
            f"({err.strerror or err}); choose a folder you can create and write to."
        ) from None


def _allowed_name(name: str) -> str:
    """A host name or IP address for --allow-host, lower case (IPv6 without brackets)."""
    bare = name.strip().lower()
    if bare.startswith("[") and bare.endswith("]"):
        bare = bare[1:-1]
    ok = bool(bare) and not any(c in bare for c in "*/@ \t")
    if ok and ":" in bare:
        try:
            ipaddress.IPv6Address(bare)
        except ValueError:
            ok = False
    if not ok:
        raise UserError(
            f"--allow-host {name!r}: give a host name or IP address, without a scheme, port "
            "or wildcard (e.g. --allow-host dashboard.example or --allow-host 192.168.1.5)."
        )
    return bare


def _allowed_hosts(host: str, allow_host: list[str]) -> list[str]:
    """The host names requests may be addressed to: the local names, the --host address when
    it is a single one, and every --allow-host (required with an every-address --host)."""
    from credsim.web.app import LOCAL_HOSTS

    extra = [_allowed_name(name) for name in allow_host]
    if host in _EVERY_ADDRESS and not extra:
        raise UserError(
            f"--host {host or repr(host)} listens on every address of this machine: name the "
            "host names and addresses clients will use with --allow-host (repeatable, e.g. "
            "--allow-host dashboard.example --allow-host 192.168.1.5); requests for any other "
            "name are refused."
        )
    own = [] if host in _EVERY_ADDRESS | _LOOPBACK else [_allowed_name(host)]
    return list(dict.fromkeys([*LOCAL_HOSTS, *own, *extra]))


def serve(
    host: Annotated[str, typer.Option(help="address to listen on (local only by default)")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="port to listen on")] = 8765,
    runs_dir: Annotated[
        Path, typer.Option(help="where runs are written (finished runs there are listed)")
    ] = Path("runs"),
    max_runs: Annotated[int, typer.Option(help="runs at the same time; the rest wait")] = 1,
    max_queued: Annotated[
        int, typer.Option(help="runs that may wait for a free worker; one more is refused")
    ] = 20,
    max_citizens: Annotated[int, typer.Option(help="largest population a run may have")] = (
        2_000_000
    ),
    max_run_events: Annotated[
        int, typer.Option(help="events a run may make (estimated before, counted while running)")
    ] = 200_000_000,
    max_run_memory: Annotated[
        str, typer.Option(help="memory a run may use, e.g. 4G or 512M")
    ] = "4G",
    max_run_seconds: Annotated[float, typer.Option(help="wall time a run may take")] = 3600.0,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            help="a host name or address clients use to reach the dashboard (repeatable; "
            "required with --host 0.0.0.0)"
        ),
    ] = None,
) -> None:
    """The local web dashboard: pick a scenario, change it, run it, compare runs."""
    try:
        import uvicorn

        from credsim.web.app import create_app
        from credsim.web.limits import RunLimits, parse_bytes
    except ImportError as err:
        raise UserError(
            f"credsim serve needs the web extra ({err.name} is missing): "
            "pip install 'credsim[web]'."
        ) from None
    if not 1 <= port <= 65535:
        raise UserError(f"--port {port}: choose a port from 1 to 65535.")
    for flag, value, least in (
        ("--max-runs", max_runs, 1),
        ("--max-queued", max_queued, 0),
        ("--max-citizens", max_citizens, 1),
        ("--max-run-events", max_run_events, 1),
    ):
        if value < least:
            raise UserError(f"{flag} {value}: at least {least}.")
    if not 0 < max_run_seconds < float("inf"):
        raise UserError(f"--max-run-seconds {max_run_seconds}: a number of seconds above 0.")
    try:
        memory = parse_bytes(max_run_memory)
    except ValueError as err:
        raise UserError(f"--max-run-memory: {err}.") from None
    if memory < 2**20:
        raise UserError(f"--max-run-memory {max_run_memory}: at least 1M.")
    hosts = _allowed_hosts(host, allow_host or [])
    _check_runs_dir(runs_dir)
    _check_port(host, port)
    if host not in _LOOPBACK:
        typer.echo(
            f"warning: listening on {host or repr(host)}: the dashboard has no login, so anyone "
            "who can reach this address can start and cancel runs and read every run's files. "
            f"Requests are accepted for these host names only: {', '.join(hosts)}.",
            err=True,
        )
    limits = RunLimits(events=max_run_events, memory_bytes=memory, seconds=max_run_seconds)
    app = create_app(
        runs_dir,
        max_runs=max_runs,
        max_citizens=max_citizens,
        allowed_hosts=hosts,
        limits=limits,
        max_queued=max_queued,
    )
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"credsim dashboard on http://{shown}:{port}/ (runs in {runs_dir}; Ctrl-C stops)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add `credsim serve` to `app`."""
    app.command()(serve)
