"""credsim: simulate a social credit system over synthetic populations.

It never identifies, tracks or scores a real person: populations are synthetic and camera
identification is a statistical error model.
"""

__version__ = "0.1.0"

from credsim.errors import ScenarioError, UserError
from credsim.results import Results
from credsim.runner import run
from credsim.scenario import Scenario, load_scenario

__all__ = [
    "Results",
    "Scenario",
    "ScenarioError",
    "UserError",
    "__version__",
    "load_scenario",
    "run",
]
