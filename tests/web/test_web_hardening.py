"""The dashboard holds up against hostile or careless requests: host names and origins checked,
bodies capped, errors that never echo input, a bounded queue, runs held to their limits, run
directories never served from outside the runs folder, and an unusable runs folder refused."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from dashboard_server import make_run
from fastapi.testclient import TestClient

from credsim.errors import UserError
from credsim.web.app import LOCAL_HOSTS, create_app
from credsim.web.commands import _allowed_hosts
from credsim.web.limits import RunLimits
from credsim.web.runs import RunManager

SMALL = {"scenario": "default", "population": 2000, "days": 20}
LONG = {**SMALL, "days": 5000}


@pytest.fixture()
def runs_dir(tmp_path) -> Path:
    runs = tmp_path / "runs"
    make_run(runs / "one")
    return runs


def client_for(runs_dir: Path, **options) -> TestClient:
    return TestClient(create_app(runs_dir, **options), base_url="http://127.0.0.1:8765")


# -- host names and origins ---------------------------------------------------------------------

EVERY_ADDRESS = _allowed_hosts("0.0.0.0", ["dashboard.example"])
"""What `credsim serve --host 0.0.0.0 --allow-host dashboard.example` accepts."""


def test_every_address_needs_an_allow_list_and_never_a_wildcard(runs_dir):
    assert [*LOCAL_HOSTS, "dashboard.example"] == EVERY_ADDRESS
    with pytest.raises(UserError, match="--allow-host"):
        _allowed_hosts("0.0.0.0", [])
    for bad in ("*", "http://dashboard.example", "dashboard.example:8765", ""):
        with pytest.raises(UserError, match="--allow-host"):
            _allowed_hosts("0.0.0.0", [bad])
    with pytest.raises(ValueError, match="wildcard"):
        create_app(runs_dir, allowed_hosts=["*"])


@pytest.mark.parametrize(
    ("host", "status"),
    [("dashboard.example:8765", 200), ("127.0.0.1:8765", 200), ("evil.example", 400)],
)
def test_with_every_address_a_foreign_host_is_still_refused(runs_dir, host, status):
    with client_for(runs_dir, allowed_hosts=EVERY_ADDRESS) as client:
        assert client.get("/api/runs", headers={"host": host}).status_code == status


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, None),  # curl and scripts send no Origin: not a browser, nothing to forge
        ({"origin": "http://127.0.0.1:8765"}, None),
        ({"origin": "http://dashboard.example:8765", "host": "dashboard.example:8765"}, None),
        ({"referer": "http://127.0.0.1:8765/"}, None),
        ({"origin": "http://evil.example"}, 403),
        ({"origin": "http://127.0.0.1:9999"}, 403),  # another local service is another site
        ({"origin": "https://127.0.0.1:8765"}, 403),
        ({"origin": "null"}, 403),  # a sandboxed frame or a file:// page
        ({"referer": "http://evil.example/page"}, 403),
        ({"origin": "http://dashboard.example:8765"}, 403),  # not the host it is served as
    ],
)
def test_state_changing_requests_from_another_origin_are_refused(runs_dir, headers, status):
    with client_for(runs_dir, allowed_hosts=EVERY_ADDRESS) as client:
        post = client.post("/api/runs", json={"scenario": "nope"}, headers=headers)
        delete = client.delete("/api/runs/nope", headers=headers)
        get = client.get("/api/runs/one", headers=headers)
    assert post.status_code == (status or 422)  # 422: it reached the app
    assert delete.status_code == (status or 404)
    assert get.status_code == 200  # reading is not changing
    if status == 403:
        assert "Origin" in post.json()["detail"]


# -- bodies and error messages ------------------------------------------------------------------


def test_a_body_over_the_cap_is_413_whether_its_length_is_given_or_not(runs_dir):
    json_type = {"content-type": "application/json"}
    with client_for(runs_dir, max_body=10_000) as client:
        declared = client.post("/api/runs", content=b" " * 10_001, headers=json_type)
        streamed = client.post(
            "/api/runs", content=iter([b" " * 4000] * 5), headers=json_type
        )  # chunked: no Content-Length, counted as it arrives
        small = client.post("/api/runs", content=b'{"scenario": "nope"}', headers=json_type)
    assert declared.status_code == 413 and streamed.status_code == 413
    assert "10,000 bytes" in declared.json()["detail"]
    assert small.status_code == 422


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scenario": "x" * 200_000}, "scenario"),
        ({"days": "1" * 200_000}, "days"),
        ({"population": [1] * 20_000}, "population.size"),
        ({"set": {"k" * 200_000: 1}}, None),
        ({"set": {"days": "nine" * 50_000}}, "days"),
        ({"overrides": ["days=" + "nine" * 50_000]}, "overrides"),
        ({"z" * 200_000: 1}, None),
    ],
)
def test_errors_name_the_field_and_never_echo_a_large_input(runs_dir, body, field):
    with client_for(runs_dir) as client:
        response = client.post("/api/runs", json=body)
    assert response.status_code == 422
    assert len(response.content) < 3000, response.text[:300]
    detail = response.json()["detail"][0]
    assert detail["msg"]
    if field is not None:
        assert detail["field"] == field
    assert all(len(part) <= 80 for part in detail["loc"])


# -- the queue and the limits of a run ----------------------------------------------------------


def test_the_queue_is_bounded_and_the_twenty_first_waiting_run_gets_429(runs_dir):
    with client_for(runs_dir, max_runs=1) as client:
        answers = [client.post("/api/runs", json={**LONG, "seed": i}) for i in range(22)]
        statuses = [a.status_code for a in answers]
        # one run at work and 20 waiting; the next would be the 21st waiting
        assert statuses == [202] * 21 + [429]
        assert "queue is full" in answers[-1].json()["detail"]
        assert "--max-queued" in answers[-1].json()["detail"]
        assert answers[-1].headers["retry-after"] == "60"
    # closing the server stops the run at work and leaves nothing half-written
    assert [p.name for p in runs_dir.iterdir()] == ["one"]


def _every_rate(value: float) -> dict[str, float]:
    from credsim.scenario import load_scenario

    acts = load_scenario("default").to_dict()["behavior"]["citizens"]["acts"]
    return {
        f"behavior.citizens.acts.{k}.rate": value
        for k, v in acts.items()
        if "rate" in v and not v.get("entry_ages")
    }


def test_a_run_that_cannot_fit_is_refused_before_it_is_queued(runs_dir):
    with client_for(runs_dir) as client:
        # inside --max-citizens, but with every act at 0.4 a day: such runs passed 4 GiB in 50 s
        flood = client.post(
            "/api/runs", json={**SMALL, "population": 2_000_000, "set": _every_rate(0.4)}
        )
        queued = len(client.get("/api/runs").json())
    assert flood.status_code == 422
    message = flood.json()["detail"][0]["msg"]
    assert "events" in message and "--max-run-events" in message and "2,000,000 citizens" in message
    assert queued == 1  # only the finished run

    with client_for(runs_dir, limits=RunLimits(memory_bytes=500 * 2**20)) as client:
        big = client.post("/api/runs", json={**SMALL, "population": 1_000_000})
        fits = client.post("/api/runs", json=SMALL)
        client.delete(f"/api/runs/{fits.json()['id']}")
    assert big.status_code == 422
    assert "--max-run-memory" in big.json()["detail"][0]["msg"]
    assert fits.status_code == 202


def _settle(manager: RunManager, run_id: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        record = manager.get(run_id)
        assert record is not None
        if record.status in ("done", "failed", "cancelled"):
            return record.public()
        time.sleep(0.1)
    raise TimeoutError(f"run {run_id} still {record.status}")


def test_runs_past_their_wall_time_memory_or_events_are_stopped_and_marked_failed(tmp_path):
    cases = {
        "seconds": (RunLimits(seconds=3.0), LONG["days"], "--max-run-seconds"),
        "memory": (RunLimits(memory_bytes=80 * 2**20), LONG["days"], "--max-run-memory"),
        "events": (RunLimits(events=1000), 20, "--max-run-events"),
    }
    managers = {}
    for name, (limits, days, _flag) in cases.items():
        manager = RunManager(tmp_path / name, limits=limits)
        record = manager.submit("default", ["population.size=2000", f"days={days}"], days)
        managers[name] = (manager, record.id)
    try:
        for name, (manager, run_id) in managers.items():
            run = _settle(manager, run_id)
            assert run["status"] == "failed", run
            assert cases[name][2] in run["error"], run["error"]
            assert "Traceback" not in run["error"]
            assert list((tmp_path / name).iterdir()) == []  # no half-written directory
    finally:
        for manager, _ in managers.values():
            manager.close()


# -- run directories outside the runs folder ----------------------------------------------------


def test_run_directories_linked_out_of_the_runs_folder_are_never_served(runs_dir, tmp_path):
    elsewhere = make_run(tmp_path / "elsewhere" / "secret", secret="outside the runs folder")
    os.symlink(elsewhere, runs_dir / "linked")
    make_run(runs_dir / "swapped")
    with client_for(runs_dir) as client:
        assert {r["id"] for r in client.get("/api/runs").json()} == {"one", "swapped"}
        assert client.get("/api/runs/linked").status_code == 404
        assert client.get("/api/runs/linked/files/summary.json").status_code == 404
        # a listed run directory replaced by a link out of the folder while the server runs
        (runs_dir / "swapped").rename(tmp_path / "moved")
        os.symlink(elsewhere, runs_dir / "swapped")
        for path in ("/api/runs/swapped", "/api/runs/swapped/files/summary.json"):
            response = client.get(path)
            assert response.status_code == 404
            assert "outside the runs folder" not in response.text
        assert client.get("/api/compare", params={"a": "one", "b": "swapped"}).status_code == 404


def test_serve_with_an_unusable_runs_folder_exits_2_with_one_paragraph(tmp_path, monkeypatch):
    from credsim.cli import main

    (tmp_path / "file").write_text("not a folder")
    cases = {
        "/proc/credsim-x": "--runs-dir /proc/credsim-x",
        str(tmp_path / "file" / "runs"): "--runs-dir",
    }
    for runs, expected in cases.items():
        errors = tmp_path / "stderr.txt"
        with errors.open("w") as stream:
            monkeypatch.setattr(sys, "stderr", stream)
            monkeypatch.setattr(sys, "argv", ["credsim", "serve", "--runs-dir", runs])
            with pytest.raises(SystemExit) as exit_:
                main()
            monkeypatch.undo()
        text = errors.read_text()
        assert exit_.value.code == 2
        assert expected in text and "Traceback" not in text
        assert text.strip().count("\n\n") == 0  # one paragraph
