"""The look of validation figures (colour-blind-safe palette, the report's plain style) and saving
them as SVG and PNG, atomically and without timestamps so files are reproducible."""

from __future__ import annotations

from pathlib import Path

from matplotlib import rc_context
from matplotlib.figure import Figure

from credsim.report.style import STYLE, fix_layout

__all__ = ["COLORS", "save", "style"]

COLORS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#000000")
_STYLE = {**STYLE, "svg.hashsalt": "credsim-validation"}
_META = {"svg": {"Date": None}, "png": {"Software": None}}


def style():
    """A context manager applying the figure style."""
    return rc_context(_STYLE)


def save(fig: Figure, directory: Path, slug: str) -> list[str]:
    """Write `slug`.svg and `slug`.png into directory; return the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    fix_layout(fig)  # once for both files
    out = []
    for fmt in ("svg", "png"):
        path = directory / f"{slug}.{fmt}"
        tmp = path.with_name(f".{path.name}.partial")
        fig.savefig(tmp, format=fmt, metadata=_META[fmt], **({"dpi": 200} if fmt == "png" else {}))
        tmp.replace(path)  # a figure file is complete or absent
        out.append(str(path))
    return out
