"""Reading order and line roles of one page (``lexflow.ocr.layout``), on lines built here."""

from __future__ import annotations

from lexflow.ocr.layout import arrange, arrange_page, column_count
from lexflow.ocr.running_lines import mark_running_lines
from lexflow.ocr.types import BoundingBox, OcrLine, OcrPage
from tests.prose import PROSE as ALL_PROSE

PROSE = ALL_PROSE[:6]  # six lines: the column tests need two equal columns of them


def line(text: str, left: float, top: float, width: float, height: float = 0.013) -> OcrLine:
    return OcrLine(text, 99.0, BoundingBox(left, top, width, height))


def texts(lines: list[OcrLine]) -> list[str]:
    return [ln.text for ln in lines]


def test_form_of_labels_and_values_is_not_two_columns() -> None:
    # Two side-by-side key/value blocks over the whole form: text on both sides, but no prose
    lines = []
    for i in range(8):
        top = 0.10 + i * 0.03
        lines += [line(f"Field {i}:", 0.08, top, 0.10), line(f"value {i}", 0.22, top, 0.12)]
        lines += [line(f"Other {i}:", 0.55, top, 0.10), line(f"entry {i}", 0.70, top, 0.12)]

    assert column_count(lines) == 1
    assert texts(arrange_page(lines)) == texts(lines)


def test_two_columns_are_read_left_then_right_between_spanning_rows() -> None:
    left = [line(f"L{i} {t}", 0.08, 0.15 + i * 0.02, 0.38) for i, t in enumerate(PROSE)]
    right = [line(f"R{i} {t}", 0.54, 0.153 + i * 0.02, 0.38) for i, t in enumerate(PROSE)]
    title = line("OPINION OF THE COURT", 0.35, 0.10, 0.30)
    closing = line("It is so ordered, for the reasons given in full above.", 0.08, 0.40, 0.84)
    interleaved = [title, *(x for pair in zip(left, right, strict=True) for x in pair), closing]

    ordered = texts(arrange_page(interleaved))

    assert ordered == [title.text, *texts(left), *texts(right), closing.text]
    assert column_count(interleaved) == 2


def test_lines_on_one_row_stay_one_row_though_their_centres_differ() -> None:
    # Textract's boxes for one printed row differ by a few thousandths; above two columns the
    # old bands put the higher (right-hand) line before the title it sits beside
    title = line("BRIEF OF APPELLANT ON THE MERITS", 0.28, 0.0800, 0.44)
    number = line("No. 23-1045", 0.80, 0.0795, 0.12)
    left = [line(f"L{i} {t}", 0.08, 0.12 + i * 0.02, 0.38) for i, t in enumerate(PROSE)]
    right = [line(f"R{i} {t}", 0.54, 0.12 + i * 0.02, 0.38) for i, t in enumerate(PROSE)]

    ordered = texts(arrange_page([number, title, *left, *right]))

    assert ordered == [title.text, number.text, *texts(left), *texts(right)]


def test_pleading_line_numbers_get_their_role_and_leave_the_text() -> None:
    lines = []
    for n in range(1, 29):
        top = 0.07 + (n - 1) * 0.031
        lines.append(line(str(n), 0.05, top, 0.015))
        lines.append(line(f"{PROSE[n % 6]}, line {n}", 0.13, top + 0.002, 0.75))

    arranged = arrange_page(lines)
    page = OcrPage(number=1, lines=arranged)

    assert [ln.text for ln in arranged if ln.role == "line-number"] == [
        str(n) for n in range(1, 29)
    ]
    assert page.text.splitlines() == [f"{PROSE[n % 6]}, line {n}" for n in range(1, 29)]
    assert column_count(lines) == 1


def test_line_numbers_are_found_under_a_filing_stamp_that_spans_the_top_margin() -> None:
    # CM/ECF stamps its header from the page's left edge, left of the numbers themselves
    stamp = line("Case 8:16-cv-01261 Document 40 Filed 08/05/16 Page 2 of 4", 0.1, 0.02, 0.8)
    lines = [stamp]
    for n in range(1, 29):
        top = 0.08 + (n - 1) * 0.03
        lines.append(line(str(n), 0.12, top, 0.02))
        lines.append(line(f"{PROSE[n % 6]}, line {n}", 0.17, top, 0.7))

    page = OcrPage(number=1, lines=arrange_page(lines))

    assert sum(ln.role == "line-number" for ln in page.lines) == 28
    assert page.text.splitlines()[1:3] == [f"{PROSE[1]}, line 1", f"{PROSE[2]}, line 2"]


