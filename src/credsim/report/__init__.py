"""The self-contained HTML report of a run directory (figures inlined as SVG, no network needed)."""

from __future__ import annotations

from .html import write_report

__all__ = ["write_report"]
