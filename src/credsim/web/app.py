"""The dashboard's FastAPI app: the page, its assets and the JSON API under /api/.

Requests name only bundled scenarios and `--set` overrides that credsim's loader validates; no
request gives a file path or code. Files are served only from inside a run's own directory, and
run directories only from inside the runs folder. Every request passes `guard.Guard` first (host
name, origin, body size); a run must fit `limits.RunLimits` and the queue must have room.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from credsim.errors import UserError
from credsim.results import Results
from credsim.scenario import bundled_scenarios, load_scenario
from credsim.web import assets
from credsim.web.compare import compare_runs
from credsim.web.dossier import dossier_json
from credsim.web.files import CONTENT_TYPES, resolve_inside
from credsim.web.forms import MAIN_FIELDS, check_scenario_name, field_of, form_fields, overrides_of
from credsim.web.guard import LOCAL_HOSTS, MAX_BODY_BYTES, Guard, host_of, shorten
from credsim.web.limits import RunLimits, agents_of, estimate, refusal
from credsim.web.runs import FINISHED, MAX_QUEUED, QueueFull, RunManager

__all__ = ["LOCAL_HOSTS", "MAX_CITIZENS", "RunRequest", "create_app", "host_of"]

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


def _problem(field: str | None, message: str, loc: list[str] | None = None) -> JSONResponse:
    """A 422 in FastAPI's shape, plus `field`: the form field to show the message beside."""
    loc = [shorten(part) for part in loc or ["body", field or "scenario"]]
    detail = {"loc": loc, "msg": shorten(message), "field": field and shorten(field)}
    return JSONResponse({"detail": [detail]}, status_code=422)


def create_app(
    runs_dir: Path,
    max_runs: int = 1,
    max_citizens: int = MAX_CITIZENS,
    allowed_hosts: list[str] | None = None,
    limits: RunLimits | None = None,
    max_queued: int = MAX_QUEUED,
    max_body: int = MAX_BODY_BYTES,
) -> FastAPI:
    """The dashboard app; runs go to `runs_dir`, at most `max_runs` at a time and `max_queued`
    waiting, each within `limits`. Requests are accepted only for host names in `allowed_hosts`
    (the local names by default; no wildcard) and with bodies of at most `max_body` bytes."""
    hosts = list(allowed_hosts or LOCAL_HOSTS)
    if any(h in ("", "*") for h in hosts):
        raise ValueError("allowed_hosts names host names; there is no wildcard")
    limits = limits or RunLimits()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.runs = RunManager(runs_dir, max_runs, limits, max_queued)
        try:
            yield
        finally:
            app.state.runs.close()

    app = FastAPI(title="credsim dashboard", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.add_middleware(Guard, hosts=hosts, max_body=max_body)

    def manager(request: Request) -> RunManager:
        return request.app.state.runs

    def finished(request: Request, run_id: str) -> Results:
        record = manager(request).get(run_id)
        if record is None or not manager(request).inside(record):
            raise HTTPException(404, f"no run {run_id!r}")
        if record.status != "done":
            raise HTTPException(409, f"run {run_id!r} is {record.status}, not done")
        try:
            return Results(record.path)
        except FileNotFoundError:
            raise HTTPException(404, f"run {run_id!r}: its directory is gone") from None

    @app.exception_handler(RequestValidationError)
    async def invalid_body(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # Names the field and the problem; never FastAPI's `input`, which echoes the request.
        details = []
        for error in exc.errors()[:20]:
            loc = [shorten(str(p)) for p in error.get("loc", ())]
            name = loc[1] if len(loc) > 1 and loc[0] == "body" else None
            field = MAIN_FIELDS.get(name or "", name)
            if name == "set" and len(loc) > 2:
                field = loc[2]
            details.append({"loc": loc, "msg": shorten(error.get("msg", "")), "field": field})
        return JSONResponse({"detail": details}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = shorten(exc.detail) if isinstance(exc.detail, str) else exc.detail
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        # same-origin, not no-referrer: the page's own POSTs then carry an Origin the guard
        # can check (under no-referrer, the Fetch standard has browsers send `Origin: null`).
        response.headers["Referrer-Policy"] = "same-origin"
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
        """Validate and queue a run; 422 names the field at fault, 429 says the queue is full."""
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
        size = agents_of(loaded)
        if size > max_citizens:
            return _problem(
                "population.size",
                f"population.size {size:,}: the dashboard runs at most {max_citizens:,} "
                "citizens (credsim serve --max-citizens, or credsim run for larger runs).",
            )
        too_big = refusal(estimate(loaded), limits)
        if too_big is not None:
            return _problem(None, too_big, ["body"])
        try:
            record = manager(request).submit(form.scenario, form.overrides, loaded.model.days)
        except QueueFull as err:
            raise HTTPException(429, str(err), headers={"Retry-After": "60"}) from None
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
        if record is None or not manager(request).inside(record):
            raise HTTPException(404, "no such file in this run")
        target = resolve_inside(record.path, path)
        if record.status not in FINISHED or target is None:
            raise HTTPException(404, "no such file in this run")
        media_type = CONTENT_TYPES.get(target.suffix, "application/octet-stream")
        headers = {"Content-Security-Policy": FILE_POLICY}
        return FileResponse(target, media_type=media_type, headers=headers)

    @app.get("/api/compare")
    def compare(a: str, b: str, request: Request) -> dict[str, Any]:
        """Two finished runs side by side."""
        return compare_runs(finished(request, a), finished(request, b))

    return app
