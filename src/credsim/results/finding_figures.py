"""The figures a key finding quotes: how a number is written in its text, the text built with its
figures recorded where they are written (`Sentence`), the value of a figure key in a summary, and
the check that every quoted number is its summary's value (`problems`). Keys are described in
credsim.results.findings."""

from __future__ import annotations

from typing import Any

from credsim.results.intervals import lookup
from credsim.results.rates import poisson_interval, wilson_interval

__all__ = [
    "Sentence",
    "count_text",
    "derived_value",
    "is_number",
    "problems",
    "rate_text",
    "share_text",
    "whole_text",
]


def count_text(value: float) -> str:
    """A count; a mean of replicates that is not whole keeps one decimal below 100."""
    if not float(value).is_integer() and abs(value) < 100:
        return f"{value:.1f}"
    return f"{round(value):,}"


def whole_text(value: float) -> str:
    """An interval's bound of a count, rounded to whole people."""
    return f"{round(value):,}"


def share_text(value: float) -> str:
    return f"{value:.1%}" if value >= 0.001 or value == 0 else f"{100 * value:.2g}%"


def rate_text(value: float) -> str:
    """A rate per 100,000: whole numbers from 100, else three significant digits at most."""
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if value >= 10 else f"{value:.2g}"


class Sentence:
    """Text with its quoted figures recorded as they are written."""

    def __init__(self) -> None:
        self.text = ""
        self.figures: list[dict[str, Any]] = []

    def say(self, text: str) -> Sentence:
        self.text += text
        return self

    def figure(self, key: str, value: float, shown: str) -> Sentence:
        self.figures.append(
            {"key": key, "value": _plain(value), "shown": shown, "at": len(self.text)}
        )
        self.text += shown
        return self

    def done(self, finding_id: str) -> dict[str, Any]:
        return {"id": finding_id, "text": self.text, "figures": self.figures}


def _plain(value: float) -> int | float:
    if isinstance(value, int) or float(value).is_integer():
        return int(value)
    return float(f"{float(value):.10g}")


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def derived_value(summary: dict[str, Any], key: str) -> float | None:
    """The value of a figure key (a summary path or a derived figure) in `summary`."""
    kind, _, args = key.partition(":")
    if not args:
        value = lookup(summary, *key.split("."))
        return float(value) if is_number(value) else None
    paths = args.split("/")
    values = [lookup(summary, *p.split(".")) for p in paths]
    if not all(is_number(v) for v in values):
        return None
    k = float(summary.get("people_per_agent") or 1)
    if kind == "share":
        return values[0] / values[1]
    if kind == "per_100000":
        return 1e5 * values[0] / values[1]
    if kind.startswith("wilson95_"):
        low, high = wilson_interval(values[0] / k, values[1] / k)
        return 1e5 * (low if kind.endswith("low") else high)
    if kind.startswith("poisson95_"):
        low, high = poisson_interval(values[0] / k)
        return k * (low if kind.endswith("low") else high)
    raise ValueError(f"unknown derived figure {key!r}")


def problems(summary: dict[str, Any]) -> list[str]:
    """What is wrong with a summary's key findings: a figure not where its text says, a shown
    number that is not its value as the text writes it, or a value that is not the summary's
    (or computed from it). [] when every number of every finding checks out."""
    out = []
    for finding in summary.get("key_findings") or []:
        text = finding["text"]
        for figure in finding["figures"]:
            key, value, shown, at = figure["key"], figure["value"], figure["shown"], figure["at"]
            where = f"{finding['id']}: {key}"
            if text[at : at + len(shown)] != shown:
                out.append(f"{where}: {shown!r} is not at {at} in the text")
            expected = derived_value(summary, key)
            if expected is None or abs(expected - value) > 1e-9 * max(1.0, abs(expected)):
                out.append(f"{where}: value {value!r}, but the summary gives {expected!r}")
                continue
            written = (count_text, whole_text, share_text, rate_text)
            if shown not in {write(value) for write in written}:
                out.append(f"{where}: {shown!r} does not write {value!r}")
    return out
