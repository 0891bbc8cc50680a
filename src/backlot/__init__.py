"""Backlot: turn a screenplay into a shootable world."""

__version__ = "0.1.0"
