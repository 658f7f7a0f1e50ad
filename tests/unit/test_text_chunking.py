import random
from itertools import pairwise

import pytest

from lexflow.ocr.types import OcrLine, OcrPage
from lexflow.text.chunking import Chunk, chunk_document
from lexflow.text.document_text import DocumentText, build_document_text


def _document(*pages: str) -> DocumentText:
    return build_document_text(
        [
            OcrPage(number=n, lines=[OcrLine(text=t, confidence=99.0) for t in page.split("\n")])
            for n, page in enumerate(pages, start=1)
        ]
    )


def _assert_well_formed(text: DocumentText, chunks: list[Chunk], size: int) -> None:
    full = text.full_text
    for i, chunk in enumerate(chunks):
        assert chunk.index == i
        assert chunk.text == full[chunk.char_start : chunk.char_end]
        assert 0 < len(chunk.text) <= size
        assert not chunk.text[0].isspace() and not chunk.text[-1].isspace()
        assert (chunk.page_start, chunk.page_end) == text.page_range(
            chunk.char_start, chunk.char_end
        )
    for before, after in pairwise(chunks):
        assert before.char_start < after.char_start
        assert before.char_end < after.char_end
        assert (
            after.char_start <= before.char_end
            or full[before.char_end : after.char_start].isspace()
        )


def test_blank_text_has_no_chunks():
    assert chunk_document(_document(), 100, 10) == []
    assert chunk_document(_document("   ", ""), 100, 10) == []


def test_short_text_is_one_chunk_without_surrounding_whitespace():
    text = _document("  Short complaint.  ")

    chunks = chunk_document(text, 100, 10)

    assert chunks == [Chunk(0, "Short complaint.", 2, 18, 1, 1)]


def test_a_paragraph_break_is_preferred_to_a_later_sentence_end():
    first = "The parties met in May. " + "They negotiated the agreement at length"
    second = "Acme then sued. The case was filed in New York and assigned."
    text = _document(f"{first}\n\n{second}")

    chunks = chunk_document(text, len(first) + 30, 0)

    assert chunks[0].text == first
    assert chunks[1].text.startswith("Acme then sued.")


def test_a_sentence_end_is_preferred_to_whitespace_but_not_after_an_abbreviation():
    sentence = "The motion was denied in Smith v. Jones, No. 22-1234."
    text = _document(f"{sentence} Mr. Smith appealed the order to the circuit court quickly")

    chunks = chunk_document(text, len(sentence) + 20, 0)

    assert chunks[0].text == sentence


def test_chunks_never_end_inside_a_word():
    words = [random.Random(3).choice(["alpha", "beta", "gamma", "delta"]) for _ in range(200)]
    text = _document(" ".join(words))
    full = text.full_text

    chunks = chunk_document(text, 37, 9)

    for chunk in chunks:
        assert chunk.char_end == len(full) or full[chunk.char_end].isspace()
        assert chunk.char_start == 0 or full[chunk.char_start - 1].isspace()


def test_a_token_longer_than_the_size_is_cut_and_the_rest_continues_without_overlap():
    token = "x" * 25
    text = _document(f"ab {token} cd")

    chunks = chunk_document(text, 10, 4)

    assert [c.text for c in chunks] == ["ab", "x" * 10, "x" * 10, "xxxxx cd"]
    _assert_well_formed(text, chunks, 10)


def test_consecutive_chunks_overlap_by_about_the_overlap_starting_at_a_word():
    text = _document(" ".join(f"word{i:03d}" for i in range(300)))
    full = text.full_text

    chunks = chunk_document(text, 120, 30)

    _assert_well_formed(text, chunks, 120)
    for before, after in pairwise(chunks):
        shared = before.char_end - after.char_start
        assert 30 - 8 <= shared <= 30
        assert full[after.char_start - 1] == " "


def test_without_overlap_chunks_are_disjoint_and_cover_every_word():
    text = _document(*(" ".join(["clause"] * 40) for _ in range(3)))

    chunks = chunk_document(text, 100, 0)

    _assert_well_formed(text, chunks, 100)
    assert "".join(c.text.replace(" ", "") for c in chunks) == text.full_text.replace(
        " ", ""
    ).replace("\n", "")


def test_page_start_and_page_end_are_the_pages_a_chunk_touches():
    text = _document("First page ends here.", "Second page text.", "Third.")

    chunks = chunk_document(text, 45, 0)

    assert [(c.text, c.page_start, c.page_end) for c in chunks] == [
        ("First page ends here.\n\nSecond page text.", 1, 2),
        ("Third.", 3, 3),
    ]


def test_random_documents_always_give_exact_covering_chunks():
    rng = random.Random(20240105)
    vocabulary = [
        "the",
        "court",
        "held",
        "Mr.",
        "Smith",
        "v.",
        "Jones",
        "No.",
        "22-1234",
        "decided.",
        "Why?",
        "ok!",
    ]
    for _ in range(150):
        pages = [
            "\n".join(
                " ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 12)))
                for _ in range(rng.randint(0, 6))
            )
            for _ in range(rng.randint(1, 4))
        ]
        text = _document(*pages)
        size = rng.randint(1, 150)
        chunks = chunk_document(text, size, rng.randint(0, size - 1))

        _assert_well_formed(text, chunks, size)
        covered = {i for c in chunks for i in range(c.char_start, c.char_end)}
        assert all(i in covered for i, ch in enumerate(text.full_text) if not ch.isspace())


def test_chunking_is_deterministic():
    text = _document("A sentence. " * 50, "Another page. " * 40)

    assert chunk_document(text, 90, 20) == chunk_document(text, 90, 20)


@pytest.mark.parametrize(("size", "overlap"), [(0, 0), (10, 10), (10, -1)])
def test_invalid_size_or_overlap_is_rejected(size: int, overlap: int):
    with pytest.raises(ValueError):
        chunk_document(_document("text"), size, overlap)
