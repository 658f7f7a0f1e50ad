"""lexflow.inspect: type by magic bytes, limits, damage and encryption, streaming SHA-256."""

from __future__ import annotations

import hashlib
import os
import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

from lexflow import inspect as inspection
from lexflow.errors import (
    BadDocumentError,
    DocumentTooLargeError,
    LexflowError,
    SourceNotFoundError,
    TransientError,
    UnsupportedDocumentError,
)
from lexflow.inspect import DocumentInfo, inspect_file, inspect_stream
from tests import docgen

MAX_BYTES, MAX_PAGES = 50 * 1024 * 1024, 100
LIMITS = {"max_bytes": MAX_BYTES, "max_pages": MAX_PAGES}


def _inspect(path: Path, **limits: int) -> DocumentInfo:
    return inspect_file(path, **{**LIMITS, **limits})


def _chunks(data: bytes, size: int = 1000) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


# --- inputs that must be refused -----------------------------------------------------------------


def _damaged_pdf(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\ngarbage\n%%EOF\n")
    return path


def _truncated_png(path: Path) -> Path:
    data = docgen.write_png(path, size_in=(4, 3)).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _truncated_jpeg(path: Path) -> Path:
    data = docgen.write_jpeg(path, size_in=(4, 3)).read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _pdf_without_eof(path: Path) -> Path:
    data = docgen.pdf_bytes([docgen.TextPage(docgen.CAPTION)])
    path.write_bytes(data[: data.rindex(b"startxref")])
    return path


BAD_INPUTS: list[tuple[str, Callable[[Path], Path], type[LexflowError], str]] = [
    ("report.pdf", docgen.empty_file, UnsupportedDocumentError, "report.pdf: file is empty"),
    (
        "report.pdf",
        docgen.zip_file,
        UnsupportedDocumentError,
        "report.pdf is not a PDF: it starts like a ZIP archive",
    ),
    (
        "brief.pdf",
        docgen.html_file,
        UnsupportedDocumentError,
        "brief.pdf is not a PDF: it starts like an HTML page",
    ),
    ("notes.pdf", docgen.plain_text_file, UnsupportedDocumentError, "it starts like plain text"),
    (
        "scan.tif",
        docgen.gif_file,
        UnsupportedDocumentError,
        "scan.tif is not a TIFF image: it starts like a GIF image",
    ),
    (
        "memo.docx",
        docgen.zip_file,
        UnsupportedDocumentError,
        "memo.docx is not a supported document (PDF, PNG, JPEG or TIFF): it starts like a ZIP",
    ),
    ("cut.pdf", docgen.truncated_pdf, BadDocumentError, "PDF is truncated or damaged"),
    ("noeof.pdf", _pdf_without_eof, BadDocumentError, "PDF is truncated or damaged"),
    ("broken.pdf", _damaged_pdf, BadDocumentError, "PDF is truncated or damaged"),
    ("locked.pdf", docgen.encrypted_pdf, BadDocumentError, "PDF is password-protected"),
    ("cut.png", _truncated_png, BadDocumentError, "PNG image is truncated or damaged"),
    ("cut.jpg", _truncated_jpeg, BadDocumentError, "JPEG image is truncated or damaged"),
]


@pytest.mark.parametrize(
    ("name", "make", "error", "message"),
    BAD_INPUTS,
    ids=[f"{name}-{make.__name__.strip('_')}" for name, make, _, _ in BAD_INPUTS],
)
def test_bad_input_is_refused_with_a_clear_message(
    tmp_path: Path,
    name: str,
    make: Callable[[Path], Path],
    error: type[LexflowError],
    message: str,
) -> None:
    path = make(tmp_path / name)
    with pytest.raises(error) as caught:
        _inspect(path)
    assert type(caught.value) is error
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_missing_file_is_source_not_found(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFoundError, match=r"missing\.pdf cannot be read"):
        _inspect(tmp_path / "missing.pdf")


def test_directory_is_source_not_found(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFoundError, match="is a directory"):
        _inspect(tmp_path)


def test_unreadable_file_is_source_not_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chmod 0 cannot stop root (CI runs as root), so the permission error is raised directly.
    path = docgen.born_digital_pdf(tmp_path / "secret.pdf")

    def denied(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", denied)
    with pytest.raises(SourceNotFoundError, match="cannot be read"):
        _inspect(path)


def test_size_limit_names_the_setting(tmp_path: Path) -> None:
    path = docgen.born_digital_pdf(tmp_path / "complaint.pdf")
    with pytest.raises(DocumentTooLargeError) as caught:
        _inspect(path, max_bytes=1000)
    assert "complaint.pdf is 1.7 KiB" in str(caught.value)
    assert "MAX_DOCUMENT_BYTES=1000" in str(caught.value)


@pytest.mark.parametrize("make", [docgen.born_digital_pdf, docgen.write_tiff])
def test_page_limit_names_the_setting(tmp_path: Path, make: Callable[[Path], Path]) -> None:
    path = make(tmp_path / "doc")
    with pytest.raises(
        DocumentTooLargeError, match=r"has 2 pages, over the limit of 1 set by MAX_DOCUMENT_PAGES=1"
    ):
        _inspect(path, max_pages=1)


# --- inputs that are accepted --------------------------------------------------------------------


def test_born_digital_pdf(tmp_path: Path) -> None:
    info = _inspect(docgen.born_digital_pdf(tmp_path / "complaint.pdf"))
    assert (info.media_type, info.page_count) == ("application/pdf", 2)
    assert info.has_text_layer is True
    assert info.text_layer_pages == (1, 2)
    assert info.ocr_pages == ()
    assert info.encrypted is False


def test_scanned_pdf_has_no_text_layer(tmp_path: Path) -> None:
    info = _inspect(docgen.scanned_pdf(tmp_path / "scan.pdf", size_in=(8.5, 6.5)))
    assert (info.page_count, info.has_text_layer, info.text_layer_pages) == (1, False, ())
    assert info.ocr_pages == (1,)


def test_mixed_pdf_lists_only_the_text_page(tmp_path: Path) -> None:
    info = _inspect(docgen.mixed_pdf(tmp_path / "mixed.pdf", size_in=(8.5, 6)))
    assert (info.page_count, info.has_text_layer) == (2, True)
    assert (info.text_layer_pages, info.ocr_pages) == ((1,), (2,))


def test_scan_with_a_small_text_stamp_still_needs_ocr(tmp_path: Path) -> None:
    """An ECF header or Bates number over a scanned page must not pass for the page's text."""
    stamp = "Case 1:23-cv-04567 Document 12 Filed 04/03/24 Page 1 of 9 ACME-000123"
    scan = docgen.ScanPage(docgen.text_image(docgen.ORDER, size_in=(8.5, 6)), stamp=stamp)
    path = tmp_path / "stamped.pdf"
    path.write_bytes(docgen.pdf_bytes([scan], size=(612, 432)))
    assert _inspect(path).text_layer_pages == ()


@pytest.mark.parametrize(
    ("make", "media_type", "pages"),
    [
        (docgen.write_png, "image/png", 1),
        (docgen.write_jpeg, "image/jpeg", 1),
        (docgen.write_tiff, "image/tiff", 2),
    ],
)
def test_images(tmp_path: Path, make: Callable[..., Path], media_type: str, pages: int) -> None:
    info = _inspect(make(tmp_path / "exhibit", size_in=(4, 3)))
    assert (info.media_type, info.page_count) == (media_type, pages)
    assert (info.has_text_layer, info.text_layer_pages, info.encrypted) == (None, (), False)


def test_type_comes_from_content_not_extension(tmp_path: Path) -> None:
    assert (
        _inspect(docgen.write_png(tmp_path / "exhibit.pdf", size_in=(4, 3))).media_type
        == "image/png"
    )
    assert (
        _inspect(docgen.born_digital_pdf(tmp_path / "download.bin")).media_type == "application/pdf"
    )


def test_pdf_readable_without_password_is_accepted_and_flagged(tmp_path: Path) -> None:
    info = _inspect(docgen.encrypted_pdf(tmp_path / "restricted.pdf", user_password=""))
    assert info.encrypted is True
    assert info.text_layer_pages == (1,)


# --- hashing and streaming -----------------------------------------------------------------------


def _noise_png(path: Path) -> Path:
    """An incompressible PNG of about 1.5 MB: more than one 1 MiB chunk."""
    Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3)).save(path, format="PNG")
    return path


