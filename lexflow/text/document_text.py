"""One string for the whole document, with a map from character offsets back to pages.

Every later stage (chunks, mentions, relationships) addresses text by offsets into this string,
so a stored offset always means the same character whatever the chunking was. Words hyphenated
across line ends are mended here (``hyphenation``), once, so every stage sees them whole.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from lexflow.ocr.types import OcrPage
from lexflow.text.hyphenation import mend_page_texts

PAGE_SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class PageSpan:
    """Where one page's text sits in the full text: ``full_text[start:end]`` is the page.

    That is the page's text with hyphenated words mended, which equals ``OcrPage.text`` unless a
    word was hyphenated across two of its lines.
    """

    page: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DocumentText:
    """The document's text and the page each character came from."""

    full_text: str
    pages: tuple[PageSpan, ...]
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(span.start for span in self.pages))

    def page_at(self, offset: int) -> int:
        """Return the page number of the character at ``offset``.

        The separator after a page belongs to that page, and ``len(full_text)`` (the end of the
        last span) belongs to the last page, so every offset a half-open span can use has a page.

        Args:
            offset: A character offset, ``0 <= offset <= len(full_text)``.

        Returns:
            The 1-based page number as the OCR engine reported it.

        Raises:
            ValueError: The offset is outside the text, or the document has no pages.
        """
        if not self.pages or offset < 0 or offset > len(self.full_text):
            raise ValueError(f"offset {offset} is outside a text of {len(self.full_text)} chars")
        index = bisect_right(self._starts, offset) - 1
        return self.pages[max(index, 0)].page

    def page_range(self, start: int, end: int) -> tuple[int, int]:
        """Return the first and last page a half-open span ``[start, end)`` touches.

        Args:
            start: First character offset of the span.
            end: Offset just past the span's last character; ``end > start``.

        Returns:
            ``(first_page, last_page)``.
        """
        return self.page_at(start), self.page_at(max(start, end - 1))


def build_document_text(pages: Sequence[OcrPage]) -> DocumentText:
    """Join the pages' text into one string, recording each page's span.

    Pages are joined with a blank line (``"\\n\\n"``), which the chunker treats as a paragraph
    boundary, so a page break is always a preferred place to split. Within a page, a word
    hyphenated across a line end comes out whole ("continu-" + "ation" gives "continuation"),
    while a real hyphen stays ("Smith-Jones"); see ``hyphenation`` for the rules. Words are never
    joined across pages.

    Args:
        pages: The OCR pages in reading order.

    Returns:
        The full text and one ``PageSpan`` per page, in the order given.
    """
    parts: list[str] = []
    spans: list[PageSpan] = []
    offset = 0
    for i, (page, text) in enumerate(zip(pages, mend_page_texts(pages), strict=True)):
        if i:
            parts.append(PAGE_SEPARATOR)
            offset += len(PAGE_SEPARATOR)
        parts.append(text)
        spans.append(PageSpan(page=page.number, start=offset, end=offset + len(text)))
        offset += len(text)
    return DocumentText(full_text="".join(parts), pages=tuple(spans))
