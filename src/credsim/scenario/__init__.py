"""Scenario files: TOML validated by pydantic, with inheritance (`base`) and `--set` overrides."""

from credsim.scenario.load import Scenario, bundled_scenarios, load_scenario, parse_override
from credsim.scenario.schema import SECTIONS, OutputSpec, PluginSpec, ScenarioModel

__all__ = [
    "SECTIONS",
    "OutputSpec",
    "PluginSpec",
    "Scenario",
    "ScenarioModel",
    "bundled_scenarios",
    "load_scenario",
    "parse_override",
]
