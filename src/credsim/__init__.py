"""credsim: simulate a social credit system over synthetic populations.

It never identifies, tracks or scores a real person: populations are synthetic and camera
identification is a statistical error model.
"""

from credsim.api import run
from credsim.errors import ScenarioError, UserError
from credsim.results import Results
from credsim.scenario import Scenario, load_scenario
from credsim.version import __version__

__all__ = [
    "Results",
    "Scenario",
    "ScenarioError",
    "UserError",
    "__version__",
    "load_scenario",
    "run",
]
