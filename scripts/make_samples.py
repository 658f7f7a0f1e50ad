"""Write the small sample documents in ``samples/`` (what ``make demo`` processes).

    python scripts/make_samples.py [OUT_DIR]

The documents come from ``tests/docgen.py``, the generator the tests use; the output is
deterministic, so re-running it leaves ``samples/`` unchanged.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import docgen  # noqa: E402  (needs the repository root on sys.path)

HALF_PAGE = (8.5, 5.0)


def make_samples(out: Path) -> list[Path]:
    """Write every sample into ``out`` and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    return [
        docgen.born_digital_pdf(out / "complaint-acme-v-smith.pdf"),
        docgen.scanned_pdf(
            out / "order-granting-motion-scanned.pdf", [docgen.ORDER], encoding="bilevel"
        ),
        docgen.mixed_pdf(out / "complaint-with-scanned-order.pdf", encoding="bilevel"),
        docgen.filled_form_pdf(out / "civil-cover-sheet-filled.pdf"),
        docgen.write_png(out / "settlement-agreement.png", docgen.LETTER, size_in=HALF_PAGE),
        docgen.write_jpeg(out / "services-agreement-clause.jpg", size_in=HALF_PAGE),
        docgen.write_tiff(out / "exhibits-scanned.tif", (docgen.CONTRACT, docgen.ORDER)),
    ]


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "samples"
    paths = make_samples(out)
    for path in paths:
        print(f"{path.stat().st_size:>8,} bytes  {path}")
    print(f"{sum(p.stat().st_size for p in paths):>8,} bytes  total")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
