"""Turn pydantic validation errors into one paragraph: where, which key, what is wrong, and the
nearest valid key or value."""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from credsim.errors import did_you_mean, nearest

__all__ = ["describe_validation_error", "fields_at"]

_MAX_SHOWN = 3
_MAX_INPUT = 80
"""Characters of a bad value echoed in a message (a value may be a long list or a deep table)."""


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_INPUT else f"{text[: _MAX_INPUT - 3]}..."


def _unwrap(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """Names of the valid keys of the table at `loc` inside `model` (empty if not a model)."""
    annotation: Any = model
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(str(part))
            if field is None:
                return []
            annotation = field.annotation
        elif get_origin(annotation) is dict:
            annotation = get_args(annotation)[1]
        elif get_origin(annotation) in (list, tuple):
            annotation = get_args(annotation)[0]
        else:
            return []
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _one(error: dict, model: type[BaseModel], prefix: tuple, where: Callable[[tuple], str]) -> str:
    loc = tuple(str(p)[:_MAX_INPUT] for p in error["loc"])
    full = (*prefix, *loc)
    key = ".".join(full) or "(top level)"
    kind = error["type"]
    place = where(full)
    if kind == "extra_forbidden":
        valid = fields_at(model, error["loc"][:-1])
        hint = nearest(loc[-1], valid)
        did = f" Did you mean {'.'.join((*full[:-1], hint))!r}?" if hint else ""
        listing = f" Valid keys here: {', '.join(valid)}." if valid else ""
        return f"{place}: unknown key {key!r}.{did}{listing}"
    if kind == "missing":
        return f"{place}: {key} is required but missing."
    message = error["msg"].removeprefix("Value error, ")
    if kind == "literal_error":
        expected = [
            str(x).strip("'") for x in error.get("ctx", {}).get("expected", "").split(" or ")
        ]
        choices = [c.strip().strip("'") for part in expected for c in part.split(",")]
        did = did_you_mean(str(error.get("input"))[:200], choices, sentence=True)
        return f"{place}: {key}: {message} (got {_shown(error.get('input'))}).{did}"
    if kind == "value_error":
        return f"{place}: {key}: {message}"
    return f"{place}: {key}: {message} (got {_shown(error.get('input'))})."


def describe_validation_error(
    err: ValidationError, model: type[BaseModel], prefix: tuple, where: Callable[[tuple], str]
) -> str:
    """The first few problems of a validation error, one sentence each."""
    errors = err.errors()
    lines = [_one(e, model, prefix, where) for e in errors[:_MAX_SHOWN]]
    if len(errors) > _MAX_SHOWN:
        lines.append(f"... and {len(errors) - _MAX_SHOWN} more problems.")
    return " ".join(lines)
