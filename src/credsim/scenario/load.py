"""Load a scenario: bundled name or TOML path, `base = ...` inheritance, `--set` overrides,
strict validation with messages that name the file, line and key and the nearest valid choice.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ValidationError

from credsim.engine import Plugin, PluginParams, Registry
from credsim.engine.registry import UnknownPluginError
from credsim.errors import ScenarioError, did_you_mean
from credsim.scenario.errors import describe_validation_error
from credsim.scenario.places import Places, instance_name, region_splits, scope_plan
from credsim.scenario.refusals import (
    Text,
    Where,
    one_of_each,
    refuse_conflict,
    refuse_incomplete_plugins,
    source_errors,
)
from credsim.scenario.schema import ALIASES, SECTIONS, ScenarioModel
from credsim.scenario.timeline import (
    SWITCHABLE,
    check_timeline,
    enabled_by_timeline,
    parameter_changes,
)
from credsim.tomlfile import MAX_DEPTH, check_depth, decode_text, parse_toml, read_text

__all__ = ["MAX_BASES", "Scenario", "bundled_scenarios", "load_scenario", "parse_override"]

MAX_BASES = 32
"""Longest chain of scenario files built on one another with `base`."""


@dataclass
class Scenario:
    """A validated scenario: the top level, and each enabled plug-in with its checked parameters."""

    model: ScenarioModel
    population: tuple[str, type[Plugin], PluginParams]
    plugins: dict[str, list[tuple[str, type[Plugin], PluginParams]]]
    origin: str = "<dict>"
    overrides: list[str] = field(default_factory=list)
    source_errors: bool = True
    retunes: dict[int, list[tuple[str, PluginParams]]] = field(default_factory=dict)
    """Day -> (`section.name`, new parameters): the timeline's `set` and `ramp` steps."""
    scopes: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    """`section.name` -> (regions it covers, regions where it is on at the start), for plug-ins
    limited to regions or switched in some regions by the timeline (credsim.engine.scope)."""
    region_switches: dict[int, list[tuple[str, np.ndarray, bool]]] = field(default_factory=dict)
    """Day -> (`section.name`, regions, on): the timeline's switches of scoped plug-ins."""

    @property
    def name(self) -> str:
        return self.model.name

    def without_errors(self) -> Scenario:
        """The run's but-for counterfactual: the same scenario with every source's errors off,
        no adversaries and no metrics (credsim.engine.but_for)."""
        model = self.model.model_copy(update={"but_for": False, "adversaries": {}, "metrics": {}})
        plugins = {**self.plugins, "adversaries": [], "metrics": []}
        return replace(self, model=model, plugins=plugins, source_errors=False)

    def to_dict(self) -> dict[str, Any]:
        """The resolved scenario: every default filled in, no `base`, plug-ins in run order."""
        top = self.model.model_dump(mode="json", exclude={"population", *SECTIONS})
        pop_name, _, pop_params = self.population
        out: dict[str, Any] = {k: v for k, v in top.items() if k != "output" and v is not None}
        out["start"], out["end"] = self.model.start, self.model.end  # TOML dates
        out["population"] = {
            "plugin": pop_name,
            **pop_params.model_dump(mode="json", exclude_none=True),
        }
        for section in SECTIONS:
            table: dict[str, Any] = {"errors": self.source_errors} if section == "sources" else {}
            for name, _cls, params in self.plugins[section]:
                if "@" in name:  # an instance for some regions: from its plug-in's by_region
                    continue
                spec = getattr(self.model, section)[name]
                table[name] = {
                    "plugin": spec.plugin,
                    **({} if spec.enabled else {"enabled": False}),  # on later, by the timeline
                    **({} if spec.regions is None else {"regions": spec.regions}),
                    **({"by_region": spec.by_region} if spec.by_region else {}),
                    **params.model_dump(mode="json", exclude_none=True),
                }
            out[section] = table
        out["output"] = top["output"]
        out["timeline"] = [e.model_dump(exclude_none=True) for e in self.model.timeline]
        return out


