"""Whether a PDF page's text layer holds the page's content, or only a stamp on top of a scan.

Court systems stamp a one-line electronic-filing header ("Case 4:08-cv-... Document 26 Filed ...
Page 1 of 2") as real text over a scanned page. Counting characters cannot tell that page from a
born-digital one, so the test here compares where the page's *images* put ink with where its text
layer has lines: ink inside an image that no text-layer line covers is content the text layer
does not hold (the scanned body, a logo with words in it), and the page needs OCR as well.

Pages with no images are read from their text layer alone (vector drawings there are rules,
boxes and charts, not scanned words). The caller holds ``render.PDFIUM_LOCK`` for every function
here, as for ``render``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from lexflow.ocr import render
from lexflow.ocr.layout import turn_box
from lexflow.ocr.types import BoundingBox, OcrLine

COVERAGE_DPI = 72
"""Resolution of the ink test: a word of 10-point text is still a few hundred pixels."""

INK_LEVEL = 160
"""Gray levels below this count as ink."""

MIN_UNCOVERED_PAGE_FRACTION = 0.0005
"""Uncovered image ink, as a fraction of the page's pixels, that makes a page need OCR: about one
short word at ``COVERAGE_DPI``; specks and thin scan borders stay under it."""

MIN_UNCOVERED_INK_FRACTION = 0.2
"""...and as a fraction of all ink inside images: a scan that carries a full invisible OCR layer
leaves most of its ink under text-layer lines, so its text layer is trusted."""

FLAT_LINE_HEIGHT = 0.03
"""A line this tall (fraction of the page) or less counts as flat whatever its width."""

MAX_COVERAGE_SIDE_PX = 1500
"""The ink test never renders more than this on a side: a poster-sized page stays cheap."""

_LINE_MARGIN_PX = 2
"""Text-layer boxes are grown by this much before the test: glyph boxes sit a hair inside the
ink that anti-aliasing draws."""


class PageReading(StrEnum):
    """How a PDF page is read."""

    TEXT_LAYER = "text-layer"
    """The text layer holds the page's content: no OCR."""
    OCR = "ocr"
    """No usable text layer: OCR the rendered page."""
    TEXT_LAYER_AND_OCR = "text-layer+ocr"
    """A thin text layer over scanned content: OCR the page and merge the two, each line once."""


@dataclass(frozen=True, slots=True)
class TextLayerVerdict:
    reading: PageReading
    lines: list[OcrLine]
    """The text layer's lines (empty when it is unusable)."""
    uncovered_ink: float
    """Image ink no text-layer line covers, as a fraction of the page's pixels."""
    turns: int = 0
    """Counter-clockwise degrees that turn the page's text upright (``render.text_turns``)."""


def assess_page(page: pdfium.PdfPage, *, min_chars: int) -> TextLayerVerdict:
    """Decide how to read ``page``: text layer, OCR, or both merged.

    Args:
        page: A loaded page (``render.load_page``).
        min_chars: Letters and digits the text layer needs to count at all.
    """
    lines = render.read_text_layer(page)
    meaningful = _meaningful_chars(lines)
    if meaningful is None:
        return TextLayerVerdict(PageReading.OCR, [], 0.0)
    turns = render.text_turns(page)
    uncovered, share = uncovered_image_ink(page, flat_lines(lines, turns))
    if meaningful < min_chars:
        # too little to be the page's text (a Bates number, a word under a redaction box), but
        # exact where it is: kept, and the page OCRed around it
        return TextLayerVerdict(PageReading.TEXT_LAYER_AND_OCR, lines, uncovered, turns)
    if uncovered >= MIN_UNCOVERED_PAGE_FRACTION and share >= MIN_UNCOVERED_INK_FRACTION:
        return TextLayerVerdict(PageReading.TEXT_LAYER_AND_OCR, lines, uncovered, turns)
    return TextLayerVerdict(PageReading.TEXT_LAYER, lines, uncovered, turns)


