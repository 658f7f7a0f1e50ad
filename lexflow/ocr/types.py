"""The engine-neutral result of OCR: pages of lines in reading order.

Both the Textract path and the local engine produce these, so later stages never know which engine
ran. Coordinates are fractions of the page (0..1), as Textract reports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class BoundingBox:
    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height


LINE_ROLES = ("body", "header", "footer", "line-number")
"""What a line is on its page. ``line-number`` lines (pleading paper's 1-28 in the left margin) are
kept in the page record but left out of the page's text, so they never split a sentence."""


@dataclass(frozen=True, slots=True)
class OcrLine:
    text: str
    confidence: float
    """0..100, as Textract reports it; 100 for a born-digital text layer."""
    bbox: BoundingBox | None = None
    source: str | None = None
    """Where the line came from when its page merges two sources (``text-layer`` or ``ocr``);
    ``None``: the page's own ``source``."""
    role: str = "body"
    """One of ``LINE_ROLES``."""


@dataclass(slots=True)
class OcrPage:
    number: int
    """1-based page number in the original file."""
    lines: list[OcrLine] = field(default_factory=list)
    source: str = "textract"
    """The producer: ``textract``, ``textract-sync``, ``text-layer``, ``ocr``, or
    ``text-layer+ocr`` (a thin text layer, such as a court's stamped header, merged with the OCR
    of the page under it; each line then names its own ``source``)."""
    notes: list[str] = field(default_factory=list)
    """What the reader should know about the page: a rotation applied before OCR, a page that
    stayed unreadable."""

    @property
    def locally_ocred(self) -> bool:
        """Whether the local engine OCRed the page (alone, or merged with its text layer)."""
        return self.source in ("ocr", "text-layer+ocr")

    @property
    def text(self) -> str:
        """The page's text in reading order, pleading-paper line numbers left out."""
        return "\n".join(line.text for line in self.lines if line.role != "line-number")

    @property
    def mean_confidence(self) -> float | None:
        if not self.lines:
            return None
        return sum(line.confidence for line in self.lines) / len(self.lines)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "number": self.number,
            "source": self.source,
            "lines": [_line_json(ln) for ln in self.lines],
        }
        if self.notes:
            data["notes"] = list(self.notes)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OcrPage:
        lines = [
            OcrLine(
                text=ln["text"],
                confidence=float(ln["confidence"]),
                bbox=None if ln.get("bbox") is None else BoundingBox(*ln["bbox"]),
                source=ln.get("source"),
                role=ln.get("role", "body"),
            )
            for ln in data.get("lines", [])
        ]
        return cls(
            number=int(data["number"]),
            lines=lines,
            source=data.get("source", "textract"),
            notes=list(data.get("notes") or []),
        )


def _line_json(line: OcrLine) -> dict[str, Any]:
    # source and role only when they say something, so most stored lines stay three keys long
    data: dict[str, Any] = {
        "text": line.text,
        "confidence": round(line.confidence, 3),
        "bbox": None
        if line.bbox is None
        else [line.bbox.left, line.bbox.top, line.bbox.width, line.bbox.height],
    }
    if line.source is not None:
        data["source"] = line.source
    if line.role != "body":
        data["role"] = line.role
    return data


@dataclass(slots=True)
class OcrDocument:
    pages: list[OcrPage]
    warnings: list[str] = field(default_factory=list)
    status_message: str | None = None

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def line_count(self) -> int:
        return sum(len(p.lines) for p in self.pages)

    @property
    def mean_confidence(self) -> float | None:
        confidences = [ln.confidence for p in self.pages for ln in p.lines]
        if not confidences:
            return None
        return sum(confidences) / len(confidences)
