"""Which pages go to Textract and which are read from their own text layer."""

from __future__ import annotations

from pathlib import Path

from lexflow.inspect import inspect_file
from lexflow.ocr.pdf_pages import (
    plan_pages,
    read_text_layer_pages,
    renumber,
    split_pages,
    write_page_subset,
)
from lexflow.ocr.types import OcrLine, OcrPage
from tests import docgen


def test_pages_with_a_text_layer_are_not_sent_when_routing_is_on() -> None:
    plan = plan_pages(5, [1, 4, 9], skip_text=True)

    assert plan.ocr_pages == (2, 3, 5)
    assert plan.text_pages == (1, 4)
    assert plan.page_count == 5


def test_every_page_is_sent_when_routing_is_off() -> None:
    assert plan_pages(3, [1, 2, 3], skip_text=False).ocr_pages == (1, 2, 3)


def test_subset_pdf_holds_only_the_scanned_pages_and_maps_back(tmp_path: Path) -> None:
    mixed = docgen.mixed_pdf(tmp_path / "mixed.pdf")
    info = inspect_file(mixed, max_bytes=10**8, max_pages=100)
    plan = plan_pages(info.page_count, info.text_layer_pages, skip_text=True)

    subset = write_page_subset(mixed, plan.ocr_pages, tmp_path / "subset.pdf")
    [text_page] = read_text_layer_pages(mixed, plan.text_pages)

    assert plan == plan_pages(2, [1], skip_text=True)
    sub_info = inspect_file(subset, max_bytes=10**8, max_pages=100)
    assert (sub_info.page_count, sub_info.text_layer_pages) == (1, ())
    assert text_page.number == 1 and "Case No. 1:23-cv-04567" in text_page.text
    ocred = [OcrPage(number=1, lines=[OcrLine("ORDER", 97.0)])]
    assert [p.number for p in renumber(ocred, plan.ocr_pages)] == [2]


def test_pages_over_the_page_limit_are_cut_into_parts_in_order() -> None:
    parts = split_pages(
        tuple(range(1, 8)), file_bytes=7_000, file_pages=7, max_pages=3, max_bytes=10**9
    )

    assert parts == [(1, 2, 3), (4, 5, 6), (7,)]


def test_a_file_over_the_byte_limit_is_cut_by_its_mean_page_size() -> None:
    # 10 pages of 100 MB each, 500 MB per job with a 10 % margin: 4 pages a part.
    parts = split_pages(
        tuple(range(1, 11)),
        file_bytes=10 * 100 * 2**20,
        file_pages=10,
        max_pages=3000,
        max_bytes=500 * 2**20,
    )

    assert [len(p) for p in parts] == [4, 4, 2]
    assert [n for p in parts for n in p] == list(range(1, 11))
