"""Shared fixtures: one small run of the default scenario, reused by the read-only tests."""

from __future__ import annotations

import subprocess
import sys

import pytest

import credsim

SMALL = {"population": 20_000, "days": 200, "seed": 7}


@pytest.fixture(scope="session")
def small_run(tmp_path_factory) -> credsim.Results:
    """The default scenario at 20,000 citizens for 200 days, with raised error rates so that
    misattribution, fabrication and wrongful listing all happen. Run in a process of its own,
    as a user's run is, so that its measured peak memory is its own."""
    out = tmp_path_factory.mktemp("runs") / "small"
    sets = [
        "sources.courts.records.court_judgment.misattribution_rate=0.05",
        "sources.courts.records.court_judgment.fabrication_rate=2e-6",
        "sources.courts.records.court_judgment.delay_days=20",
        "behavior.citizens.acts.loan_default.rate=1e-4",
    ]
    argv = ["run", "default", "--out", str(out), "--quiet"]
    argv += [f"--{k}={v}" for k, v in SMALL.items()]
    argv += [a for s in sets for a in ("--set", s)]
    cli = "from credsim.cli import main; main()"
    subprocess.run([sys.executable, "-c", cli, *argv], check=True, capture_output=True)
    return credsim.Results(out)


@pytest.fixture
def quick_summary(tmp_path):
    """A function running the default scenario small (20,000 citizens, 120 days, no event log,
    report or citizens table) with some keys set, returning its summary."""

    def run(name: str, *sets: str, population: int = 20_000, days: int = 120) -> dict:
        result = credsim.run(
            "default",
            out=tmp_path / name,
            population=population,
            days=days,
            overrides=[
                "output.events='none'",
                "output.report=false",
                "output.citizens='none'",
                *sets,
            ],
        )
        return result.summary

    return run


