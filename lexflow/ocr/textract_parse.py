"""Textract blocks → ``OcrPage``\\ s of lines in reading order. Pure functions, no AWS.

Textract lists a page's LINE blocks roughly top to bottom, which reads *across* a two-column page
(left line, right line, left line...). ``reading_order`` puts them back the way a person reads:
each column top to bottom, left column first, with lines that span the columns (titles, section
headings, centred footers) kept where they sit vertically, so they split the page into bands that
are read one after another.

Known limit: a short line that sits in only one column's half (a left-aligned footer, say) is read
as part of that column. A side-by-side table on a single-column page is read as two columns when
its rows make up most of the page's lines.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from lexflow.ocr.types import BoundingBox, OcrLine, OcrPage

#: A page is two-column only if at least this many lines on each side have a neighbour beside them,
MIN_COLUMN_LINES = 2
#: no more than this share of its lines span the gutter,
MAX_CROSSING_SHARE = 0.5
#: and at least this share of the shorter column's lines have a neighbour beside them.
MIN_SIDE_BY_SIDE_SHARE = 0.5
_GUTTER_CANDIDATES = [0.2 + i * 0.005 for i in range(121)]  # 0.2 .. 0.8 of the page width


def blocks_to_pages(
    blocks: Iterable[Mapping[str, Any]],
    *,
    source: str = "textract",
    page_number: int | None = None,
) -> list[OcrPage]:
    """Group Textract LINE blocks into pages, each in reading order.

    Args:
        blocks: PAGE, LINE and WORD blocks from GetDocumentTextDetection (every result page
            concatenated) or DetectDocumentText. Other block types are ignored.
        source: recorded on each page (``textract`` or ``textract-sync``).
        page_number: force every block onto this page (a synchronous call on one page of a
            longer document); otherwise each block's ``Page`` is used, defaulting to 1.

    Returns:
        One ``OcrPage`` per page number seen (a PAGE block with no lines gives an empty page),
        in page order.
    """
    blocks = list(blocks)
    words = {b["Id"]: str(b.get("Text") or "") for b in blocks if b.get("BlockType") == "WORD"}
    numbers: set[int] = set()
    lines: dict[int, list[OcrLine]] = defaultdict(list)
    for block in blocks:
        number = page_number if page_number is not None else int(block.get("Page") or 1)
        kind = block.get("BlockType")
        if kind == "PAGE":
            numbers.add(number)
        elif kind == "LINE":
            line = _line(block, words)
            if line is not None:
                numbers.add(number)
                lines[number].append(line)
    return [
        OcrPage(number=n, lines=reading_order(lines.get(n, [])), source=source)
        for n in sorted(numbers)
    ]


def document_page_count(response: Mapping[str, Any]) -> int | None:
    """``DocumentMetadata.Pages`` of a Textract response, or ``None`` when it is absent.

    Also reads moto's ``{"Pages": {"Pages": n}}``.
    """
    pages: Any = (response.get("DocumentMetadata") or {}).get("Pages")
    if isinstance(pages, Mapping):
        pages = pages.get("Pages")
    if isinstance(pages, bool) or not isinstance(pages, int | float | str):
        return None
    try:
        return int(pages)
    except ValueError:
        return None


def _line(block: Mapping[str, Any], words: Mapping[str, str]) -> OcrLine | None:
    text = block.get("Text")
    if text is None:  # rebuild from the LINE's WORD children
        children = [
            i
            for rel in block.get("Relationships") or []
            if rel.get("Type") == "CHILD"
            for i in rel.get("Ids") or []
        ]
        text = " ".join(words[i] for i in children if words.get(i))
    text = str(text).strip()
    if not text:
        return None
    return OcrLine(text=text, confidence=float(block.get("Confidence") or 0.0), bbox=_bbox(block))


def _bbox(block: Mapping[str, Any]) -> BoundingBox | None:
    box = (block.get("Geometry") or {}).get("BoundingBox")
    if not box:
        return None
    return BoundingBox(
        left=float(box.get("Left", 0.0)),
        top=float(box.get("Top", 0.0)),
        width=float(box.get("Width", 0.0)),
        height=float(box.get("Height", 0.0)),
    )


@dataclass(frozen=True, slots=True)
class Gutter:
    """The empty band between two text columns, in fractions of the page width."""

    start: float
    """Right edge of the left column."""
    end: float
    """Left edge of the right column."""

    @property
    def middle(self) -> float:
        return (self.start + self.end) / 2

    def side(self, box: BoundingBox) -> str:
        """``left``, ``right`` or ``span`` (crosses the gutter or sits in it: titles, footers)."""
        if box.left >= self.start and box.right <= self.end:
            return "span"
        if box.right <= self.middle:
            return "left"
        if box.left >= self.middle:
            return "right"
        return "span"


def reading_order(lines: Sequence[OcrLine]) -> list[OcrLine]:
    """Order one page's lines for reading: by rows, or column by column on a two-column page.

    On a two-column page, lines that span the gutter cut the page into bands; each band's left
    column is read before its right column. Lines without a bounding box keep their given order,
    after the rest.
    """
    placed = [ln for ln in lines if ln.bbox is not None]
    unplaced = [ln for ln in lines if ln.bbox is None]
    gutter = find_gutter(placed)
    if gutter is None:
        return _by_rows(placed) + unplaced
    bands: list[list[OcrLine]] = []  # alternating runs of spanning lines and column lines
    for line in sorted(placed, key=_centre_y):
        spans = gutter.side(_box(line)) == "span"
        if bands and (gutter.side(_box(bands[-1][0])) == "span") == spans:
            bands[-1].append(line)
        else:
            bands.append([line])
    ordered: list[OcrLine] = []
    for band in bands:
        left = [ln for ln in band if gutter.side(_box(ln)) == "left"]
        right = [ln for ln in band if gutter.side(_box(ln)) == "right"]
        spanning = [ln for ln in band if gutter.side(_box(ln)) == "span"]
        ordered += _by_rows(spanning) + _by_rows(left) + _by_rows(right)
    return ordered + unplaced


def find_gutter(lines: Sequence[OcrLine]) -> Gutter | None:
    """The gap between two text columns, or ``None`` when the page is not laid out in two.

    A line is *paired* at x when another line sits beside it (overlapping vertically) on the other
    side of x. The gutter is where the most lines are paired (the middle of the widest such run of
    x); the page is two-column only if at least ``MIN_COLUMN_LINES`` lines are paired on each side,
    at most ``MAX_CROSSING_SHARE`` of the lines span the gutter, and at least
    ``MIN_SIDE_BY_SIDE_SHARE`` of the shorter column's lines are paired.
    """
    if len(lines) < 2 * MIN_COLUMN_LINES:
        return None
    reach = _pairing_reach(lines)
    counts = _coverage(reach)
    most = max(counts, default=0)
    best = [x for x, n in zip(_GUTTER_CANDIDATES, counts, strict=True) if n == most and n]
    if not best:
        return None
    x = _middle_of_widest_run(best)
    left = [lines[i] for lo, hi, i, is_left in reach if is_left and lo <= x <= hi]
    right = [lines[i] for lo, hi, i, is_left in reach if not is_left and lo <= x <= hi]
    if len(left) < MIN_COLUMN_LINES or len(right) < MIN_COLUMN_LINES:
        return None
    gutter = Gutter(
        start=max(_box(ln).right for ln in left), end=min(_box(ln).left for ln in right)
    )
    sides = [gutter.side(_box(ln)) for ln in lines]
    if sides.count("span") > MAX_CROSSING_SHARE * len(lines):
        return None
    shorter, paired_there = min(
        (sides.count("left"), len(left)), (sides.count("right"), len(right))
    )
    return gutter if paired_there >= MIN_SIDE_BY_SIDE_SHARE * shorter else None


def _pairing_reach(lines: Sequence[OcrLine]) -> list[tuple[float, float, int, bool]]:
    """For each line with a neighbour beside it: the x range over which they are on either side.

    Entries are ``(from_x, to_x, line_index, line_is_on_the_left)``.
    """
    boxes = [_box(ln) for ln in lines]
    by_top = sorted(range(len(boxes)), key=lambda i: boxes[i].top)
    beside: list[list[BoundingBox]] = [[] for _ in boxes]
    for k, i in enumerate(by_top):  # sweep down the page: only nearby rows can overlap
        for j in by_top[k + 1 :]:
            if boxes[j].top >= boxes[i].bottom:
                break
            if _overlap_y(boxes[i], boxes[j]):
                beside[i].append(boxes[j])
                beside[j].append(boxes[i])
    reach = []
    for i, a in enumerate(boxes):
        to_the_right = [b.left for b in beside[i] if b.left >= a.right]
        to_the_left = [b.right for b in beside[i] if b.right <= a.left]
        if to_the_right:
            reach.append((a.right, max(to_the_right), i, True))
        if to_the_left:
            reach.append((min(to_the_left), a.left, i, False))
    return reach


def _coverage(reach: Sequence[tuple[float, float, int, bool]]) -> list[int]:
    """How many ``reach`` ranges cover each gutter candidate."""
    diff = [0] * (len(_GUTTER_CANDIDATES) + 1)
    for lo, hi, _, _ in reach:
        diff[bisect_left(_GUTTER_CANDIDATES, lo)] += 1
        diff[bisect_right(_GUTTER_CANDIDATES, hi)] -= 1
    return list(accumulate(diff[:-1]))


def _middle_of_widest_run(xs: list[float]) -> float:
    step = _GUTTER_CANDIDATES[1] - _GUTTER_CANDIDATES[0]
    runs: list[list[float]] = [[xs[0]]]
    for x in xs[1:]:
        if x - runs[-1][-1] <= step * 1.5:
            runs[-1].append(x)
        else:
            runs.append([x])
    widest = max(runs, key=lambda run: run[-1] - run[0])
    return (widest[0] + widest[-1]) / 2


def _overlap_y(a: BoundingBox, b: BoundingBox) -> bool:
    return a.top < b.bottom and b.top < a.bottom


def _by_rows(lines: Sequence[OcrLine]) -> list[OcrLine]:
    """Top to bottom; lines whose centres share a row (within half a line height) left to right."""
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=_centre_y):
        if rows:
            anchor = _box(rows[-1][0])
            if _centre_y(line) - _centre_y(rows[-1][0]) <= max(anchor.height, 1e-6) / 2:
                rows[-1].append(line)
                continue
        rows.append([line])
    return [line for row in rows for line in sorted(row, key=lambda ln: _box(ln).left)]


def _box(line: OcrLine) -> BoundingBox:
    assert line.bbox is not None
    return line.bbox


def _centre_y(line: OcrLine) -> float:
    box = _box(line)
    return box.top + box.height / 2
