"""The engine: day loop and phase order, state columns, counter-based RNG, event log, registry.

It never imports a plug-in, the report or the web app.
"""

from credsim.engine.day import Day, PublicDay
from credsim.engine.events import EventLog
from credsim.engine.loop import PHASES, Simulation
from credsim.engine.plugin import (
    Adversary,
    Behavior,
    Consequence,
    Metric,
    Plugin,
    PluginParams,
    Policy,
    Population,
    Source,
)
from credsim.engine.registry import KINDS, Registry
from credsim.engine.restraint import Restraint
from credsim.engine.sealed import PublicService, RecordWorld
from credsim.engine.state import Column, State
from credsim.engine.world import Codebook, SanctionInfo, ScoreInfo, World

__all__ = [
    "KINDS",
    "PHASES",
    "Adversary",
    "Behavior",
    "Codebook",
    "Column",
    "Consequence",
    "Day",
    "EventLog",
    "Metric",
    "Plugin",
    "PluginParams",
    "Policy",
    "Population",
    "PublicDay",
    "PublicService",
    "RecordWorld",
    "Registry",
    "Restraint",
    "SanctionInfo",
    "ScoreInfo",
    "Simulation",
    "Source",
    "State",
    "World",
]