# The quick subset, `pytest -m "not slow"`, leaves out these tests (node-id prefixes: a file, a
# test, or a test's parametrisations), the slowest of the suite by measured duration; together they
# make up most of its time. tests/test_slow_marks.py checks that every entry still names a test.
SLOW = (
    "tests/adversaries/test_adversaries.py::test_appeals_clear_some_of_the_lenders_victims",
    "tests/adversaries/test_adversaries.py::test_insiders_brokers_and_breaches",
    "tests/adversaries/test_adversaries.py::test_lender_poisoning_sanctions_people_with_no_bad_act",
    "tests/behavior/test_avoidance.py",
    "tests/behavior/test_conformity_and_strangers.py::test_conformity_buys_only_when_it_pays",
    "tests/behavior/test_conformity_and_strangers.py::test_strangers_help_by_the_grade_they_see",
    "tests/behavior/test_deterrence.py",
    "tests/behavior/test_exclusion.py",
    "tests/behavior/test_gaming.py",
    "tests/behavior/test_gaming_identity.py",
    "tests/behavior/test_notices.py",
    "tests/behavior/test_self_censorship.py",
    "tests/calibration/test_recovery.py",
    "tests/calibration/test_resume.py",
    "tests/consequences/test_consequences.py",
    "tests/consequences/test_due_process.py",
    "tests/consequences/test_fines_naming.py",
    "tests/consequences/test_firms.py",
    "tests/consequences/test_score_to_sanction.py::test_wrongful_sanctions_rise_with_the_camera_false_match_rate",
    "tests/consequences/test_speech_enforcement.py",
    "tests/engine/test_rng.py::test_draws_are_identical_for_any_thread_count",
    "tests/experiments/test_backends.py::test_local_and_ray_backends_give_the_same_outcomes",
    "tests/experiments/test_checkpoint.py",
    "tests/experiments/test_compare.py",
    "tests/experiments/test_replicates.py",
    "tests/experiments/test_sharding.py",
    "tests/experiments/test_sharding_firms.py",
    "tests/experiments/test_sweep_files.py::test_bad_flags_exit_2_and_write_nothing",
    "tests/experiments/test_sweep_run.py::test_cli_resume_needs_the_sweep_directory",
    "tests/experiments/test_sweep_run.py::test_cli_runs_a_sweep_file",
    "tests/experiments/test_sweep_run.py::test_sweep_writes_one_row_per_run_and_per_point_intervals",
    "tests/metrics/test_plausibility.py::test_national_lists_every_headline_beside_an_anchor_or_a_reason",
    "tests/policies/test_listings.py",
    "tests/policies/test_policies.py::test_friends_scores_move_only_with_a_network_weight",
    "tests/policies/test_policies.py::test_the_dossier_json_adds_up_from_outside",
    "tests/population/test_census.py::test_cli_population_json_and_exit_codes",
    "tests/population/test_census.py::test_same_seed_same_population_and_graph_for_any_thread_count",
    "tests/population/test_demography.py",
    "tests/population/test_graph.py::test_only_workers_work_in_workplaces_of_bounded_size",
    "tests/population/test_graph.py::test_results_do_not_depend_on_the_thread_count",
    "tests/report/test_default_run.py::test_national_report_sets_headlines_beside_published_figures",
    "tests/report/test_default_run.py::test_report_command_saves_png_and_svg_of_every_figure",
    "tests/report/test_default_run.py::test_rewriting_the_report_gives_the_same_bytes",
    "tests/report/test_report.py::test_a_figure_that_fails_becomes_a_note",
    "tests/report/test_report.py::test_perks_without_a_money_value_draw_no_empty_chart",
    "tests/report/test_report.py::test_rewrite_with_figures_dir_gives_same_page_and_png_svg_of_every_figure",
    "tests/scenario/test_calendar.py",
    "tests/scenario/test_fuzz.py",
    "tests/scenario/test_regions.py::test_a_parameter_can_differ_in_one_region_and_change_there_by_date",
    "tests/scenario/test_regions.py::test_unknown_regions_name_the_nearest_and_exit_2",
    "tests/scenario/test_timeline.py::test_a_ramp_moves_a_parameter_step_by_step",
    "tests/scenario/test_timeline.py::test_bad_timeline_entries_exit_2_and_write_nothing",
    "tests/scenario/test_timeline.py::test_timeline_runs_are_the_same_for_any_thread_count_and_shard_layout",
    "tests/sources/test_faceid.py::test_bad_input_exits_2",
    "tests/sources/test_sources.py",
    "tests/test_cli.py::test_bad_input_exits_2_with_a_message_and_writes_nothing",
    "tests/test_cli.py::test_plan_prints_the_five_phases_in_order",
    "tests/test_cli.py::test_run_prints_a_summary_table",
    "tests/test_cli.py::test_same_scenario_and_seed_give_byte_identical_summaries_for_any_thread_count",
    "tests/test_cli.py::test_scenarios_lists_the_default",
    "tests/test_cli.py::test_version_module_entry_and_bare_command",
    "tests/test_docs.py::test_the_tutorial_runs_from_top_to_bottom",
    "tests/test_reference_equivalence.py",
    "tests/test_run.py::test_event_sampling_and_no_events",
    "tests/test_run.py::test_people_per_agent_scales_every_count",
    "tests/test_run.py::test_rerunning_into_a_run_directory_needs_force_and_other_directories_are_refused",
    "tests/test_scenarios.py::test_bundled_scenario_runs[everything]",
    "tests/test_scenarios.py::test_bundled_scenario_runs[financial]",
    "tests/test_scenarios.py::test_bundled_scenario_runs[national]",
    "tests/test_scenarios.py::test_bundled_scenario_runs[national-steady]",
    "tests/test_scenarios.py::test_bundled_scenario_runs[rollout]",
    "tests/test_scenarios.py::test_bundled_scenario_runs[rongcheng]",
    "tests/test_scenarios.py::test_bundled_scenario_runs[score-to-sanction]",
    "tests/test_scenarios.py::test_bundled_scenario_runs[sesame]",
    "tests/test_scenarios.py::test_bundled_scenario_runs[state]",
    "tests/test_truth_boundary.py::test_poisoned_truth_changes_no_score_listing_or_refusal[everything]",
    "tests/test_truth_boundary.py::test_poisoned_truth_changes_no_score_listing_or_refusal[financial]",
    "tests/test_truth_boundary.py::test_poisoned_truth_changes_no_score_listing_or_refusal[national]",
    "tests/test_truth_boundary.py::test_poisoned_truth_changes_no_score_listing_or_refusal[national-steady]",
    "tests/test_truth_boundary.py::test_poisoned_truth_changes_no_score_listing_or_refusal[rollout]",
    "tests/test_truth_boundary.py::test_poisoned_truth_changes_no_score_listing_or_refusal[rongcheng]",
    "tests/test_truth_boundary.py::test_poisoned_truth_changes_no_score_listing_or_refusal[score-to-sanction]",
    "tests/test_truth_boundary.py::test_poisoned_truth_changes_no_score_listing_or_refusal[sesame]",
    "tests/test_truth_boundary.py::test_poisoned_truth_changes_no_score_listing_or_refusal[state]",
    "tests/validation/test_validation_cli.py",
    "tests/validation/test_validation_faceid.py::test_a_doubled_false_match_rate_fails",
    "tests/validation/test_validation_faceid.py::test_miss_multipliers_ignored_fail",
    "tests/validation/test_validation_from_run.py",
    "tests/web/test_web_browser.py",
    "tests/web/test_web_server.py::test_runs_beyond_the_limit_wait_and_cancelling_leaves_no_partial_directory",
    "tests/web/test_web_server.py::test_serve_binds_loopback_by_default_and_refuses_a_taken_port",
    "tests/web/test_web_server.py::test_twenty_concurrent_requests_while_a_run_is_in_progress",
)


FIRST = ("tests/validation/test_validation_cli.py::test_every_short_reproduction_is_within",)
"""Tests of several minutes each, started first: pytest-xdist hands out tests in collection order,
so a long test collected last would run on alone after the rest of the suite is done."""


def pytest_collection_modifyitems(config, items):
    """Mark the tests of SLOW as `slow`, and move the tests of FIRST to the front."""
    for item in items:
        if any(item.nodeid == p or item.nodeid.startswith((p + "::", p + "[")) for p in SLOW):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: not item.nodeid.startswith(FIRST))
