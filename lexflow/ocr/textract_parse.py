"""Textract blocks → ``OcrPage``\\ s of lines in reading order. Pure functions, no AWS.

Textract lists a page's LINE blocks roughly top to bottom, which reads *across* a two-column page.
The order and each line's role (body, running header or footer, pleading line number) come from
``lexflow.ocr.layout``, which calls a page multi-column only on evidence; see
``docs/reading-order.md``. A page scanned turned or skewed is arranged in its own upright frame:
each LINE's polygon starts at the text's own top-left corner, so the lines' mean direction is the
page's rotation, and the polygons are turned back by it before the layout is read. The boxes kept
on the lines are Textract's, in the page's frame.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from lexflow.ocr.layout import arrange
from lexflow.ocr.running_lines import mark_running_lines
from lexflow.ocr.types import BoundingBox, OcrLine, OcrPage

#: Below this rotation (degrees) a page is read as it lies.
MIN_ROTATION_DEGREES = 3.0

Point = tuple[float, float]


def blocks_to_pages(
    blocks: Iterable[Mapping[str, Any]],
    *,
    source: str = "textract",
    page_number: int | None = None,
) -> list[OcrPage]:
    """Group Textract LINE blocks into pages, each in reading order with line roles set.

    Args:
        blocks: PAGE, LINE and WORD blocks from GetDocumentTextDetection (every result page
            concatenated) or DetectDocumentText. Other block types are ignored.
        source: recorded on each page (``textract`` or ``textract-sync``).
        page_number: force every block onto this page (a synchronous call on one page of a
            longer document); otherwise each block's ``Page`` is used, defaulting to 1.

    Returns:
        One ``OcrPage`` per page number seen (a PAGE block with no lines gives an empty page),
        in page order; lines a document repeats in its margins are marked as running headers
        and footers (``lexflow.ocr.running_lines.mark_running_lines``).
    """
    blocks = list(blocks)
    words = {b["Id"]: str(b.get("Text") or "") for b in blocks if b.get("BlockType") == "WORD"}
    numbers: set[int] = set()
    lines: dict[int, list[tuple[OcrLine, list[Point]]]] = defaultdict(list)
    for block in blocks:
        number = page_number if page_number is not None else int(block.get("Page") or 1)
        kind = block.get("BlockType")
        if kind == "PAGE":
            numbers.add(number)
        elif kind == "LINE":
            line = _line(block, words)
            if line is not None:
                numbers.add(number)
                lines[number].append((line, _polygon(block)))
    pages = [
        OcrPage(number=n, lines=arrange_upright(lines.get(n, [])), source=source)
        for n in sorted(numbers)
    ]
    mark_running_lines(pages)
    return pages


def arrange_upright(lines: Sequence[tuple[OcrLine, Sequence[Point]]]) -> list[OcrLine]:
    """One page's lines in reading order, read in the page's upright frame.

    Args:
        lines: each line with its polygon (page fractions, starting at the text's top-left;
            empty when unknown).

    Returns:
        The lines, roles set, in reading order; their boxes unchanged.
    """
    originals = [line for line, _ in lines]
    angle = page_rotation([polygon for _, polygon in lines])
    if abs(angle) < MIN_ROTATION_DEGREES:
        found = arrange(originals)
    else:
        found = arrange([_turned(line, polygon, -angle) for line, polygon in lines])
    return [_with_role(originals[i], found.roles[i]) for i in found.order]


def page_rotation(polygons: Sequence[Sequence[Point]]) -> float:
    """The page's text direction in degrees (0 upright, 90 turned clockwise, ±180 upside down).

    The circular mean of the direction of each line's top edge; 0.0 without polygons.
    """
    x = y = 0.0
    for polygon in polygons:
        if len(polygon) >= 2:
            (x0, y0), (x1, y1) = polygon[0], polygon[1]
            x, y = x + (x1 - x0), y + (y1 - y0)  # longer lines weigh more
    return 0.0 if x == y == 0.0 else math.degrees(math.atan2(y, x))


def _turned(line: OcrLine, polygon: Sequence[Point], degrees: float) -> OcrLine:
    if not polygon or line.bbox is None:
        return line
    cos, sin = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    points = [
        (0.5 + (px - 0.5) * cos - (py - 0.5) * sin, 0.5 + (px - 0.5) * sin + (py - 0.5) * cos)
        for px, py in polygon
    ]
    left, top = min(p[0] for p in points), min(p[1] for p in points)
    right, bottom = max(p[0] for p in points), max(p[1] for p in points)
    return replace(line, bbox=BoundingBox(left, top, right - left, bottom - top))


def _with_role(line: OcrLine, role: str) -> OcrLine:
    return line if line.role == role else replace(line, role=role)


def document_page_count(response: Mapping[str, Any]) -> int | None:
    """``DocumentMetadata.Pages`` of a Textract response, or ``None`` when it is absent.

    Also reads moto's ``{"Pages": {"Pages": n}}``.
    """
    pages: Any = (response.get("DocumentMetadata") or {}).get("Pages")
    if isinstance(pages, Mapping):
        pages = pages.get("Pages")
    if isinstance(pages, bool) or not isinstance(pages, int | float | str):
        return None
    try:
        return int(pages)
    except ValueError:
        return None


def _line(block: Mapping[str, Any], words: Mapping[str, str]) -> OcrLine | None:
    text = block.get("Text")
    if text is None:  # rebuild from the LINE's WORD children
        children = [
            i
            for rel in block.get("Relationships") or []
            if rel.get("Type") == "CHILD"
            for i in rel.get("Ids") or []
        ]
        text = " ".join(words[i] for i in children if words.get(i))
    text = str(text).strip()
    if not text:
        return None
    return OcrLine(text=text, confidence=float(block.get("Confidence") or 0.0), bbox=_bbox(block))


def _polygon(block: Mapping[str, Any]) -> list[Point]:
    points = (block.get("Geometry") or {}).get("Polygon") or []
    try:
        return [(float(p["X"]), float(p["Y"])) for p in points]
    except (KeyError, TypeError, ValueError):
        return []


def _bbox(block: Mapping[str, Any]) -> BoundingBox | None:
    box = (block.get("Geometry") or {}).get("BoundingBox")
    if not box:
        return None
    return BoundingBox(
        left=float(box.get("Left", 0.0)),
        top=float(box.get("Top", 0.0)),
        width=float(box.get("Width", 0.0)),
        height=float(box.get("Height", 0.0)),
    )
