"""The dashboard's FastAPI app: the page, its assets and the JSON API under /api/.

Requests name only bundled scenarios and `--set` overrides that credsim's loader validates; no
request gives a file path or code. Files are served only from inside a run's own directory.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from credsim.errors import UserError
from credsim.results import Results
from credsim.scenario import bundled_scenarios, load_scenario
from credsim.web import assets
from credsim.web.compare import compare_runs
from credsim.web.dossier import dossier_json
from credsim.web.files import CONTENT_TYPES, resolve_inside
from credsim.web.forms import MAIN_FIELDS, check_scenario_name, field_of, form_fields, overrides_of
from credsim.web.runs import FINISHED, RunManager

__all__ = ["LOCAL_HOSTS", "MAX_CITIZENS", "RunRequest", "create_app", "host_of"]

LOCAL_HOSTS = ["127.0.0.1", "localhost", "::1"]
MAX_CITIZENS = 2_000_000
"""Largest population the dashboard runs by default (`credsim run` has no such limit)."""

PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
FILE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data: 'self'; frame-ancestors 'self'"
)


class RunRequest(BaseModel):
    """POST /api/runs: a bundled scenario and what to change in it."""

    model_config = ConfigDict(extra="forbid")
    scenario: str = Field("default", description="bundled scenario name")
    population: int | None = Field(None, description="citizens (population.size)")
    days: int | None = Field(None, description="days simulated")
    seed: int | None = Field(None, description="random seed")
    set: dict[str, str | int | float | bool | list[Any]] = Field(
        default_factory=dict, description="dotted.key -> value; text is read as TOML like --set"
    )
    overrides: list[str] = Field(default_factory=list, description="dotted.key=value lines")


def host_of(header: str) -> str:
    """The host name of a Host header, without the port ('[::1]:8765' -> '::1')."""
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


def _problem(field: str | None, message: str, loc: list[str] | None = None) -> JSONResponse:
    """A 422 in FastAPI's shape, plus `field`: the form field to show the message beside."""
    detail = {"loc": loc or ["body", field or "scenario"], "msg": message, "field": field}
    return JSONResponse({"detail": [detail]}, status_code=422)


