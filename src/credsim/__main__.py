"""`python -m credsim`: the same as the `credsim` command."""

from credsim.cli import main

main()
