"""Bad calibration files end in one paragraph that names the file, the line, the key and the
nearest valid choice; the command exits 2 before any run and writes nothing."""

from __future__ import annotations

import subprocess
import sys

import pytest
from synthetic import calibration_text

from credsim.calibration import load_calibration, prepare_calibration
from credsim.calibration.search import import_optuna
from credsim.errors import ScenarioError, UserError

CLI = [sys.executable, "-c", "from credsim.cli import main; main()"]
GOOD = calibration_text({"listed": 17000, "removed": 26000, "on_list": 13000}, 1)
RATE = "behavior.citizens.acts.loan_default.rate"


def _write(tmp_path, old: str, new: str):
    assert old in GOOD
    path = tmp_path / "bad.toml"
    path.write_text(GOOD.replace(old, new, 1))
    return path


def _line(path, needle: str) -> int:
    """The last line that holds `needle`."""
    lines = path.read_text().splitlines()
    return max(i for i, line in enumerate(lines, 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "marker", "needles"),
    [
        (RATE, "behavior.citizens.acts.loan_defualt.rate", "default_rate",
         ["parameters.default_rate", "loan_defualt", "did you mean 'loan_default'"]),
        (RATE, "behavior.citzens.acts.loan_default.rate", "default_rate",
         ["no behavior entry named 'citzens'", "Did you mean 'citizens'"]),
        ("low = 0.05, high = 0.95", "low = 0.5, high = 0.5", "repaid_share",
         ["repaid_share", "the range is empty", "low (0.5) must be below high (0.5)"]),
        ("low = 0.05, high = 0.95", "low = 2018-01-01, high = 0.95", "repaid_share",
         ["repaid_share", "a date range needs two dates"]),
        ("low = 0.05, high = 0.95", "low = 2018-02-01, high = 2018-01-01", "repaid_share",
         ["repaid_share", "the range is empty", "low (2018-02-01) must be below high"]),
        ("start = 2018-02-01", "start = 2017-12-01", "2017-12-01",
         ["targets.removed.start = 2017-12-01", "outside the run", "2018-01-01 to 2018-03-01"]),
        ("date = 2018-03-01", "date = 2018-03-02", "2018-03-02",
         ["targets.on_list.date = 2018-03-02", "outside the run"]),
        ("date = 2018-03-01", 'date = "2018-02-30"', "2018-02-30",
         ["targets.on_list.date", "2018-02-30"]),
        ('metric = "sanctioned"', 'metric = "sanctionned"', "sanctionned",
         ["targets.on_list.metric", "Did you mean 'sanctioned'"]),
        ('metric = "sanctioned"', 'metric = "listed_new"', "listed_new",
         ["targets.on_list", "is a flow", 'kind = "cumulative" or "flow"']),
    ],
)  # fmt: skip
def test_bad_file_names_file_line_key_and_nearest_choice(tmp_path, old, new, marker, needles):
    path = _write(tmp_path, old, new)
    with pytest.raises(ScenarioError) as err:
        prepare_calibration(load_calibration(path))
    message = str(err.value)
    line = _line(path, marker)
    assert message.startswith(f"{path}, line ")
    assert abs(int(message.split("line ")[1].split(":")[0]) - line) <= 1, message
    for needle in needles:
        assert needle in message, message
    assert "\n" not in message


def test_bad_file_exits_2_in_one_paragraph_and_writes_nothing(tmp_path):
    path = _write(tmp_path, RATE, "behavior.citizens.acts.loan_defualt.rate")
    out = tmp_path / "out"
    done = subprocess.run(
        [*CLI, "calibrate", str(path), "--out", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "did you mean 'loan_default'" in " ".join(done.stderr.split())
    assert not out.exists()


def test_without_optuna_the_message_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "optuna", None)  # `import optuna` now raises ImportError
    with pytest.raises(UserError, match=r"pip install 'credsim\[calibrate\]'"):
        import_optuna()


def test_the_bundled_calibration_passes_its_checks():
    from credsim.calibration.file import resolve_calibration_source

    source = resolve_calibration_source("rollout-blacklist")
    prepared = prepare_calibration(load_calibration(source))
    assert prepared.scenario.model.end.isoformat() == "2019-03-31"
    assert all(w.kind == "cumulative" for w in prepared.windows)


def test_a_date_range_is_searched_in_days_and_set_as_a_date():
    import datetime as dt

    from credsim.calibration.file import ParameterSpec

    spec = ParameterSpec(low=dt.date(2016, 1, 1), high=dt.date(2017, 12, 31))
    low, high = spec.bounds
    assert spec.is_date and spec.whole and high - low == 730
    assert spec.value(low + 31) == dt.date(2016, 2, 1)
    assert spec.value(spec.number(dt.date(2017, 3, 5))) == dt.date(2017, 3, 5)
    number = ParameterSpec(low=1, high=10)
    assert number.whole and not number.is_date and number.value(3.4) == 3
    assert ParameterSpec(low=0.1, high=1.0).value(0.5) == 0.5
