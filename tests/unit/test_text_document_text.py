import pytest

from lexflow.ocr.types import OcrLine, OcrPage
from lexflow.text.document_text import PageSpan, build_document_text


def _page(number: int, *lines: str) -> OcrPage:
    return OcrPage(number=number, lines=[OcrLine(text=line, confidence=99.0) for line in lines])


def test_pages_are_joined_with_a_blank_line_and_each_span_is_its_page_text():
    pages = [_page(1, "CAPTION", "Case No. 1"), _page(2, "Body text."), _page(3, "End")]

    text = build_document_text(pages)

    assert text.full_text == "CAPTION\nCase No. 1\n\nBody text.\n\nEnd"
    assert text.pages == (PageSpan(1, 0, 18), PageSpan(2, 20, 30), PageSpan(3, 32, 35))
    for page, span in zip(pages, text.pages, strict=True):
        assert text.full_text[span.start : span.end] == page.text


def test_page_at_gives_the_separator_to_the_page_before_and_the_end_to_the_last_page():
    text = build_document_text([_page(1, "abc"), _page(2, "de")])

    assert [text.page_at(i) for i in range(len(text.full_text) + 1)] == [1, 1, 1, 1, 1, 2, 2, 2]


def test_page_numbers_come_from_the_ocr_pages_not_their_position():
    text = build_document_text([_page(7, "seven"), _page(9, "nine")])

    assert text.page_at(0) == 7
    assert text.page_at(text.full_text.index("nine")) == 9
    assert text.page_range(0, len(text.full_text)) == (7, 9)


def test_an_empty_page_keeps_its_place_with_an_empty_span():
    text = build_document_text([_page(1, "one"), _page(2), _page(3, "three")])

    assert text.full_text == "one\n\n\n\nthree"
    assert text.pages[1] == PageSpan(2, 5, 5)
    assert text.page_at(text.full_text.index("three")) == 3


def test_page_range_of_a_span_ending_at_a_page_end_stays_on_that_page():
    text = build_document_text([_page(1, "abc"), _page(2, "def")])

    assert text.page_range(0, 3) == (1, 1)
    assert text.page_range(2, 6) == (1, 2)


@pytest.mark.parametrize("offset", [-1, 8])
def test_page_at_rejects_offsets_outside_the_text(offset: int):
    text = build_document_text([_page(1, "abc"), _page(2, "de")])

    with pytest.raises(ValueError):
        text.page_at(offset)


def test_no_pages_give_empty_text_without_pages():
    text = build_document_text([])

    assert text.full_text == ""
    assert text.pages == ()
    with pytest.raises(ValueError):
        text.page_at(0)


# --- words hyphenated across line ends ----------------------------------------------------------


def test_a_word_hyphenated_across_a_line_end_is_whole_in_the_full_text():
    pages = [
        _page(1, "CAPTION", "the motion to adjourn-"),
        _page(2, "ment. The Court granted a continu-", "ation of the stay."),
    ]

    text = build_document_text(pages)

    # never across a page: the pages in between may hold footnotes, exhibits, anything
    assert text.full_text == (
        "CAPTION\nthe motion to adjourn-\n\nment. The Court granted a continuation of the stay."
    )
    assert text.page_at(text.full_text.index("continuation")) == 2


def test_real_hyphens_at_a_line_end_stay_and_the_line_is_joined():
    page = _page(
        1,
        "The non-compete clause binds Mary Smith-",
        "Jones in Case No. 1:23-",
        "cv-04567; a narrow non-",
        "compete would not.",
    )

    text = build_document_text([page]).full_text

    assert text == (
        "The non-compete clause binds Mary Smith-Jones in Case No. 1:23-cv-04567; "
        "a narrow non-compete would not."
    )


def test_page_spans_stay_exact_when_words_are_mended():
    pages = [
        _page(1, "the continu-", "ation"),
        _page(2, "no breaks here"),
        _page(4, "Okla-", "homa and the indi-", "cation", "end"),
    ]

    text = build_document_text(pages)

    expected = ["the continuation", "no breaks here", "Oklahoma and the indication\nend"]
    assert text.full_text == "\n\n".join(expected)
    assert [text.full_text[s.start : s.end] for s in text.pages] == expected
    assert text.pages == (PageSpan(1, 0, 16), PageSpan(2, 18, 32), PageSpan(4, 34, 65))
    assert {text.page_at(i) for i in range(34, 66)} == {4}
    assert text.page_range(0, len(text.full_text)) == (1, 4)


def test_pleading_line_numbers_between_the_halves_do_not_stop_the_join():
    page = OcrPage(
        number=1,
        lines=[
            OcrLine(text="the continu-", confidence=100.0),
            OcrLine(text="12", confidence=100.0, role="line-number"),
            OcrLine(text="ation of the stay", confidence=100.0),
            OcrLine(text="Page 1 of 2", confidence=100.0, role="footer"),
        ],
    )

    assert build_document_text([page]).full_text == "the continuation of the stay\nPage 1 of 2"
