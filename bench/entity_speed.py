"""Entity extraction on text built to trip its patterns: ``python -m bench.entity_speed``.

Each input repeats one short unit to 50,000 characters: list-like runs, capitalised words with
connectors, half citations, definitions with nothing before them. A rule whose regular
expression backtracks shows here as seconds instead of milliseconds (one such rule once took 57 s
on a 40,000-character list). A benchmark: it prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(
    0, str(Path(__file__).resolve().parents[1])
)  # run as `python bench/entity_speed.py`

from lexflow.ocr.types import OcrLine, OcrPage
from lexflow.text.chunking import chunk_document
from lexflow.text.document_text import build_document_text
from lexflow.text.entities import extract_entities

SIZE = 50_000
UNITS = (
    "ALPHA BETA GAMMA\nDELTA EPSILON OF\n",
    "Mr. Ann Lee\nAlpha Beta Gamma\nDelta Of The\n",
    "Alpha Beta, Gamma Delta v. Epsilon Zeta, et al., No. ",
    "FRAP 1(a), 2(b), 3(c) or ",
    "Alpha Beta Gamma dba Delta Epsilon Zeta Eta ",
    "JANE ROE\njroe@a.org\nALPHA BETA\n",
    "March 3 ",
    "Aaa Bbb and Ccc of Ddd ",
    "Free Speech Clause of the ",
    "Act of Jan. 2, 1990, Pub. L. ",
    "Tex. H. Res. 12, 8th Legislature, ",
    "Total Amount: 1,000.00\n",
    "Borrower Name\nJane Roe\n",
    "Ann “Bee Cee” ",
    "(“Acme”) ",
    "Zeta Trust Company (“Acme”) ",
    "USDC Ohio Congress ",
    "District of Ohio, Aaa Bbb ",
    "Alpha Beta Gamma Delta (“ABGD”) ",
    "Word Hosp. Fed. Sav. ",
    "Idaho v. Oregon, 571 U. S. ___, ___, and n. 3, ___, ",
    "K.S.A. § 60-1(b), (c), ",
    "Texas Word Word Word ",
    "quoting Roe v. Doe ",
    "Roe, No. 21-1, Docket Entry No 3. ",
    "Alpha and Beta Gamma (“X",
    "FDA EPA ",
    "v. STATE EX REL. ",
    "BrightCompany ",
    "Acme Company Acme Street ",
    "Plaintiffs' Lead Lead Lead ",
    "First Name: JANE Last Name: ",
    "Alpha Beta, Gamma, 2019-NCSC-1, ",
    "Alpha Beta 2019 IL 12 2020 ND ",
    "Word Word Advisory Committee Note to ",
    "Texas Word Code Word Code ",
    "ALPHA BETA CAPTION FOR 1-2\n",
    "the Constitution the Utah Constitution ",
    "A. Alpha Beta\nB. Gamma Delta\n",
)


def seconds(text: str) -> float:
    """Wall seconds to build the document text, chunk it and extract its entities."""
    started = time.perf_counter()
    lines = [OcrLine(text=line, confidence=99.0) for line in text.split("\n")]
    document = build_document_text([OcrPage(number=1, lines=lines)])
    extract_entities(document, chunk_document(document, 1500, 200))
    return time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object instead of lines")
    args = parser.parse_args(argv)
    seconds("warm up: " * 10)
    figures = {unit: round(seconds((unit * (SIZE // len(unit) + 1))[:SIZE]), 3) for unit in UNITS}
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
    else:
        for unit, value in sorted(figures.items(), key=lambda item: -item[1]):
            print(f"{value:7.3f} s  {unit!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
