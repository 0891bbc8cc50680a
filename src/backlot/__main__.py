"""`python -m backlot` is the `backlot` command."""

from backlot.cli import main

main()
