"""The local engine: each PDF page from its text layer, its OCR, or both; images through OCR.

How a PDF page is read is decided by ``text_layer.assess_page``: a text layer that holds the
page's content is read as it is; a page without one is OCRed; a thin text layer over scanned
content (a court's stamped header) is OCRed and merged with it, each line once
(``line_merge``). Every image that goes to OCR is turned upright and levelled first
(``orientation``), and a page OCR still cannot read says so in its ``notes``. The OCR backends
are in ``backends``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from lexflow.errors import ConfigError, UnsupportedDocumentError
from lexflow.inspect import MEDIA_TYPE_PDF, SUPPORTED_MEDIA_TYPES
from lexflow.ocr import orientation, render
from lexflow.ocr.backends import BACKENDS, OcrBackend, default_backend
from lexflow.ocr.layout import arrange_page
from lexflow.ocr.line_merge import merge_text_layer_and_ocr
from lexflow.ocr.text_layer import PageReading, TextLayerVerdict, assess_page
from lexflow.ocr.types import OcrLine, OcrPage

UNREADABLE_CONFIDENCE = 50.0
"""Mean OCR confidence under which a page is recorded as unreadable: a sideways page read as
garbage scored ~38, clean pages score over 90."""

SCANNED_CONTENT_INK = 0.005
"""Uncovered image ink (fraction of the page) above which a merged page is judged by its OCR
alone: below it the text layer is the page, and a logo OCR cannot read is no loss."""

BLANK_INK_FRACTION = 0.001
"""A page image with less ink than this (fraction of its pixels) is blank, not unreadable."""


class LocalOcrEngine:
    """Text layer where a page has one, OCR of the rendered page where it has none.

    Create one per worker process and share it: the OCR model loads lazily, on the first page
    that needs it, and only once. Safe to use from several threads.
    """

    def __init__(
        self,
        backend: OcrBackend | str = "auto",
        *,
        dpi: int = render.RENDER_DPI,
        min_text_chars: int = render.MIN_TEXT_LAYER_CHARS,
        upright_pages: bool = True,
    ) -> None:
        if isinstance(backend, str) and backend != "auto" and backend not in BACKENDS:
            raise ConfigError(f"unknown local OCR backend {backend!r}: auto, tesseract or rapidocr")
        self._requested = backend
        self._backend: OcrBackend | None = None
        self._lock = threading.Lock()
        self.dpi = dpi
        self.min_text_chars = min_text_chars
        self.upright_pages = upright_pages

    @property
    def backend(self) -> OcrBackend:
        """The OCR backend, chosen and loaded on first use."""
        with self._lock:
            if self._backend is None:
                requested = self._requested
                if isinstance(requested, str):
                    backend = default_backend() if requested == "auto" else BACKENDS[requested]()
                else:
                    backend = requested
                backend.load()
                self._backend = backend
            return self._backend

    def ocr_page(self, path: Path, media_type: str, page_number: int) -> OcrPage:
        """Read one 1-based page.

        Raises:
            ValueError: ``page_number`` is not a page of the document.
            BadDocumentError: the document cannot be read (``UnsupportedDocumentError`` for a
                media type other than PDF, PNG, JPEG or TIFF).
        """
        if page_number < 1:
            raise ValueError(f"page_number must be 1 or more, not {page_number}")
        for page in self.iter_pages(path, media_type, start_page=page_number):
            return page
        raise ValueError(f"{path.name} has no page {page_number}")

    def iter_pages(self, path: Path, media_type: str, start_page: int = 1) -> Iterator[OcrPage]:
        """Yield pages from ``start_page`` (1-based) to the end, one at a time.

        Each page is complete when yielded, so a caller can heartbeat and record progress per page
        and resume later with ``start_page`` set to the page after the last one recorded.
        """
        if start_page < 1:
            raise ValueError(f"start_page must be 1 or more, not {start_page}")
        if media_type not in SUPPORTED_MEDIA_TYPES:
            raise UnsupportedDocumentError(f"{path.name}: unsupported media type {media_type!r}")
        if media_type == MEDIA_TYPE_PDF:
            yield from self._iter_pdf_pages(path, start_page)
            return
        for number, image in render.iter_image_frames(path, start=start_page):
            yield self.ocr_image(number, image, dpi=_image_dpi(image))

    def ocr_image(self, number: int, image: Image.Image, *, dpi: int | None) -> OcrPage:
        """OCR one page image, upright and levelled first; boxes are fractions of ``image``."""
        lines, turned = self._recognize(image, dpi=dpi)
        notes = [] if turned is None else turned.notes
        notes += _readability_notes(image, lines)
        return OcrPage(number=number, lines=lines, source="ocr", notes=notes)

    def _recognize(
        self, image: Image.Image, *, dpi: int | None
    ) -> tuple[list[OcrLine], orientation.Uprighting | None]:
        if not self.upright_pages:
            return arrange_page(self.backend.recognize(image, dpi=dpi)), None
        turned = orientation.upright(image)
        # arranged in the upright frame, where rows and columns run along the axes
        lines = arrange_page(self.backend.recognize(turned.image, dpi=dpi))
        return turned.to_original(lines), turned

    def _iter_pdf_pages(self, path: Path, start_page: int) -> Iterator[OcrPage]:
        pdf = render.open_pdf(path)
        try:
            with render.PDFIUM_LOCK:
                page_count = len(pdf)
            for number in range(start_page, page_count + 1):
                yield self._read_pdf_page(pdf, number)
        finally:
            with render.PDFIUM_LOCK:
                pdf.close()

    def _read_pdf_page(self, pdf: pdfium.PdfDocument, number: int) -> OcrPage:
        with render.PDFIUM_LOCK:
            page = render.load_page(pdf, number)
            try:
                verdict = assess_page(page, min_chars=self.min_text_chars)
                image = None
                if verdict.reading is not PageReading.TEXT_LAYER:
                    image = render.render_page(page, dpi=self.dpi)
            finally:
                page.close()
        if image is None:
            lines = arrange_page(verdict.lines, turns=verdict.turns)
            return OcrPage(number=number, lines=lines, source=PageReading.TEXT_LAYER.value)
        if verdict.reading is PageReading.OCR:
            return self.ocr_image(number, image, dpi=self.dpi)
        return self._merge(number, image, verdict)

    def _merge(self, number: int, image: Image.Image, verdict: TextLayerVerdict) -> OcrPage:
        """OCR a page under a thin text layer and merge the two, each line once."""
        ocr_lines, turned = self._recognize(image, dpi=self.dpi)
        merged = merge_text_layer_and_ocr(verdict.lines, ocr_lines, turns=verdict.turns)
        ocr_turns = 0 if turned is None else turned.quarter_turns
        if ocr_turns == verdict.turns:
            merged = arrange_page(merged, turns=ocr_turns)
        # else a scan turned under an upright stamp: the stamp first, then the scan's own order
        notes = [] if turned is None else turned.notes
        if verdict.uncovered_ink >= SCANNED_CONTENT_INK:
            notes += _readability_notes(image, ocr_lines)
        return OcrPage(number, merged, PageReading.TEXT_LAYER_AND_OCR.value, notes)


def _readability_notes(image: Image.Image, lines: list[OcrLine]) -> list[str]:
    """A note when OCR found next to nothing readable on a page that is not blank."""
    confidence = sum(ln.confidence for ln in lines) / len(lines) if lines else 0.0
    if confidence >= UNREADABLE_CONFIDENCE:
        return []
    histogram = image.convert("L").histogram()
    ink = sum(histogram[:128]) / max(1, image.width * image.height)
    if ink < BLANK_INK_FRACTION:
        return ["blank page: no text found"]
    return [
        f"unreadable: OCR confidence {confidence:.0f} (under {UNREADABLE_CONFIDENCE:.0f}); "
        "handwriting, a photograph or a damaged scan"
    ]


def _image_dpi(image: Image.Image) -> int | None:
    dpi = image.info.get("dpi")
    try:
        value = round(float(dpi[0])) if dpi else 0
    except (TypeError, ValueError, IndexError):
        return None
    return value if 70 <= value <= 1200 else None
