"""The performance benchmark of issue 9: `python bench/run.py` (not shipped in the wheel)."""
