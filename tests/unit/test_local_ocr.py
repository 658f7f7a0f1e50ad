"""The local engine: text layers read exactly, scanned pages OCRed, page by page and resumable.

OCR comparisons ignore case and whitespace (RapidOCR, the fallback backend, may drop a space).
One engine per module, so the OCR model loads once; pages are kept small so OCR stays quick.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from lexflow.errors import ConfigError, UnsupportedDocumentError
from lexflow.ocr.backends import parse_tesseract_tsv
from lexflow.ocr.local import LocalOcrEngine
from lexflow.ocr.types import OcrLine, OcrPage
from tests import docgen

PDF, PNG, JPEG, TIFF = "application/pdf", "image/png", "image/jpeg", "image/tiff"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def assert_contains(page: OcrPage, *phrases: str) -> None:
    for phrase in phrases:
        assert squash(phrase) in squash(page.text), (
            f"{phrase!r} not in page {page.number}:\n{page.text}"
        )


def assert_boxes_on_page(page: OcrPage) -> None:
    for line in page.lines:
        assert line.bbox is not None
        box = line.bbox
        assert 0 <= box.left < box.right <= 1 and 0 <= box.top < box.bottom <= 1, line
        assert 0 <= line.confidence <= 100


@pytest.fixture(scope="module")
def engine() -> LocalOcrEngine:
    engine = LocalOcrEngine()
    try:
        engine.backend  # noqa: B018  (load once, here, rather than inside the first test)
    except ConfigError as exc:
        pytest.skip(f"no local OCR backend: {exc}")
    return engine


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("docs")
    return {
        "born": docgen.born_digital_pdf(folder / "complaint.pdf"),
        "scan": docgen.scanned_pdf(folder / "scan.pdf", size_in=(8.5, 6.5)),
        "mixed": docgen.mixed_pdf(folder / "mixed.pdf", size_in=(8.5, 5)),
        "png": docgen.write_png(folder / "caption.png", docgen.CAPTION[:10], size_in=(8.5, 4)),
        "jpeg": docgen.write_jpeg(folder / "contract.jpg", size_in=(8.5, 4)),
        "tiff": docgen.write_tiff(
            folder / "letters.tif", (docgen.LETTER, docgen.ORDER[-3:]), size_in=(8.5, 3.5)
        ),
    }


@pytest.fixture(scope="module")
def read(engine: LocalOcrEngine, docs: dict[str, Path]) -> dict[str, list[OcrPage]]:
    """Every test document read once; the assertions below share the results."""
    media = {"born": PDF, "scan": PDF, "mixed": PDF, "png": PNG, "jpeg": JPEG, "tiff": TIFF}
    return {name: list(engine.iter_pages(docs[name], media[name])) for name in docs}


def test_born_digital_pages_come_from_the_text_layer(read: dict[str, list[OcrPage]]) -> None:
    first, second = read["born"]
    assert (first.number, first.source, second.source) == (1, "text-layer", "text-layer")
    assert first.lines[0].text == "UNITED STATES DISTRICT COURT"
    assert "Case No. 1:23-cv-04567" in [line.text for line in first.lines]
    assert "on or before June 30, 2023, and a monthly fee of $8,500.00 thereafter." in second.text
    assert {line.confidence for line in first.lines} == {100.0}
    assert_boxes_on_page(first)
    tops = [line.bbox.top for line in first.lines if line.bbox]
    assert tops == sorted(tops)
    caption = first.lines[0].bbox
    assert caption is not None and caption.left == pytest.approx(72 / 612, abs=0.01)


def test_scanned_pdf_is_ocred(read: dict[str, list[OcrPage]]) -> None:
    (page,) = read["scan"]
    assert page.source == "ocr"
    assert_contains(
        page,
        "UNITED STATES DISTRICT COURT",
        "SOUTHERN DISTRICT OF NEW YORK",
        "ACME CORPORATION, Plaintiff, v. JOHN SMITH, Defendant.",
        "Case No. 1:23-cv-04567",
        "Services Agreement dated March 15, 2021",
        "exceeds $75,000",
    )
    assert_boxes_on_page(page)
    assert page.mean_confidence is not None and page.mean_confidence > 80
    case_line = next(line for line in page.lines if "04567" in line.text)
    assert case_line.bbox is not None and case_line.bbox.left == pytest.approx(1 / 8.5, abs=0.02)


def test_mixed_pdf_uses_text_layer_then_ocr(read: dict[str, list[OcrPage]]) -> None:
    first, second = read["mixed"]
    assert (first.source, second.source) == ("text-layer", "ocr")
    assert "Case No. 1:23-cv-04567" in first.text
    assert_contains(
        second,
        "ORDER GRANTING MOTION TO DISMISS",
        "See Smith v. Jones, 123 F.3d 456 (2d Cir. 1997).",
        "SO ORDERED.",
    )


def test_png_and_jpeg(read: dict[str, list[OcrPage]]) -> None:
    (png,) = read["png"]
    (jpeg,) = read["jpeg"]
    assert (png.number, png.source, jpeg.source) == (1, "ocr", "ocr")
    assert_contains(png, "JOHN SMITH", "Case No. 1:23-cv-04567")
    assert_contains(
        jpeg,
        "Section 4.2 Payment.",
        "the sum of $125,000.00",
        "on or before June 30, 2023",
        "December 31, 2025",
    )
    assert_boxes_on_page(jpeg)


def test_multi_page_tiff(read: dict[str, list[OcrPage]]) -> None:
    first, second = read["tiff"]
    assert (first.number, second.number) == (1, 2)
    assert_contains(first, "SETTLEMENT AGREEMENT AND RELEASE", "$40,000.00")
    assert_contains(second, "Dated: New York, New York, April 3, 2024")


def test_resume_from_a_later_page(
    engine: LocalOcrEngine, docs: dict[str, Path], read: dict[str, list[OcrPage]]
) -> None:
    resumed = list(engine.iter_pages(docs["born"], PDF, start_page=2))
    assert [page.number for page in resumed] == [2]
    assert resumed[0].lines == read["born"][1].lines
    assert list(engine.iter_pages(docs["born"], PDF, start_page=3)) == []
    assert engine.ocr_page(docs["born"], PDF, 2).lines == read["born"][1].lines


class RecordingBackend:
    """Stands in for an OCR engine: records calls, returns one line per image."""

    name = "recording"

    def __init__(self) -> None:
        self.loaded = 0
        self.calls: list[tuple[int, int]] = []

    def load(self) -> None:
        self.loaded += 1

    def recognize(self, image: Image.Image, *, dpi: int | None) -> list[OcrLine]:
        self.calls.append(image.size)
        return [OcrLine(text=f"image {len(self.calls)}", confidence=90.0)]


def test_pages_are_yielded_one_at_a_time(docs: dict[str, Path]) -> None:
    backend = RecordingBackend()
    engine = LocalOcrEngine(backend)
    pages: Iterator[OcrPage] = engine.iter_pages(docs["tiff"], TIFF)
    assert next(pages).number == 1
    assert len(backend.calls) == 1  # page 2 not touched until asked for
    assert next(pages).number == 2
    assert len(backend.calls) == 2
    assert [p.number for p in engine.iter_pages(docs["tiff"], TIFF, start_page=2)] == [2]
    assert backend.loaded == 1


def test_model_loads_only_when_a_page_needs_ocr(docs: dict[str, Path]) -> None:
    backend = RecordingBackend()
    engine = LocalOcrEngine(backend)
    assert [p.source for p in engine.iter_pages(docs["born"], PDF)] == ["text-layer"] * 2
    assert backend.loaded == 0
    page = engine.ocr_page(docs["mixed"], PDF, 2)
    assert (page.source, backend.loaded) == ("ocr", 1)
    width, height = backend.calls[0]
    assert (width, height) == (1700, 1000)  # 8.5 x 5 in at 200 dpi


def test_filled_form_field_values_are_read(tmp_path: Path) -> None:
    backend = RecordingBackend()
    path = docgen.filled_form_pdf(tmp_path / "cover-sheet.pdf")
    (page,) = LocalOcrEngine(backend).iter_pages(path, PDF)
    assert page.source == "text-layer"
    texts = [line.text for line in page.lines]
    assert texts[:2] == ["CIVIL COVER SHEET", "I. (a) PLAINTIFFS"]
    assert texts[-3:] == ["ACME CORPORATION", "JOHN SMITH", "DEMAND $ 125,000.00"]
    assert backend.calls == []


def test_bad_arguments(docs: dict[str, Path]) -> None:
    engine = LocalOcrEngine(RecordingBackend())
    with pytest.raises(ValueError, match="has no page 3"):
        engine.ocr_page(docs["born"], PDF, 3)
    with pytest.raises(ValueError, match="start_page"):
        list(engine.iter_pages(docs["born"], PDF, start_page=0))
    with pytest.raises(UnsupportedDocumentError, match="unsupported media type"):
        list(engine.iter_pages(docs["born"], "application/msword"))
    with pytest.raises(ConfigError, match="unknown local OCR backend"):
        LocalOcrEngine("abbyy")


TSV = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    "1\t1\t0\t0\t0\t0\t0\t0\t1000\t500\t-1\t\n"
    "4\t1\t1\t1\t1\t0\t100\t50\t300\t20\t-1\t\n"
    "5\t1\t1\t1\t1\t1\t100\t50\t80\t20\t96.5\tCase\n"
    "5\t1\t1\t1\t1\t2\t190\t52\t40\t18\t95.5\tNo.\n"
    "5\t1\t1\t1\t1\t3\t240\t50\t160\t20\t91.0\t1:23-cv-04567\n"
    "5\t1\t2\t1\t1\t1\t10\t480\t5\t5\t12.0\t~\n"
    "5\t1\t3\t1\t1\t1\t100\t100\t50\t20\t88.0\tSO\n"
    "5\t1\t3\t1\t1\t2\t160\t100\t1\t1\t-1\t \n"
)


def test_parse_tesseract_tsv_groups_words_into_lines() -> None:
    lines = parse_tesseract_tsv(TSV, (1000, 500))
    assert [line.text for line in lines] == ["Case No. 1:23-cv-04567", "SO"]
    assert lines[0].confidence == pytest.approx((96.5 + 95.5 + 91.0) / 3)
    box = lines[0].bbox
    assert box is not None
    assert (box.left, box.top, box.width, box.height) == pytest.approx((0.1, 0.1, 0.3, 0.04))


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr not installed")
def test_tesseract_is_preferred_when_installed() -> None:
    assert LocalOcrEngine().backend.name == "tesseract"


def test_rapidocr_fallback_reads_a_scan(tmp_path: Path) -> None:
    """The pip-only backend, used where Debian's tesseract-ocr is not installed."""
    pytest.importorskip("rapidocr")
    pytest.importorskip("onnxruntime")
    path = docgen.write_png(tmp_path / "contract.png", docgen.CONTRACT[:4], size_in=(8.5, 2.2))
    (page,) = LocalOcrEngine("rapidocr").iter_pages(path, PNG)
    assert page.source == "ocr"
    assert_contains(page, "SERVICES AGREEMENT", "Section 4.2 Payment.", "$125,000.00")
    assert_boxes_on_page(page)
