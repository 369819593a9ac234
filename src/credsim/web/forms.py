"""The dashboard's run form: fields generated from a scenario, requests turned into `--set`
overrides, and loader errors mapped back to the field they name."""

from __future__ import annotations

import re
import types
from dataclasses import asdict, dataclass
from typing import Any, Union, get_args, get_origin

import tomli_w
from pydantic import BaseModel

from credsim.errors import ScenarioError, UserError, did_you_mean
from credsim.scenario import SECTIONS, OutputSpec, Scenario, ScenarioModel, bundled_scenarios

__all__ = [
    "MAIN_FIELDS",
    "Field",
    "RunForm",
    "check_scenario_name",
    "field_of",
    "form_fields",
    "overrides_of",
    "toml_value",
]

MAIN_FIELDS = {"population": "population.size", "days": "days", "seed": "seed"}
"""Request keys with a field of their own -> the scenario key they set."""

_KEY = re.compile(r"^[A-Za-z0-9_+\-]+(\.[A-Za-z0-9_+\-]+)*$")
_SET_LABEL = re.compile(r"--set ([A-Za-z0-9_+\-.]+?)[.:,;]?(?:\s|$)")
_HIDDEN = {"name", "description"}


@dataclass
class Field:
    """One editable scenario key as the page shows it."""

    key: str
    value: Any
    kind: str  # int, float, bool, str or list (lists are edited as TOML text)
    group: str
    description: str = ""


@dataclass
class RunForm:
    """A validated run request: the scenario name and the `--set` overrides to load it with."""

    scenario: str
    overrides: list[str]


def check_scenario_name(name: str) -> str:
    """Only bundled scenario names: a request never names a file."""
    names = list(bundled_scenarios())
    if name not in names:
        did = did_you_mean(name, names, sentence=True)
        raise ScenarioError(f"scenario {name!r}: no bundled scenario of that name.{did}")
    return name


def toml_value(value: Any) -> str:
    """A JSON value as the TOML text after `=` in an override; text is kept as typed."""
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, dict):
        raise UserError("a value must be a number, true/false, text or a list")
    return tomli_w.dumps({"v": value}).partition("=")[2].strip()


def overrides_of(
    scenario: str,
    main: dict[str, int | None],
    settings: dict[str, Any],
    lines: list[str],
) -> tuple[RunForm, dict[str, str]]:
    """The overrides of a request and, for each, the form field it came from.

    Raises `UserError` carrying `.field` for a malformed key or value.
    """
    overrides: list[str] = []
    origin: dict[str, str] = {}
    for name, key in MAIN_FIELDS.items():
        if main.get(name) is not None:
            overrides.append(f"{key}={main[name]}")
            origin[key] = key
    for key, value in settings.items():
        if not _KEY.match(key):
            raise _field_error(key, f"{key!r} is not a dotted scenario key such as days")
        try:
            overrides.append(f"{key}={toml_value(value)}")
        except UserError as err:
            raise _field_error(key, f"{key}: {err}") from None
        origin[key] = key
    for line in lines:
        key = line.partition("=")[0].strip()
        if "=" not in line or not _KEY.match(key):
            raise _field_error("overrides", f"{line!r}: expected dotted.key=value, e.g. days=30")
        overrides.append(line.strip())
        origin[key] = "overrides"
    return RunForm(check_scenario_name(scenario), overrides), origin


def _field_error(field: str, message: str) -> UserError:
    err = UserError(message)
    err.field = field  # type: ignore[attr-defined]
    return err


def field_of(message: str, origin: dict[str, str]) -> str | None:
    """The form field a loader message is about: the key of the `--set` it names."""
    for found in _SET_LABEL.finditer(message):
        key = found.group(1)
        if key in origin:
            return origin[key]
    return None


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    return "list"


def _leaves(table: dict[str, Any], prefix: tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
    out: list[tuple[tuple[str, ...], Any]] = []
    for key, value in table.items():
        if isinstance(value, dict):
            out.extend(_leaves(value, (*prefix, key)))
        else:
            out.append(((*prefix, key), value))
    return out


def _unwrap(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _description(model: type[BaseModel], parts: tuple[str, ...]) -> str:
    """The description of the deepest model field on the path (dict values are skipped over)."""
    annotation: Any = model
    found = ""
    for part in parts:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            info = annotation.model_fields.get(part)
            if info is None:
                return found
            found = info.description or found
            annotation = info.annotation
        elif get_origin(annotation) is dict:
            annotation = get_args(annotation)[1]
        else:
            return found
    return found


def form_fields(scenario: Scenario) -> list[dict[str, Any]]:
    """Every editable key of a loaded scenario, grouped by plug-in, with its current value."""
    resolved = scenario.to_dict()
    fields: list[Field] = []
    for key in ("population.size", "days", "seed"):
        value = resolved["population"]["size"] if key == "population.size" else resolved[key]
        model = type(scenario.population[2]) if key == "population.size" else ScenarioModel
        parts = ("size",) if key == "population.size" else (key,)
        fields.append(Field(key, value, "int", "run", _description(model, parts)))
    for key in ("start", "end"):  # dates as typed, YYYY-MM-DD; `end` sets the days
        value = getattr(scenario.model, key).isoformat()
        fields.append(Field(key, value, "str", "run", _description(ScenarioModel, (key,))))
    pop_params = type(scenario.population[2])
    for parts, value in _leaves(resolved["population"], ()):
        if parts not in {("size",), ("plugin",)}:
            key = ".".join(("population", *parts))
            fields.append(
                Field(key, value, _kind(value), "population", _description(pop_params, parts))
            )
    fields.append(
        Field("sources.errors", scenario.source_errors, "bool", "run", "record errors on or off")
    )
    classes = {
        (section, name): cls
        for section in SECTIONS
        for name, cls, _params in scenario.plugins[section]
    }
    for section in SECTIONS:
        for name, spec in getattr(scenario.model, section).items():
            group = f"{section}.{name}"
            fields.append(
                Field(f"{group}.enabled", spec.enabled, "bool", group, f"plug-in {spec.plugin}")
            )
            cls = classes.get((section, name))
            if cls is None:
                continue
            table = resolved[section][name]
            for parts, value in _leaves(table, ()):
                if parts in {("plugin",), ("enabled",)}:
                    continue
                description = _description(cls.Params, parts)
                key = ".".join((group, *parts))
                fields.append(Field(key, value, _kind(value), group, description))
    for key, value in resolved["output"].items():
        fields.append(
            Field(f"output.{key}", value, _kind(value), "output", _description(OutputSpec, (key,)))
        )
    return [asdict(f) for f in fields if f.key not in _HIDDEN]
