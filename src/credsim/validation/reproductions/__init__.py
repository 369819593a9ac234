"""One module per reproduction; each defines REPRODUCTION (see credsim.validation.registry)."""
