"""HTML tables and number formatting for the report (every value escaped)."""

from __future__ import annotations

import json
import math
from html import escape

from .style import DIM_NAMES

__all__ = ["fmt", "fmt_share", "group_table", "note", "shares", "table"]


def fmt(value: object) -> str:
    """Numbers with thousands separators; shares and nested values in readable form."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "n/a"
        if value.is_integer() and abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:,.1f}" if abs(value) >= 100 else f"{value:,.3g}"
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    return str(value)


def fmt_share(share: object) -> str:
    return f"{share:.1%}" if isinstance(share, int | float) else fmt(share)


def shares(values: object) -> str:
    """{"A": 0.9, "B": 0.1} -> "A 90.0% · B 10.0%"."""
    if not isinstance(values, dict):
        return fmt(values)
    return " · ".join(f"{g} {fmt_share(s)}" for g, s in values.items())


def note(text: str) -> str:
    return f'<p class="note">{escape(text)}</p>' if text else ""


def table(head: list[str], rows: list[list[object]], numeric: set[int] | None = None) -> str:
    """An HTML table; cells are formatted with fmt() and escaped; numeric columns right-aligned."""
    numeric = numeric if numeric is not None else set(range(1, len(head)))

    def cells(tag: str, values: list[object]) -> str:
        out = []
        for i, v in enumerate(values):
            text = escape(v if isinstance(v, str) else fmt(v))
            cls = ' class="n"' if i in numeric else ""
            out.append(f"<{tag}{cls}>{text}</{tag}>")
        return "".join(out)

    body = "\n".join(f"<tr>{cells('td', row)}</tr>" for row in rows)
    return f"<table><thead><tr>{cells('th', head)}</tr></thead>\n<tbody>\n{body}\n</tbody></table>"


def group_table(
    by_group: dict,
    columns: list[tuple[str, str]],
    rates: dict[str, tuple[str, float]] | None = None,
    skip: tuple[str, ...] = ("province",),
) -> list[list[object]]:
    """Rows "Dim: label" + the given (field, heading) values (+ rate columns), per group.

    rates maps a heading to (field, per): field per `per` of the group's citizens.
    """
    rows: list[list[object]] = []
    for dim, labels in by_group.items():
        if dim in skip or not isinstance(labels, dict):
            continue
        for label, v in labels.items():
            if not isinstance(v, dict):
                continue
            row: list[object] = [f"{DIM_NAMES.get(dim, dim)}: {label}"]
            row += [v.get(field) for field, _ in columns]
            for field, per in (rates or {}).values():
                size, value = v.get("citizens"), v.get(field)
                ok = size and isinstance(value, int | float)
                row.append(per * value / size if ok else None)
            rows.append(row)
    return rows


def details(summary: str, body: str) -> str:
    """A collapsed block: <details><summary>…</summary>body</details>."""
    return f"<details><summary>{escape(summary)}</summary>\n{body}</details>"


def json_block(value: object) -> str:
    return f"<pre>{escape(json.dumps(value, indent=1, sort_keys=True))}</pre>"
