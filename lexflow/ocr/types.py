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


@dataclass(frozen=True, slots=True)
class OcrLine:
    text: str
    confidence: float
    """0..100, as Textract reports it; 100 for a born-digital text layer."""
    bbox: BoundingBox | None = None


@dataclass(slots=True)
class OcrPage:
    number: int
    """1-based page number in the original file."""
    lines: list[OcrLine] = field(default_factory=list)
    source: str = "textract"
    """The producer: ``textract``, ``textract-sync``, ``text-layer`` or ``ocr``."""

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def mean_confidence(self) -> float | None:
        if not self.lines:
            return None
        return sum(line.confidence for line in self.lines) / len(self.lines)

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "source": self.source,
            "lines": [
                {
                    "text": ln.text,
                    "confidence": round(ln.confidence, 3),
                    "bbox": None
                    if ln.bbox is None
                    else [ln.bbox.left, ln.bbox.top, ln.bbox.width, ln.bbox.height],
                }
                for ln in self.lines
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OcrPage:
        lines = [
            OcrLine(
                text=ln["text"],
                confidence=float(ln["confidence"]),
                bbox=None if ln.get("bbox") is None else BoundingBox(*ln["bbox"]),
            )
            for ln in data.get("lines", [])
        ]
        return cls(number=int(data["number"]), lines=lines, source=data.get("source", "textract"))


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
