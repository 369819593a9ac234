"""The dashboard's JSON API through FastAPI's TestClient: forms, validation, files, dossiers."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("fastapi")
from dashboard_server import copy_runs
from fastapi.testclient import TestClient

from credsim.results import Results
from credsim.scenario import bundled_scenarios
from credsim.web.app import create_app


@pytest.fixture()
def runs_dir(finished_runs, tmp_path):
    return copy_runs(finished_runs, tmp_path)


@pytest.fixture()
def client(runs_dir):
    app = create_app(runs_dir, max_runs=1, max_citizens=50_000)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client


def post(client, **body):
    return client.post("/api/runs", json=body)


def test_scenarios_are_the_bundled_ones(client):
    listed = client.get("/api/scenarios").json()
    assert [s["name"] for s in listed] == list(bundled_scenarios())


def test_form_has_the_run_fields_and_the_plugins_own_parameters(client):
    fields = {f["key"]: f for f in client.get("/api/scenarios/default").json()["fields"]}
    assert fields["population.size"]["value"] == 100_000
    assert fields["population.size"]["kind"] == "int"
    assert fields["days"]["value"] == 365
    assert "seed" in fields
    assert fields["policies.rongcheng.start"]["value"] == 1000
    assert fields["policies.rongcheng.start"]["group"] == "policies.rongcheng"
    assert fields["consequences.court_blacklist.enabled"]["kind"] == "bool"
    rongcheng = {f["key"]: f for f in client.get("/api/scenarios/rongcheng").json()["fields"]}
    # a plug-in the scenario switches off is offered as a switch, without its parameters
    assert rongcheng["policies.sesame.enabled"]["value"] is False


def test_unknown_scenario_is_404_and_no_path_is_read(client):
    assert client.get("/api/scenarios/defualt").status_code == 404
    response = post(client, scenario="../../../etc/passwd")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "scenario"
    response = post(client, scenario="/etc/hosts.toml")
    assert response.status_code == 422
    assert {r["id"] for r in client.get("/api/runs").json()} == {"seed1", "seed2"}


def test_bad_population_is_422_naming_the_field(client):
    response = post(client, scenario="default", population=-5, days=20)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "population.size"
    assert "population.size" in problem["msg"]
    assert "greater than or equal to 1" in problem["msg"]


def test_bad_plugin_parameter_is_422_naming_the_field(client):
    response = post(client, scenario="default", set={"policies.rongcheng.strat": "900"})
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "policies.rongcheng.strat"
    assert "'policies.rongcheng.start'" in problem["msg"]  # the nearest valid key
    response = post(client, scenario="default", set={"output.events": "everything"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "output.events"


def test_dates_are_fields_and_a_bad_one_is_422_naming_it(client):
    fields = {f["key"]: f for f in client.get("/api/scenarios/default").json()["fields"]}
    assert fields["start"]["value"] == "2020-01-01" and fields["end"]["kind"] == "str"
    response = post(client, scenario="default", set={"end": "2019-01-01"})
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "end" and "after start" in problem["msg"]
    response = post(client, scenario="default", set={"start": "2020-13-01"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "start"


def test_bad_override_line_is_422_naming_the_overrides_box(client):
    response = post(client, scenario="default", overrides=["days 20"])
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "overrides"
    response = post(client, scenario="default", overrides=["days=0"])
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "overrides"
    assert "days" in response.json()["detail"][0]["msg"]


def test_wrong_type_in_the_body_is_422_naming_the_field(client):
    response = post(client, scenario="default", days="twenty")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "days"


def test_population_above_the_dashboard_limit_is_refused(client):
    response = post(client, scenario="default", population=60_000, days=1)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "population.size"
    assert "--max-citizens" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("127.0.0.1:8765", 200),
        ("localhost:8765", 200),
        ("[::1]:8765", 200),
        ("evil.example", 400),
        ("evil.example:8765", 400),
        ("127.0.0.1.evil.example", 400),
    ],
)
def test_requests_for_another_host_name_are_refused(client, host, status):
    # DNS rebinding: a page on another site reaching 127.0.0.1 under its own name.
    assert client.get("/api/runs", headers={"host": host}).status_code == status


def test_finished_runs_in_the_folder_are_listed_with_their_summary(client, runs_dir):
    ids = {r["id"] for r in client.get("/api/runs").json()}
    assert {"seed1", "seed2"} <= ids
    run = client.get("/api/runs/seed1").json()
    assert run["status"] == "done"
    assert run["summary"] == Results(runs_dir / "seed1").summary
    assert run["report"] == "/api/runs/seed1/files/report.html"
    assert client.get("/api/runs/nope").status_code == 404


def test_report_is_served_with_a_restrictive_policy(client):
    response = client.get("/api/runs/seed1/files/report.html")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert "<svg" in response.text
    assert client.get("/api/runs/seed1/files/summary.json").json()["seed"] == 1


@pytest.mark.parametrize(
    "path",
    [
        "../seed2/summary.json",
        "..%2Fseed2%2Fsummary.json",
        "%2E%2E/%2E%2E/secret.txt",
        "..%2F..%2Fsecret.txt",
        "%2Fetc%2Fpasswd",
        "/etc/passwd",
        "events/../../secret.txt",
        ".hidden",
        "link-out",
        "no-such-file.json",
        "events",
    ],
)
def test_paths_outside_the_run_directory_are_refused(client, runs_dir, path):
    (runs_dir.parent / "secret.txt").write_text("not a run file")
    (runs_dir / "seed1" / ".hidden").write_text("hidden")
    link = runs_dir / "seed1" / "link-out"
    if not link.exists():
        os.symlink(runs_dir.parent / "secret.txt", link)
    response = client.get(f"/api/runs/seed1/files/{path}")
    assert response.status_code in (403, 404)
    assert "not a run file" not in response.text
    assert response.text != "hidden"


def test_files_of_an_unknown_run_are_refused(client):
    assert client.get("/api/runs/..%2F..%2Fetc/files/passwd").status_code == 404
    assert client.get("/api/runs/nope/files/summary.json").status_code == 404


def test_dossier_holds_what_results_dossier_holds(client, runs_dir):
    results = Results(runs_dir / "seed1")
    records = results.events("records")
    citizen = int(records["attributed_to"].value_counts().index[0])
    expected = results.dossier(citizen)
    response = client.get(f"/api/runs/seed1/dossier/{citizen}")
    assert response.status_code == 200
    body = response.json()
    assert body["citizen"] == citizen
    for table, frame in expected.items():
        assert body["tables"][table]["total"] == len(frame)
    ids = sorted(r["record_id"] for r in body["tables"]["records"]["rows"])
    assert ids == sorted(expected["records"]["record_id"].tolist())
    statement = results.statement(citizen, truth=True)
    assert body["statement"]["final"] == statement["final"]
    assert len(body["statement"]["items"]) == len(statement["items"])
    assert body["traits"]["citizen"] == citizen


def test_dossier_of_a_citizen_outside_the_run_is_404_and_bad_policy_422(client):
    response = client.get("/api/runs/seed1/dossier/2000")
    assert response.status_code == 404
    assert "0 to 1999" in response.json()["detail"]
    assert client.get("/api/runs/seed1/dossier/-1").status_code == 404
    assert client.get("/api/runs/seed1/dossier/abc").status_code == 422
    response = client.get("/api/runs/seed1/dossier/3?policy=sesme")
    assert response.status_code == 422
    assert "sesame" in response.json()["detail"]


def test_compare_shows_figures_side_by_side_and_the_keys_that_differ(client, runs_dir):
    body = client.get("/api/compare", params={"a": "seed1", "b": "seed2"}).json()
    assert [d["key"] for d in body["scenario_differences"]] == ["seed"]
    figures = {f["figure"]: f for f in body["figures"]}
    a, b = Results(runs_dir / "seed1").summary, Results(runs_dir / "seed2").summary
    assert figures["acts_total"]["a"] == a["acts_total"]
    assert figures["acts_total"]["b"] == b["acts_total"]
    assert figures["acts_total"]["difference"] == b["acts_total"] - a["acts_total"]
    assert body["figures"][0]["figure"] == "citizens"
    assert client.get("/api/compare", params={"a": "seed1", "b": "nope"}).status_code == 404


def test_page_and_assets_are_served_locally(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for src in ("/static/style.css", "/static/form.js", "/static/runs.js"):
        assert src in page.text
        assert client.get(src).status_code == 200
    assert "http" not in page.text.replace("http-equiv", "")
    assert client.get("/static/../app.py").status_code == 404
