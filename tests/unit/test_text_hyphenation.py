"""lexflow.text.hyphenation: words hyphenated across line ends, judged by the document's words."""

from __future__ import annotations

import pytest

from lexflow.ocr.types import OcrLine, OcrPage
from lexflow.text.hyphenation import find_line_breaks, mend_page_texts


def _page(*lines: str | tuple[str, str], number: int = 1) -> OcrPage:
    """A page of body lines; a ``(text, role)`` pair gives a line another role."""
    ocr_lines = [
        OcrLine(text=line, confidence=100.0)
        if isinstance(line, str)
        else OcrLine(text=line[0], confidence=100.0, role=line[1])
        for line in lines
    ]
    return OcrPage(number=number, lines=ocr_lines, source="text-layer")


def _mended(*lines: str | tuple[str, str]) -> str:
    return mend_page_texts([_page(*lines)])[0]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(
            ("The Court granted a continu-", "ation of the stay."),
            "The Court granted a continuation of the stay.",
            id="soft-break-of-unknown-fragments",
        ),
        pytest.param(
            ("Oklahoma statutes apply.", "The statutes of Okla-", "homa’s water board."),
            "Oklahoma statutes apply.\nThe statutes of Oklahoma’s water board.",
            id="joined-word-seen-elsewhere",
        ),
        pytest.param(
            ("The non-compete clause is void.", "Even a narrow non-", "compete covenant fails."),
            "The non-compete clause is void.\nEven a narrow non-compete covenant fails.",
            id="hyphenated-pair-seen-elsewhere",
        ),
        pytest.param(
            ("Compacts are read under contract-", "law principles; contract and law agree."),
            "Compacts are read under contract-law principles; contract and law agree.",
            id="both-halves-are-words",
        ),
        pytest.param(
            ("Plaintiff Mary Smith-", "Jones filed suit."),
            "Plaintiff Mary Smith-Jones filed suit.",
            id="capital-after-hyphen",
        ),
        pytest.param(
            ("See Case No. 1:23-", "cv-04567 (S.D.N.Y.), Bates ACME-", "000123."),
            "See Case No. 1:23-cv-04567 (S.D.N.Y.), Bates ACME-000123.",
            id="docket-and-bates-numbers",
        ),
        pytest.param(
            ("N.C. Gen. Stat. § 14-", "306.4 and pages 283-", "288."),
            "N.C. Gen. Stat. § 14-306.4 and pages 283-288.",
            id="statute-and-page-range",
        ),
        pytest.param(
            ("PURSUANT TO THE CONTI-", "NUATION ORDER", "THE CONTINUATION WAS GRANTED"),
            "PURSUANT TO THE CONTINUATION ORDER\nTHE CONTINUATION WAS GRANTED",
            id="all-capitals-joined-word-seen",
        ),
        pytest.param(
            ("ORDER RE NON-EXPERT DISCOVERY CUT-", "San Francisco, CA 94711"),
            "ORDER RE NON-EXPERT DISCOVERY CUT-\nSan Francisco, CA 94711",
            id="capitals-then-another-column",
        ),
        pytest.param(("-2-", "ORDER"), "-2-\nORDER", id="page-number-between-dashes"),
        pytest.param(
            ("the parties agreed -", "subject to approval"),
            "the parties agreed -\nsubject to approval",
            id="dash-after-a-space",
        ),
        pytest.param(
            ("the un-", "——————", "1 A footnote."),
            "the un-\n——————\n1 A footnote.",
            id="next-line-is-not-a-word",
        ),
        pytest.param(
            ("the continu\u00ad", "ation"), "the continuation", id="soft-hyphen-character"
        ),
    ],
)
def test_line_end_hyphens(lines: tuple[str, ...], expected: str) -> None:
    assert _mended(*lines) == expected


def test_a_document_hyphenated_for_real_keeps_unknown_compounds() -> None:
    """Word-processed filings are not hyphenated automatically: every line-end hyphen is real."""
    page = _page(
        "the predominant-factor test and a reel-spinning game;",
        "under the predominant-",
        "factor test, the reel-",
        "spinning game, the vendor-",
        "plaintiffs argue",
    )
    assert mend_page_texts([page])[0].endswith(
        "under the predominant-factor test, the reel-spinning game, the vendor-plaintiffs argue"
    )


def test_a_typeset_document_joins_unknown_fragments() -> None:
    page = _page(
        "The Compact binds Oklahoma.",
        "The Com-",
        "pact binds Okla-",
        "homa, and the indi-",
        "cation is clear.",
    )
    assert mend_page_texts([page])[0].endswith(
        "The Compact binds Oklahoma, and the indication is clear."
    )


def test_the_more_frequent_form_in_the_document_wins() -> None:
    page = _page(
        "The e-mail and the email, then another email.",
        "She sent an e-",
        "mail.",
    )
    assert mend_page_texts([page])[0].endswith("She sent an email.")


def test_only_consecutive_text_lines_of_one_role_are_joined() -> None:
    pages = [
        _page("the continu-", ("12", "line-number"), "ation of the stay", "the continu-"),
        _page("ation on the next page", "the continu-", ("Page 3 of 9", "footer"), number=2),
    ]
    assert mend_page_texts(pages) == [
        "the continuation of the stay\nthe continu-",
        "ation on the next page\nthe continu-\nPage 3 of 9",
    ]


def test_a_page_without_breaks_keeps_its_text() -> None:
    page = _page("CAPTION", ("1", "line-number"), "Case No. 1:23-cv-04567", "  indented line")
    assert mend_page_texts([page]) == [page.text]


def test_breaks_record_where_and_why() -> None:
    pages = [_page("nothing here"), _page("Smith-", "Jones and the continu-", "ation", number=5)]
    breaks = find_line_breaks(pages)

    assert [(b.page, b.line, b.left, b.right, b.action) for b in breaks] == [
        (1, 0, "Smith-", "Jones", "keep"),
        (1, 1, "continu-", "ation", "join"),
    ]
    assert all(b.reason for b in breaks)
