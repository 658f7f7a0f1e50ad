"""How good lexflow's reading order is on real Textract responses.

``python -m bench.reading_order [CORPUS_TEXTRACT_DIR]`` (default ``../shared/corpus/textract``)
prints, over every ``*.json.gz`` response there: the pages, the pages lexflow calls multi-column,
the mean pairwise agreement with Textract's own LAYOUT order of the raw LINE order and of lexflow's
order (on the pages that have LAYOUT blocks), and which of the ``expected_reading_order.json``
expectations lexflow meets. It is a script, not a test: it prints figures and asserts nothing.

The scoring functions are pure and importable (``bench/quality.py`` uses them):

- ``pairwise_agreement(predicted, reference) -> float``
- ``line_coverage(predicted, reference) -> float``
- ``raw_line_order(blocks, page) -> list[str]`` and ``layout_line_order(blocks, page)``
- ``expectation_met(lines, check) -> bool`` and ``score_expectations(corpus_dir, to_pages)``
- ``corpus_report(corpus_dir, to_pages, is_multi_column) -> Report``
"""

from __future__ import annotations

import gzip
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lexflow.ocr.layout import column_count
from lexflow.ocr.textract_parse import blocks_to_pages
from lexflow.ocr.types import OcrLine, OcrPage

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "textract"
EXPECTATIONS_FILE = "expected_reading_order.json"

Blocks = Sequence[Mapping[str, Any]]
ToPages = Callable[[Blocks], list[OcrPage]]
"""Textract blocks → pages in reading order (``blocks_to_pages`` or a rival to compare)."""
IsMultiColumn = Callable[[Sequence[OcrLine]], bool]


def pairwise_agreement(predicted: Sequence[str], reference: Sequence[str]) -> float:
    """Share of the reference's ordered pairs that ``predicted`` keeps in the same order.

    Items are compared by text; a text repeated on a page is matched occurrence by occurrence (the
    second "2021" in one with the second in the other). Only items present in both count.

    Args:
        predicted: line texts in the order under test.
        reference: the same page's line texts in the reference order.

    Returns:
        0..1 (Kendall-tau style agreement); 1.0 when fewer than two items are shared.
    """
    pred_keys = _occurrence_keys(predicted)
    position = {key: i for i, key in enumerate(pred_keys)}
    ranks = [position[key] for key in _occurrence_keys(reference) if key in position]
    pairs = len(ranks) * (len(ranks) - 1) // 2
    if pairs == 0:
        return 1.0
    kept = sum(1 for i, a in enumerate(ranks) for b in ranks[i + 1 :] if a < b)
    return kept / pairs


def line_coverage(predicted: Sequence[str], reference: Sequence[str]) -> float:
    """Share of the reference's line texts (as a multiset) that ``predicted`` contains.

    Returns:
        0..1; 1.0 for an empty reference.
    """
    if not reference:
        return 1.0
    have = Counter(predicted)
    need = Counter(reference)
    return sum(min(n, have[text]) for text, n in need.items()) / len(reference)


def raw_line_order(blocks: Blocks, page: int) -> list[str]:
    """The page's LINE texts in the order Textract listed them (stripped, empty lines dropped)."""
    return [
        text
        for b in blocks
        if b.get("BlockType") == "LINE" and _page(b) == page
        for text in [str(b.get("Text") or "").strip()]
        if text
    ]


def layout_line_order(blocks: Blocks, page: int) -> list[str] | None:
    """The page's LINE texts in Textract's LAYOUT order, or ``None`` when it has no LAYOUT blocks.

    LAYOUT_* blocks come in reading order; each lists its LINEs (or, for LAYOUT_LIST, its
    LAYOUT_TEXT items) as children. Lines no layout block claims are left out.
    """
    by_id = {b.get("Id"): b for b in blocks}
    layouts = [b for b in blocks if _is_layout(b) and _page(b) == page]
    if not layouts:
        return None
    seen: set[Any] = set()
    texts: list[str] = []

    def visit(block: Mapping[str, Any]) -> None:
        if block.get("Id") in seen:
            return
        seen.add(block.get("Id"))
        for child_id in _children(block):
            child = by_id.get(child_id)
            if child is None:
                continue
            if child.get("BlockType") == "LINE" and child_id not in seen:
                seen.add(child_id)
                if text := str(child.get("Text") or "").strip():
                    texts.append(text)
            elif _is_layout(child):
                visit(child)

    for layout in layouts:
        visit(layout)
    return texts


def expectation_met(lines: Sequence[str], check: Mapping[str, Any]) -> bool:
    """Whether one page's lines, in order, meet one ``expected_reading_order.json`` check.

    Each fragment of ``check["sequence"]`` must be found in a line after the line that held the
    previous fragment. Mode ``fragments-lower`` compares lower-cased; ``lines-substring`` exactly.
    """
    lower = check.get("mode") == "fragments-lower"
    haystack = [ln.lower() if lower else ln for ln in lines]
    at = -1
    for fragment in check["sequence"]:
        needle = fragment.lower() if lower else fragment
        at = next((i for i in range(at + 1, len(haystack)) if needle in haystack[i]), -1)
        if at < 0:
            return False
    return True


