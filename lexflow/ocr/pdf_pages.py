"""Page-level PDF operations for routing: which pages need OCR, subsets, text-layer reads."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from lexflow.ocr import render
from lexflow.ocr.layout import arrange_page
from lexflow.ocr.types import OcrPage


@dataclass(frozen=True, slots=True)
class PagePlan:
    """Which pages go to an OCR service and which are read from their own text layer."""

    ocr_pages: tuple[int, ...]
    text_pages: tuple[int, ...]

    @property
    def page_count(self) -> int:
        return len(self.ocr_pages) + len(self.text_pages)


def plan_pages(page_count: int, text_layer_pages: Collection[int], *, skip_text: bool) -> PagePlan:
    """Split a document's pages: a page with a good text layer needs no OCR when ``skip_text``."""
    text = {p for p in text_layer_pages if 1 <= p <= page_count} if skip_text else set()
    return PagePlan(
        ocr_pages=tuple(p for p in range(1, page_count + 1) if p not in text),
        text_pages=tuple(sorted(text)),
    )


def write_page_subset(source: Path, pages: Sequence[int], dest: Path) -> Path:
    """Write a PDF holding ``pages`` (1-based, in that order) of ``source``."""
    with render.PDFIUM_LOCK:
        src = render.open_pdf(source)
        out = pdfium.PdfDocument.new()
        try:
            out.import_pages(src, pages=[p - 1 for p in pages])
            out.save(str(dest))
        finally:
            out.close()
            src.close()
    return dest


def read_text_layer_pages(source: Path, pages: Sequence[int]) -> list[OcrPage]:
    """The text layer of each of ``pages``, as the local engine reads it (confidence 100)."""
    result: list[OcrPage] = []
    with render.PDFIUM_LOCK:
        pdf = render.open_pdf(source)
        try:
            for number in pages:
                page = render.load_page(pdf, number)
                try:
                    result.append(
                        OcrPage(
                            number=number,
                            lines=arrange_page(render.read_text_layer(page)),
                            source="text-layer",
                        )
                    )
                finally:
                    page.close()
        finally:
            pdf.close()
    return result


def renumber(pages: Sequence[OcrPage], page_map: Sequence[int]) -> list[OcrPage]:
    """Give pages OCRed from a subset their page numbers in the original file."""
    return [
        OcrPage(number=page_map[p.number - 1], lines=p.lines, source=p.source, notes=p.notes)
        for p in pages
    ]


def split_pages(
    pages: Sequence[int], *, file_bytes: int, file_pages: int, max_pages: int, max_bytes: int
) -> list[tuple[int, ...]]:
    """Cut ``pages`` into runs that each fit Textract's asynchronous limits.

    The byte size of a run is estimated from the file's mean bytes per page, with a margin;
    the caller checks each written part and splits again any that still does not fit.
    """
    per_page = file_bytes / max(file_pages, 1)
    by_bytes = int(max_bytes * 0.9 // per_page) if per_page else len(pages)
    size = max(1, min(max_pages, by_bytes or 1))
    return [tuple(pages[i : i + size]) for i in range(0, len(pages), size)]