def test_numbered_paragraphs_are_not_pleading_line_numbers() -> None:
    # a complaint's "1." ... "8." sit where their paragraphs start, not on a fixed grid
    lines, top = [], 0.08
    for n in range(1, 9):
        lines.append(line(f"{n}.", 0.05, top, 0.02))
        for row in range(n % 3 + 1):
            lines.append(line(f"{PROSE[row]} ({n})", 0.12, top + row * 0.02, 0.75))
        top += (n % 3 + 1) * 0.02 + 0.015

    arranged = arrange_page(lines)

    assert not any(ln.role == "line-number" for ln in arranged)
    assert "1." in OcrPage(number=1, lines=arranged).text.splitlines()


def test_quantities_in_a_table_are_not_line_numbers() -> None:
    lines = []
    for n in range(1, 9):
        top = 0.10 + n * 0.02
        lines += [line(f"Item number {n}", 0.08, top, 0.25), line(str(n), 0.60, top, 0.01)]

    assert {ln.role for ln in arrange_page(lines)} == {"body"}


def test_running_header_goes_first_and_page_number_last() -> None:
    body = [line(t, 0.12, 0.12 + i * 0.02, 0.70) for i, t in enumerate(PROSE)]
    header = line("Case 2:13-cv-01234 Document 40 Filed 01/02/14 Page 3 of 12", 0.1, 0.03, 0.8)
    number = line("- 3 -", 0.48, 0.95, 0.04)

    arranged = arrange_page([number, *body, header])

    assert [(ln.role, ln.text) for ln in arranged] == [
        ("header", header.text),
        *(("body", ln.text) for ln in body),
        ("footer", number.text),
    ]


def test_header_slots_are_read_block_by_block() -> None:
    header = [
        line("Left-aligned header", 0.08, 0.063, 0.14, 0.012),
        line("right-aligned header", 0.78, 0.063, 0.14, 0.012),
        line("With multiple lines", 0.08, 0.076, 0.13, 0.012),
        line("CENTRED HEADER LINE", 0.39, 0.075, 0.21, 0.011),
        line("with multiple lines", 0.79, 0.076, 0.13, 0.012),
    ]
    body = [line(t, 0.08, 0.114 + i * 0.0125, 0.82, 0.0125) for i, t in enumerate(PROSE)]

    arranged = arrange_page(header + body)

    assert texts(arranged[:5]) == [
        "Left-aligned header",
        "With multiple lines",
        "right-aligned header",
        "with multiple lines",
        "CENTRED HEADER LINE",
    ]
    assert {ln.role for ln in arranged[:5]} == {"header"}


def test_title_at_the_top_is_body_not_a_header() -> None:
    title = line("MEMORANDUM OPINION AND ORDER", 0.31, 0.05, 0.38)
    body = [line(t, 0.08, 0.10 + i * 0.02, 0.84) for i, t in enumerate(PROSE)]

    assert {ln.role for ln in arrange_page([title, *body])} == {"body"}


def test_lines_without_boxes_keep_their_order_at_the_end() -> None:
    loose = [OcrLine("first loose", 80.0), OcrLine("second loose", 80.0)]
    placed = [line("Below", 0.1, 0.5, 0.2), line("Above", 0.1, 0.2, 0.2)]

    found = arrange([loose[0], *placed, loose[1]])

    assert found.order == [2, 1, 0, 3]
    assert texts(arrange_page(loose)) == ["first loose", "second loose"]


def test_mark_running_lines_finds_a_header_repeated_across_pages() -> None:
    pages = []
    for number in (1, 2, 3):
        body = [line(f"{t} ({number})", 0.12, 0.2 + i * 0.02, 0.70) for i, t in enumerate(PROSE)]
        cells = [line("Col1_8", 0.28, 0.05 + i * 0.018, 0.05) for i in range(3)]  # table cells
        running = line(f"Acme Corp - Confidential - {number}", 0.35, 0.13, 0.30)
        pages.append(OcrPage(number=number, lines=arrange_page([*cells, *body, running])))

    mark_running_lines(pages)

    for page in pages:
        assert page.lines[0].role == "header"
        assert page.lines[0].text.startswith("Acme Corp - Confidential")
        assert [ln.role for ln in page.lines if ln.text == "Col1_8"] == ["body"] * 3
