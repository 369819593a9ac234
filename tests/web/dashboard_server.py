"""Start a real `credsim serve` in a subprocess on a free loopback port, for the server and
browser tests and for the screenshot script."""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "copy_runs",
    "free_port",
    "get_json",
    "make_run",
    "post_json",
    "serve",
    "serve_process",
    "wait_for",
]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def copy_runs(finished_runs: Path, target: Path) -> Path:
    """A fresh runs folder holding copies of the finished runs."""
    runs = target / "runs"
    shutil.copytree(finished_runs, runs)
    return runs


def make_run(folder: Path, citizens: int = 2000, days: int = 20, **figures: Any) -> Path:
    """A finished run directory as the dashboard lists it (no simulation behind it)."""
    folder.mkdir(parents=True)
    summary = {"scenario": "default", "seed": 1, "citizens": citizens, "days": days, **figures}
    (folder / "summary.json").write_text(json.dumps(summary))
    info = {"scenario": "default", "overrides": [], "days": days, "wall_seconds": 1.0}
    (folder / "run.json").write_text(json.dumps(info))
    scenario = f'name = "default"\ndays = {days}\n\n[population]\nsize = {citizens}\n'
    (folder / "scenario.toml").write_text(scenario)
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def post_json(url: str, body: dict) -> tuple[int, Any]:
    data = json.dumps(body).encode()
    request = urllib.request.Request(
        url, data=data, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def wait_for(base: str, run_id: str, statuses: tuple[str, ...], timeout: float = 300) -> dict:
    """Poll a run until its status is one of `statuses`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = get_json(f"{base}/api/runs/{run_id}")
        if run["status"] in statuses:
            return run
        time.sleep(0.2)
    raise TimeoutError(f"run {run_id} not {statuses} after {timeout} s: {run}")


@contextlib.contextmanager
def serve(runs_dir: Path, *extra: str, timeout: float = 90) -> Iterator[str]:
    """`credsim serve` on a free port; yields its base URL and stops it afterwards."""
    with serve_process(runs_dir, *extra, timeout=timeout) as (base, _process, _log):
        yield base


@contextlib.contextmanager
def serve_process(
    runs_dir: Path, *extra: str, timeout: float = 90
) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    """`credsim serve` on a free port; yields its base URL, its process and the file holding
    what it printed, and stops it afterwards."""
    port = free_port()
    command = [sys.executable, "-c", "from credsim.cli import main; main()", "serve"]
    command += ["--port", str(port), "--runs-dir", str(runs_dir), *extra]
    log = (runs_dir.parent / f"serve-{port}.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                output = Path(log.name).read_text(errors="replace")
                raise RuntimeError(f"credsim serve exited with {process.returncode}: {output}")
            try:
                get_json(f"{base}/api/scenarios")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield base, process, Path(log.name)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
        log.close()
