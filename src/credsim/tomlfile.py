"""Reading the TOML files users give (scenarios, sweeps, calibrations) and the TOML values of
`--set`: UTF-8 text or a clear message, and a bounded nesting depth, so that a damaged or
hostile file ends in exit code 2, never a traceback."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

from credsim.errors import ScenarioError

__all__ = ["MAX_DEPTH", "check_depth", "decode_text", "parse_toml", "read_text"]

MAX_DEPTH = 32
"""Deepest nesting of tables and lists a file may hold (the bundled scenarios need 7)."""
MAX_FILE_BYTES = 16 * 2**20
"""Largest file read: a scenario is a few kilobytes."""

_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


def decode_text(raw: bytes, label: str) -> str:
    """The text of a file's bytes, as UTF-8 (a UTF-8 byte-order mark is allowed)."""
    for bom, encoding in _BOMS.items():
        if raw.startswith(bom):
            raise ScenarioError(
                f"{label}: the file is {encoding} text; credsim reads TOML files as UTF-8. "
                "Save it as UTF-8 (most editors offer it under 'encoding')."
            )
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise ScenarioError(
            f"{label}, line {line}: holds NUL bytes, so it is not UTF-8 text (UTF-16 without a "
            "byte-order mark?); credsim reads TOML files as UTF-8. Save it as UTF-8."
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ScenarioError(
            f"{label}, line {line}: not UTF-8 text (byte 0x{raw[err.start]:02x} at offset "
            f"{err.start}); credsim reads TOML files as UTF-8. Save it as UTF-8."
        ) from None


def read_text(path: Path, label: str | None = None) -> str:
    """A file's text (UTF-8), or a ScenarioError that names it."""
    label = label or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError(
                f"{label}: {size:,} bytes is too large for a TOML file credsim reads "
                f"(at most {MAX_FILE_BYTES:,})."
            )
        raw = path.read_bytes()
    except OSError as err:
        raise ScenarioError(f"{label}: cannot be read ({err.strerror or err}).") from None
    return decode_text(raw, label)


def parse_toml(text: str, label: str) -> dict[str, Any]:
    """Parse TOML text; a syntax error or nesting deeper than MAX_DEPTH is a ScenarioError."""
    hook = sys.unraisablehook
    # Text nested thousands deep exhausts the parser's recursion; what Python cannot finalise
    # while unwinding it would print before the message, so it is not printed.
    sys.unraisablehook = _quiet
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{label}: not valid TOML: {err}.") from None
    except RecursionError:
        raise ScenarioError(_too_deep(label)) from None
    finally:
        sys.unraisablehook = hook
    check_depth(data, label)
    return data


def _quiet(unraisable: Any) -> None:
    """An unraisable exception while a TOML text is parsed: not printed."""


def check_depth(data: Any, label: str) -> None:
    """Refuse tables and lists nested deeper than MAX_DEPTH (walked without recursion)."""
    stack = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ScenarioError(_too_deep(label))
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list | tuple):
            stack.extend((v, depth + 1) for v in node)


def _too_deep(label: str) -> str:
    return (
        f"{label}: tables or lists nested more than {MAX_DEPTH} deep; a scenario needs far "
        "fewer levels."
    )
