"""What loading a scenario refuses besides its schema, and where each fault is said to be: the file
and line of a key, or the command-line flag that set it (`Where`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from credsim.errors import ScenarioError, nearest
from credsim.scenario.locate import locate
from credsim.scenario.schema import SECTIONS

__all__ = [
    "Text",
    "Where",
    "one_of_each",
    "refuse_conflict",
    "refuse_incomplete_plugins",
    "source_errors",
]


@dataclass
class Text:
    """One file (or the command line) that contributed keys, for pointing at lines."""

    label: str
    text: str


@dataclass
class Where:
    texts: list[Text]
    set_keys: list[tuple[tuple[str, ...], str]]

    def __call__(self, loc: tuple) -> str:
        """'file, line N' for a key, or the flag ('--set key', '--days') that set it."""
        path = tuple(str(p) for p in loc)
        for keys, label in self.set_keys:
            if path[: len(keys)] == keys or keys[: len(path)] == path:
                return label
        for text in self.texts:
            line = locate(text.text, path)
            if line is not None:
                return f"{text.label}, line {line}"
        return self.texts[0].label if self.texts else "scenario"


def refuse_conflict(set_keys: list, key: str, flag: str, value: Any) -> None:
    """A flag replaces what a `--set` gave the same key: refuse it when they differ, so that a
    bad `--set` is never silently dropped."""
    parts = tuple(key.split("."))
    for keys, label in set_keys:
        overlap = keys[: len(parts)] == parts or parts[: len(keys)] == keys
        if label.startswith("--set ") and overlap:
            raise ScenarioError(
                f"{label} and {flag} {value} both set {'.'.join(max(keys, parts, key=len))}; "
                "give one of them."
            )


def one_of_each(section: str, built: list, where: Where) -> None:
    """At most one instance of a plug-in that keeps columns, a service or figures under names of
    its own (`Plugin.singleton`)."""
    first: dict[type, str] = {}
    for name, cls, _params in built:
        if not cls.singleton:
            continue
        if cls in first:
            raise ScenarioError(
                f"{where((section, name, 'plugin'))}: {section}.{name} is a second instance of "
                f"the {cls.kind} plug-in {cls.__name__} (the first is {section}.{first[cls]}); a "
                "scenario holds at most one, as it keeps columns, a service or figures under "
                "names of its own. Remove one, or give its parameters to the first."
            )
        first[cls] = name


def refuse_incomplete_plugins(data: dict, where: Where) -> None:
    """A key of a plug-in section that names no plug-in of the scenario and is not a whole new
    one (a table with `plugin`) is most likely misspelt: name the nearest that exists."""
    for section in SECTIONS:
        table = data.get(section)
        if not isinstance(table, dict):
            continue
        known = [k for k, v in table.items() if isinstance(v, dict) and "plugin" in v]
        if section == "sources":
            known.append("errors")
        for name, value in table.items():
            if name in known or (isinstance(value, dict) and "plugin" in value):
                continue
            hint = nearest(name, known)
            did = f" Did you mean {section}.{hint}?" if hint else ""
            raise ScenarioError(
                f"{where((section, name))}: this scenario has no {section} plug-in called "
                f"{name!r}.{did} It has: {', '.join(sorted(known)) or 'none'} (a new one is a "
                "table with `plugin = ...`)."
            )


def source_errors(data: dict, where: Where) -> bool:
    """Take the `sources.errors` switch out of the sources table (its other keys are plug-ins)."""
    sources = data.get("sources")
    if not isinstance(sources, dict) or "errors" not in sources:
        return True
    data["sources"] = {k: v for k, v in sources.items() if k != "errors"}
    value = sources["errors"]
    if not isinstance(value, bool):
        raise ScenarioError(
            f"{where(('sources', 'errors'))}: sources.errors must be true or false (got {value!r})."
        )
    return value
