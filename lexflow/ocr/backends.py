"""The OCR backends of the local engine: tesseract's command line and RapidOCR.

- ``tesseract``: Debian's ``tesseract-ocr`` through its command line, one subprocess per page,
  ``tsv`` output grouped into lines. Preferred when the binary is on ``PATH``: ~0.6 s per 200-dpi
  page and exact on our test pages, provided OpenMP is held to one thread (``OMP_THREAD_LIMIT=1``;
  with its default it was five times slower on two cores).
- ``rapidocr``: RapidOCR with onnxruntime, pure pip, models inside the wheel. ~1.5 s per page after
  a one-off model load of a few seconds, and it sometimes drops a space between words.

Measurements and reasoning in ``docs/ocr-engines.md``. Both return lines in reading order with
boxes as fractions of the image they were given.
"""

from __future__ import annotations

import functools
import io
import os
import shutil
import subprocess
import threading
from typing import Any, Protocol

from PIL import Image

from lexflow.errors import BadDocumentError, ConfigError, TransientError
from lexflow.ocr.types import BoundingBox, OcrLine

TESSERACT_TIMEOUT_SECONDS = 300
RAPIDOCR_PARAMS: dict[str, Any] = {
    # Detect on the page scaled to at most 1600 px: faster than the default and as exact.
    "Det.limit_type": "max",
    "Det.limit_side_len": 1600,
    # The 0/180-degree line classifier flipped an upright contract line and read it as garbage.
    "Global.use_cls": False,
    "Global.log_level": "error",
}


class OcrBackend(Protocol):
    name: str

    def load(self) -> None:
        """Check the engine is usable and load its model; called once before the first page."""

    def recognize(self, image: Image.Image, *, dpi: int | None) -> list[OcrLine]:
        """Lines of ``image`` in reading order, boxes as fractions of the image."""
        ...


class TesseractBackend:
    """tesseract's CLI; ``tesseract stdin stdout tsv`` gives words with boxes and confidences."""

    name = "tesseract"

    def __init__(self, command: str = "tesseract", *, language: str = "eng") -> None:
        self.command = command
        self.language = language

    def load(self) -> None:
        _check_tesseract(self.command, self.language)

    def recognize(self, image: Image.Image, *, dpi: int | None) -> list[OcrLine]:
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", compress_level=1)
        args = [self.command, "stdin", "stdout", "-l", self.language, "--psm", "3"]
        if dpi:
            args += ["--dpi", str(dpi)]
        env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1")}
        try:
            done = subprocess.run(
                [*args, "tsv"],
                input=buffer.getvalue(),
                capture_output=True,
                env=env,
                timeout=TESSERACT_TIMEOUT_SECONDS,
                check=False,
            )
        except FileNotFoundError as exc:
            raise ConfigError(f"tesseract is not installed ({self.command} not found)") from exc
        except subprocess.TimeoutExpired as exc:
            raise TransientError(
                f"tesseract took more than {TESSERACT_TIMEOUT_SECONDS} s on one page"
            ) from exc
        if done.returncode != 0:
            detail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or [
                "no message"
            ]
            error = TransientError if done.returncode < 0 else BadDocumentError
            raise error(f"tesseract failed (exit {done.returncode}): {detail[0]}")
        return parse_tesseract_tsv(done.stdout.decode("utf-8", errors="replace"), image.size)


@functools.cache
def _check_tesseract(command: str, language: str) -> None:
    if shutil.which(command) is None:
        raise ConfigError(
            f"tesseract not found ({command}); install Debian's tesseract-ocr or use rapidocr"
        )
    listed = subprocess.run(
        [command, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
    )
    languages = {line.strip() for line in listed.stdout.splitlines()[1:]}
    if language not in languages:
        raise ConfigError(
            f"tesseract has no '{language}' language data (installed: {sorted(languages)}); "
            f"apt-get install tesseract-ocr-{language}"
        )


def parse_tesseract_tsv(tsv: str, size: tuple[int, int]) -> list[OcrLine]:
    """Group tesseract's word rows into lines; confidence is the mean of the words'.

    Lines made only of punctuation with confidence below 60 are dropped: they are specks and
    rules read as ``|`` or ``~``, not text.
    """
    width, height = size
    words: dict[tuple[str, ...], list[list[str]]] = {}
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) == 12 and cells[0] == "5" and cells[11].strip():
            words.setdefault(tuple(cells[1:5]), []).append(cells)
    lines = []
    for row_words in words.values():
        text = " ".join(cells[11].strip() for cells in row_words)
        confidences = [max(0.0, float(cells[10])) for cells in row_words]
        confidence = min(100.0, sum(confidences) / len(confidences))
        if confidence < 60 and not any(ch.isalnum() for ch in text):
            continue
        left = min(int(cells[6]) for cells in row_words)
        top = min(int(cells[7]) for cells in row_words)
        right = max(int(cells[6]) + int(cells[8]) for cells in row_words)
        bottom = max(int(cells[7]) + int(cells[9]) for cells in row_words)
        bbox = _fraction_box(left, top, right, bottom, width, height)
        lines.append(OcrLine(text=text, confidence=confidence, bbox=bbox))
    return lines


def _fraction_box(
    left: float, top: float, right: float, bottom: float, width: int, height: int
) -> BoundingBox:
    x0, x1 = max(0.0, left / width), min(1.0, right / width)
    y0, y1 = max(0.0, top / height), min(1.0, bottom / height)
    return BoundingBox(left=x0, top=y0, width=max(0.0, x1 - x0), height=max(0.0, y1 - y0))


class RapidOcrBackend:
    """RapidOCR (PP-OCR models on onnxruntime); models ship in the ``rapidocr`` wheel."""

    name = "rapidocr"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._engine: Any = None

    def load(self) -> None:
        with self._lock:
            if self._engine is None:
                self._engine = _rapidocr_engine()

    def recognize(self, image: Image.Image, *, dpi: int | None) -> list[OcrLine]:
        import numpy as np

        self.load()
        with self._lock:  # RapidOCR.__call__ updates instance state
            result = self._engine(np.asarray(image.convert("RGB")))
        if result.txts is None or result.boxes is None or result.scores is None:
            return []
        lines = []
        for text, score, box in zip(result.txts, result.scores, result.boxes, strict=True):
            xs, ys = [float(p[0]) for p in box], [float(p[1]) for p in box]
            bbox = _fraction_box(min(xs), min(ys), max(xs), max(ys), image.width, image.height)
            lines.append(OcrLine(text=str(text), confidence=float(score) * 100, bbox=bbox))
        return lines


@functools.cache
def _rapidocr_engine() -> Any:
    """One RapidOCR instance per process: the models take seconds to load."""
    try:
        from rapidocr import RapidOCR
    except ImportError as exc:
        raise ConfigError(
            "no local OCR engine: install Debian's tesseract-ocr, "
            "or pip install rapidocr onnxruntime"
        ) from exc
    engine = RapidOCR(params=RAPIDOCR_PARAMS)
    engine(Image.new("RGB", (64, 32), "white"))  # force the lazy model load now, not mid-page
    return engine


def default_backend() -> OcrBackend:
    """tesseract when its binary is on ``PATH``, otherwise RapidOCR."""
    if shutil.which("tesseract"):
        return TesseractBackend()
    return RapidOcrBackend()


BACKENDS = {"tesseract": TesseractBackend, "rapidocr": RapidOcrBackend}
