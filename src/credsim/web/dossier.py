"""One citizen's dossier as JSON: traits, the itemised statement, the state's file (every record
held on them and what they were told of it) and every event naming them."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from credsim.errors import UserError
from credsim.results import Results
from credsim.results.secret_file import secret_file

__all__ = ["MAX_ROWS", "dossier_json"]

MAX_ROWS = 1000
"""Rows returned per event table; `total` says how many there are."""


def _rows(frame: pd.DataFrame) -> dict[str, Any]:
    shown = frame.head(MAX_ROWS)
    return {
        "columns": [str(c) for c in frame.columns],
        "rows": json.loads(shown.to_json(orient="records")),
        "total": len(frame),
        "truncated": len(frame) > len(shown),
    }


def dossier_json(results: Results, citizen: int, policy: str | None = None) -> dict[str, Any]:
    """Everything the run holds on `citizen`, with the truth behind each record.

    Raises UserError for a citizen outside the run or a policy it does not have.
    """
    summary = results.summary
    agents = int(summary["citizens"]) // int(summary.get("people_per_agent", 1) or 1)
    if not 0 <= citizen < agents:
        raise UserError(f"citizen {citizen}: the run has citizens 0 to {agents - 1}.")
    out: dict[str, Any] = {"citizen": citizen, "run": results.path.name}
    try:
        out["traits"] = json.loads(json.dumps(results.citizens_row(citizen), default=str))
    except (FileNotFoundError, KeyError, OSError):
        out["traits"] = None
    try:
        out["statement"] = results.statement(citizen, policy, truth=True)
        out["statement_error"] = None
    except UserError as err:
        if policy is not None and "--policy" in str(err):
            raise
        out["statement"], out["statement_error"] = None, str(err)
    try:
        out["secret_file"] = secret_file(results, citizen, truth=True)
    except UserError:
        out["secret_file"] = None
    out["policies"] = list(summary.get("policies", {}))
    out["tables"] = {name: _rows(frame) for name, frame in results.dossier(citizen).items()}
    return out
