"""Entity precision and recall against hand-labelled gold files: ``python -m bench.entity_scoring``.

A gold file, ``bench/gold/<corpus file name>.entities.json``, lists every PERSON, ORGANIZATION,
COURT, DATE, MONEY, STATUTE and CASE_CITATION on the pages it names::

    {"document": "<corpus file name>", "pages": [1, 2],
     "entities": [{"type": "PERSON", "text": "Jane Q. Roe"}, ...]}

Scoring compares unique (type, normalised text) pairs per document, on the gold's pages only:
texts are case-folded, whitespace is collapsed and surrounding punctuation stripped. A predicted
mention is correct when its surface text or its ``normalized`` value equals a gold text of its
type (so ``Mr. Gans``, normalised ``Gans``, matches a gold ``Gans``); every other prediction on
those pages is a false positive. CASE_NUMBER mentions are not scored.

Labelling conventions: names are written without honorific or role (``Gans``, not ``Mr.
Gans``); an entity inside a larger one (a date or court inside a case citation) is not labelled
on its own; ``Id.`` citations and generic references (``this Court``, ``the Panel``) are not
labelled. The script is a benchmark: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lexflow.ocr.types import OcrPage
from lexflow.text.mentions import EntityType, Mention

GOLD_DIR = Path(__file__).parent / "gold"
"""The labels rules were developed against."""
HELDOUT_DIR = GOLD_DIR / "heldout"
"""Labels nobody tuned on, written after the rules: the honest figure."""
DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SCORED_TYPES = tuple(t for t in EntityType if t is not EntityType.CASE_NUMBER)

_SPACE = re.compile(r"\s+")
_AMOUNT = re.compile(r"(?:\$\s*)?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)")
_EDGE_PUNCTUATION = "\"'“”‘’.,;:()[]{}<>-–—*/\\ "


@dataclass(frozen=True, slots=True)
class TypeScore:
    """Scores for one entity type over one document (or summed over several)."""

    tp: int
    """Gold entities matched by at least one prediction."""
    fp: int
    """Distinct predicted texts that match no gold entity."""
    fn: int
    """Gold entities no prediction matched."""
    false_positives: tuple[str, ...] = ()
    false_negatives: tuple[str, ...] = ()

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1.0 when there was nothing to find."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def __add__(self, other: TypeScore) -> TypeScore:
        return TypeScore(
            self.tp + other.tp,
            self.fp + other.fp,
            self.fn + other.fn,
            self.false_positives + other.false_positives,
            self.false_negatives + other.false_negatives,
        )


def normalise(text: str) -> str:
    """Case-fold, collapse whitespace and strip surrounding punctuation."""
    text = text.replace("\u2010", "-").replace("\u2011", "-")  # hyphens, as lexflow reads them
    return _SPACE.sub(" ", text.casefold()).strip(_EDGE_PUNCTUATION)


def score_entities(
    gold: dict[str, Any], mentions: Sequence[Mention], *, lenient: bool = False
) -> dict[str, TypeScore]:
    """Score one document's mentions against its gold file.

    This signature is stable: ``bench/quality.py`` calls it.

    Args:
        gold: A parsed gold file: ``document``, ``pages`` (1-based) and ``entities``, each a
            ``{"type": ..., "text": ...}`` object.
        mentions: Every mention ``extract_entities`` returned for the whole document; those on
            other pages, and CASE_NUMBER mentions, are ignored.
        lenient: Also count a prediction of the right type whose text holds, or is held in, a
            gold text at least half its length: the entity found with its span too short or
            too long (a citation without its case name). The strict figure is the headline.

    Returns:
        A ``TypeScore`` per scored entity type name (``"PERSON"``, ...), every type present.
    """
    pages = set(gold["pages"])
    expected: dict[str, dict[str, set[str]]] = {t.value: {} for t in SCORED_TYPES}
    for entity in gold["entities"]:
        label = normalise(entity["text"])
        expected[entity["type"]][label] = _forms(entity["type"], label)
    predicted: dict[str, dict[str, set[str]]] = {t.value: {} for t in SCORED_TYPES}
    for mention in mentions:
        if mention.page not in pages or mention.entity_type is EntityType.CASE_NUMBER:
            continue
        forms = {normalise(mention.text)}
        if mention.normalized:
            forms.add(normalise(mention.normalized))
        predicted[mention.entity_type.value].setdefault(normalise(mention.text), set()).update(
            forms
        )
    return {
        name: _score(expected[name], predicted[name].items(), lenient=lenient) for name in expected
    }


def _forms(entity_type: str, label: str) -> set[str]:
    """The ways a gold text may be matched: itself, and for MONEY its amount as lexflow
    normalises it (``552,500`` is ``552500.00``), so a ``$`` or a space does not decide."""
    forms = {label}
    amount = _AMOUNT.fullmatch(label)
    if entity_type == EntityType.MONEY.value and amount:
        forms.add(f"{float(amount.group(1).replace(',', '')):.2f}")
    return forms


def _score(
    expected: dict[str, set[str]],
    predicted: Iterable[tuple[str, set[str]]],
    *,
    lenient: bool = False,
) -> TypeScore:
    matched: set[str] = set()
    wrong: list[str] = []
    for surface, forms in predicted:
        hits = {label for label, accepted in expected.items() if forms & accepted}
        if lenient and not hits:
            hits = {label for label in expected if _overlaps(surface, label)}
        matched |= hits
        if not hits:
            wrong.append(surface)
    missed = sorted(set(expected) - matched)
    return TypeScore(len(matched), len(wrong), len(missed), tuple(sorted(wrong)), tuple(missed))


def _overlaps(surface: str, label: str) -> bool:
    shorter, longer = sorted((surface, label), key=len)
    return bool(shorter) and shorter in longer and len(shorter) >= 0.5 * len(longer)


def load_gold(gold_dir: Path = GOLD_DIR) -> list[dict[str, Any]]:
    """Every gold file in ``gold_dir``, sorted by document name."""
    files = sorted(gold_dir.glob("*.entities.json"))
    return [json.loads(path.read_text(encoding="utf-8")) for path in files]


def find_document(corpus: Path, name: str) -> Path | None:
    """The corpus file a gold file names, anywhere under ``corpus``."""
    return next(iter(sorted(corpus.rglob(name))), None)


def extract_mentions(path: Path, pages: Sequence[OcrPage] | None = None) -> list[Mention]:
    """What lexflow finds in a PDF (local engine) or a Textract response (``.json[.gz]``).

    ``pages``: the document already read, so a caller that has OCRed it does not OCR it again.
    """
    # Imported here so the scoring functions stay importable without the OCR stack.
    from bench.reading_order import load_blocks
    from lexflow.ocr.local import LocalOcrEngine
    from lexflow.ocr.textract_parse import blocks_to_pages
    from lexflow.text.chunking import chunk_document
    from lexflow.text.document_text import build_document_text
    from lexflow.text.entities import extract_entities

    if pages is None and path.name.endswith((".json", ".json.gz")):
        pages = blocks_to_pages(load_blocks(path))
    elif pages is None:
        pages = list(LocalOcrEngine().iter_pages(path, "application/pdf"))
    text = build_document_text(pages)
    return extract_entities(text, chunk_document(text, 1500, 200))


def _table(totals: dict[str, TypeScore]) -> str:
    lines = [f"{'type':<14} {'prec':>6} {'recall':>6} {'tp':>4} {'fp':>4} {'fn':>4}"]
    for name, s in totals.items():
        row = f"{s.precision:6.2f} {s.recall:6.2f} {s.tp:4d} {s.fp:4d} {s.fn:4d}"
        lines.append(f"{name:<14} {row}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses per document")
    parser.add_argument(
        "--heldout", action="store_true", help="score the held-out labels (bench/gold/heldout/)"
    )
    parser.add_argument(
        "--lenient", action="store_true", help="also count spans found too short or too long"
    )
    args = parser.parse_args(argv)
    totals = {t.value: TypeScore(0, 0, 0) for t in SCORED_TYPES}
    for gold in load_gold(HELDOUT_DIR if args.heldout else GOLD_DIR):
        path = find_document(args.corpus, gold["document"])
        if path is None:
            print(f"{gold['document']}: not under {args.corpus}", file=sys.stderr)
            continue
        scores = score_entities(gold, extract_mentions(path), lenient=args.lenient)
        for name, score in scores.items():
            totals[name] += score
            if args.verbose and (score.false_positives or score.false_negatives):
                print(f"{gold['document']} {name}")
                print(f"  FP {list(score.false_positives)}\n  FN {list(score.false_negatives)}")
    print(_table(totals))
    return 0


if __name__ == "__main__":
    sys.exit(main())
