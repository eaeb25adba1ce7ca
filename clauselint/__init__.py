"""clauselint: an offline linter that checks contracts for required clauses."""

__version__ = "0.1.0"


def lint(*args, **kwargs):  # noqa: ANN002, ANN003 - re-exported with the runner's signature
    """Lint contract files and return a Report; see clauselint.runner.lint."""
    from clauselint.runner import lint as run_lint

    return run_lint(*args, **kwargs)
