"""Page access for the local engine and for inspection: open PDFs, read text layers, render pages.

This module and ``text_layer`` are the ones that touch pdfium. PDFium is not thread-safe, not
even across different documents, and activities may run in a thread pool, so every pdfium call
made here or by callers holding a ``PdfDocument`` from ``open_pdf`` must happen under
``PDFIUM_LOCK``.
"""

from __future__ import annotations

import ctypes
import math
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageOps

from lexflow.errors import BadDocumentError, DocumentTooLargeError, SourceNotFoundError
from lexflow.ocr.types import BoundingBox, OcrLine

PDFIUM_LOCK = threading.RLock()
"""Serialises every pdfium call in the process."""

RENDER_DPI = 200
MAX_RENDER_SIDE_PX = 5000
"""A rendered page never exceeds this many pixels on its longest side (posters, huge scans)."""

MIN_TEXT_LAYER_CHARS = 32
"""Letters and digits a page's text layer needs before it replaces OCR."""

LINE_END_HYPHEN = 0x02
"""pdfium's code for a hyphen that ends a line: the text shows "-" there and the line ends;
whether the word continues on the next line is for the text stages to decide
(``lexflow.text.hyphenation``)."""

_SYMBOL_FONT_CHARS = {
    0xF0B7: "\u2022",
    0xF0A7: "\u25aa",
    0xF0D8: "\u27a2",
    0xF0FC: "\u2713",
    0x2010: "-",
    0x2011: "-",
}
"""Bullets that Symbol and Wingdings fonts leave in the private-use area, as the characters
they draw; and the Unicode hyphen and non-breaking hyphen as the plain hyphen every later
stage (rule numbers such as 28-2.6, dockets) expects."""

_DEVICE = 100_000
"""Device-space size used to turn page coordinates into fractions of the displayed page."""


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """Open a PDF with pdfium (form support on, see ``load_page``), mapping failures to ours.

    Raises:
        SourceNotFoundError: the file cannot be opened.
        BadDocumentError: the PDF is damaged or password-protected.
    """
    with PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(path)
        except pdfium.PdfiumError as exc:
            raise _pdf_open_error(path, exc) from exc
        pdf.init_forms()
        return pdf


def _pdf_open_error(path: Path, exc: pdfium.PdfiumError) -> Exception:
    code = exc.err_code
    if code == pdfium_c.FPDF_ERR_SUCCESS:  # opened, but pypdfium2 refuses a document of 0 pages
        return BadDocumentError("PDF has no pages")
    if code == pdfium_c.FPDF_ERR_PASSWORD:
        return BadDocumentError("PDF is password-protected")
    if code == pdfium_c.FPDF_ERR_SECURITY:
        return BadDocumentError("PDF uses an encryption scheme PDFium does not support")
    if code == pdfium_c.FPDF_ERR_FILE:
        return SourceNotFoundError(f"{path.name} cannot be opened")
    return BadDocumentError("PDF is truncated or damaged: PDFium cannot parse it")


def is_encrypted(pdf: pdfium.PdfDocument) -> bool:
    with PDFIUM_LOCK:
        return bool(pdfium_c.FPDF_GetSecurityHandlerRevision(pdf) != -1)


def load_page(pdf: pdfium.PdfDocument, page_number: int) -> pdfium.PdfPage:
    """Load a 1-based page as a reader sees it; caller holds ``PDFIUM_LOCK`` and closes the page.

    Annotations and filled form fields are flattened into the page's content first (in memory
    only), so its text layer and its rendering include the values typed into a court form, which
    otherwise live only in widget annotations that neither shows.
    """
    page = _load(pdf, page_number)
    if pdfium_c.FPDFPage_GetAnnotCount(page) > 0 and page.formenv:
        try:
            page.flatten()
        except pdfium.PdfiumError:
            return page
        page.close()
        page = _load(pdf, page_number)
    return page


def _load(pdf: pdfium.PdfDocument, page_number: int) -> pdfium.PdfPage:
    try:
        return pdf[page_number - 1]
    except pdfium.PdfiumError as exc:
        raise BadDocumentError(
            f"PDF is truncated or damaged: page {page_number} cannot be read"
        ) from exc


