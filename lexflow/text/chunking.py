"""Split the document text into overlapping chunks at natural boundaries.

A chunk is a span of the full text, never a copy with altered whitespace, so a mention's offsets
can be checked against any chunk. Breaks are chosen in this order: a blank line (paragraph or
page break), a sentence end, any whitespace, and only when one token is longer than the chunk
size, the middle of that token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lexflow.text.document_text import DocumentText
from lexflow.text.normalize import word_set

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)")
_WORD_START = re.compile(r"(?<=\s)\S")
_LAST_WORD = re.compile(r"(\S+?)[.!?][\"'”’)\]]*$")

# Words whose trailing period is not a sentence end in legal prose ("No. 22-1234", "v. Jones").
_ABBREVIATIONS = word_set(
    """mr mrs ms dr prof hon no nos v vs inc corp co ltd llc st jr sr esq cir ct app supp civ
    crim cal fed r p e.g i.e etc id art sec ch para pl def ex u.s u.s.c f dist n.d s.d e.d w.d
    jan feb mar apr jun jul aug sep sept oct nov dec"""
)


@dataclass(frozen=True, slots=True)
class Chunk:
    """A span of the full text: ``text == full_text[char_start:char_end]``."""

    index: int
    text: str
    char_start: int
    char_end: int
    page_start: int
    page_end: int


def chunk_document(text: DocumentText, size: int, overlap: int) -> list[Chunk]:
    """Cut the document into chunks of at most ``size`` characters that overlap a little.

    Each chunk starts and ends on a non-space character. A chunk ends at the last paragraph
    break in the second half of its window, else the last sentence end there, else the last
    whitespace in the window; a single token longer than ``size`` is cut at ``size``. The next
    chunk starts at the first word that begins within ``overlap`` characters of the previous
    chunk's end, so consecutive chunks share about ``overlap`` characters and never a partial
    word (after a cut inside an over-long token there is no overlap).

    Args:
        text: The document text from ``build_document_text``.
        size: Maximum characters per chunk, at least 1.
        overlap: Wanted shared characters between neighbours, ``0 <= overlap < size``.

    Returns:
        The chunks in document order, indexed from 0; empty for blank text.

    Raises:
        ValueError: ``size`` or ``overlap`` is out of range.
    """
    if size < 1:
        raise ValueError(f"chunk size must be positive, got {size}")
    if not 0 <= overlap < size:
        raise ValueError(f"overlap must be in [0, size), got {overlap} with size {size}")
    full = text.full_text
    content_end = len(full.rstrip())
    chunks: list[Chunk] = []
    start, prev_end = _skip_space(full, 0), 0
    while start < content_end:
        if start + size >= content_end:
            end: int | None = content_end
        else:
            end = _break_point(full, start, start + size, prev_end)
        if end is None:
            # The overlap left no room to end on a boundary past the last chunk: drop it.
            start = _skip_space(full, prev_end)
            continue
        first_page, last_page = text.page_range(start, end)
        chunks.append(
            Chunk(
                index=len(chunks),
                text=full[start:end],
                char_start=start,
                char_end=end,
                page_start=first_page,
                page_end=last_page,
            )
        )
        if end >= content_end:
            break
        start, prev_end = _next_start(full, start, end, overlap), end
    return chunks


def _break_point(full: str, start: int, hard_end: int, prev_end: int) -> int | None:
    """Best end for a chunk in ``[start, hard_end]`` that reaches past ``prev_end``.

    Returns None when the chunk overlaps its predecessor and no boundary past the predecessor's
    end fits; cutting mid-word is only allowed when the chunk starts after that end.
    """
    floor = start + (hard_end - start) // 2
    paragraphs = [m.start() for m in _PARAGRAPH_BREAK.finditer(full, floor, hard_end + 1)]
    sentences = [
        m.end()
        for m in _SENTENCE_END.finditer(full, floor, hard_end + 1)
        if not _is_abbreviation(full, start, m.end())
    ]
    space = next((pos for pos in range(hard_end, start, -1) if full[pos].isspace()), None)
    spaces = [] if space is None else [space]
    for candidates in (paragraphs, sentences, spaces):
        if candidates and _rstrip(full, start, candidates[-1]) > prev_end:
            return _rstrip(full, start, candidates[-1])
    return hard_end if start >= prev_end else None


def _is_abbreviation(full: str, start: int, end: int) -> bool:
    """Whether the period ending at ``end`` closes an abbreviation or an initial, not a sentence."""
    word_start = end
    while word_start > start and not full[word_start - 1].isspace():
        word_start -= 1
    match = _LAST_WORD.search(full, word_start, end)
    if match is None:
        return False
    word = match.group(1).lstrip("(\"'“‘[").lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _next_start(full: str, start: int, end: int, overlap: int) -> int:
    """Start of the chunk after ``[start, end)``: a word start about ``overlap`` chars back."""
    target = max(end - overlap, start + 1)
    match = _WORD_START.search(full, target, end)
    return match.start() if match else _skip_space(full, end)


def _skip_space(full: str, pos: int) -> int:
    while pos < len(full) and full[pos].isspace():
        pos += 1
    return pos


def _rstrip(full: str, start: int, end: int) -> int:
    while end > start and full[end - 1].isspace():
        end -= 1
    return end
