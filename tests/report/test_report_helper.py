"""A report drawn by two processes (credsim.report.helper) is the page one process draws."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import credsim
from credsim.engine.memory import PeakMeter
from credsim.report import helper as report_helper
from credsim.report import write_report
from credsim.report.helper import ReportHelper, render_sections, start_helper


def _copy(run: credsim.Results, to: Path) -> Path:
    shutil.copytree(run.path, to)
    return to


def test_a_report_drawn_with_a_helper_is_the_same_page(default_run, tmp_path: Path) -> None:
    run_dir = _copy(default_run, tmp_path / "run")
    alone = (run_dir / "report.html").read_bytes()  # drawn by the run, in one process
    helper = ReportHelper()
    try:
        page = write_report(run_dir, helper=helper).read_bytes()
    finally:
        helper.close()
    assert page == alone
    assert helper.peak_bytes > 0  # it drew sections: it read the run and drew figures
    assert helper.proc.returncode == 0


def test_a_helper_that_dies_leaves_the_page_to_this_process(default_run, tmp_path: Path) -> None:
    run_dir = _copy(default_run, tmp_path / "run")
    alone = (run_dir / "report.html").read_bytes()
    helper = ReportHelper()
    helper.proc.kill()
    helper.proc.wait()
    try:
        assert write_report(run_dir, helper=helper).read_bytes() == alone
    finally:
        helper.close()
    assert helper.peak_bytes == 0


class _Fake:
    """Draws by id until it has drawn `fails_after` sections, then fails."""

    def __init__(self, fails_after: int) -> None:
        self.left, self.drew, self.began = fails_after, [], False

    def begin(self) -> None:
        self.began = True

    def draw(self, section_id: str) -> str | None:
        if self.left == 0:
            return None
        self.left -= 1
        self.drew.append(section_id)
        return f"helper:{section_id}"


@pytest.mark.parametrize("fails_after", [0, 2, 100])
def test_every_section_is_drawn_once_and_put_in_its_place(fails_after: int) -> None:
    ids = [f"s{i}" for i in range(12)]
    here: list[int] = []

    def draw(i: int) -> str:
        here.append(i)
        return f"here:{ids[i]}"

    fake = _Fake(fails_after)
    bodies = render_sections(ids, draw, fake, lambda h: h.begin())  # type: ignore[arg-type]
    assert fake.began
    assert [b.split(":")[1] for b in bodies] == ids
    by_helper = {b.split(":")[1] for b in bodies if b.startswith("helper:")}
    assert by_helper == set(fake.drew) and len(fake.drew) <= fails_after
    # Drawn here: the rest, and the one the helper failed on (if it took one it could not draw).
    assert {ids[i] for i in here} | by_helper == set(ids)
    assert len(here) + len(fake.drew) - len(ids) in (0, 1)


def test_a_helper_only_for_large_runs_on_two_cores_with_memory_to_spare(monkeypatch) -> None:
    monkeypatch.setattr(report_helper, "two_cores", lambda: True)
    assert start_helper(report_helper.HELPER_FROM - 1) is None
    n = report_helper.HELPER_FROM
    monkeypatch.setattr(report_helper, "available_bytes", lambda: 10**8)  # less than a process
    assert start_helper(n) is None
    monkeypatch.setattr(report_helper, "available_bytes", lambda: 10**12)
    helper = start_helper(n)
    assert helper is not None
    helper.close()
    monkeypatch.setattr(report_helper, "two_cores", lambda: False)
    assert start_helper(10**9) is None


def test_a_run_draws_its_report_with_a_helper_when_large(tmp_path: Path, monkeypatch) -> None:
    """A run whose report a helper draws records the report's phase apart: the helper's peak
    is added to this process's during the report, not to the day loop's."""
    started: list[ReportHelper] = []

    def start(citizens: int) -> ReportHelper:
        started.append(ReportHelper())
        return started[-1]

    monkeypatch.setattr(report_helper, "start_helper", start)
    options = dict(population=3_000, days=20, seed=3, overrides=["output.events='none'"])
    run = credsim.run("default", out=tmp_path / "run", **options)
    assert len(started) == 1 and started[0].closed and started[0].peak_bytes > 0
    page = (run.path / "report.html").read_bytes()
    assert write_report(run.path).read_bytes() == page
    info = run.run_info
    assert info["peak_rss_bytes_per_citizen"] >= info["peak_rss_bytes_per_citizen_before_report"]


def test_a_new_phase_keeps_the_peak_and_adds_only_its_own_helpers() -> None:
    meter = PeakMeter()
    meter.helpers = 10**12  # a helper of the first phase, far above anything held here
    first = meter.above_start()
    meter.new_phase()
    assert meter.above_start() == first  # kept, not lost with the reset
    meter.helpers = 1
    assert meter.above_start() == first  # the new phase's helper is not added to the old one
    assert meter.peak() >= meter.banked_peak > 0
