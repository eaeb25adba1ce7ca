"""The rule engine: a pack compiled to spaCy matchers, run over the clauses of a contract."""

from clauselint.engine.evaluate import evaluate_pack

__all__ = ["evaluate_pack"]
