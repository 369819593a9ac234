"""Reproductions of published results: `credsim validate`."""