def read_text_layer(page: pdfium.PdfPage) -> list[OcrLine]:
    """The page's text layer as lines in content order. Caller holds ``PDFIUM_LOCK``.

    pdfium marks line ends with generated ``\\r\\n`` characters, but not always (text drawn by
    flattened form fields runs on), so horizontal text whose next character sits wholly below the
    current line also starts a new one. Each line's box is the union of its characters' boxes, as
    fractions of the displayed (cropped, rotated) page.
    """
    textpage = page.get_textpage()
    try:
        lines: list[OcrLine] = []
        chars: list[str] = []
        box: list[float] | None = None
        for index in range(textpage.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(textpage, index)
            if code in (0x0A, 0x0D, LINE_END_HYPHEN):
                if code == LINE_END_HYPHEN:
                    chars.append("-")
                _flush_line(page, chars, box, lines)
                chars, box = [], None
                continue
            if code > 0x20 and not pdfium_c.FPDFText_IsGenerated(textpage, index):
                left, bottom, right, top = textpage.get_charbox(index, loose=True)
                if box is not None and (bottom + top) / 2 < box[1] and _horizontal(textpage, index):
                    _flush_line(page, chars, box, lines)
                    chars, box = [], None
                box = (
                    [left, bottom, right, top]
                    if box is None
                    else _union(box, left, bottom, right, top)
                )
            chars.append(_text_char(code))
        _flush_line(page, chars, box, lines)
        return lines
    finally:
        textpage.close()


def _text_char(code: int) -> str:
    """What a text-layer character code means as text ("" for codes that carry none)."""
    if code in _SYMBOL_FONT_CHARS:
        return _SYMBOL_FONT_CHARS[code]
    if code == 0x09 or 0x0B <= code <= 0x0C:
        return " "
    if code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000 or code >= 0x110000:
        return ""
    return chr(code)


def text_turns(page: pdfium.PdfPage) -> int:
    """Counter-clockwise degrees (0, 90, 180, 270) that turn the displayed page's text upright.

    From the characters' own angles, by majority, and the page's ``/Rotate``: a landscape table
    drawn sideways, or a page rotated for display, reads upright after this turn. Characters at
    other angles (a diagonal watermark) do not vote. Caller holds ``PDFIUM_LOCK``.
    """
    textpage = page.get_textpage()
    votes: Counter[int] = Counter()
    try:
        for index in range(textpage.count_chars()):
            if pdfium_c.FPDFText_GetUnicode(textpage, index) <= 0x20:
                continue
            radians = pdfium_c.FPDFText_GetCharAngle(textpage, index)
            if radians < 0:  # pdfium's error value
                continue
            degrees = math.degrees(radians) % 360
            quarter = round(degrees / 90) % 4
            if abs((degrees - quarter * 90 + 180) % 360 - 180) <= 5:
                votes[quarter] += 1
    finally:
        textpage.close()
    if not votes:
        return 0
    displayed = (votes.most_common(1)[0][0] * 90 - page.get_rotation()) % 360
    return (-displayed) % 360


def _horizontal(textpage: pdfium.PdfTextPage, index: int) -> bool:
    angle = pdfium_c.FPDFText_GetCharAngle(textpage, index)
    return bool(angle >= 0 and min(angle, 2 * math.pi - angle) < 0.01)


def _union(box: list[float], left: float, bottom: float, right: float, top: float) -> list[float]:
    return [min(box[0], left), min(box[1], bottom), max(box[2], right), max(box[3], top)]


def _flush_line(
    page: pdfium.PdfPage, chars: list[str], box: list[float] | None, lines: list[OcrLine]
) -> None:
    text = " ".join("".join(chars).split())
    if text:
        bbox = None if box is None else page_fraction(page, box)
        lines.append(OcrLine(text=text, confidence=100.0, bbox=bbox))


def page_fraction(page: pdfium.PdfPage, box: list[float]) -> BoundingBox:
    """A ``[left, bottom, right, top]`` box in page space as fractions of the displayed page."""
    xs, ys = [], []
    for px, py in ((box[0], box[1]), (box[2], box[3])):
        dx, dy = ctypes.c_int(), ctypes.c_int()
        pdfium_c.FPDF_PageToDevice(page, 0, 0, _DEVICE, _DEVICE, 0, px, py, dx, dy)
        xs.append(min(max(dx.value / _DEVICE, 0.0), 1.0))
        ys.append(min(max(dy.value / _DEVICE, 0.0), 1.0))
    return BoundingBox(left=min(xs), top=min(ys), width=max(xs) - min(xs), height=max(ys) - min(ys))


def render_page(page: pdfium.PdfPage, *, dpi: int = RENDER_DPI) -> Image.Image:
    """Render a PDF page to a grayscale image. Caller holds ``PDFIUM_LOCK``."""
    width, height = page.get_size()
    scale = min(dpi / 72, MAX_RENDER_SIDE_PX / max(width, height, 1.0))
    bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=False)
    try:
        return bitmap.to_pil().convert("L")
    finally:
        bitmap.close()


def iter_image_frames(path: Path, *, start: int = 1) -> Iterator[tuple[int, Image.Image]]:
    """Yield ``(page_number, grayscale image)`` for each frame of a PNG, JPEG or TIFF file.

    Raises:
        SourceNotFoundError: the file cannot be opened.
        BadDocumentError: the image is damaged.
    """
    try:
        with Image.open(path) as image:
            frames = getattr(image, "n_frames", 1)
            for number in range(start, frames + 1):
                image.seek(number - 1)
                yield number, to_grayscale(image)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
            raise SourceNotFoundError(f"{path.name} cannot be read: {exc.strerror}") from exc
        raise BadDocumentError(f"image is truncated or damaged: {exc}") from exc
    except (SyntaxError, ValueError, EOFError) as exc:  # Pillow's other ways of saying "corrupt"
        raise BadDocumentError(f"image is truncated or damaged: {exc}") from exc
    except Image.DecompressionBombError as exc:
        raise DocumentTooLargeError(f"image is too large to decode safely: {exc}") from exc


def to_grayscale(image: Image.Image) -> Image.Image:
    """An 8-bit grayscale copy, upright (EXIF orientation), transparency flattened on white."""
    image = ImageOps.exif_transpose(image) or image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.point(lambda value: value / 256).convert("L")
    gray = image.convert("L")
    longest = max(gray.size)
    if longest > MAX_RENDER_SIDE_PX:
        ratio = MAX_RENDER_SIDE_PX / longest
        gray = gray.resize((round(gray.width * ratio), round(gray.height * ratio)))
    return gray
