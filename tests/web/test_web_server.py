"""A real `credsim serve`: it answers while a run is in progress, queues runs beyond its limit,
and cancels them without leaving half-written directories."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
from dashboard_server import get_json, post_json, serve, wait_for

SERVE = [sys.executable, "-c", "from credsim.cli import main; main()", "serve"]
LONG = {"scenario": "default", "population": 20_000, "days": 5000}
"""A run that lasts long enough to be in progress throughout a test (it is cancelled)."""


def _status(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        return response.status, time.perf_counter() - started


def test_twenty_concurrent_requests_while_a_run_is_in_progress(tmp_path):
    with serve(tmp_path / "runs") as base:
        status, run = post_json(f"{base}/api/runs", LONG)
        assert status == 202
        deadline = time.monotonic() + 180
        # its counterfactual's days come first: any day stepped counts
        while get_json(f"{base}/api/runs/{run['id']}")["progress"] <= 0:
            assert time.monotonic() < deadline, "the run never reached its first day"
            time.sleep(0.2)
        paths = ["/", "/api/scenarios", "/api/runs", f"/api/runs/{run['id']}", "/static/form.js"]
        urls = [base + paths[i % len(paths)] for i in range(20)]
        with ThreadPoolExecutor(max_workers=20) as pool:
            answers = list(pool.map(_status, urls))
        assert [code for code, _ in answers] == [200] * 20
        during = get_json(f"{base}/api/runs/{run['id']}")
        assert during["status"] == "running"  # the 20 requests were answered mid-run
        assert 0 < during["progress"] < 1
        slowest = max(seconds for _, seconds in answers)
        print(f"20 concurrent GETs during a run: slowest {slowest:.3f} s")
        with urllib.request.urlopen(
            urllib.request.Request(f"{base}/api/runs/{run['id']}", method="DELETE")
        ) as response:
            assert response.status == 200
        assert wait_for(base, run["id"], ("cancelled",), 30)["status"] == "cancelled"


def test_runs_beyond_the_limit_wait_and_cancelling_leaves_no_partial_directory(tmp_path):
    runs = tmp_path / "runs"
    with serve(runs, "--max-runs", "1") as base:
        first = post_json(f"{base}/api/runs", LONG)[1]
        second = post_json(f"{base}/api/runs", {**LONG, "seed": 2})[1]
        wait_for(base, first["id"], ("running",), 60)
        time.sleep(1.0)
        assert get_json(f"{base}/api/runs/{second['id']}")["status"] == "queued"
        delete = urllib.request.Request(f"{base}/api/runs/{second['id']}", method="DELETE")
        urllib.request.urlopen(delete).read()
        assert get_json(f"{base}/api/runs/{second['id']}")["status"] == "cancelled"
        while get_json(f"{base}/api/runs/{first['id']}")["progress"] <= 0:
            time.sleep(0.2)
        delete = urllib.request.Request(f"{base}/api/runs/{first['id']}", method="DELETE")
        urllib.request.urlopen(delete).read()
        assert get_json(f"{base}/api/runs/{first['id']}")["status"] == "cancelled"
        assert list(runs.iterdir()) == []  # no half-written run directory is left behind


def _listening_addresses(port: int) -> list[str]:
    """Local addresses of the IPv4 sockets listening on `port` (from /proc/net/tcp)."""
    found = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:
            found.append(".".join(str(int(address[i : i + 2], 16)) for i in (6, 4, 2, 0)))
    return found


def test_serve_binds_loopback_by_default_and_refuses_a_taken_port(tmp_path):
    with serve(tmp_path / "runs") as base:
        port = base.rsplit(":", 1)[1]
        if Path("/proc/net/tcp").is_file():
            assert _listening_addresses(int(port)) == ["127.0.0.1"]
        taken = subprocess.run(
            [*SERVE, "--port", port, "--runs-dir", str(tmp_path / "other")],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert taken.returncode == 2
    assert f"--port {port}" in taken.stderr
    assert "Traceback" not in taken.stderr
