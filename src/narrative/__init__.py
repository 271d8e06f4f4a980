"""narrative: track how the press tells one story over time."""

__version__ = "0.1.0"
