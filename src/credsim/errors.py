"""Errors a user can cause: a one-paragraph message and exit code 2, never a traceback."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["ScenarioError", "UserError", "did_you_mean", "nearest"]


class UserError(Exception):
    """Bad input from a user (scenario file, CLI flag, web form)."""


class ScenarioError(UserError):
    """A scenario that cannot be loaded: names file, line and key, and the nearest valid choice."""


def nearest(word: str, choices: Iterable[str]) -> str | None:
    """The valid choice closest to `word`, or None when nothing is close."""
    options = list(choices)
    found = difflib.get_close_matches(word, options, n=1, cutoff=0.5)
    if found:
        return found[0]
    lowered = {c.lower(): c for c in options}
    return lowered.get(word.lower())


def did_you_mean(word: str, choices: Iterable[str], sentence: bool = False) -> str:
    """' (did you mean 'x'?)' for the nearest choice, or '' when none is close."""
    hint = nearest(word, choices)
    if hint is None:
        return ""
    return f" Did you mean {hint!r}?" if sentence else f" (did you mean {hint!r}?)"
