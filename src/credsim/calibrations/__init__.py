"""Bundled calibration files (`credsim calibrate NAME`)."""