def bundled_scenarios() -> dict[str, str]:
    """Bundled scenario name -> its description."""
    found = {}
    for entry in sorted(resources.files("credsim.scenarios").iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            data = parse_toml(entry.read_text(encoding="utf-8"), entry.name)
            found[entry.name.removesuffix(".toml")] = str(data.get("description", ""))
    return found


def _read(source: str | Path, relative_to: Path | None = None) -> tuple[dict, Text, Path | None]:
    """Raw TOML of a bundled name or a path."""
    text_path: Path | None = None
    src = str(source)
    if src.endswith(".toml") or "/" in src or "\\" in src:
        candidate = Path(src)
        if not candidate.is_absolute() and relative_to is not None:
            candidate = relative_to / candidate
        if not candidate.is_file():
            raise ScenarioError(f"scenario file {src!r} not found (looked at {candidate}).")
        text, text_path, label = read_text(candidate), candidate, str(candidate)
    else:
        bundled = resources.files("credsim.scenarios") / f"{src}.toml"
        if not bundled.is_file():
            names = list(bundled_scenarios())
            did = did_you_mean(src, names, sentence=True)
            raise ScenarioError(
                f"no bundled scenario named {src!r}.{did} Bundled scenarios: {', '.join(names)}; "
                "or give a path to a .toml file."
            )
        label = f"bundled scenario {src!r}"
        text = decode_text(bundled.read_bytes(), label)
    return parse_toml(text, label), Text(label, text), text_path


def _merge(base: dict, child: dict) -> dict:
    out = dict(base)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _resolve_bases(
    source: str | Path, relative_to: Path | None, seen: tuple[str, ...]
) -> tuple[dict, list[Text]]:
    data, text, path = _read(source, relative_to)
    _merge_aliases(data)
    key = str(path.resolve()) if path else str(source)
    if key in seen:
        chain = " -> ".join([*seen, key])
        raise ScenarioError(f"{text.label}: `base` makes a cycle: {chain}.")
    if len(seen) >= MAX_BASES:
        raise ScenarioError(
            f"{text.label}: more than {MAX_BASES} scenario files built on one another with "
            f"`base` (starting from {seen[0]}); shorten the chain."
        )
    base = data.pop("base", None)
    if base is None:
        return data, [text]
    if not isinstance(base, str):
        raise ScenarioError(
            f"{text.label}: `base` must be a scenario name or a path, got {base!r}."
        )
    parent, parent_texts = _resolve_bases(base, path.parent if path else None, (*seen, key))
    data = _merge(parent, data)
    data.setdefault("name", parent.get("name"))
    return data, [text, *parent_texts]


def parse_override(item: str) -> tuple[list[str], Any]:
    """`dotted.key=value` -> (key parts, value); the value is read as TOML, else as a string."""
    key, sep, raw = item.partition("=")
    key = key.strip()
    if not sep or not key or any(not part for part in key.split(".")):
        raise ScenarioError(
            f"--set {item!r}: expected dotted.key=value, e.g. --set policies.rongcheng.start=900."
        )
    raw = raw.strip()
    parts = key.split(".")
    if len(parts) > MAX_DEPTH:
        raise ScenarioError(f"--set {key[:60]}...: more than {MAX_DEPTH} levels of keys.")
    try:
        value = parse_toml(f"v = {raw}", f"--set {key}")["v"]
    except ScenarioError as err:
        if "nested" in str(err):
            raise
        value = raw  # not a TOML value: a bare string
    parts[0] = ALIASES.get(parts[0], parts[0])
    return parts, value


def _apply(data: dict, parts: list[str], value: Any) -> None:
    node = data
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ScenarioError(
                f"--set {'.'.join(parts)}: {part!r} is a value, not a table, so it has no keys."
            )
        node = child
    node[parts[-1]] = value


def load_scenario(
    source: str | Path | dict = "default",
    *,
    overrides: list[str] | None = None,
    population: int | None = None,
    days: int | None = None,
    seed: int | None = None,
    registry: Registry | None = None,
    start: str | None = None,
    end: str | None = None,
) -> Scenario:
    """Read, merge and validate a scenario. Raises ScenarioError (exit code 2 in the CLI).
    `start` and `end` are dates (YYYY-MM-DD); `end` sets the number of days."""
    if days is not None and end is not None:
        raise ScenarioError(f"--days {days} and --end {end}: give one of them, not both.")
    if registry is None:
        from credsim.plugins import builtin_registry

        registry = builtin_registry()
    if isinstance(source, dict):
        check_depth(source, "scenario")
        # A deep copy: overrides and flags must not change the caller's tables.
        data, texts, origin = copy.deepcopy(source), [], "<dict>"
        _merge_aliases(data)
        if "base" in data:
            parent, texts = _resolve_bases(data.pop("base"), None, ())
            data = _merge(parent, data)
    else:
        data, texts = _resolve_bases(source, None, ())
        origin = str(source)
    items = list(overrides or [])
    set_keys = []
    for item in items:
        parts, value = parse_override(item)
        _apply(data, parts, value)
        _one_length(data, parts)
        set_keys.append((tuple(parts), f"--set {'.'.join(parts)}"))
    flags = {
        "--population": (population, "population.size"),
        "--days": (days, "days"),
        "--seed": (seed, "seed"),
        "--start": (start, "start"),
        "--end": (end, "end"),
    }
    for flag, (value, key) in flags.items():
        if value is not None:
            refuse_conflict(set_keys, key, flag, value)
            if flag == "--days":  # it drops the scenario's `end`
                refuse_conflict(set_keys, "end", flag, value)
            _apply(data, key.split("."), value)
            _one_length(data, key.split("."))
            set_keys.append((tuple(key.split(".")), f"{flag} {value}"))
            items.append(f"{key}={value}")
    where = Where(texts, set_keys)
    refuse_incomplete_plugins(data, where)
    errors_on = source_errors(data, where)
    model = _validate(ScenarioModel, data, (), where)
    switchable = {
        f"{section}.{name}": spec.enabled
        for section in SWITCHABLE
        for name, spec in getattr(model, section).items()
    }
    check_timeline(model.timeline, model.start, switchable, where(("timeline",)))
    later = enabled_by_timeline(model.timeline)
    pop = _instantiate(registry, "population", "population", None, model.population, where)
    plugins = {}
    for section, kind in SECTIONS.items():
        plugins[section] = [
            _instantiate(registry, kind, section, name, spec, where)
            for name, spec in getattr(model, section).items()
            if spec.enabled or f"{section}.{name}" in later
        ]
        one_of_each(section, plugins[section], where)
    places = Places(pop[1](pop[0], pop[2]))
    groups = region_splits(model, plugins, places, where)
    built = {
        f"{section}.{name}": (cls, params)
        for section in SWITCHABLE
        for name, cls, params in plugins[section]
    }

    def instances(key: str, regions: list[str]) -> list[str]:
        section, name = key.split(".", 1)
        if regions:
            return [f"{section}.{instance_name(name, tuple(regions))}"]
        return [key, *(f"{section}.{instance_name(name, g)}" for g in groups.get(key, []))]

    retunes = parameter_changes(
        model.timeline, model.start, model.end, built, where(("timeline",)), instances
    )
    scopes, region_switches = scope_plan(model, places, where, groups)
    return Scenario(
        model,
        pop,
        plugins,
        origin=origin,
        overrides=items,
        source_errors=errors_on,
        retunes=retunes,
        scopes=scopes,
        region_switches=region_switches,
    )


def _one_length(data: dict, parts: list[str]) -> None:
    """A run's length given on the command line replaces the file's: `days` drops the file's
    `end` (which would otherwise set the days)."""
    if parts == ["days"]:
        data.pop("end", None)


def _merge_aliases(data: dict) -> None:
    """`behaviors.x` (the older name) means `behavior.x`, in one file or table; where a file
    sets both, `behavior` wins. Overrides (`--set behaviors.x=...`) are renamed as parsed."""
    for old, new in ALIASES.items():
        if isinstance(data.get(old), dict):
            table = data.pop(old)
            data[new] = _merge(table, data[new]) if isinstance(data.get(new), dict) else table


def _validate(model: type[BaseModel], data: Any, prefix: tuple, where: Where) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(describe_validation_error(err, model, prefix, where)) from None


def _instantiate(
    registry: Registry, kind: str, section: str, name: str | None, spec: Any, where: Where
) -> tuple[str, type[Plugin], PluginParams]:
    prefix = (section,) if name is None else (section, name)
    try:
        cls = registry.get(kind, spec.plugin)
    except UnknownPluginError as err:
        raise ScenarioError(
            f"{where((*prefix, 'plugin'))}: {'.'.join(prefix)}.plugin: {err}"
        ) from None
    params = _validate(cls.Params, dict(spec.model_extra or {}), prefix, where)
    return (name or spec.plugin, cls, params)
