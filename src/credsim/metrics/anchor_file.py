"""Published anchors for national figures: the bundled tables (metrics/anchors/*.toml), their
schema, and loading with errors that name the entry and field at fault."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from credsim.errors import UserError, did_you_mean

__all__ = ["Anchor", "AnchorTable", "NoAnchor", "anchor_tables", "load_anchors", "parse_anchors"]

FOLDER = "anchors"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Anchor(_Strict):
    """A published figure a model figure is held against."""

    figure: str = Field(min_length=1, description="summary.json path; '*' sums every child")
    label: str = Field(min_length=1)
    kind: Literal["value", "order_of_magnitude", "ceiling"] = "value"
    published: float = Field(gt=0)
    unit: str = Field(min_length=1)
    semantics: Literal["flow_per_year", "stock", "cumulative"]
    date: str = Field(min_length=1, description="the day, year or years the figure covers")
    source: str = Field(min_length=1)
    secondary: bool = False
    note: str = ""


class NoAnchor(_Strict):
    """A headline figure with no published counterpart, and why."""

    figure: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    semantics: Literal["flow_per_year", "stock", "not_a_count"] = Field(
        "not_a_count", description="how the model figure is shown: per year, at the end, as is"
    )


class AnchorTable(_Strict):
    title: str = ""
    settings: list[str] = Field(default_factory=list, description="keys that describe the run")
    anchor: list[Anchor] = Field(default_factory=list)
    no_anchor: list[NoAnchor] = Field(default_factory=list)

    @model_validator(mode="after")
    def _each_figure_once(self) -> AnchorTable:
        seen: set[str] = set()
        for figure in [*(a.figure for a in self.anchor), *(n.figure for n in self.no_anchor)]:
            if figure in seen or figure in self.settings:
                raise ValueError(f"figure {figure!r} is named twice")
            seen.add(figure)
        return self

    def named(self) -> set[str]:
        """Every figure the table speaks of: anchored, without anchor, or a setting."""
        return (
            {a.figure for a in self.anchor} | {n.figure for n in self.no_anchor} | {*self.settings}
        )


def anchor_tables() -> list[str]:
    """Names of the bundled anchor tables."""
    folder = resources.files("credsim.metrics").joinpath(FOLDER)
    return sorted(
        e.name.removesuffix(".toml") for e in folder.iterdir() if e.name.endswith(".toml")
    )


def load_anchors(name: str) -> AnchorTable:
    """The bundled anchor table `name` (e.g. "china")."""
    entry = resources.files("credsim.metrics").joinpath(FOLDER, f"{name}.toml")
    if not entry.is_file():
        names = anchor_tables()
        did = did_you_mean(name, names, sentence=True)
        raise UserError(f"no anchor table {name!r}.{did} Bundled tables: {', '.join(names)}.")
    return parse_anchors(entry.read_text(encoding="utf-8"), f"{name}.toml")


def parse_anchors(text: str, where: str) -> AnchorTable:
    """An anchor table from TOML text; a bad one raises UserError naming `where`, the entry and
    the field."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise UserError(f"anchor table {where}: not valid TOML: {err}.") from None
    try:
        return AnchorTable.model_validate(raw)
    except ValidationError as err:
        # An unknown key is most often a misspelt one: say so before the fields it left missing.
        errors = sorted(err.errors(), key=lambda e: e["type"] != "extra_forbidden")
        problems = [_describe(e, raw) for e in errors[:3]]
        raise UserError(f"anchor table {where}: {' '.join(problems)}") from None


def _describe(error: dict, raw: dict) -> str:
    """One sentence: anchor[3] (figure 'x').published: what is wrong."""
    loc = list(error["loc"])
    parts: list[str] = []
    for i, part in enumerate(loc):
        if isinstance(part, int):
            parts[-1] += f"[{part}]"
            entry = raw.get(str(loc[i - 1]), [])
            if isinstance(entry, list) and part < len(entry) and isinstance(entry[part], dict):
                figure = entry[part].get("figure")
                if figure:
                    parts[-1] += f" (figure {figure!r})"
        else:
            parts.append(str(part))
    key = ".".join(parts) or "(top level)"
    if error["type"] == "extra_forbidden":
        model = Anchor if "anchor[" in key and "no_anchor" not in key else NoAnchor
        fields = list((model if "[" in key else AnchorTable).model_fields)
        return f"{key}: unknown field.{did_you_mean(str(loc[-1]), fields, sentence=True)}"
    if error["type"] == "missing":
        return f"{key}: required field missing."
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "value_error":
        return f"{key}: {message}."
    return f"{key}: {message} (got {error.get('input')!r})."
