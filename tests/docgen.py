"""Generate small, realistic legal test documents at test time.

Nothing binary lives in the repository except what ``scripts/make_samples.py`` writes into
``samples/``: every test builds the documents it needs from the functions here.

The PDFs come from a tiny hand-written PDF writer (``_PdfWriter``) because neither Pillow nor
pypdfium2 writes a text layer conveniently: born-digital pages are Helvetica text objects, "scanned"
pages are a grayscale image of text drawn by Pillow with a DejaVu TrueType font (Debian package
``fonts-dejavu-core``). The encrypted PDF uses the standard security handler, revision 2 (RC4,
40-bit), computed properly, so pdfium opens it with the password and refuses it without.
"""

from __future__ import annotations

import hashlib
import io
import random
import struct
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))

CAPTION = (
    "UNITED STATES DISTRICT COURT",
    "SOUTHERN DISTRICT OF NEW YORK",
    "",
    "ACME CORPORATION,",
    "Plaintiff,",
    "v.",
    "JOHN SMITH,",
    "Defendant.",
    "",
    "Case No. 1:23-cv-04567",
    "",
    "COMPLAINT FOR BREACH OF CONTRACT",
    "",
    "1. Plaintiff Acme Corporation brings this action against Defendant",
    "John Smith for breach of the Services Agreement dated March 15, 2021.",
    "2. This Court has jurisdiction under 28 U.S.C. 1332 because the",
    "amount in controversy exceeds $75,000, exclusive of interest and costs.",
)

CONTRACT = (
    "SERVICES AGREEMENT",
    "",
    "Section 4.2 Payment. Client shall pay Provider the sum of $125,000.00",
    "on or before June 30, 2023, and a monthly fee of $8,500.00 thereafter.",
    "Section 7.1 Term. This Agreement commences on January 1, 2023 and",
    "terminates on December 31, 2025 unless renewed in writing by both parties.",
    "Section 9.4 Governing Law. This Agreement is governed by the laws of",
    "the State of New York, without regard to its conflict of laws rules.",
)

ORDER = (
    "ORDER GRANTING MOTION TO DISMISS",
    "",
    "For the reasons stated on the record, the motion of Defendant John Smith",
    "is GRANTED. See Smith v. Jones, 123 F.3d 456 (2d Cir. 1997).",
    "The Clerk of Court is directed to close Case No. 1:23-cv-04567.",
    "",
    "SO ORDERED.",
    "Dated: New York, New York, April 3, 2024",
    "Hon. Jane Doe, United States District Judge",
)

LETTER = (
    "SETTLEMENT AGREEMENT AND RELEASE",
    "",
    "This Settlement Agreement is entered into on May 1, 2024 between",
    "Acme Corporation and John Smith. Smith shall pay Acme $40,000.00",
    "within thirty (30) days. Each party releases all claims arising",
    "from the Services Agreement dated March 15, 2021.",
)

LETTER_PAGE_PT = (612.0, 792.0)
"""US Letter in PDF points."""


def find_font(*, bold: bool = False, serif: bool = False) -> Path:
    """Return a DejaVu TrueType font path.

    Raises:
        RuntimeError: no DejaVu font is installed (Debian package ``fonts-dejavu-core``).
    """
    name = "DejaVu" + ("Serif" if serif else "Sans") + ("-Bold" if bold else "") + ".ttf"
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise RuntimeError(f"font {name} not found: apt-get install fonts-dejavu-core")


# --------------------------------------------------------------------------------------------
# Images of text ("scans")


