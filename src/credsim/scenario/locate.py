"""Find the line of a dotted key in TOML text, so error messages can point at it."""

from __future__ import annotations

import re

__all__ = ["locate"]

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"^\s*((?:[A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*'))*)\s*="
)


def _split(dotted: str) -> list[str]:
    parts = re.findall(r"\"[^\"]*\"|'[^']*'|[^.\s]+", dotted)
    return [p.strip("\"'") for p in parts]


def locate(text: str, path: tuple[str, ...]) -> int | None:
    """1-based line where `path` is set, else the first line that shares most of its prefix."""
    target = [str(p) for p in path]
    best_line, best_len = None, 0
    table: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = _split(header.group(1))
            full = table
        else:
            key = _KEY.match(line)
            if not key:
                continue
            full = table + _split(key.group(1))
        common = 0
        for a, b in zip(full, target, strict=False):
            if a != b:
                break
            common += 1
        if common == len(target) and common == len(full):
            return number
        if common > best_len:
            # Nearest table that holds (or should hold) the key: the longest shared prefix.
            best_line, best_len = number, common
    return best_line