@pytest.mark.parametrize("make", [docgen.born_digital_pdf, _noise_png])
def test_sha256_matches_hashlib(tmp_path: Path, make: Callable[[Path], Path]) -> None:
    path = make(tmp_path / "doc")
    info = _inspect(path)
    assert info.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert info.size_bytes == path.stat().st_size


def test_file_is_hashed_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _noise_png(tmp_path / "noise.png")
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    reads: list[int] = []
    real_open = Path.open

    def spying_open(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        file = real_open(self, *args, **kwargs)  # type: ignore[call-overload]
        real_read = file.read

        def read(n: int = -1) -> bytes:
            reads.append(n)
            return real_read(n)

        file.read = read
        return file

    monkeypatch.setattr(Path, "open", spying_open)
    assert inspect_file(path, max_bytes=MAX_BYTES, max_pages=MAX_PAGES).sha256 == expected
    assert reads and all(0 < n <= inspection.CHUNK_SIZE for n in reads)


def test_stream_matches_file(tmp_path: Path) -> None:
    path = docgen.mixed_pdf(tmp_path / "mixed.pdf", size_in=(8.5, 6))
    data = path.read_bytes()
    spool = tmp_path / "spooled.pdf"
    info = inspect_stream(
        _chunks(data),
        size=len(data),
        name="mixed.pdf",
        spool_path=spool,
        max_bytes=MAX_BYTES,
        max_pages=MAX_PAGES,
    )
    assert info == _inspect(path)
    assert spool.read_bytes() == data


def test_stream_head_from_ranged_get(tmp_path: Path) -> None:
    data = docgen.born_digital_pdf(tmp_path / "c.pdf").read_bytes()
    info = inspect_stream(
        _chunks(data, 7),
        head=data[:64],
        size=len(data),
        name="c.pdf",
        max_bytes=MAX_BYTES,
        max_pages=MAX_PAGES,
    )
    assert info.sha256 == hashlib.sha256(data).hexdigest()


def test_stream_refuses_oversize_before_reading(tmp_path: Path) -> None:
    def never() -> Iterator[bytes]:
        raise AssertionError("read a chunk of an oversized object")
        yield b""

    with pytest.raises(DocumentTooLargeError, match="MAX_DOCUMENT_BYTES"):
        inspect_stream(
            never(), size=10**9, name="huge.pdf", max_bytes=MAX_BYTES, max_pages=MAX_PAGES
        )


def test_stream_refuses_wrong_type_after_first_chunk(tmp_path: Path) -> None:
    data = _noise_png(tmp_path / "n.png").read_bytes()
    handed_out: list[int] = []

    def body() -> Iterator[bytes]:
        for chunk in _chunks(data, 64 * 1024):
            handed_out.append(len(chunk))
            yield b"PK\x03\x04" + chunk[4:] if not handed_out[:-1] else chunk

    with pytest.raises(
        UnsupportedDocumentError, match=r"deposition\.pdf is not a PDF: it starts like a ZIP"
    ):
        inspect_stream(
            body(), size=len(data), name="deposition.pdf", max_bytes=MAX_BYTES, max_pages=MAX_PAGES
        )
    assert len(handed_out) == 1


def test_stream_cut_short_is_transient(tmp_path: Path) -> None:
    data = docgen.born_digital_pdf(tmp_path / "c.pdf").read_bytes()
    with pytest.raises(TransientError, match="stream ended after"):
        inspect_stream(
            _chunks(data[:-100]),
            size=len(data),
            name="c.pdf",
            max_bytes=MAX_BYTES,
            max_pages=MAX_PAGES,
        )


def test_stream_changed_since_head_is_transient(tmp_path: Path) -> None:
    data = docgen.born_digital_pdf(tmp_path / "c.pdf").read_bytes()
    with pytest.raises(TransientError, match="changed while it was being read"):
        inspect_stream(
            _chunks(data),
            head=b"%PDF-1.7\n",
            size=len(data),
            name="c.pdf",
            max_bytes=MAX_BYTES,
            max_pages=MAX_PAGES,
        )


def test_empty_stream(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedDocumentError, match="file is empty"):
        inspect_stream(
            iter([b""]), size=0, name="blank.pdf", max_bytes=MAX_BYTES, max_pages=MAX_PAGES
        )


# --- bytes after %%EOF, and downloads cut short --------------------------------------------------


def _two_page_pdf() -> bytes:
    return docgen.pdf_bytes([docgen.TextPage(docgen.CAPTION), docgen.TextPage(docgen.CONTRACT)])


def _with_redaction(base: bytes) -> bytes:
    """``base`` with an incremental update replacing page 1's content (object 5) by "REDACTED"."""
    size = int(base[base.rindex(b"/Size ") + 6 :].split(maxsplit=1)[0])
    prev = int(base[base.rindex(b"startxref") + 9 :].split(maxsplit=1)[0])
    content = b"BT /F1 11 Tf 72 700 Td (REDACTED) Tj ET"
    update = b"5 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (len(content), content)
    xref = len(base) + len(update)
    update += b"xref\n0 1\n0000000000 65535 f \n5 1\n%010d 00000 n \n" % len(base)
    update += b"trailer\n<< /Size %d /Root 1 0 R /Prev %d >>\n" % (size, prev)
    return base + update + b"startxref\n%d\n%%%%EOF\n" % xref


AFTER_EOF = {
    "nul-5KB": b"\x00" * 5000,
    "nul-1MB": b"\x00" * (1024 * 1024),
    "whitespace": b"\r\n \t\n" * 1500,
    "garbage": bytes(random.Random(11).randrange(256) for _ in range(6000)),
    "html-page": b"<!DOCTYPE html>\n<html><body>" + b"<p>Session expired</p>" * 300 + b"</html>\n",
}


@pytest.mark.parametrize("extra", AFTER_EOF.values(), ids=AFTER_EOF.keys())
def test_bytes_after_the_last_eof_do_not_make_a_readable_pdf_bad(
    tmp_path: Path, extra: bytes
) -> None:
    """Court systems pad PDFs with NULs; every reader opens them, so must we (issue 11)."""
    data = _two_page_pdf() + extra
    path = tmp_path / "padded.pdf"
    path.write_bytes(data)

    info = _inspect(path)
    streamed = inspect_stream(
        _chunks(data, 64 * 1024),
        size=len(data),
        name="padded.pdf",
        max_bytes=MAX_BYTES,
        max_pages=MAX_PAGES,
    )

    assert (info.page_count, info.text_layer_pages) == (2, (1, 2))
    assert streamed == info


def test_pdf_whose_writer_left_out_the_final_eof_is_accepted(tmp_path: Path) -> None:
    data = _two_page_pdf()
    path = tmp_path / "no-eof-marker.pdf"
    path.write_bytes(data[: data.rindex(b"%%EOF")])

    assert _inspect(path).page_count == 2


@pytest.mark.parametrize(
    "cut_before",
    [b"endstream", b"\nendobj", b"xref\n0 1", b"trailer", b"startxref"],
    ids=[
        "in-the-stream",
        "before-endobj",
        "before-the-xref",
        "before-the-trailer",
        "before-startxref",
    ],
)
def test_download_cut_inside_an_incremental_update_is_refused(
    tmp_path: Path, cut_before: bytes
) -> None:
    """pdfium reads such a file as its older revision (the unredacted page): every page loads,
    and the older revision's %%EOF is among the last bytes, so only the structure shows the cut."""
    data = _with_redaction(_two_page_pdf())
    whole, cut = tmp_path / "whole.pdf", tmp_path / "cut.pdf"
    whole.write_bytes(data)
    data = data[: data.rindex(cut_before)]
    cut.write_bytes(data)

    assert _inspect(whole).page_count == 2
    with pytest.raises(BadDocumentError, match=r"PDF is truncated or damaged: .*cut short"):
        _inspect(cut)
    with pytest.raises(BadDocumentError, match=r"PDF is truncated or damaged: .*cut short"):
        inspect_stream(
            _chunks(data, 7),
            size=len(data),
            name="cut.pdf",
            max_bytes=MAX_BYTES,
            max_pages=MAX_PAGES,
        )


@pytest.mark.parametrize("chunk", [1, 2, 5, 8, 9, 64])
def test_end_scan_finds_markers_split_across_chunks(chunk: int) -> None:
    data = _two_page_pdf()
    whole, pieces = inspection.PdfEndScan(), inspection.PdfEndScan()
    whole.feed(data)
    for piece in _chunks(data, chunk):
        pieces.feed(piece)

    assert (pieces.last_object, pieces.last_xref_pointer) == (
        data.rindex(b"endobj"),
        data.rindex(b"startxref"),
    )
    assert (whole.last_object, whole.last_xref_pointer) == (
        pieces.last_object,
        pieces.last_xref_pointer,
    )
    assert not pieces.cut_inside_revision


@pytest.mark.parametrize("chunk", [1, 3, 7, 64])
def test_end_scan_sees_an_object_cut_in_half_whatever_the_chunks(chunk: int) -> None:
    data = _with_redaction(_two_page_pdf())
    data = data[: data.rindex(b"endstream")]
    scan = inspection.PdfEndScan()
    for piece in _chunks(data, chunk):
        scan.feed(piece)

    assert scan.last_object == data.rindex(b"5 0 obj")
    assert scan.cut_inside_revision
