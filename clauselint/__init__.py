"""clauselint: an offline linter that checks contracts for required clauses."""

__version__ = "0.1.0"
