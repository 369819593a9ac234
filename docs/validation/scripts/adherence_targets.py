"""Regenerate the published targets of the `adherence` reproduction from the authors' runs.

Input: every row of Radzvilavicius, Kessinger & Plotkin (2021)'s fixation runs for adherence to an
institution (their Fig. 4), as released with their code (github.com/tkessinger/institutions,
commit 2eb0248e, output/fixation_paper_multitype_final.csv: each row is a trial of 100 runs, each
run starting from one adherent discriminator among private assessors and ending when adherence
fixes or dies out). `docs/validation/data/radzvilavicius2021_fixation.csv` keeps the columns used
here (E, Q, q, norm, run_type, b, successes, failures, rep, independent_board) of every row of
that file, in its
order, with independent_board (whether the institution's judges are an outside board that grades
by the public standing, or members of the population judging as they would privately); pass the
authors' file itself (`--authors-csv`) to read it instead.

Output: `src/credsim/validation/reciprocity/fixation.json`: per setting (norm, E, Q, q, start, b,
board) the runs, the runs in which adherence fixed, and their share. Run from the repository root:

    python docs/validation/scripts/adherence_targets.py [--authors-csv PATH]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[3]
EXTRACT = ROOT / "docs/validation/data/radzvilavicius2021_fixation.csv"
TARGETS = ROOT / "src/credsim/validation/reciprocity/fixation.json"
NORMS = {
    "stern judging": "stern_judging",
    "simple standing": "simple_standing",
    "scoring": "scoring",
    "shunning": "shunning",
}
CODES = {"SJ": "stern_judging", "SS": "simple_standing", "SC": "scoring", "SH": "shunning"}
STARTS = {"equal": "equal", "AllC": "mostly_ALLC", "AllD": "mostly_ALLD", "Disc": "mostly_DISC"}
PAPER = {"N": 50, "c": 1.0, "u_a": 0.02, "u_p": 0.02, "u_s": 0.0, "runs_per_trial": 100}


def trials(authors_csv: Path | None) -> pd.DataFrame:
    """Every trial: E, Q, q, norm (credsim's name), start (credsim's), b, successes, failures."""
    if authors_csv is None:
        frame = pd.read_csv(EXTRACT)
        frame["norm"] = frame["norm"].map(CODES)
    else:
        frame = pd.read_csv(authors_csv)
        for column, value in PAPER.items():
            if not (frame[column] == value).all():
                raise SystemExit(f"{authors_csv}: not every trial has {column} = {value}")
        frame["norm"] = frame["reputation_norm"].map(NORMS)
    if frame["independent_board"].dtype != bool:
        frame["independent_board"] = frame["independent_board"].astype(str).str.lower() == "true"
    frame["start"] = frame["run_type"].map(STARTS)
    if frame["norm"].isna().any() or frame["start"].isna().any():
        raise SystemExit("a trial has a norm or start credsim does not know")
    if ((frame["successes"] + frame["failures"]) != 100).any():
        raise SystemExit("a trial does not have 100 runs")
    return frame


def targets(frame: pd.DataFrame) -> dict:
    out = {}
    keys = ["norm", "E", "Q", "q", "start", "b", "independent_board"]
    for (norm, e, big_q, q, start, b, board), block in frame.groupby(keys):
        where = f"{norm} E={e} Q={big_q} q={q} {start} b={b} board={board}"
        if block["rep"].duplicated().any():
            raise SystemExit(f"{where}: a trial appears twice")
        fixed = int(block["successes"].sum())
        runs = int((block["successes"] + block["failures"]).sum())
        board_name = "independent" if board else "members"
        out[f"{norm}/E={e:g}/Q={big_q}/q={q:g}/{start}/b={b:g}/board={board_name}"] = {
            "runs": runs,
            "fixed": fixed,
            "share": round(fixed / runs, 6),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authors-csv", type=Path, default=None)
    args = parser.parse_args()
    data = {
        "source": "Radzvilavicius, Kessinger & Plotkin (2021), Nat Commun 12:3567, Fig. 4; the "
        "authors' runs, github.com/tkessinger/institutions @ 2eb0248e, "
        "output/fixation_paper_multitype_final.csv",
        "script": "docs/validation/scripts/adherence_targets.py",
        "settings": targets(trials(args.authors_csv)),
    }
    TARGETS.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(f"{len(data['settings'])} settings written to {TARGETS}")


if __name__ == "__main__":
    main()
