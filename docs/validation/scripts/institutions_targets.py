"""Regenerate the published targets of the `institutions` reproduction from the authors' runs.

Input: every run of Radzvilavicius, Kessinger & Plotkin (2021)'s private-assessment simulations,
as released with their code (github.com/tkessinger/institutions, commit 2eb0248e,
output/paper_empathy_noRDisc.csv: 1,000 runs for each of four norms and two perspectives, E = 0
egocentric and E = 1 empathetic). `docs/validation/data/radzvilavicius2021_runs.csv` keeps the
columns used here (E, norm, rep, coop_freqs) of every row of that file, in its order; pass the
authors' file itself (`--authors-csv`) to read it instead.

Output: `src/credsim/validation/reciprocity/published.json`, per norm and perspective the mean of
the runs' time-averaged cooperation, its standard deviation and standard error, and the number of
runs. Run from the repository root:

    python docs/validation/scripts/institutions_targets.py [--authors-csv PATH]
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[3]
EXTRACT = ROOT / "docs/validation/data/radzvilavicius2021_runs.csv"
TARGETS = ROOT / "src/credsim/validation/reciprocity/published.json"
NORMS = {
    "stern judging": "stern_judging",
    "simple standing": "simple_standing",
    "scoring": "scoring",
    "shunning": "shunning",
}
CODES = {"SJ": "stern_judging", "SS": "simple_standing", "SC": "scoring", "SH": "shunning"}
PAPER = {"N": 50, "b": 5.0, "c": 1.0, "num_gens": 10000, "u_a": 0.02, "u_p": 0.02, "u_s": 0.025}


def runs(authors_csv: Path | None) -> pd.DataFrame:
    """Every run: columns E, norm (credsim's name), rep, cooperation."""
    if authors_csv is None:
        frame = pd.read_csv(EXTRACT, dtype={"coop_freqs": float})
        frame["norm"] = frame["norm"].map(CODES)
    else:
        frame = pd.read_csv(authors_csv)
        for column, value in PAPER.items():
            if not (frame[column] == value).all():
                raise SystemExit(f"{authors_csv}: not every run has {column} = {value}")
        frame["norm"] = frame["reputation_norm"].map(NORMS)
    if frame["norm"].isna().any():
        raise SystemExit("a run has a norm credsim does not know")
    frame = frame.rename(columns={"coop_freqs": "cooperation"})
    return frame[["E", "norm", "rep", "cooperation"]]


def targets(frame: pd.DataFrame) -> dict:
    out = {}
    for (norm, empathy), block in frame.groupby(["norm", "E"]):
        reps = block["rep"]
        if reps.duplicated().any():
            raise SystemExit(f"{norm}, E = {empathy}: a run appears twice")
        coop = block["cooperation"]
        sd = float(coop.std(ddof=1))
        out[f"{norm}/{empathy:g}"] = {
            "mean": round(float(coop.mean()), 6),
            "sd": round(sd, 6),
            "se": round(sd / math.sqrt(len(coop)), 6),
            "runs": len(coop),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authors-csv", type=Path, default=None)
    args = parser.parse_args()
    data = {
        "source": "Radzvilavicius, Kessinger & Plotkin (2021), Nat Commun 12:3567; the authors' "
        "runs, github.com/tkessinger/institutions @ 2eb0248e, output/paper_empathy_noRDisc.csv",
        "script": "docs/validation/scripts/institutions_targets.py",
        "settings": targets(runs(args.authors_csv)),
    }
    TARGETS.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(data["settings"], indent=2))


if __name__ == "__main__":
    main()
