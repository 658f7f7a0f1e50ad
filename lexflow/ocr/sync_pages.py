"""Synchronous Textract, page by page: each page rendered and sent to DetectDocumentText.

The fallback when the asynchronous API cannot be used (images, or a start that keeps failing).
Pages come out one at a time so the caller can store and heartbeat each, and resume after a crash.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Iterator
from pathlib import Path

from PIL import Image

from lexflow.errors import DocumentTooLargeError
from lexflow.ocr import render
from lexflow.ocr.textract import TextractJobManager
from lexflow.ocr.textract_parse import blocks_to_pages
from lexflow.ocr.types import OcrPage

SOURCE = "textract-sync"


def page_images(
    path: Path, media_type: str, start_page: int = 1, skip: Collection[int] = ()
) -> Iterator[tuple[int, Image.Image]]:
    """``(page number, image)`` for every page from ``start_page``: PDF pages rendered, image
    frames decoded."""
    if media_type != "application/pdf":
        for number, image in render.iter_image_frames(path, start=start_page):
            if number not in skip:
                yield number, image
        return
    pdf = render.open_pdf(path)
    try:
        with render.PDFIUM_LOCK:
            count = len(pdf)
        for number in range(start_page, count + 1):
            if number in skip:
                continue
            with render.PDFIUM_LOCK:
                page = render.load_page(pdf, number)
                try:
                    image = render.render_page(page)
                finally:
                    page.close()
            yield number, image
    finally:
        with render.PDFIUM_LOCK:
            pdf.close()


def encode_for_textract(image: Image.Image, max_bytes: int) -> bytes:
    """PNG when it fits DetectDocumentText's byte limit, else JPEG at falling quality.

    Raises:
        DocumentTooLargeError: the page does not fit even as a low-quality JPEG.
    """
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    if buffer.tell() <= max_bytes:
        return buffer.getvalue()
    for quality in (85, 70, 50):
        buffer = io.BytesIO()
        image.convert("L").save(buffer, format="JPEG", quality=quality)
        if buffer.tell() <= max_bytes:
            return buffer.getvalue()
    raise DocumentTooLargeError(
        f"a page image is over {max_bytes} bytes even as JPEG (TEXTRACT_SYNC_MAX_BYTES)"
    )


def detect_pages_sync(
    manager: TextractJobManager,
    path: Path,
    media_type: str,
    *,
    start_page: int = 1,
    max_bytes: int,
    skip: Collection[int] = (),
) -> Iterator[OcrPage]:
    """DetectDocumentText on each page from ``start_page`` but those in ``skip``, yielding each
    page's lines in reading order."""
    for number, image in page_images(path, media_type, start_page, skip):
        blocks = manager.detect_sync(encode_for_textract(image, max_bytes))
        pages = blocks_to_pages(blocks, source=SOURCE, page_number=number)
        yield pages[0] if pages else OcrPage(number=number, lines=[], source=SOURCE)