@dataclass(frozen=True, slots=True)
class ExpectationResult:
    response: str
    """The response's file name."""
    source: str
    """Where the expectation comes from (the library's test)."""
    met: bool


def score_expectations(
    corpus_dir: Path, to_pages: ToPages = blocks_to_pages
) -> list[ExpectationResult]:
    """Every check in ``corpus_dir/expected_reading_order.json`` against page 1 of its response.

    Args:
        corpus_dir: the folder holding the responses and the expectations file.
        to_pages: how to order the blocks; lexflow's ``blocks_to_pages`` by default.
    """
    path = corpus_dir / EXPECTATIONS_FILE
    if not path.exists():
        return []
    results = []
    for key, entry in json.loads(path.read_text()).items():
        name = Path(key).name
        pages = to_pages(load_blocks(corpus_dir / name))
        lines = [ln.text for ln in pages[0].lines] if pages else []
        for check in entry["checks"]:
            results.append(ExpectationResult(name, check["source"], expectation_met(lines, check)))
    return results


@dataclass(slots=True)
class Report:
    pages: int = 0
    multi_column: list[str] = field(default_factory=list)
    """``file#page`` of each page called multi-column."""
    layout_pages: int = 0
    raw_vs_layout: float = 0.0
    """Mean pairwise agreement with LAYOUT order of Textract's raw LINE order."""
    ours_vs_layout: float = 0.0
    """The same for lexflow's order."""
    ours_vs_raw_single: float = 0.0
    """Mean agreement with the raw order on pages called single-column (a stability figure)."""
    coverage: float = 1.0
    """Lowest share of a page's raw lines that lexflow's page kept."""
    expectations: list[ExpectationResult] = field(default_factory=list)


def corpus_report(
    corpus_dir: Path,
    to_pages: ToPages = blocks_to_pages,
    is_multi_column: IsMultiColumn = lambda lines: column_count(lines) > 1,
) -> Report:
    """All the figures ``main`` prints, for one way of ordering pages."""
    report = Report()
    vs_layout: list[tuple[float, float]] = []
    vs_raw: list[float] = []
    for path in sorted(corpus_dir.glob("*.json.gz")):
        blocks = load_blocks(path)
        for page in to_pages(blocks):
            report.pages += 1
            raw = raw_line_order(blocks, page.number)
            ours = [ln.text for ln in page.lines]
            report.coverage = min(report.coverage, line_coverage(ours, raw))
            if is_multi_column(page.lines):
                report.multi_column.append(f"{path.name}#{page.number}")
            else:
                vs_raw.append(pairwise_agreement(ours, raw))
            layout = layout_line_order(blocks, page.number)
            if layout is not None:
                vs_layout.append(
                    (pairwise_agreement(raw, layout), pairwise_agreement(ours, layout))
                )
    report.layout_pages = len(vs_layout)
    report.raw_vs_layout = _mean(a for a, _ in vs_layout)
    report.ours_vs_layout = _mean(b for _, b in vs_layout)
    report.ours_vs_raw_single = _mean(vs_raw)
    report.expectations = score_expectations(corpus_dir, to_pages)
    return report


def format_report(report: Report) -> str:
    met = sum(r.met for r in report.expectations)
    lines = [
        f"pages: {report.pages}",
        f"pages called multi-column: {len(report.multi_column)}",
        *(f"  {name}" for name in report.multi_column),
        f"pages with LAYOUT: {report.layout_pages}",
        f"pairwise agreement with LAYOUT order: raw LINE order {report.raw_vs_layout:.3f},"
        f" lexflow {report.ours_vs_layout:.3f}",
        f"agreement with raw order on single-column pages: {report.ours_vs_raw_single:.3f}",
        f"lowest line coverage: {report.coverage:.3f}",
        f"expectations met: {met} of {len(report.expectations)}",
        *(f"  {'met ' if r.met else 'MISS'} {r.response}: {r.source}" for r in report.expectations),
    ]
    return "\n".join(lines)


def load_blocks(path: Path) -> list[Mapping[str, Any]]:
    """The blocks of a saved response: one response, or a list of paged responses concatenated."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as handle:
        data = json.load(handle)
    responses = data if isinstance(data, list) else [data]
    return [b for r in responses for b in r.get("Blocks") or []]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    corpus = Path(args[0]) if args else DEFAULT_CORPUS
    print(format_report(corpus_report(corpus)))
    return 0


def _occurrence_keys(texts: Sequence[str]) -> list[tuple[str, int]]:
    seen: Counter[str] = Counter()
    keys = []
    for text in texts:
        keys.append((text, seen[text]))
        seen[text] += 1
    return keys


def _children(block: Mapping[str, Any]) -> list[Any]:
    return [
        i
        for rel in block.get("Relationships") or []
        if rel.get("Type") == "CHILD"
        for i in rel.get("Ids") or []
    ]


def _is_layout(block: Mapping[str, Any]) -> bool:
    return str(block.get("BlockType") or "").startswith("LAYOUT_")


def _page(block: Mapping[str, Any]) -> int:
    return int(block.get("Page") or 1)


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


if __name__ == "__main__":
    raise SystemExit(main())
