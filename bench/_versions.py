"""What the benchmarks ran on: package versions and tools' own version lines."""

from __future__ import annotations

import subprocess
from importlib import metadata


def package_version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def first_line(*command: str) -> str | None:
    """The first line a command prints (``tesseract --version``), or None if it cannot run."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0].strip() if lines else None
