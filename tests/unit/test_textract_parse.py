"""Textract blocks → pages of lines in reading order, on saved Textract responses.

Each fixture under ``tests/fixtures/textract/`` is named after the test that reads it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lexflow.ocr.textract_parse import (
    blocks_to_pages,
    document_page_count,
    find_gutter,
    reading_order,
)
from lexflow.ocr.types import BoundingBox, OcrLine

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "textract"


def load(request: pytest.FixtureRequest) -> Any:
    return json.loads((FIXTURES / f"{request.node.name}.json").read_text())


def texts(page: Any) -> list[str]:
    return [line.text for line in page.lines]


def test_single_column_page(request: pytest.FixtureRequest) -> None:
    response = load(request)

    pages = blocks_to_pages(response["Blocks"], source="textract-sync")

    assert [p.number for p in pages] == [1]  # sync responses carry no Page: default 1
    page = pages[0]
    assert page.source == "textract-sync"
    assert texts(page) == [
        "UNITED STATES DISTRICT COURT",
        "SOUTHERN DISTRICT OF NEW YORK",
        # Textract listed the case number first; on one row, left comes before right
        "Dated: March 3, 2021",
        "Case No. 1:21-cv-00042",
        "Plaintiff Jane Roe moves for summary judgment on the breach of contract",
        "claim. For the reasons below, the motion is GRANTED in part and DENIED",
        "in part. See Celotex Corp. v. Catrett, 477 U.S. 317, 322 (1986).",
        "SO ORDERED.",
    ]
    assert [ln.confidence for ln in page.lines] == [
        99.8121,
        99.6533,
        98.9012,
        97.441,
        99.517,
        99.3322,
        96.2871,
        99.9012,
    ]
    assert page.lines[0].bbox == BoundingBox(left=0.3412, top=0.0612, width=0.3176, height=0.0132)
    assert document_page_count(response) == 1


def test_two_column_page(request: pytest.FixtureRequest) -> None:
    response = load(request)
    # Textract lists the lines across the columns, as the old system printed them
    as_listed = [b["Text"] for b in response["Blocks"] if b["BlockType"] == "LINE"]
    assert as_listed[1:3] == [
        "The court of appeals applied the wrong",
        "Second, the record shows that the",
    ]

    pages = blocks_to_pages(response["Blocks"])

    assert [p.number for p in pages] == [4]
    assert texts(pages[0]) == [
        "IN THE SUPREME COURT OF THE STATE OF OHIO",
        "The court of appeals applied the wrong",
        "standard of review when it weighed the",
        "evidence anew. See State v. Thompkins,",
        "78 Ohio St.3d 380, 387 (1997).",
        "Second, the record shows that the",
        "appellant received notice of the hearing",
        "and waived the objection by failing to",
        "raise it. Judgment affirmed.",
        "Page 4 of 12 - Slip Opinion No. 2023-Ohio-1234",
    ]
    assert pages[0].lines[4].confidence == 96.512
    assert pages[0].lines[-1].confidence == 99.73
    assert pages[0].source == "textract"
    assert document_page_count(response) == 12


def test_two_column_page_with_spanning_heading(request: pytest.FixtureRequest) -> None:
    pages = blocks_to_pages(load(request)["Blocks"])

    assert texts(pages[0]) == [
        "MEMORANDUM OPINION AND ORDER",
        "I. Background one",
        "I. Background two",
        "I. Background three",
        "I. Background four",
        "II. DISCUSSION OF THE PARTIES' ARGUMENTS AND THE APPLICABLE LAW",
        "II. Discussion one",
        "II. Discussion two",
        "II. Discussion three",
        "II. Discussion four",
        "- 2 -",
    ]


def test_multi_page_response(request: pytest.FixtureRequest) -> None:
    responses = load(request)
    assert responses[0]["NextToken"] and "NextToken" not in responses[1]
    blocks = [b for r in responses for b in r["Blocks"]]

    pages = blocks_to_pages(blocks)

    assert [p.number for p in pages] == [1, 2, 3]
    assert texts(pages[0]) == [
        "SETTLEMENT AGREEMENT",
        "This Agreement is made on January 5, 2022 between",
        "Acme Holdings LLC and Beta Logistics Inc.",
    ]
    assert pages[1].lines == []  # a blank page: PAGE block, no LINEs
    assert pages[1].mean_confidence is None
    # page 3's lines arrived in both responses
    assert texts(pages[2]) == [
        "IN WITNESS WHEREOF the parties have signed.",
        "Acme Holdings LLC",
        "By: John Smith, CEO",
    ]
    assert [ln.confidence for ln in pages[2].lines] == [99.1, 93.2, 88.55]
    assert [document_page_count(r) for r in responses] == [3, 3]


def test_page_number_override_for_sync_page(request: pytest.FixtureRequest) -> None:
    blocks = json.loads((FIXTURES / "test_single_column_page.json").read_text())["Blocks"]

    pages = blocks_to_pages(blocks, source="textract-sync", page_number=7)

    assert [(p.number, p.source, len(p.lines)) for p in pages] == [(7, "textract-sync", 8)]


def _line(text: str, left: float, top: float, width: float, height: float = 0.013) -> OcrLine:
    return OcrLine(text, 99.0, BoundingBox(left, top, width, height))


def test_line_without_text_is_rebuilt_from_its_words() -> None:
    blocks = [
        {"BlockType": "PAGE", "Id": "p", "Page": 2},
        {
            "BlockType": "LINE",
            "Id": "l1",
            "Page": 2,
            "Confidence": 91.5,
            "Relationships": [{"Type": "CHILD", "Ids": ["w1", "w2"]}],
        },
        {"BlockType": "WORD", "Id": "w1", "Page": 2, "Text": "Exhibit"},
        {"BlockType": "WORD", "Id": "w2", "Page": 2, "Text": "A"},
        {"BlockType": "LINE", "Id": "l2", "Page": 2, "Text": "   ", "Confidence": 50.0},
    ]

    [page] = blocks_to_pages(blocks)

    assert (page.number, texts(page), page.lines[0].confidence) == (2, ["Exhibit A"], 91.5)
    assert page.lines[0].bbox is None


def test_pages_without_page_block_and_out_of_order() -> None:
    blocks = [
        {"BlockType": "LINE", "Page": 3, "Text": "third", "Confidence": 90.0},
        {"BlockType": "LINE", "Page": 1, "Text": "first", "Confidence": 80.0},
        {"BlockType": "TABLE", "Page": 2},
    ]

    pages = blocks_to_pages(blocks)

    assert [(p.number, texts(p)) for p in pages] == [(1, ["first"]), (3, ["third"])]


def test_letter_with_right_aligned_lines_stays_single_column() -> None:
    # Address on the left, date and signature on the right, on different rows: not columns
    lines = [
        _line("Jane Roe", 0.10, 0.10, 0.15),
        _line("12 Main Street", 0.10, 0.12, 0.20),
        _line("June 1, 2024", 0.70, 0.16, 0.18),
        _line("Dear Counsel,", 0.10, 0.20, 0.18),
        _line("Sincerely,", 0.65, 0.30, 0.14),
        _line("John Smith", 0.65, 0.36, 0.15),
    ]

    assert find_gutter(lines) is None
    assert [ln.text for ln in reading_order(lines)] == [ln.text for ln in lines]


def test_gutter_is_in_the_middle_of_the_gap() -> None:
    left = [_line(f"l{i}", 0.08, 0.1 + i * 0.02, 0.38) for i in range(3)]  # right edge 0.46
    right = [_line(f"r{i}", 0.54, 0.1 + i * 0.02, 0.38) for i in range(3)]  # left edge 0.54

    gutter = find_gutter(left + right)

    assert gutter is not None
    assert (gutter.start, gutter.end) == pytest.approx((0.46, 0.54))
    assert gutter.middle == pytest.approx(0.50)
    assert [gutter.side(BoundingBox(0.48, 0.9, 0.04, 0.01))] == ["span"]  # centred page number


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ({"DocumentMetadata": {"Pages": 12}}, 12),
        ({"DocumentMetadata": {"Pages": {"Pages": 61}}}, 61),  # moto's shape
        ({"JobStatus": "IN_PROGRESS"}, None),
        ({"DocumentMetadata": {}}, None),
        ({"DocumentMetadata": {"Pages": None}}, None),
    ],
)
def test_document_page_count(response: dict[str, Any], expected: int | None) -> None:
    assert document_page_count(response) == expected


def test_uneven_columns_and_lines_without_geometry() -> None:
    # The last page of an opinion: the left column runs on below the end of the right one
    left = [_line(f"left {i}", 0.08, 0.10 + i * 0.02, 0.38) for i in range(6)]
    right = [_line(f"right {i}", 0.54, 0.101 + i * 0.02, 0.38) for i in range(3)]
    loose = OcrLine("no geometry", 80.0)
    interleaved = [left[0], right[0], loose, left[1], right[1], left[2], right[2], *left[3:]]

    ordered = reading_order(interleaved)

    assert [ln.text for ln in ordered] == [
        *(f"left {i}" for i in range(6)),
        *(f"right {i}" for i in range(3)),
        "no geometry",
    ]
