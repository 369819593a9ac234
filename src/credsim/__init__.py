"""credsim: simulate a social credit system over synthetic populations.

It never identifies, tracks or scores a real person: populations are synthetic and camera
identification is a statistical error model.
"""

import os

# Numba's OpenMP threads spin at each barrier by default: on a machine busier than its cores
# that costs a time slice per parallel call. Passive waiting gives the same results, far faster
# there, and the same speed on an idle machine. A value the user set is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

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
