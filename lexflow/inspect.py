"""Validate and describe an input document before anything expensive runs.

The type comes from the file's first bytes, never its name; the size limit is checked before a byte
is read; the SHA-256 is computed while streaming in 1 MiB chunks, so a 500 MB scan never sits in
memory whole. ``inspect_file`` serves local paths, ``inspect_stream`` an S3 object body.

Encrypted PDFs: one that needs a password to open is rejected ("PDF is password-protected"). One
encrypted with an empty user password (only an owner password restricting printing or copying,
common on court and e-filing downloads) opens without a password in pdfium, so it is accepted and
reported with ``encrypted=True``; a stage that cannot handle encryption (Textract) can route on it.

Damage: a PDF is accepted when pdfium opens it and every page it declares loads; whatever follows
the last ``%%EOF`` (NUL padding from court systems, whitespace, an HTML error page, a second copy)
does not matter, as it does not to any PDF reader. A download cut short is still refused, even when
pdfium rebuilds it and its pages load: the lost bytes may be an incremental update (a redaction,
a signature, added pages) and what pdfium shows is then the older revision. Every revision of a
PDF ends with ``startxref`` (the pointer to its cross-reference section), so a file whose last
object (``12 0 obj ... endobj``) has no ``startxref`` after it stops inside a revision: it was cut.
pdfium's own flag (``FPDF_DocumentHasValidCrossReferenceTable``) cannot tell: it is false for any
file padded with more than about 1 KiB, and true for one cut inside an incremental update. The
check follows the stream (``PdfEndScan``), so it needs no more memory than the hashing does.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from lexflow.errors import (
    BadDocumentError,
    DocumentTooLargeError,
    SourceNotFoundError,
    TransientError,
    UnsupportedDocumentError,
)
from lexflow.ocr import render
from lexflow.ocr.text_layer import PageReading, assess_page

MEDIA_TYPE_PDF = "application/pdf"
MEDIA_TYPE_PNG = "image/png"
MEDIA_TYPE_JPEG = "image/jpeg"
MEDIA_TYPE_TIFF = "image/tiff"
SUPPORTED_MEDIA_TYPES = frozenset(
    {MEDIA_TYPE_PDF, MEDIA_TYPE_PNG, MEDIA_TYPE_JPEG, MEDIA_TYPE_TIFF}
)

CHUNK_SIZE = 1024 * 1024
HEAD_SIZE = 8192
"""Bytes needed to recognise a type (a PDF header may sit anywhere in the first 1024)."""
_OBJECT_HEADER = re.compile(rb"\d[\x00\t\n\f\r ]+\d+[\x00\t\n\f\r ]+obj")
"""``12 0 obj``, where an object starts (``endobj`` is not matched: no digits before it)."""
_OBJECT_END = b"endobj"
_XREF_POINTER = b"startxref"
_CARRY = 64
"""Bytes kept from one chunk to the next, so a marker cut in two by a chunk boundary is seen."""

_CLAIMED = {
    ".pdf": "a PDF",
    ".png": "a PNG image",
    ".jpg": "a JPEG image",
    ".jpeg": "a JPEG image",
    ".tif": "a TIFF image",
    ".tiff": "a TIFF image",
}

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Microsoft Office file (.doc, .xls or .msg)"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"{\\rtf", "an RTF document"),
    (b"%!PS", "a PostScript file"),
    (b"II+\x00", "a BigTIFF image"),
    (b"MM\x00+", "a BigTIFF image"),
    (b"\x00\x00\x00\x0cjP  ", "a JPEG 2000 image"),
    (b"AT&TFORM", "a DjVu document"),
    (b"\x7fELF", "an executable program"),
    (b"MZ", "a Windows executable program"),
)


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """What ``inspect_file``/``inspect_stream`` learned about a valid document."""

    sha256: str
    """Hex SHA-256 of the whole file."""
    size_bytes: int
    media_type: str
    """``application/pdf``, ``image/png``, ``image/jpeg`` or ``image/tiff``, from magic bytes."""
    page_count: int
    has_text_layer: bool | None
    """PDFs: whether any page has a usable text layer. Images: ``None`` (not applicable)."""
    text_layer_pages: tuple[int, ...]
    """1-based pages whose text layer holds the page's content, so OCR can skip them
    (``lexflow.ocr.text_layer``: a stamped header over a scan does not)."""
    encrypted: bool
    """A PDF encrypted with an empty user password (readable, restricted by an owner password)."""

    @property
    def ocr_pages(self) -> tuple[int, ...]:
        """1-based pages that need OCR."""
        done = set(self.text_layer_pages)
        return tuple(n for n in range(1, self.page_count + 1) if n not in done)


def inspect_file(
    path: Path,
    *,
    max_bytes: int,
    max_pages: int,
    min_text_chars: int = render.MIN_TEXT_LAYER_CHARS,
) -> DocumentInfo:
    """Validate and describe a local file.

    Raises:
        SourceNotFoundError: ``path`` is missing, a directory, or unreadable.
        UnsupportedDocumentError: empty, or not a PDF, PNG, JPEG or TIFF.
        DocumentTooLargeError: over ``max_bytes`` (MAX_DOCUMENT_BYTES) or ``max_pages``
            (MAX_DOCUMENT_PAGES).
        BadDocumentError: truncated, damaged or password-protected.
    """
    path = Path(path)
    try:
        if path.is_dir():
            raise SourceNotFoundError(f"{path} is a directory, not a document")
        check_size(path.stat().st_size, max_bytes=max_bytes, name=path.name)
        with path.open("rb") as file:
            media_type = sniff_media_type(file.read(HEAD_SIZE), name=path.name)
            file.seek(0)
            digest, size, end = hashlib.sha256(), 0, PdfEndScan()
            for chunk in iter(lambda: file.read(CHUNK_SIZE), b""):
                digest.update(chunk)
                size += len(chunk)
                end.feed(chunk)
    except OSError as exc:
        raise SourceNotFoundError(f"{path} cannot be read: {exc.strerror or exc}") from exc
    check_size(size, max_bytes=max_bytes, name=path.name)  # it may have grown since stat()
    if media_type == MEDIA_TYPE_PDF:
        check_pdf_end(end)
    return _describe(
        path, path.name, media_type, digest.hexdigest(), size, max_pages, min_text_chars
    )


def inspect_stream(
    chunks: Iterable[bytes],
    *,
    size: int,
    name: str,
    max_bytes: int,
    max_pages: int,
    head: bytes | None = None,
    spool_path: Path | None = None,
    min_text_chars: int = render.MIN_TEXT_LAYER_CHARS,
) -> DocumentInfo:
    """Validate and describe a document read as a stream of chunks (an S3 object body).

    ``size`` (the object's ContentLength) is checked before any chunk is read, and ``head`` (the
    first bytes, from a ranged GET) or else the first chunk is sniffed before the rest is read, so
    a wrong or oversized object is refused without downloading it. Chunks are hashed as they pass
    and written to ``spool_path`` (kept, for the OCR stage) or to a temporary file (deleted):
    counting a PDF's pages needs the whole file, and its cross-reference table sits at the end.

    Args:
        chunks: The body, ideally in ``CHUNK_SIZE`` pieces (``body.iter_chunks(CHUNK_SIZE)``).
        size: Declared length in bytes.
        name: Name for messages (the key's last part).

    Raises:
        The errors of ``inspect_file``, and ``TransientError`` when the stream ends before
        ``size`` bytes or its first bytes differ from ``head`` (the object changed meanwhile).
    """
    check_size(size, max_bytes=max_bytes, name=name)
    stream = _rechunk(chunks)
    first = next(stream, b"")
    media_type = sniff_media_type(first if head is None else head, name=name)
    if head is not None and not first.startswith(head[: len(first)]):
        raise TransientError(f"{name} changed while it was being read")
    if spool_path is not None:
        return _spool(first, stream, spool_path, size, name, media_type, max_pages, min_text_chars)
    with tempfile.TemporaryDirectory(prefix="lexflow-inspect-") as folder:
        target = Path(folder) / "document"
        return _spool(first, stream, target, size, name, media_type, max_pages, min_text_chars)


def _rechunk(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The same bytes, the first piece at least ``HEAD_SIZE`` long unless the stream is shorter."""
    iterator = iter(chunks)
    first = b""
    for chunk in iterator:
        first += chunk
        if len(first) >= HEAD_SIZE:
            break
    if first:
        yield first
    for chunk in iterator:
        if chunk:
            yield chunk


def _spool(
    first: bytes,
    rest: Iterator[bytes],
    target: Path,
    size: int,
    name: str,
    media_type: str,
    max_pages: int,
    min_text_chars: int,
) -> DocumentInfo:
    digest, total, end = hashlib.sha256(), len(first), PdfEndScan()
    digest.update(first)
    end.feed(first)
    try:
        with target.open("wb") as out:
            out.write(first)
            for chunk in rest:
                total += len(chunk)
                if total > size:
                    raise TransientError(f"{name}: stream is longer than its declared {size} bytes")
                digest.update(chunk)
                out.write(chunk)
                end.feed(chunk)
    except OSError as exc:
        raise TransientError(f"cannot spool {name} to {target}: {exc.strerror or exc}") from exc
    if total != size:
        raise TransientError(f"{name}: stream ended after {total} of {size} bytes")
    if media_type == MEDIA_TYPE_PDF:
        check_pdf_end(end)
    return _describe(target, name, media_type, digest.hexdigest(), total, max_pages, min_text_chars)


def sniff_media_type(head: bytes, *, name: str = "document") -> str:
    """The media type of a document from its first bytes (``HEAD_SIZE`` is plenty).

    Raises:
        UnsupportedDocumentError: empty, or not a PDF, PNG, JPEG or TIFF; the message says what
            the bytes look like instead.
    """
    if not head:
        raise UnsupportedDocumentError(f"{name}: file is empty (0 bytes)")
    if b"%PDF-" in head[:1024]:
        return MEDIA_TYPE_PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return MEDIA_TYPE_PNG
    if head.startswith(b"\xff\xd8\xff"):
        return MEDIA_TYPE_JPEG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return MEDIA_TYPE_TIFF
    looks_like = describe_content(head)
    claimed = _CLAIMED.get(Path(name).suffix.lower())
    if claimed:
        raise UnsupportedDocumentError(f"{name} is not {claimed}: it starts like {looks_like}")
    raise UnsupportedDocumentError(
        f"{name} is not a supported document (PDF, PNG, JPEG or TIFF): it starts like {looks_like}"
    )


def describe_content(head: bytes) -> str:
    """A human description of what unsupported bytes look like: "a ZIP archive", "HTML"..."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        for marker, kind in (
            (b"word/", "Word .docx"),
            (b"xl/", "Excel .xlsx"),
            (b"ppt/", "PowerPoint .pptx"),
        ):
            if marker in head:
                return f"a ZIP archive (a {kind} document)"
        return "a ZIP archive"
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP image"
    if head[4:8] == b"ftyp":
        heif = head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"avif")
        return "a HEIC/HEIF image" if heif else "a video or other ISO media file"
    if head.startswith(b"BM") and head[6:10] == b"\x00\x00\x00\x00":
        return "a BMP image"
    text = _as_text(head)
    if text is None:
        return f"unrecognised binary data (first bytes {head[:8].hex(' ')})"
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith(("<!doctype html", "<html", "<head", "<body")) or "<html" in start[:1024]:
        return "an HTML page"
    if start.startswith(("<?xml", "<svg")):
        return "an SVG image" if "<svg" in start[:2048] else "an XML document"
    if start.startswith(("from:", "received:", "return-path:", "mime-version:", "message-id:")):
        return "an email message"
    return "plain text"


def _as_text(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    if b"\x00" in head:
        return None
    text = head.decode("utf-8", errors="replace")
    odd = sum(ch == "\ufffd" or (ch < " " and ch not in "\t\r\n\f") for ch in text)
    return text if odd <= 0.05 * len(text) else None


def check_size(size: int, *, max_bytes: int, name: str = "document") -> None:
    """Raises DocumentTooLargeError when ``size`` exceeds ``max_bytes`` (MAX_DOCUMENT_BYTES)."""
    if size > max_bytes:
        raise DocumentTooLargeError(
            f"{name} is {_human(size)} ({size} bytes), over the limit of {_human(max_bytes)} "
            f"set by MAX_DOCUMENT_BYTES={max_bytes}"
        )


def check_page_count(pages: int, *, max_pages: int, name: str = "document") -> None:
    """Raises DocumentTooLargeError when ``pages`` exceeds ``max_pages`` (MAX_DOCUMENT_PAGES)."""
    if pages > max_pages:
        raise DocumentTooLargeError(
            f"{name} has {pages} pages, over the limit of {max_pages} "
            f"set by MAX_DOCUMENT_PAGES={max_pages}"
        )


class PdfEndScan:
    """Follows a file chunk by chunk and remembers where its last object and last ``startxref`` are.

    Only two offsets and a few carried-over bytes are kept (a marker may straddle two chunks),
    so a 500 MB file costs no memory.
    """

    def __init__(self) -> None:
        self.last_object = -1
        """Offset of the last object header (``12 0 obj``) or ``endobj``; -1 when there is none."""
        self.last_xref_pointer = -1
        """Offset of the last ``startxref``, -1 when there is none."""
        self._seen = 0
        self._carry = b""

    def feed(self, chunk: bytes) -> None:
        """Scan the next ``chunk`` of the file."""
        data = self._carry + chunk
        base = self._seen - len(self._carry)
        positions = [m.start() for m in _OBJECT_HEADER.finditer(data)][-1:]
        positions.append(data.rfind(_OBJECT_END))
        found = max(positions)
        if found >= 0:
            self.last_object = max(self.last_object, base + found)
        found = data.rfind(_XREF_POINTER)
        if found >= 0:
            self.last_xref_pointer = max(self.last_xref_pointer, base + found)
        self._seen += len(chunk)
        self._carry = data[-_CARRY:]

    @property
    def cut_inside_revision(self) -> bool:
        """Whether the file stops before the ``startxref`` that must follow its last object."""
        return self.last_xref_pointer < 0 or self.last_object > self.last_xref_pointer


def check_pdf_end(scan: PdfEndScan) -> None:
    """Raises BadDocumentError when a PDF was cut short inside its last revision.

    Bytes after the final ``%%EOF`` are not judged here; whether the PDF opens and its pages
    load is checked by pdfium afterwards.
    """
    if scan.cut_inside_revision:
        raise BadDocumentError(
            "PDF is truncated or damaged: it stops before the cross-reference section (startxref) "
            "that must follow its last object, so it was probably cut short"
        )


def _human(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _describe(
    path: Path,
    name: str,
    media_type: str,
    sha256: str,
    size: int,
    max_pages: int,
    min_text_chars: int,
) -> DocumentInfo:
    if media_type == MEDIA_TYPE_PDF:
        pages, text_pages, encrypted = _describe_pdf(path, name, max_pages, min_text_chars)
        has_text: bool | None = bool(text_pages)
    else:
        pages, text_pages, encrypted = _count_frames(path, name, media_type, max_pages), (), False
        has_text = None
    return DocumentInfo(
        sha256=sha256,
        size_bytes=size,
        media_type=media_type,
        page_count=pages,
        has_text_layer=has_text,
        text_layer_pages=text_pages,
        encrypted=encrypted,
    )


def _describe_pdf(
    path: Path, name: str, max_pages: int, min_text_chars: int
) -> tuple[int, tuple[int, ...], bool]:
    pdf = render.open_pdf(path)
    try:
        with render.PDFIUM_LOCK:
            pages = len(pdf)
            encrypted = render.is_encrypted(pdf)
        check_page_count(pages, max_pages=max_pages, name=name)
        text_pages = []
        for number in range(1, pages + 1):
            with render.PDFIUM_LOCK:  # per page, so other threads' pdfium work interleaves
                page = render.load_page(pdf, number)
                try:
                    verdict = assess_page(page, min_chars=min_text_chars)
                    if verdict.reading is PageReading.TEXT_LAYER:
                        text_pages.append(number)
                finally:
                    page.close()
        return pages, tuple(text_pages), encrypted
    finally:
        with render.PDFIUM_LOCK:
            pdf.close()


def _count_frames(path: Path, name: str, media_type: str, max_pages: int) -> int:
    """Frames of an image; decodes the first and the last, where truncation shows."""
    kind = media_type.removeprefix("image/").upper()
    try:
        with Image.open(path) as image:
            frames = int(getattr(image, "n_frames", 1))
            check_page_count(frames, max_pages=max_pages, name=name)
            image.load()
            if frames > 1:
                image.seek(frames - 1)
                image.load()
            return frames
    except Image.DecompressionBombError as exc:
        raise DocumentTooLargeError(
            f"{name} is too large an image to decode safely: {exc}"
        ) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise BadDocumentError(f"{kind} image is truncated or damaged: {exc}") from exc
