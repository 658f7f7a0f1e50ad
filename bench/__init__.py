"""Benchmarks: scripts that print figures and assert nothing (``python bench/<name>.py``)."""