def text_image(
    lines: Sequence[str],
    *,
    dpi: int = 200,
    size_in: tuple[float, float] = (8.5, 11.0),
    font_pt: float = 12.0,
    margin_in: float = 1.0,
    scan_effects: bool = True,
    seed: int = 0,
) -> Image.Image:
    """Draw ``lines`` on a white grayscale page like a scanner would produce.

    With ``scan_effects`` the page gets a faint skew, a little blur and sparse speckles, so OCR
    engines meet something closer to a real scan than a perfect rendering.
    """
    width, height = round(size_in[0] * dpi), round(size_in[1] * dpi)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    size_px = round(font_pt * dpi / 72)
    regular = ImageFont.truetype(str(find_font(serif=True)), size_px)
    bold = ImageFont.truetype(str(find_font(serif=True, bold=True)), size_px)
    x, y = round(margin_in * dpi), round(margin_in * dpi)
    for index, line in enumerate(lines):
        font = bold if index == 0 or line.isupper() else regular
        draw.text((x, y), line, fill=20, font=font)
        y += round(size_px * 1.5)
    if not scan_effects:
        return image
    rng = random.Random(seed)
    image = image.rotate(rng.uniform(-0.4, 0.4), resample=Image.Resampling.BICUBIC, fillcolor=255)
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    for _ in range(width * height // 20000):
        px, py = rng.randrange(width), rng.randrange(height)
        image.putpixel((px, py), rng.randrange(60, 200))
    return image


def write_png(path: Path, lines: Sequence[str] = CAPTION, **kwargs: object) -> Path:
    text_image(lines, **kwargs).save(path, format="PNG", optimize=True)  # type: ignore[arg-type]
    return path


def write_jpeg(path: Path, lines: Sequence[str] = CONTRACT, **kwargs: object) -> Path:
    text_image(lines, **kwargs).save(path, format="JPEG", quality=70)  # type: ignore[arg-type]
    return path


def write_tiff(
    path: Path, pages: Sequence[Sequence[str]] = (CAPTION, ORDER), **kwargs: object
) -> Path:
    """A multi-page (multi-frame) bilevel TIFF, CCITT G4 compressed like office scanners write."""
    frames = [
        text_image(lines, seed=n, **kwargs).convert("1")  # type: ignore[arg-type]
        for n, lines in enumerate(pages)
    ]
    frames[0].save(
        path,
        format="TIFF",
        save_all=True,
        append_images=frames[1:],
        compression="group4",
        dpi=(200, 200),
    )
    return path


# --------------------------------------------------------------------------------------------
# A minimal PDF writer


@dataclass(frozen=True)
class TextPage:
    """A born-digital page: ``lines`` set in Helvetica, top to bottom, then fillable form fields
    (``(name, value)``, as on court forms) whose values live only in their widget annotations."""

    lines: Sequence[str]
    font_pt: float = 11.0
    fields: Sequence[tuple[str, str]] = ()


@dataclass(frozen=True)
class ScanPage:
    """A scanned page: one image covering the whole page, optionally a text stamp (an ECF header
    or Bates number) in the bottom margin, as court filings carry.

    ``encoding``: ``flate`` (8-bit gray, lossless), ``jpeg`` (gray JPEG) or ``bilevel`` (1 bit
    per pixel like office scanners and fax, by far the smallest).
    """

    image: Image.Image
    encoding: Literal["flate", "jpeg", "bilevel"] = "flate"
    stamp: str | None = None
    stamp_at_top: bool = False
    """Where ``stamp`` goes: the top margin, as CM/ECF prints its header, or the bottom one."""
    watermark: str | None = None
    """Invisible text drawn at 45° across the page, as document systems stamp CONFIDENTIAL."""


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _text_content(page: TextPage, size: tuple[float, float]) -> bytes:
    leading = page.font_pt * 1.45
    ops = [
        b"BT",
        b"/F1 %.1f Tf" % page.font_pt,
        b"%.2f TL" % leading,
        b"72 %.2f Td" % (size[1] - 72),
    ]
    for index, line in enumerate(page.lines):
        font = b"/F2" if index == 0 or line.isupper() else b"/F1"
        ops.append(font + b" %.1f Tf " % page.font_pt + _pdf_string(line) + b" Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


class _Rc4:
    @staticmethod
    def crypt(key: bytes, data: bytes) -> bytes:
        s = list(range(256))
        j = 0
        for i in range(256):
            j = (j + s[i] + key[i % len(key)]) % 256
            s[i], s[j] = s[j], s[i]
        out = bytearray()
        i = j = 0
        for byte in data:
            i = (i + 1) % 256
            j = (j + s[i]) % 256
            s[i], s[j] = s[j], s[i]
            out.append(byte ^ s[(s[i] + s[j]) % 256])
        return bytes(out)


_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _padded(password: str) -> bytes:
    return (password.encode("latin-1") + _PAD)[:32]


@dataclass(frozen=True)
class _Encryption:
    """Standard security handler, revision 2 (PDF 1.7, algorithms 2-4)."""

    user_password: str
    owner_password: str
    file_id: bytes = b"lexflow-test-id!"
    permissions: int = -44

    @property
    def owner_entry(self) -> bytes:
        key = hashlib.md5(_padded(self.owner_password or self.user_password)).digest()[:5]
        return _Rc4.crypt(key, _padded(self.user_password))

    @property
    def key(self) -> bytes:
        seed = _padded(self.user_password) + self.owner_entry
        seed += struct.pack("<i", self.permissions) + self.file_id
        return hashlib.md5(seed).digest()[:5]

    def dictionary(self) -> bytes:
        user_entry = _Rc4.crypt(self.key, _PAD)
        return b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>" % (
            self.owner_entry.hex().encode(),
            user_entry.hex().encode(),
            self.permissions,
        )

    def crypt(self, number: int, data: bytes) -> bytes:
        object_key = hashlib.md5(self.key + struct.pack("<I", number)[:3] + b"\0\0").digest()[:10]
        return _Rc4.crypt(object_key, data)


class _PdfWriter:
    def __init__(self, encryption: _Encryption | None = None) -> None:
        self.objects: list[bytes] = []
        self.encryption = encryption

    def reserve(self) -> int:
        self.objects.append(b"")
        return len(self.objects)

    def put(self, number: int, body: bytes) -> int:
        self.objects[number - 1] = body
        return number

    def add(self, body: bytes) -> int:
        return self.put(self.reserve(), body)

    def add_stream(self, data: bytes, extra: bytes = b"", *, compress: bool = True) -> int:
        number = self.reserve()
        if compress:
            data, extra = zlib.compress(data, 9), extra + b" /Filter /FlateDecode"
        if self.encryption is not None:
            data = self.encryption.crypt(number, data)
        head = b"<< /Length %d%s >>\nstream\n" % (len(data), extra)
        return self.put(number, head + data + b"\nendstream")

    def build(self, root: int) -> bytes:
        trailer = b"/Root %d 0 R" % root
        if self.encryption is not None:
            file_id = self.encryption.file_id.hex().encode()
            encrypt = self.add(self.encryption.dictionary())
            trailer += b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (encrypt, file_id, file_id)
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(self.objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(self.objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d %s >>\n" % (len(self.objects) + 1, trailer)
        out += b"startxref\n%d\n%%%%EOF\n" % xref
        return bytes(out)


def pdf_bytes(
    pages: Sequence[TextPage | ScanPage],
    *,
    size: tuple[float, float] = LETTER_PAGE_PT,
    user_password: str | None = None,
    owner_password: str = "owner",
) -> bytes:
    """Serialise ``pages`` as a PDF; with ``user_password`` (may be empty) it is RC4-encrypted."""
    encryption = None if user_password is None else _Encryption(user_password, owner_password)
    pdf = _PdfWriter(encryption)
    catalog, tree = pdf.reserve(), pdf.reserve()
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>"
    regular, bold = pdf.add(font % b"Helvetica"), pdf.add(font % b"Helvetica-Bold")
    fonts = b"<< /F1 %d 0 R /F2 %d 0 R >>" % (regular, bold)
    kids, fields = [], []
    for page in pages:
        annots = b""
        if isinstance(page, TextPage):
            resources = b"<< /Font %s >>" % fonts
            content = pdf.add_stream(_text_content(page, size))
            widgets = [
                _add_widget(pdf, fonts, page, n, name, value, size)
                for n, (name, value) in enumerate(page.fields)
            ]
            fields += widgets
            if widgets:
                annots = b" /Annots [%s]" % b" ".join(b"%d 0 R" % w for w in widgets)
        else:
            data, head, compress = _image_xobject(page)
            image = pdf.add_stream(data, head, compress=compress)
            resources = b"<< /XObject << /Im1 %d 0 R >> /Font %s >>" % (image, fonts)
            draw = b"q %.2f 0 0 %.2f 0 0 cm /Im1 Do Q" % size
            if page.stamp:
                top = size[1] - 24 if page.stamp_at_top else 18
                draw += b"\nBT /F1 8 Tf 36 %.2f Td " % top + _pdf_string(page.stamp) + b" Tj ET"
            if page.watermark:
                turn = b"0.7071 0.7071 -0.7071 0.7071 120 150 Tm "
                draw += b"\nBT 3 Tr /F1 60 Tf " + turn + _pdf_string(page.watermark) + b" Tj ET"
            content = pdf.add_stream(draw)
        kids.append(
            pdf.add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %.2f %.2f] /Resources %s "
                b"/Contents %d 0 R%s >>" % (tree, size[0], size[1], resources, content, annots)
            )
        )
    refs = b" ".join(b"%d 0 R" % kid for kid in kids)
    pdf.put(tree, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids)))
    form = b""
    if fields:
        if encryption is not None:
            raise ValueError("form fields in an encrypted PDF are not supported")
        refs = b" ".join(b"%d 0 R" % field for field in fields)
        form = b" /AcroForm << /Fields [%s] /DA (/F1 10 Tf 0 g) /DR << /Font %s >> >>" % (
            refs,
            fonts,
        )
    pdf.put(catalog, b"<< /Type /Catalog /Pages %d 0 R%s >>" % (tree, form))
    return pdf.build(catalog)


