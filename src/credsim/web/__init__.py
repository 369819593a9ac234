"""The local dashboard: `credsim serve` (optional `web` extra)."""
