"""Extraction quality on real documents: ``python -m bench.quality [CORPUS_DIR] [--json]``.

For every PDF or image under ``CORPUS_DIR`` (default ``../shared/corpus``, searched recursively)
it prints whether lexflow accepts it, its pages, how each page was read (text layer, OCR, both),
the words of each page against a reference, and seconds per page. The reference is a text file
beside the benchmark (``bench/reference/<file name>.txt``, pages split by form feeds) where one
exists, else the document's own text layer as ``pdftotext`` reads it; a page with no reference
words is not scored. For every Textract response (``*.json`` / ``*.json.gz``) it prints line
coverage, pairwise reading-order agreement with Textract's LAYOUT order where the response has
one, and the reading-order expectations met (``bench.reading_order``). For every document with a
hand-labelled gold file it prints entity precision and recall per type
(``bench.entity_scoring``), apart for the labels the rules were developed against
(``bench/gold/``) and for held-out labels written after them (``bench/gold/heldout/``).
A benchmark: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as `python bench/quality.py`

from bench import entity_scoring, reading_order
from lexflow.errors import LexflowError
from lexflow.inspect import inspect_file
from lexflow.ocr.local import LocalOcrEngine
from lexflow.ocr.textract_parse import blocks_to_pages
from lexflow.ocr.types import OcrPage

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
REFERENCE_DIR = Path(__file__).parent / "reference"
DOCUMENT_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
ENTITY_SETS = ("dev", "heldout", "dev, spans within half", "heldout, spans within half")
_WORD = re.compile(r"[^\W_]+")


@dataclass(slots=True)
class PageResult:
    number: int
    source: str
    seconds: float
    reference: str
    """``file``, ``pdftotext`` or ``none``."""
    reference_words: int
    recall: float | None
    """Share of the reference's words (as a multiset) found in the page's text."""
    precision: float | None
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class DocumentResult:
    name: str
    accepted: bool
    error: str | None = None
    pages: list[PageResult] = field(default_factory=list)


@dataclass(slots=True)
class EntityResult:
    document: str
    set: str
    """``dev`` (the labels the rules were developed against) or ``heldout``."""
    pages: list[int]
    scores: dict[str, dict[str, int]]
    """Per type: tp, fp, fn."""


@dataclass(slots=True)
class ResponseResult:
    name: str
    pages: int
    coverage: float
    raw_vs_layout: float | None
    ours_vs_layout: float | None


def word_scores(text: str, reference: str) -> tuple[float | None, float | None]:
    """(recall, precision) of ``text``'s words against ``reference``'s, as multisets.

    Case and punctuation are ignored, so the figure is about words read or lost, not layout;
    ``(None, None)`` when the reference has no words.
    """
    ours, theirs = _words(text), _words(reference)
    if not theirs:
        return None, None
    common = sum((ours & theirs).values())
    return common / sum(theirs.values()), (common / sum(ours.values()) if ours else 0.0)


def _words(text: str) -> Counter[str]:
    # pdfium's line-end hyphen and pdftotext's both split a word; join them the same way
    return Counter(_WORD.findall(re.sub(r"-\s*\n\s*", "", text).casefold()))


def references(path: Path, page_count: int) -> tuple[str, list[str]]:
    """The reference text of each page, and where it came from."""
    own = REFERENCE_DIR / f"{path.name}.txt"
    if own.exists():
        return "file", _pages(own.read_text(encoding="utf-8"), page_count)
    if path.suffix.lower() == ".pdf" and shutil.which("pdftotext"):
        done = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            check=False,
            timeout=120,
        )
        if done.returncode == 0:
            return "pdftotext", _pages(done.stdout.decode("utf-8", "replace"), page_count)
    return "none", [""] * page_count


def _pages(text: str, count: int) -> list[str]:
    pages = text.split("\f")
    return (pages + [""] * count)[:count]


def measure_document(
    path: Path, engine: LocalOcrEngine, read: dict[str, list[OcrPage]]
) -> DocumentResult:
    """Accept, read and score one PDF or image; its pages go into ``read`` by file name."""
    try:
        info = inspect_file(path, max_bytes=2**31, max_pages=100_000)
    except LexflowError as exc:
        return DocumentResult(path.name, accepted=False, error=str(exc))
    result = DocumentResult(path.name, accepted=True)
    kind, refs = references(path, info.page_count)
    started = time.perf_counter()
    read[path.name] = []
    for page in engine.iter_pages(path, info.media_type):
        read[path.name].append(page)
        now = time.perf_counter()
        # every line the page record keeps, pleading line numbers too: they are not lost, only
        # left out of the text the later stages read, and the reference has them
        kept = "\n".join(line.text for line in page.lines)
        recall, precision = word_scores(kept, refs[page.number - 1])
        result.pages.append(
            PageResult(
                number=page.number,
                source=page.source,
                seconds=round(now - started, 3),
                reference=kind,
                reference_words=sum(_words(refs[page.number - 1]).values()),
                recall=recall,
                precision=precision,
                notes=list(page.notes),
            )
        )
        started = now
    return result


def measure_entities(corpus: Path, read: dict[str, list[OcrPage]]) -> list[EntityResult]:
    """Every gold file, dev and held-out, against what lexflow finds in its document."""
    results = []
    for folder, label in (
        (entity_scoring.GOLD_DIR, "dev"),
        (entity_scoring.HELDOUT_DIR, "heldout"),
    ):
        for gold in entity_scoring.load_gold(folder):
            path = entity_scoring.find_document(corpus, gold["document"])
            if path is None:
                continue
            mentions = entity_scoring.extract_mentions(path, read.get(path.name))
            for lenient in (False, True):
                scores = entity_scoring.score_entities(gold, mentions, lenient=lenient)
                results.append(
                    EntityResult(
                        document=gold["document"],
                        set=f"{label}, spans within half" if lenient else label,
                        pages=list(gold["pages"]),
                        scores={n: {"tp": t.tp, "fp": t.fp, "fn": t.fn} for n, t in scores.items()},
                    )
                )
    return results


def measure_response(path: Path) -> ResponseResult:
    """Line coverage and reading order of one Textract response."""
    blocks = reading_order.load_blocks(path)
    pages = blocks_to_pages(blocks)
    coverage, raw_layout, ours_layout = [], [], []
    for page in pages:
        raw = reading_order.raw_line_order(blocks, page.number)
        ours = [line.text for line in page.lines]
        coverage.append(reading_order.line_coverage(ours, raw))
        layout = reading_order.layout_line_order(blocks, page.number)
        if layout is not None:
            raw_layout.append(reading_order.pairwise_agreement(raw, layout))
            ours_layout.append(reading_order.pairwise_agreement(ours, layout))
    return ResponseResult(
        name=path.name,
        pages=len(pages),
        coverage=min(coverage, default=1.0),
        raw_vs_layout=_mean(raw_layout),
        ours_vs_layout=_mean(ours_layout),
    )


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None


def run(corpus: Path) -> dict[str, Any]:
    """Every figure, as one JSON-ready object."""
    engine = LocalOcrEngine()
    read: dict[str, list[OcrPage]] = {}  # each document OCRed once, for pages and entities
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    documents = [
        measure_document(p, engine, read) for p in files if p.suffix.lower() in DOCUMENT_SUFFIXES
    ]
    responses = [
        measure_response(p)
        for p in files
        if p.name.endswith((".json.gz", ".json")) and "expected" not in p.name
    ]
    folders = {p.parent for p in files if p.name == reading_order.EXPECTATIONS_FILE}
    expectations = [
        r for folder in sorted(folders) for r in reading_order.score_expectations(folder)
    ]
    entities = measure_entities(corpus, read)
    return {
        "documents": [asdict(d) for d in documents],
        "responses": [asdict(r) for r in responses],
        "expectations": [asdict(r) for r in expectations],
        "entities": [asdict(e) for e in entities],
        "summary": summarise(documents, responses, expectations)
        | {"entities": {label: entity_totals(entities, label) for label in ENTITY_SETS}},
    }


def entity_totals(results: Sequence[EntityResult], label: str) -> dict[str, dict[str, Any]]:
    """Precision and recall per type over one set of gold files."""
    totals: dict[str, list[int]] = {}
    for result in results:
        if result.set != label:
            continue
        for name, s in result.scores.items():
            tp, fp, fn = totals.setdefault(name, [0, 0, 0])
            totals[name] = [tp + s["tp"], fp + s["fp"], fn + s["fn"]]
    return {
        name: {
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None,
            "tp": tp,
            "fp": fp,
            "fn": fn,
        }
        for name, (tp, fp, fn) in totals.items()
    }


def summarise(
    documents: Sequence[DocumentResult],
    responses: Sequence[ResponseResult],
    expectations: Sequence[reading_order.ExpectationResult],
) -> dict[str, Any]:
    """The headline figures the README quotes."""
    pages = [p for d in documents for p in d.pages]
    scored = [p for p in pages if p.recall is not None]
    by_source = Counter(p.source for p in pages)
    ocr_seconds = [p.seconds for p in pages if p.source != "text-layer"]
    layout = [r for r in responses if r.ours_vs_layout is not None]
    return {
        "documents": len(documents),
        "accepted": sum(d.accepted for d in documents),
        "refused": {d.name: d.error for d in documents if not d.accepted},
        "pages": len(pages),
        "pages_by_source": dict(by_source),
        "lowest_page_recall": min((p.recall for p in scored if p.recall is not None), default=None),
        "mean_page_recall": _mean([p.recall for p in scored if p.recall is not None]),
        "seconds_per_ocr_page": _mean(ocr_seconds),
        "seconds_per_text_page": _mean([p.seconds for p in pages if p.source == "text-layer"]),
        "responses": len(responses),
        "lowest_line_coverage": min((r.coverage for r in responses), default=None),
        "raw_vs_layout": _mean([r.raw_vs_layout for r in layout if r.raw_vs_layout is not None]),
        "ours_vs_layout": _mean([r.ours_vs_layout for r in layout if r.ours_vs_layout is not None]),
        "expectations_met": f"{sum(e.met for e in expectations)} of {len(expectations)}",
    }


def format_text(report: dict[str, Any]) -> str:
    out = ["document  page  source  seconds  reference  words  recall  notes"]
    for d in report["documents"]:
        if not d["accepted"]:
            out.append(f"{d['name']}  refused: {d['error']}")
            continue
        for p in d["pages"]:
            recall = "-" if p["recall"] is None else f"{p['recall']:.3f}"
            out.append(
                f"{d['name']}  {p['number']}  {p['source']}  {p['seconds']:.2f}  "
                f"{p['reference']}  {p['reference_words']}  {recall}  {'; '.join(p['notes'])}"
            )
    out.append("")
    out.append("response  pages  coverage  raw-vs-LAYOUT  lexflow-vs-LAYOUT")
    for r in report["responses"]:
        out.append(
            f"{r['name']}  {r['pages']}  {r['coverage']:.3f}  {r['raw_vs_layout']}  "
            f"{r['ours_vs_layout']}"
        )
    out.append("")
    out.append(json.dumps(report["summary"], indent=2))
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", action="store_true", help="one JSON object instead of tables")
    args = parser.parse_args(argv)
    if not args.corpus.is_dir():
        print(f"no corpus folder at {args.corpus}", file=sys.stderr)
        return 2
    report = run(args.corpus)
    print(json.dumps(report, indent=2) if args.json else format_text(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