def _add_widget(
    pdf: _PdfWriter,
    fonts: bytes,
    page: TextPage,
    index: int,
    name: str,
    value: str,
    size: tuple[float, float],
) -> int:
    """A filled text field: the value is drawn by the widget's appearance stream only."""
    top = size[1] - 72 - page.font_pt * 1.45 * (len(page.lines) + 1.5 * index + 1)
    width, height = 300.0, page.font_pt * 1.6
    appearance = pdf.add_stream(
        b"/Tx BMC BT /F1 %.1f Tf 2 4 Td %s Tj ET EMC" % (page.font_pt, _pdf_string(value)),
        b" /Type /XObject /Subtype /Form /BBox [0 0 %.1f %.1f] /Resources << /Font %s >>"
        % (width, height, fonts),
    )
    return pdf.add(
        b"<< /Type /Annot /Subtype /Widget /FT /Tx /F 4 /T %s /V %s /DA (/F1 %.1f Tf 0 g) "
        b"/Rect [72 %.1f %.1f %.1f] /AP << /N %d 0 R >> >>"
        % (
            _pdf_string(name),
            _pdf_string(value),
            page.font_pt,
            top - height,
            72 + width,
            top,
            appearance,
        )
    )


def _image_xobject(page: ScanPage) -> tuple[bytes, bytes, bool]:
    image = page.image.convert("1" if page.encoding == "bilevel" else "L")
    head = b" /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray" % (
        image.width,
        image.height,
    )
    if page.encoding == "bilevel":  # Pillow packs rows MSB first, 1 = white: PDF's layout too
        return image.tobytes(), head + b" /BitsPerComponent 1", True
    head += b" /BitsPerComponent 8"
    if page.encoding == "jpeg":
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=60)
        return buffer.getvalue(), head + b" /Filter /DCTDecode", False
    return image.tobytes(), head, True


