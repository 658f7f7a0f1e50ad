"""Merge a page's thin text layer with the OCR of the same page, each line once.

The text layer is exact where it exists (a court's stamped header is born-digital text), so its
lines are kept as they are and an OCR line that reads the same place again is dropped; every
other OCR line is added. Each merged line names its ``source``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from lexflow.ocr.text_layer import flat_lines
from lexflow.ocr.types import BoundingBox, OcrLine

MIN_MERGED_CONFIDENCE = 40.0
"""OCR lines less sure than this are not merged (tesseract read a signature as 'AVA AVA' at 0)."""

SAME_PLACE_OVERLAP = 0.4
"""An OCR line that lies this much of its own area over a text-layer line reads that line again.
Of its own area only: a long OCR line with one short text-layer word on it (a stamped run of
X's over a caption) holds more than that word, and is kept."""


def merge_text_layer_and_ocr(
    text_lines: Sequence[OcrLine], ocr_lines: Sequence[OcrLine], *, turns: int = 0
) -> list[OcrLine]:
    """The text layer's lines, then the OCR lines it does not already hold, in OCR order.

    Args:
        text_lines: The page's text-layer lines.
        ocr_lines: The OCR of the rendered page (which shows the text layer too), in reading
            order.
        turns: Counter-clockwise degrees that turn the text layer upright
            (``render.text_turns``); only its flat lines can hold an OCR line.

    Returns:
        Lines tagged ``source="text-layer"`` or ``source="ocr"``; the page's layout pass orders
        them for reading. OCR lines under ``MIN_MERGED_CONFIDENCE`` are left out: beside a text
        layer they are a logo or a signature read as letters.
    """
    kept = [replace(line, source="text-layer") for line in text_lines]
    boxes = [line.bbox for line in flat_lines(list(text_lines), turns) if line.bbox is not None]
    texts = {line.text for line in text_lines}
    for line in ocr_lines:
        if line.confidence < MIN_MERGED_CONFIDENCE:
            continue
        if line.bbox is not None and any(_same_place(line.bbox, box) for box in boxes):
            continue
        if line.bbox is None and line.text in texts:
            continue
        kept.append(replace(line, source="ocr"))
    return kept


def _same_place(a: BoundingBox, b: BoundingBox) -> bool:
    """Whether OCR box ``a`` lies mostly over text-layer box ``b``."""
    width = min(a.right, b.right) - max(a.left, b.left)
    height = min(a.bottom, b.bottom) - max(a.top, b.top)
    if width <= 0 or height <= 0:
        return False
    area = a.width * a.height
    return area > 0 and width * height >= SAME_PLACE_OVERLAP * area
