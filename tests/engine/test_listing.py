"""A list's status column: listed since a day, never listed, or off since the day of removal."""

import numpy as np

from credsim.consequences.joint_punishment import Agency, JointPunishment
from credsim.engine.listing import NEVER, off_since, removed_on


def test_one_column_tells_listed_never_and_removed_apart() -> None:
    status = np.array([0, 17, NEVER, off_since(0), off_since(30_000)], np.int16)
    assert (status >= 0).tolist() == [True, True, False, False, False]
    assert removed_on(status).tolist() == [-1, -1, -1, 0, 30_000]


def test_an_agency_lags_behind_a_removal_read_from_the_status_column() -> None:
    agency = Agency(restricts=["flight_purchase"], pickup_days=5, removal_days=10)
    status = np.array([95, 100, off_since(92), off_since(80), NEVER], np.int16)
    citizens = np.arange(5)
    restricted = JointPunishment.restricted(citizens, 100, agency, [(status, True)])
    # listed 5 days ago (picked up), listed today (not yet), removed 8 days ago (still within
    # the agency's lag), removed 20 days ago (free), never listed (free)
    assert restricted.tolist() == [True, False, True, False, False]
    # A list that does not keep removal days: the agency follows a removal at once.
    plain = JointPunishment.restricted(citizens, 100, agency, [(status, False)])
    assert plain.tolist() == [True, False, False, False, False]
