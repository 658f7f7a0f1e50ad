"""Merge a page's thin text layer with the OCR of the same page, each line once.

The text layer is exact where it exists (a court's stamped header is born-digital text), so its
lines are kept as they are and an OCR line that reads the same place again is dropped; every
other OCR line is added. Each merged line names its ``source``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from lexflow.ocr.types import BoundingBox, OcrLine

SAME_PLACE_OVERLAP = 0.4
"""An OCR line that lies this much of its own area over a text-layer line reads that line again.
Of its own area only: a long OCR line with one short text-layer word on it (a stamped "XXXXXXXX"
over a caption) holds more than that word, and is kept."""


def merge_text_layer_and_ocr(
    text_lines: Sequence[OcrLine], ocr_lines: Sequence[OcrLine]
) -> list[OcrLine]:
    """The text layer's lines and the OCR lines it does not already hold, top to bottom.

    Args:
        text_lines: The page's text-layer lines.
        ocr_lines: The OCR of the rendered page (which shows the text layer too).

    Returns:
        Lines tagged ``source="text-layer"`` or ``source="ocr"``, ordered by their top edge (lines
        without a box keep their place after the boxed ones); the page's layout pass orders them
        for reading.
    """
    kept = [replace(line, source="text-layer") for line in text_lines]
    boxes = [line.bbox for line in text_lines if line.bbox is not None]
    for line in ocr_lines:
        if line.bbox is not None and any(_same_place(line.bbox, box) for box in boxes):
            continue
        if line.bbox is None and any(line.text == t.text for t in text_lines):
            continue
        kept.append(replace(line, source="ocr"))
    return sorted(kept, key=lambda ln: (ln.bbox is None, ln.bbox.top if ln.bbox else 0.0))


def _same_place(a: BoundingBox, b: BoundingBox) -> bool:
    """Whether OCR box ``a`` lies mostly over text-layer box ``b``."""
    width = min(a.right, b.right) - max(a.left, b.left)
    height = min(a.bottom, b.bottom) - max(a.top, b.top)
    if width <= 0 or height <= 0:
        return False
    area = a.width * a.height
    return area > 0 and width * height >= SAME_PLACE_OVERLAP * area
