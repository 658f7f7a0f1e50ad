"""Running headers and footers across a document's pages: the lines it repeats in its margins.

A document-level pass after each page is arranged (``layout.arrange_page``), since one page
alone cannot tell a running header from a title.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import replace

from lexflow.ocr.types import OcrLine, OcrPage

RUNNING_DRIFT = 0.02
"""A running header may sit this much higher or lower from page to page."""


def mark_running_lines(pages: list[OcrPage], *, min_share: float = 0.5) -> None:
    """Mark the lines a document repeats in its margins as running headers and footers, in place.

    A line in the top (bottom) sixth of a page whose text, digits aside, appears once in that
    margin on at least ``min_share`` of the pages (two pages at least), each time at the same
    height, becomes a ``header`` (``footer``) and moves to the start (end) of its page. Text met
    more than once in one margin (a table's repeated cells) is not running text.
    """
    if len(pages) < 2:
        return
    tops: dict[tuple[str, str], list[float]] = {}
    for page in pages:
        found: dict[tuple[str, str], list[float]] = {}
        for line in page.lines:
            if (key := _running_key(line)) and line.bbox is not None:
                found.setdefault(key, []).append(line.bbox.top)
        for key, at in found.items():
            if len(at) == 1:
                tops.setdefault(key, []).append(at[0])
    needed = max(2, min_share * len(pages))
    running = {key for key, at in tops.items() if len(_steady(at)) >= needed}
    for page in pages:
        page.lines = _regroup(page.lines, running)


def _steady(tops: list[float]) -> list[float]:
    """The heights near the median, if they keep within ``RUNNING_DRIFT`` of each other."""
    middle = statistics.median(tops)
    near = [top for top in tops if abs(top - middle) <= RUNNING_DRIFT]
    return near if near and max(near) - min(near) <= RUNNING_DRIFT else []


def _regroup(lines: list[OcrLine], running: set[tuple[str, str]]) -> list[OcrLine]:
    marked = []
    for line in lines:
        key = _running_key(line)
        role = key[1] if key in running and line.role == "body" else line.role
        marked.append(_with_role(line, role))
    return (
        [ln for ln in marked if ln.role == "header"]
        + [ln for ln in marked if ln.role not in ("header", "footer")]
        + [ln for ln in marked if ln.role == "footer"]
    )


def _running_key(line: OcrLine) -> tuple[str, str] | None:
    if line.bbox is None or line.role == "line-number":
        return None
    zone = "header" if line.bbox.bottom <= 1 / 6 else "footer" if line.bbox.top >= 5 / 6 else ""
    if not zone:
        return None
    # page numbers and dates change from page to page; account and case numbers do not
    text = re.sub(r"(?<!\d)\d{1,4}(?!\d)", "#", " ".join(line.text.lower().split()))
    return (text, zone) if text.strip("# ") else None  # a bare page number is no running text


def _with_role(line: OcrLine, role: str) -> OcrLine:
    return line if line.role == role else replace(line, role=role)
