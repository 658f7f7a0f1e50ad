"""Textract blocks → pages of lines in reading order, on saved Textract responses.

Each fixture under ``tests/fixtures/textract/`` is named after the test that reads it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lexflow.ocr.layout import arrange_page, column_count
from lexflow.ocr.textract_parse import blocks_to_pages, document_page_count, page_rotation
from lexflow.ocr.types import BoundingBox, OcrLine
from tests.prose import PROSE

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

    assert column_count(lines) == 1
    assert [ln.text for ln in arrange_page(lines)] == [ln.text for ln in lines]


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
    left = [_line(f"left column line {i}", 0.08, 0.10 + i * 0.02, 0.38) for i in range(6)]
    right = [_line(f"right column line {i}", 0.54, 0.101 + i * 0.02, 0.38) for i in range(3)]
    loose = OcrLine("no geometry", 80.0)
    interleaved = [left[0], right[0], loose, left[1], right[1], left[2], right[2], *left[3:]]

    ordered = arrange_page(interleaved)

    assert [ln.text for ln in ordered] == [
        *(f"left column line {i}" for i in range(6)),
        *(f"right column line {i}" for i in range(3)),
        "no geometry",
    ]


# Synthetic Textract responses: each LINE with its box and polygon, listed as Textract lists them.
Row = tuple[str, float, float, float]  # text, left, top, width


def _blocks(rows: list[Row], *, page: int = 1, upside_down: bool = False) -> list[dict[str, Any]]:
    """LINE blocks; ``upside_down`` turns the page 180° (the text's top-left is bottom-right)."""
    blocks: list[dict[str, Any]] = [{"BlockType": "PAGE", "Id": f"page-{page}", "Page": page}]
    for k, (text, left, top, width) in enumerate(rows):
        height = 0.013
        corners = [(left, top), (left + width, top), (left + width, top + height)]
        corners.append((left, top + height))
        if upside_down:
            corners = [(1 - x, 1 - y) for x, y in corners]
            left, top = 1 - left - width, 1 - top - height
        blocks.append(
            {
                "BlockType": "LINE",
                "Id": f"line-{page}-{k}",
                "Page": page,
                "Text": text,
                "Confidence": 99.0,
                "Geometry": {
                    "BoundingBox": {"Left": left, "Top": top, "Width": width, "Height": height},
                    "Polygon": [{"X": x, "Y": y} for x, y in corners],
                },
            }
        )
    return blocks


def test_invoice_with_gaps_but_no_columns_stays_in_row_order() -> None:
    rows: list[Row] = [
        ("INVOICE", 0.42, 0.06, 0.16),
        ("Acme Supplies Ltd", 0.08, 0.12, 0.22),
        ("Invoice No.", 0.62, 0.12, 0.13),  # a form's label and value: two lines, one row
        ("2024-0117", 0.80, 0.12, 0.12),
        ("14 Harbour Road, Leeds", 0.08, 0.14, 0.28),
        ("Date:", 0.62, 0.14, 0.06),
        ("3 May 2024", 0.80, 0.14, 0.13),
        ("Description", 0.08, 0.22, 0.14),
        ("Qty", 0.55, 0.22, 0.05),
        ("Unit price", 0.66, 0.22, 0.11),
        ("Amount", 0.83, 0.22, 0.09),
    ]
    for i, item in enumerate(["Pallet wrap, 500 mm", "Packing tape, brown", "Cardboard boxes"] * 3):
        top = 0.25 + i * 0.025
        rows += [(f"{item} ({i})", 0.08, top, 0.30), (str(i + 2), 0.56, top, 0.02)]
        rows += [("14.50", 0.68, top, 0.07), (f"{(i + 2) * 14.5:.2f}", 0.84, top, 0.08)]
    rows += [("Total", 0.66, 0.50, 0.07), ("1,203.50", 0.83, 0.50, 0.09)]

    [page] = blocks_to_pages(_blocks(rows))

    assert texts(page) == [text for text, *_ in rows]
    assert column_count(page.lines) == 1


def test_two_column_page_is_read_column_by_column_with_its_title_row_whole() -> None:
    rows: list[Row] = [
        # the case number's centre sits a hair above the title's: still the title's row
        ("No. 23-1045", 0.80, 0.0795, 0.12),
        ("BRIEF OF APPELLANT ON THE MERITS", 0.28, 0.080, 0.44),
    ]
    for i, line in enumerate(PROSE):
        rows.append((f"L{i} {line}", 0.08, 0.12 + i * 0.02, 0.38))
        rows.append((f"R{i} {line}", 0.54, 0.124 + i * 0.02, 0.38))

    [page] = blocks_to_pages(_blocks(rows))

    assert texts(page)[:2] == ["BRIEF OF APPELLANT ON THE MERITS", "No. 23-1045"]
    assert [t[:2] for t in texts(page)[2:]] == [f"L{i}" for i in range(8)] + [
        f"R{i}" for i in range(8)
    ]
    assert column_count(page.lines) == 2


def test_pleading_line_numbers_are_kept_out_of_the_text() -> None:
    rows: list[Row] = []
    for n in range(1, 29):
        top = 0.08 + (n - 1) * 0.03
        rows.append((str(n), 0.06, top, 0.02 if n > 9 else 0.01))
        if n % 2:  # double-spaced body text on every other numbered line
            rows.append((f"{PROSE[(n // 2) % 8]} ({n})", 0.14, top, 0.74))

    [page] = blocks_to_pages(_blocks(rows))

    numbers = [ln for ln in page.lines if ln.role == "line-number"]
    assert [ln.text for ln in numbers] == [str(n) for n in range(1, 29)]
    assert page.text.splitlines() == [text for text, *_ in rows if not text.isdigit()]


def test_running_header_and_page_number_are_set_apart() -> None:
    body: list[Row] = [(line, 0.12, 0.12 + i * 0.02, 0.70) for i, line in enumerate(PROSE)]
    stamp = ("Case 2:13-cv-01234-ABC Document 40 Filed 01/02/14 Page 3 of 12", 0.10, 0.03, 0.80)
    # the electronic-filing stamp is a text layer Textract lists after the page's own text
    [page] = blocks_to_pages(_blocks([*body, ("3", 0.49, 0.95, 0.02), stamp]))

    assert [(ln.role, ln.text) for ln in page.lines] == [
        ("header", stamp[0]),
        *(("body", line) for line in PROSE),
        ("footer", "3"),
    ]


def test_upside_down_page_is_read_upright() -> None:
    rows: list[Row] = [(line, 0.12, 0.12 + i * 0.02, 0.70) for i, line in enumerate(PROSE)]
    blocks = _blocks(rows, upside_down=True)

    [page] = blocks_to_pages(list(reversed(blocks)))

    assert texts(page) == PROSE
    assert page.lines[0].bbox is not None and page.lines[0].bbox.top > 0.8  # boxes kept as given
    polygons = [[(p["X"], p["Y"]) for p in b["Geometry"]["Polygon"]] for b in blocks[1:]]
    assert abs(page_rotation(polygons)) == pytest.approx(180.0)


def test_header_repeated_on_every_page_is_a_running_header() -> None:
    blocks: list[dict[str, Any]] = []
    for number in (1, 2, 3):
        body: list[Row] = [
            (f"{line} p{number}", 0.12, 0.2 + i * 0.02, 0.70) for i, line in enumerate(PROSE)
        ]
        blocks += _blocks([*body, ("ACME CORP - CONFIDENTIAL", 0.35, 0.13, 0.30)], page=number)

    pages = blocks_to_pages(blocks)

    for page in pages:
        assert (page.lines[0].role, page.lines[0].text) == ("header", "ACME CORP - CONFIDENTIAL")
        assert {ln.role for ln in page.lines[1:]} == {"body"}
