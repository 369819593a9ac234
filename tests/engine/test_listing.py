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


def test_treated_as_listed_in_one_pass_is_the_status_arithmetic():
    """Joint punishment's compiled reading of a status column: listed for at least the pickup
    days, or removed fewer than the removal days ago (when the reader keeps removals)."""
    from credsim.engine.listing import or_treated_as_listed, removed_on

    rng = np.random.default_rng(5)
    status = rng.integers(-400, 400, 10_000).astype(np.int16)  # listed, never, removed on d
    citizens = rng.integers(0, status.shape[0], 5_000)
    for pickup, removal in ((0, 0), (30, 0), (7, 90), (0, 365)):
        listed = status[citizens]
        want = (listed >= 0) & (300 - listed >= pickup)
        if removal > 0:
            gone = removed_on(listed)
            want |= (gone >= 0) & (300 - gone < removal)
        got = np.zeros(citizens.shape[0], bool)
        or_treated_as_listed(status, citizens, 300, pickup, removal, got)
        np.testing.assert_array_equal(got, want)
        assert want.any() and not want.all()
