"""Fixtures of the calibration tests."""

from __future__ import annotations

import pytest
from synthetic import EnteredBackend


@pytest.fixture(scope="module")
def local_pool():
    from credsim.experiments.backends import make_backend

    with make_backend("local", workers=2) as backend:
        yield EnteredBackend(backend)
