"""One page's OCR lines → reading order, with each line's role. Pure functions, any engine.

1. **Roles.** Pleading-paper line numbers (a rising run of 1..28 at the left margin) become
   ``line-number``; margin lines that are a page number, "Page 3 of 12", a filing stamp, or
   left/centre/right slots set apart from the body become ``header`` or ``footer``.
2. **Rows.** Lines overlapping vertically by half the shorter one are one row, left to right.
3. **Columns only on evidence.** A band of rows is read column by column only when a gutter
   crosses it with running text on both sides over most of its height; tables and forms, whose
   text merely has gaps, stay in row order.

``docs/reading-order.md`` gives the reasons and the measurements.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace

from lexflow.ocr.types import LINE_ROLES, BoundingBox, OcrLine

#: Two lines share a row when they overlap vertically by this share of the shorter one.
ROW_OVERLAP = 0.5
#: A column holds at least this many lines,
MIN_COLUMN_LINES = 2
#: its text covers this share of the band's height (gaps up to PARAGRAPH_GAP lines count),
MIN_COLUMN_COVERAGE = 0.6
MIN_SHORT_COLUMN_COVERAGE = 0.4  # ... or this share when it starts at the band's top
PARAGRAPH_GAP = 2.0
#: its lines fill this share of its width and carry this many characters (medians),
MIN_COLUMN_FILL = 0.6
MIN_COLUMN_CHARS = 12
#: it is this wide (fraction of the page), and the gutter beside it this wide.
MIN_COLUMN_WIDTH = 0.15
MIN_GUTTER = 0.015
#: Margins where running headers and footers sit (fractions of the page height).
HEADER_BAND, FOOTER_BAND = 0.09, 0.91
PATTERN_HEADER_BAND, PATTERN_FOOTER_BAND = 0.12, 0.88
#: A margin zone is set apart from the body by at least this many line heights.
MARGIN_GAP = 1.5
NEAR_ROWS = 6  # the body rows next to the zone whose spacing the gap must beat
#: Pleading paper numbers its lines 1..28; a run of at least this many is evidence.
MAX_LINE_NUMBER, MIN_LINE_NUMBERS = 28, 5
LINE_NUMBER_MARGIN = 0.15  # ... and they end within this left share of the page
_MAX_DEPTH = 3  # columns within columns: three-column pages, a two-column box in a column
_GRID = [i / 200 for i in range(10, 191)]  # candidate gutter positions, 0.05..0.95

_RUNNING = re.compile(
    r"^\s*(page\s*)?\d{1,4}(\s*(of|/)\s*\d{1,4})?\s*$"  # 3, Page 3, Page 3 of 12
    r"|^\s*[-\u2013\u2014]\s*\d{1,4}\s*[-\u2013\u2014]\s*$"  # - 3 -
    r"|\bpage\s+\d+\s+of\s+\d+\b"  # ... Page 3 of 12 ...
    r"|^\s*case\s+\d+:\d{2}-[a-z]{2,4}-\d+"  # Case 2:13-cv-01234-... (electronic filing)
    r"|\bdocument\s+\d+.*\bfiled\b",
    re.IGNORECASE,
)
_LINE_NUMBER = re.compile(r"^\s*(\d{1,2})\.?\s*$")


@dataclass(frozen=True, slots=True)
class Arrangement:
    """How one page's lines are read."""

    order: list[int]
    """Indices into the given lines, in reading order (every line once)."""
    roles: list[str]
    """Each given line's role (same indexing as the input)."""
    columns: int
    """Most columns read side by side anywhere on the page (1: none)."""


@dataclass(frozen=True, slots=True)
class _Line:
    index: int
    box: BoundingBox
    text: str


def arrange_page(lines: Sequence[OcrLine], *, turns: int = 0) -> list[OcrLine]:
    """The page's lines in reading order, each with its role set.

    Args:
        lines: one page's lines in any order, boxes as fractions of the page; lines whose
            ``bbox`` is ``None`` keep their given order, after the rest.
        turns: counter-clockwise degrees (0, 90, 180, 270) that turn the page's text upright;
            the lines are arranged in that frame and keep their own boxes.

    Returns:
        The same lines (with ``role`` replaced) in reading order: headers, body, line numbers,
        footers, then lines without a box.
    """
    upright = [
        ln if ln.bbox is None or not turns else replace(ln, bbox=turn_box(ln.bbox, turns))
        for ln in lines
    ]
    found = arrange(upright)
    return [_with_role(lines[i], found.roles[i]) for i in found.order]


