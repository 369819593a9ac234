"""The plug-in registry: plug-in classes by kind and name, registered explicitly, never scanned."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from credsim.errors import UserError, did_you_mean, nearest

__all__ = ["KINDS", "Registry", "UnknownPluginError"]

KINDS = ("population", "behavior", "source", "policy", "consequence", "adversary", "metric")


class UnknownPluginError(UserError):
    """A scenario named a plug-in that is not registered."""

    def __init__(self, kind: str, name: str, known: list[str]) -> None:
        did = did_you_mean(name, known, sentence=True)
        super().__init__(
            f"unknown {kind} plug-in {name!r}.{did} Known {kind} plug-ins: {', '.join(known)}."
        )
        self.kind, self.name, self.known, self.hint = kind, name, known, nearest(name, known)


@dataclass
class Registry:
    """Plug-in factories by kind and name; duplicates are rejected."""

    _entries: dict[str, dict[str, Callable[..., Any]]] = field(
        default_factory=lambda: {kind: {} for kind in KINDS}
    )

    def register(self, kind: str, name: str, factory: Callable[..., Any]) -> None:
        """Add `factory` under (kind, name); a second registration of the same pair is a bug."""
        if kind not in self._entries:
            raise ValueError(f"unknown plug-in kind {kind!r}; kinds are {', '.join(KINDS)}")
        if name in self._entries[kind]:
            raise ValueError(f"{kind} plug-in {name!r} is already registered")
        self._entries[kind][name] = factory

    def get(self, kind: str, name: str) -> Callable[..., Any]:
        """The factory for (kind, name); an unknown name raises with the known ones."""
        if kind not in self._entries:
            raise ValueError(f"unknown plug-in kind {kind!r}; kinds are {', '.join(KINDS)}")
        try:
            return self._entries[kind][name]
        except KeyError:
            raise UnknownPluginError(kind, name, self.names(kind)) from None

    def names(self, kind: str) -> list[str]:
        """Registered names of one kind, sorted."""
        return sorted(self._entries[kind])