# --------------------------------------------------------------------------------------------
# Ready-made documents


def born_digital_pdf(path: Path, pages: Sequence[Sequence[str]] = (CAPTION, CONTRACT)) -> Path:
    path.write_bytes(pdf_bytes([TextPage(lines) for lines in pages]))
    return path


def scanned_pdf(
    path: Path,
    pages: Sequence[Sequence[str]] = (CAPTION,),
    *,
    size_in: tuple[float, float] = (8.5, 11.0),
    encoding: Literal["flate", "jpeg", "bilevel"] = "flate",
) -> Path:
    scans = [
        ScanPage(text_image(lines, size_in=size_in, seed=n), encoding=encoding)
        for n, lines in enumerate(pages)
    ]
    path.write_bytes(pdf_bytes(scans, size=(size_in[0] * 72, size_in[1] * 72)))
    return path


ECF_HEADER = (
    "Case 4:08-cv-02214-SBA Document 26 Filed 01/29/2009 Page 1 of 2 "
    "Case 4:08-cv-02214-SBA Document 27 Filed 02/03/09 Page 1 of 2 PageID #: 1182"
)
"""A court's electronic-filing header, stamped twice as text over a scanned page: more than 100
letters and digits, so a character count alone takes it for the page's text."""


def stamped_scan_pdf(
    path: Path, lines: Sequence[str] = ORDER, *, stamp: str = ECF_HEADER, seed: int = 5
) -> Path:
    """A scanned page carrying a one-line text stamp in its top margin, as court systems do."""
    scan = ScanPage(text_image(lines, seed=seed), stamp=stamp, stamp_at_top=True)
    path.write_bytes(pdf_bytes([scan]))
    return path