def create_app(
    runs_dir: Path,
    max_runs: int = 1,
    max_citizens: int = MAX_CITIZENS,
    allowed_hosts: list[str] | None = None,
) -> FastAPI:
    """The dashboard app; runs go to `runs_dir`, at most `max_runs` at a time."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.runs = RunManager(runs_dir, max_runs)
        try:
            yield
        finally:
            app.state.runs.close()

    app = FastAPI(title="credsim dashboard", lifespan=lifespan, docs_url=None, redoc_url=None)
    hosts = set(allowed_hosts or LOCAL_HOSTS)

    def manager(request: Request) -> RunManager:
        return request.app.state.runs

    def finished(request: Request, run_id: str) -> Results:
        record = manager(request).get(run_id)
        if record is None:
            raise HTTPException(404, f"no run {run_id!r}")
        if record.status != "done":
            raise HTTPException(409, f"run {run_id!r} is {record.status}, not done")
        try:
            return Results(record.path)
        except FileNotFoundError:
            raise HTTPException(404, f"run {run_id!r}: its directory is gone") from None

    @app.exception_handler(RequestValidationError)
    async def invalid_body(_request: Request, exc: RequestValidationError) -> JSONResponse:
        details = []
        for error in exc.errors():
            loc = [str(p) for p in error.get("loc", ())]
            name = loc[1] if len(loc) > 1 and loc[0] == "body" else None
            field = MAIN_FIELDS.get(name or "", name)
            if name == "set" and len(loc) > 2:
                field = loc[2]
            details.append({"loc": loc, "msg": error.get("msg", ""), "field": field})
        return JSONResponse({"detail": details}, status_code=422)

    @app.middleware("http")
    async def headers(request: Request, call_next):
        # A page on another site must not reach this server through a host name it controls.
        if "*" not in hosts and host_of(request.headers.get("host", "")) not in hosts:
            return JSONResponse({"detail": "invalid host header"}, status_code=400)
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.get("/", include_in_schema=False)
    def page() -> Response:
        return Response(assets.INDEX_HTML, media_type="text/html; charset=utf-8")

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in assets.FILES:
            raise HTTPException(404, "no such file")
        text, media_type = assets.FILES[name]
        return Response(text, media_type=media_type)

    @app.get("/api/scenarios")
    def scenarios() -> list[dict[str, str]]:
        """Bundled scenarios: name and description."""
        return [{"name": n, "description": d} for n, d in bundled_scenarios().items()]

    @app.get("/api/scenarios/{name}")
    def scenario(name: str) -> dict[str, Any]:
        """A scenario's editable fields, with their values after inheritance and defaults."""
        try:
            loaded = load_scenario(check_scenario_name(name))
        except UserError as err:
            raise HTTPException(404, str(err)) from None
        description = bundled_scenarios()[name]
        return {"name": name, "description": description, "fields": form_fields(loaded)}

    @app.post("/api/runs", status_code=202)
    def start_run(body: RunRequest, request: Request) -> Any:
        """Validate and queue a run; 422 names the field at fault."""
        if "application/json" not in request.headers.get("content-type", ""):
            raise HTTPException(415, "send JSON (Content-Type: application/json)")
        main = {"population": body.population, "days": body.days, "seed": body.seed}
        try:
            form, origin = overrides_of(body.scenario, main, body.set, body.overrides)
        except UserError as err:
            return _problem(getattr(err, "field", "scenario"), str(err))
        try:
            loaded = load_scenario(form.scenario, overrides=form.overrides)
        except UserError as err:
            return _problem(field_of(str(err), origin), str(err))
        size = getattr(loaded.population[2], "size", None) or 0
        if size > max_citizens:
            return _problem(
                "population.size",
                f"population.size {size:,}: the dashboard runs at most {max_citizens:,} "
                "citizens (credsim serve --max-citizens, or credsim run for larger runs).",
            )
        record = manager(request).submit(form.scenario, form.overrides, loaded.model.days)
        return record.public()

    @app.get("/api/runs")
    def runs(request: Request) -> list[dict[str, Any]]:
        """Every run, newest first."""
        return [r.public() for r in manager(request).records()]

    @app.get("/api/runs/{run_id}")
    def run(run_id: str, request: Request) -> dict[str, Any]:
        """Status and progress; the summary and file links once done."""
        record = manager(request).get(run_id)
        if record is None:
            raise HTTPException(404, f"no run {run_id!r}")
        out = record.public()
        if record.status == "done":
            results = finished(request, run_id)
            out["summary"] = results.summary
            out["run_info"] = results.run_info
            out["files"] = [f for f in results.files if not f.startswith("events/")]
            if (record.path / "report.html").is_file():
                out["report"] = f"/api/runs/{run_id}/files/report.html"
        return out

    @app.delete("/api/runs/{run_id}")
    def cancel(run_id: str, request: Request) -> dict[str, Any]:
        """Drop a queued run or stop a running one."""
        record = manager(request).cancel(run_id)
        if record is None:
            raise HTTPException(404, f"no run {run_id!r}")
        return record.public()

    @app.get("/api/runs/{run_id}/dossier/{citizen}")
    def dossier(
        run_id: str, citizen: int, request: Request, policy: str | None = None
    ) -> dict[str, Any]:
        """Everything the run holds on one citizen (Results.dossier and the score statement)."""
        results = finished(request, run_id)
        try:
            return dossier_json(results, citizen, policy)
        except UserError as err:
            status = 422 if policy is not None and "--policy" in str(err) else 404
            raise HTTPException(status, str(err)) from None

    @app.get("/api/runs/{run_id}/files/{path:path}")
    def run_file(run_id: str, path: str, request: Request) -> FileResponse:
        """A file of the run's own directory; anything else is 404."""
        record = manager(request).get(run_id)
        target = None if record is None else resolve_inside(record.path, path)
        if record is None or record.status not in FINISHED or target is None:
            raise HTTPException(404, "no such file in this run")
        media_type = CONTENT_TYPES.get(target.suffix, "application/octet-stream")
        headers = {"Content-Security-Policy": FILE_POLICY}
        return FileResponse(target, media_type=media_type, headers=headers)

    @app.get("/api/compare")
    def compare(a: str, b: str, request: Request) -> dict[str, Any]:
        """Two finished runs side by side."""
        return compare_runs(finished(request, a), finished(request, b))

    return app
