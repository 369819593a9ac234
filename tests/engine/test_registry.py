"""The plug-in registry: explicit, duplicate-free, helpful about unknown names."""

from __future__ import annotations

import pytest

from credsim.engine import KINDS, Registry
from credsim.engine.registry import UnknownPluginError
from credsim.plugins import builtin_registry


def test_duplicates_are_rejected():
    registry = Registry()
    registry.register("policy", "rules", object)
    with pytest.raises(ValueError, match="already registered"):
        registry.register("policy", "rules", object)


def test_unknown_name_lists_the_known_ones_and_the_nearest():
    registry = builtin_registry()
    with pytest.raises(UnknownPluginError) as err:
        registry.get("policy", "rulez")
    assert err.value.hint == "rules"
    assert "rules" in str(err.value)


def test_unknown_kind_is_a_bug_not_a_user_error():
    with pytest.raises(ValueError, match="kinds are"):
        Registry().register("gadget", "x", object)


def test_every_kind_is_known_and_builtins_are_registered():
    registry = builtin_registry()
    assert set(KINDS) == {
        "population",
        "behavior",
        "source",
        "policy",
        "consequence",
        "adversary",
        "metric",
    }
    for kind, name in [
        ("population", "census"),
        ("behavior", "baseline"),
        ("source", "recorder"),
        ("policy", "rules"),
        ("consequence", "court_blacklist"),
        ("metric", "core"),
    ]:
        assert registry.get(kind, name).kind == kind