def turned_scan_pdf(
    path: Path, lines: Sequence[str] = CONTRACT, *, degrees: float = 90, seed: int = 6
) -> Path:
    """A scanned page fed to the scanner turned by ``degrees`` (counter-clockwise)."""
    image = text_image(lines, size_in=(8.5, 6.0), seed=seed)
    turned = image.rotate(degrees, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)
    size = (turned.width * 72 / 200, turned.height * 72 / 200)
    path.write_bytes(pdf_bytes([ScanPage(turned)], size=size))
    return path


def mixed_pdf(
    path: Path,
    *,
    size_in: tuple[float, float] = (8.5, 11.0),
    encoding: Literal["flate", "jpeg", "bilevel"] = "flate",
) -> Path:
    """Page 1 born-digital (the caption), page 2 scanned (the order)."""
    scan = ScanPage(text_image(ORDER, size_in=size_in, seed=7), encoding=encoding)
    pages: list[TextPage | ScanPage] = [TextPage(CAPTION), scan]
    path.write_bytes(pdf_bytes(pages, size=(size_in[0] * 72, size_in[1] * 72)))
    return path


CIVIL_COVER_SHEET = (
    "CIVIL COVER SHEET",
    "",
    "I. (a) PLAINTIFFS",
    "I. (b) DEFENDANTS",
    "II. BASIS OF JURISDICTION: Diversity",
    "VI. CAUSE OF ACTION: Breach of contract",
)
COVER_SHEET_FIELDS = (
    ("plaintiffs", "ACME CORPORATION"),
    ("defendants", "JOHN SMITH"),
    ("demand", "DEMAND $ 125,000.00"),
)


def filled_form_pdf(path: Path) -> Path:
    """A fillable court form whose typed-in values exist only in form-field widgets."""
    path.write_bytes(pdf_bytes([TextPage(CIVIL_COVER_SHEET, fields=COVER_SHEET_FIELDS)]))
    return path


def encrypted_pdf(path: Path, *, user_password: str = "secret") -> Path:
    """An RC4-encrypted born-digital PDF; ``user_password=""`` makes one anyone can open."""
    path.write_bytes(pdf_bytes([TextPage(CONTRACT)], user_password=user_password))
    return path


def truncated_pdf(path: Path, *, keep: float = 0.6) -> Path:
    """A born-digital PDF cut short, as an interrupted download leaves it."""
    data = pdf_bytes([TextPage(CAPTION), TextPage(CONTRACT)])
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def zip_file(path: Path) -> Path:
    """A minimal Word-like .docx (a ZIP archive), typically misnamed ``something.pdf`` in tests."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>" + " ".join(CONTRACT) + "</w:document>")
    return path


def html_file(path: Path) -> Path:
    path.write_text("<!DOCTYPE html>\n<html><body><h1>Complaint</h1></body></html>\n")
    return path


def plain_text_file(path: Path) -> Path:
    path.write_text("\n".join(CAPTION) + "\n")
    return path


def gif_file(path: Path) -> Path:
    text_image(("EXHIBIT A",), size_in=(2, 1), margin_in=0.2).save(path, format="GIF")
    return path
