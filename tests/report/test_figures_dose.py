"""The dose-response figure of a sweep: counts and per-group rates against a swept parameter."""

from __future__ import annotations

import pandas as pd

from credsim.report.figures_dose import by_group_columns, dose_response, main


def _outcomes() -> pd.DataFrame:
    rows = []
    for fmr in (1e-9, 1e-8, 1e-7):
        for replicate in range(2):
            rows.append(
                {
                    "point": 0,
                    "replicate": replicate,
                    "camera_fmr": fmr,
                    "sanctioned_wrongful": 1e9 * fmr + replicate,
                    "by_group.group.g0.citizens": 900.0,
                    "by_group.group.g1.citizens": 100.0,
                    "by_group.group.g0.sanctioned_wrongful": 1e9 * fmr,
                    "by_group.group.g1.sanctioned_wrongful": float(replicate),
                }
            )
    return pd.DataFrame(rows)


def test_groups_are_found_with_their_sizes():
    found = by_group_columns(_outcomes(), "sanctioned_wrongful")
    assert [(d, label) for d, label, _ in found] == [("group", "g0"), ("group", "g1")]


def test_the_figure_draws_counts_and_rates_on_a_log_axis():
    fig = dose_response(_outcomes(), "camera_fmr")
    left, right = fig.axes
    assert left.get_xscale() == right.get_xscale() == "log"
    assert [t.get_text() for t in right.get_legend().get_texts()] == ["group g0", "group g1"]


def test_the_command_writes_a_png_and_exits_2_without_a_sweep(tmp_path, capsys):
    sweep = tmp_path / "sweep"
    sweep.mkdir()
    _outcomes().to_parquet(sweep / "outcomes.parquet")
    assert main([str(sweep), str(tmp_path / "fig.png")]) == 0
    assert (tmp_path / "fig.png").read_bytes()[:4] == b"\x89PNG"
    assert main([str(tmp_path / "nothing"), str(tmp_path / "no.png")]) == 2
    assert "no outcomes.parquet" in capsys.readouterr().err