def turn_box(box: BoundingBox, turns: int) -> BoundingBox:
    """``box`` on the page turned counter-clockwise by ``turns`` degrees (0, 90, 180, 270)."""
    quarter = (turns // 90) % 4
    if quarter == 1:  # a point (x, y) goes to (y, 1 - x)
        return BoundingBox(box.top, 1 - box.right, box.height, box.width)
    if quarter == 2:
        return BoundingBox(1 - box.right, 1 - box.bottom, box.width, box.height)
    if quarter == 3:  # (x, y) goes to (1 - y, x)
        return BoundingBox(1 - box.bottom, box.left, box.height, box.width)
    return box


def column_count(lines: Sequence[OcrLine]) -> int:
    """Most columns ``arrange_page`` reads side by side on this page (1: single-column)."""
    return arrange(lines).columns


def arrange(lines: Sequence[OcrLine]) -> Arrangement:
    """The reading order and roles of one page's lines, by index (see ``arrange_page``).

    Engines whose boxes need transforming first (a rotated page) arrange transformed copies
    with this and apply the order to the originals.
    """
    placed = [_Line(i, ln.bbox, ln.text) for i, ln in enumerate(lines) if ln.bbox is not None]
    unplaced = [i for i, ln in enumerate(lines) if ln.bbox is None]
    # a role given upstream (a merged stamp, say) is kept
    roles = [ln.role if ln.role in LINE_ROLES else "body" for ln in lines]
    free = [ln for ln in placed if roles[ln.index] == "body"]
    numbers = _line_numbers(free)
    header, footer = _margin_zones([ln for ln in free if ln.index not in numbers])
    for role, group in (("header", header), ("footer", footer)):
        for ln in group:
            roles[ln.index] = role
    for i in numbers:
        roles[i] = "line-number"
    groups = {role: [ln for ln in placed if roles[ln.index] == role] for role in LINE_ROLES}
    body, columns = _arrange_body(groups["body"], 0)
    ordered = (
        _by_blocks(groups["header"])
        + body
        + _flatten(_rows(groups["line-number"]))
        + _by_blocks(groups["footer"])
    )
    return Arrangement([ln.index for ln in ordered] + unplaced, roles, columns)


def _arrange_body(lines: list[_Line], depth: int) -> tuple[list[_Line], int]:
    """Rows top to bottom; a band with a proven gutter is read left column, then right."""
    rows = _rows(lines)
    x = _best_gutter(rows) if depth < _MAX_DEPTH else None
    if x is None:
        return _flatten(rows), 1
    ordered: list[_Line] = []
    columns = 1
    for band, split in _bands(rows, x):
        if not split:
            ordered += _flatten(band)
            continue
        left, lc = _arrange_body([ln for row in band for ln in row if ln.box.right <= x], depth + 1)
        right, rc = _arrange_body([ln for row in band for ln in row if ln.box.left >= x], depth + 1)
        ordered += left + right
        columns = max(columns, lc + rc)
    return ordered, columns


def _best_gutter(rows: list[list[_Line]]) -> float | None:
    """The x where proven columns hold the most lines (middle of the widest such run)."""
    lines = _flatten(rows)
    if len(lines) < 2 * MIN_COLUMN_LINES:
        return None
    lo, hi = min(ln.box.left for ln in lines), max(ln.box.right for ln in lines)
    scores = {
        x: sum(len(_flatten(band)) for band, split in _bands(rows, x) if split)
        for x in _GRID
        if lo < x < hi
    }
    best = max(scores.values(), default=0)
    if best == 0:
        return None
    runs: list[list[float]] = []
    for x in (x for x, score in scores.items() if score == best):
        if runs and x - runs[-1][-1] < 0.0075:
            runs[-1].append(x)
        else:
            runs.append([x])
    widest = max(runs, key=lambda run: run[-1] - run[0])
    return (widest[0] + widest[-1]) / 2


def _bands(rows: list[list[_Line]], x: float) -> list[tuple[list[list[_Line]], bool]]:
    """Runs of rows that no line crosses at ``x``, each flagged when it proves two columns."""
    bands: list[tuple[list[list[_Line]], bool]] = []
    run: list[list[_Line]] = []
    for row in [*rows, []]:
        crosses = not row or any(ln.box.left < x < ln.box.right for ln in row)
        if not crosses:
            run.append(row)
            continue
        if run:
            bands.append((run, _is_two_columns(_flatten(run), x)))
            run = []
        if row:
            bands.append(([row], False))
    return bands


def _is_two_columns(lines: list[_Line], x: float) -> bool:
    left = [ln for ln in lines if ln.box.right <= x]
    right = [ln for ln in lines if ln.box.left >= x]
    if min(len(left), len(right)) < MIN_COLUMN_LINES:
        return False
    if min(ln.box.left for ln in right) - max(ln.box.right for ln in left) < MIN_GUTTER:
        return False
    top = min(ln.box.top for ln in lines)
    height = max(ln.box.bottom for ln in lines) - top
    return all(_is_text_column(side, top, height) for side in (left, right))


def _is_text_column(lines: list[_Line], band_top: float, band_height: float) -> bool:
    """Running text: wide enough, lines filling it, over most of the band's height.

    A column that starts at the band's top may stop short (the last page of a two-column text).
    """
    width = max(ln.box.right for ln in lines) - min(ln.box.left for ln in lines)
    if width < MIN_COLUMN_WIDTH:
        return False
    if statistics.median(ln.box.width for ln in lines) < MIN_COLUMN_FILL * width:
        return False
    if statistics.median(len(ln.text) for ln in lines) < MIN_COLUMN_CHARS:
        return False
    covered = _covered_height(lines) / max(band_height, 1e-6)
    starts_at_top = min(ln.box.top for ln in lines) - band_top <= _line_height(lines)
    return covered >= (MIN_SHORT_COLUMN_COVERAGE if starts_at_top else MIN_COLUMN_COVERAGE)


def _covered_height(lines: list[_Line]) -> float:
    """Height covered by the lines, paragraph gaps (up to PARAGRAPH_GAP lines) included."""
    close = PARAGRAPH_GAP * _line_height(lines)
    spans: list[list[float]] = []
    for ln in sorted(lines, key=lambda ln: ln.box.top):
        if spans and ln.box.top - spans[-1][1] <= close:
            spans[-1][1] = max(spans[-1][1], ln.box.bottom)
        else:
            spans.append([ln.box.top, ln.box.bottom])
    return sum(bottom - top for top, bottom in spans)


def _rows(lines: list[_Line]) -> list[list[_Line]]:
    """Top to bottom; a line joins a row when it overlaps the row's first line enough."""
    rows: list[list[_Line]] = []
    for ln in sorted(lines, key=lambda ln: (ln.box.top + ln.box.bottom) / 2):
        if rows and _same_row(rows[-1][0].box, ln.box):
            rows[-1].append(ln)
        else:
            rows.append([ln])
    return [sorted(row, key=lambda ln: ln.box.left) for row in rows]


def _same_row(a: BoundingBox, b: BoundingBox) -> bool:
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return overlap >= ROW_OVERLAP * max(min(a.height, b.height), 1e-6)


def _by_blocks(lines: list[_Line]) -> list[_Line]:
    """Margin text in blocks (left, centre, right slots), each block read whole, by its top."""
    blocks: list[list[_Line]] = []
    for ln in sorted(lines, key=lambda ln: ln.box.top):
        home = next((b for b in blocks if _stacked(b[-1].box, ln.box)), None)
        if home is None:
            blocks.append([ln])
        else:
            home.append(ln)
    firsts = {id(b[0]): b for b in blocks}
    return [ln for first in _flatten(_rows([b[0] for b in blocks])) for ln in firsts[id(first)]]


def _stacked(above: BoundingBox, below: BoundingBox) -> bool:
    """``below`` continues the block that ends with ``above``: under it, overlapping in x."""
    overlaps_x = above.left < below.right and below.left < above.right
    gap = below.top - above.bottom
    return overlaps_x and not _same_row(above, below) and gap <= 0.5 * above.height


def _margin_zones(lines: list[_Line]) -> tuple[list[_Line], list[_Line]]:
    """The running header and footer lines of a page, from its own evidence."""
    rows = _rows(lines)
    header = _margin_rows(rows, top=True)
    footer = _margin_rows(list(reversed(rows[len(header) :])), top=False)
    return _flatten(header), _flatten(footer)


def _margin_rows(rows: list[list[_Line]], *, top: bool) -> list[list[_Line]]:
    """The run of rows at one end of the page that is running text, nearest row first."""
    band, pattern_band = (
        (HEADER_BAND, PATTERN_HEADER_BAND) if top else (FOOTER_BAND, PATTERN_FOOTER_BAND)
    )

    def inside(row: list[_Line], limit: float) -> bool:
        return all(ln.box.bottom <= limit if top else ln.box.top >= limit for ln in row)

    zone = []
    for row in rows[:3]:
        if not inside(row, band) and not (inside(row, pattern_band) and _is_running(row)):
            break
        zone.append(row)
    while zone and not _set_apart(zone, rows[len(zone) :], top=top):
        zone.pop()
    # without a page number or stamp, only left/centre/right slots tell a header from a title
    if not any(_is_running(row) or _has_slots(row) for row in zone):
        return []
    return zone


def _set_apart(zone: list[list[_Line]], body: list[list[_Line]], *, top: bool) -> bool:
    """A clear gap between the zone and the body, wider than the row spacing of the body near it.

    The second condition keeps the last row of a loosely spaced form from passing for a footer.
    """
    if not body:
        return False  # a page of nothing but margin text has no margins
    edge, nearest = zone[-1], body[0]
    gap = _row_gap(edge, nearest) if top else _row_gap(nearest, edge)
    upright = sorted(body[:NEAR_ROWS], key=lambda row: row[0].box.top)
    spacing = [max(0.0, _row_gap(a, b)) for a, b in itertools.pairwise(upright)]
    usual = statistics.median(spacing) if spacing else 0.0
    return gap >= max(MARGIN_GAP * _line_height(edge + nearest), 2 * usual)


def _row_gap(upper: list[_Line], lower: list[_Line]) -> float:
    return min(ln.box.top for ln in lower) - max(ln.box.bottom for ln in upper)


def _is_running(row: list[_Line]) -> bool:
    return any(_RUNNING.search(ln.text) for ln in row)


def _has_slots(row: list[_Line]) -> bool:
    """Left/centre/right slots of words (form rows of short values and figures do not count)."""
    if len(row) < 2 or not all(_is_wordy(ln.text) for ln in row):
        return False
    return all(b.box.left - a.box.right >= 0.05 for a, b in itertools.pairwise(row))


def _is_wordy(text: str) -> bool:
    chars = [c for c in text if not c.isspace()]
    return len(text.split()) >= 2 and sum(c.isalpha() for c in chars) >= 0.5 * len(chars)


def _line_numbers(lines: list[_Line]) -> set[int]:
    """Indices of pleading-paper line numbers: a rising run of 1..28 left of all other text.

    Left of *all* the text beside the run, so a table's column of quantities is never taken for
    line numbers; text above or below the run (a filing stamp across the top margin) does not
    count, since pleading paper numbers only the body's lines.
    """
    numbered = [
        ln for ln in lines if _number(ln.text) is not None and ln.box.right <= LINE_NUMBER_MARGIN
    ]
    if len(numbered) < MIN_LINE_NUMBERS:
        return set()
    ids = {ln.index for ln in numbered}
    top = min(ln.box.top for ln in numbered)
    bottom = max(ln.box.bottom for ln in numbered)
    beside = [
        ln
        for ln in lines
        if ln.index not in ids and top <= (ln.box.top + ln.box.bottom) / 2 <= bottom
    ]
    body_left = min((ln.box.left for ln in beside), default=1.0)
    rights = statistics.median(ln.box.right for ln in numbered)
    margin = [
        ln for ln in numbered if abs(ln.box.right - rights) < 0.03 and ln.box.right < body_left
    ]
    margin.sort(key=lambda ln: ln.box.top)
    values = [_number(ln.text) or 0 for ln in margin]
    rising = sum(b > a for a, b in itertools.pairwise(values))
    if len(margin) < MIN_LINE_NUMBERS or rising < 0.8 * (len(margin) - 1):
        return set()
    if not _evenly_spaced([ln.box.top for ln in margin]):
        return set()  # numbered paragraphs sit where their paragraphs start, not on a grid
    return {ln.index for ln in margin}


def _evenly_spaced(tops: list[float]) -> bool:
    """Whether most steps between consecutive numbers are one pitch: pleading paper's grid."""
    steps = [b - a for a, b in itertools.pairwise(tops)]
    pitch = statistics.median(steps)
    on_grid = sum(abs(step - pitch) <= 0.25 * pitch for step in steps)
    return pitch > 0 and on_grid >= 0.8 * len(steps)


def _number(text: str) -> int | None:
    match = _LINE_NUMBER.match(text)
    value = int(match.group(1)) if match else 0
    return value if 1 <= value <= MAX_LINE_NUMBER else None


def _line_height(lines: Sequence[_Line]) -> float:
    return max(statistics.median(ln.box.height for ln in lines), 1e-6)


def _flatten(rows: list[list[_Line]]) -> list[_Line]:
    return [ln for row in rows for ln in row]


def _with_role(line: OcrLine, role: str) -> OcrLine:
    return line if line.role == role else replace(line, role=role)
