"""Linting one contract tunes the garbage collector for its many small objects, then puts it back."""

from __future__ import annotations

import gc
from pathlib import Path

from clauselint.runner import LintOptions, lint_task

SAMPLE = Path(__file__).resolve().parent.parent / "sample_contracts" / "pdf" / "us-saas-brenwick-access.pdf"


def test_the_collector_settings_are_restored_after_a_lint() -> None:
    before = (gc.get_threshold(), gc.get_freeze_count())
    result = lint_task((str(SAMPLE),), LintOptions())
    assert result.error is None and result.findings
    assert (gc.get_threshold(), gc.get_freeze_count()) == before


def test_a_callers_own_frozen_objects_stay_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        lint_task((str(SAMPLE),), LintOptions())
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