def flat_lines(lines: list[OcrLine], turns: int) -> list[OcrLine]:
    """The lines that run along the page's text direction, whose boxes hug their text.

    A diagonal watermark's box is the union of its characters' boxes, most of the page: it
    covers nothing it does not draw, so it takes no part in deciding coverage or duplicates.
    """
    flat = []
    for line in lines:
        if line.bbox is None:
            continue
        box = turn_box(line.bbox, turns)
        if box.height <= FLAT_LINE_HEIGHT or box.height <= 0.5 * box.width:
            flat.append(line)
    return flat


def _meaningful_chars(lines: list[OcrLine]) -> int | None:
    """Letters and digits of a decodable text layer; None for none, or one a font without a
    Unicode map turned to junk (mostly symbols, or over a tenth undecodable)."""
    visible = [ch for line in lines for ch in line.text if not ch.isspace()]
    meaningful = sum(ch.isalnum() for ch in visible)
    undecodable = sum(ch == "\ufffd" or unicodedata.category(ch) in ("Co", "Cc") for ch in visible)
    if not visible or meaningful < 0.5 * len(visible) or undecodable > 0.1 * len(visible):
        return None
    return meaningful


def uncovered_image_ink(page: pdfium.PdfPage, lines: list[OcrLine]) -> tuple[float, float]:
    """Ink inside the page's images that no text-layer line covers.

    Returns:
        ``(fraction of the page's pixels, fraction of the ink inside images)``; ``(0, 0)`` for a
        page without images.
    """
    regions = _image_regions(page)
    if not regions:
        return 0.0, 0.0
    ink = _ink(page)
    height, width = ink.shape
    in_images = np.zeros_like(ink)
    for box in regions:
        in_images[_pixels(box, width, height, 0)] = True
    covered = np.zeros_like(ink)
    for line in lines:
        if line.bbox is not None:
            covered[_pixels(line.bbox, width, height, _LINE_MARGIN_PX)] = True
    image_ink = ink & in_images
    uncovered = int(np.count_nonzero(image_ink & ~covered))
    total = int(np.count_nonzero(image_ink))
    return uncovered / ink.size, (uncovered / total if total else 0.0)


def _image_regions(page: pdfium.PdfPage) -> list[BoundingBox]:
    """Where the page's images are drawn, as fractions of the displayed page.

    An image inside a form XObject reports its bounds in the form's space; the forms' matrices
    around it place it on the page.
    """
    regions = []
    forms: list[pdfium.PdfMatrix] = []  # the matrix of each open form, outermost first
    for obj in page.get_objects(max_depth=3):
        del forms[obj.level :]
        if obj.type == pdfium_c.FPDF_PAGEOBJ_FORM:
            forms.append(obj.get_matrix())
        elif obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            left, bottom, right, top = obj.get_bounds()
            for matrix in reversed(forms):
                left, bottom, right, top = matrix.on_rect(left, bottom, right, top)
            regions.append(render.page_fraction(page, [left, bottom, right, top]))
    return regions


def _ink(page: pdfium.PdfPage) -> np.ndarray:
    width, height = page.get_size()
    scale = min(COVERAGE_DPI / 72, MAX_COVERAGE_SIDE_PX / max(width, height, 1.0))
    bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=False)
    try:
        gray = np.asarray(bitmap.to_pil().convert("L"))
    finally:
        bitmap.close()
    return gray < INK_LEVEL


def _pixels(box: BoundingBox, width: int, height: int, margin: int) -> tuple[slice, slice]:
    x0 = max(0, int(box.left * width) - margin)
    x1 = min(width, int(np.ceil(box.right * width)) + margin)
    y0 = max(0, int(box.top * height) - margin)
    y1 = min(height, int(np.ceil(box.bottom * height)) + margin)
    return slice(y0, y1), slice(x0, x1)
