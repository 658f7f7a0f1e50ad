"""Terminal output of a run: launch lines, progress, the final summary table."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TextIO

from lexflow.contracts import DocumentStatus
from lexflow.launch import Launched, Outcome


def print_launched(items: Sequence[Launched], ui_link: dict[str, str], out: TextIO) -> None:
    for item in items:
        note = "  (already running: not started again)" if item.already_running else ""
        print(f"{item.document_uuid}  {item.workflow_id}  {item.file_name}{note}", file=out)
        print(f"    {ui_link[item.workflow_id]}", file=out)


class ProgressPrinter:
    """Prints a line when a document moves to a new stage, state or page count."""

    def __init__(self, out: TextIO = sys.stderr) -> None:
        self._out = out
        self._seen: dict[str, tuple[str, str, int]] = {}

    def __call__(self, item: Launched, status: DocumentStatus) -> None:
        key = (status.state.value, status.stage.value, status.pages)
        if self._seen.get(item.workflow_id) == key:
            return
        self._seen[item.workflow_id] = key
        detail = f", {status.pages} pages" if status.pages else ""
        job = f", Textract job {status.textract_job_id}" if status.textract_job_id else ""
        print(
            f"  {item.file_name}: {status.state.value} at {status.stage.value}{detail}{job}",
            file=self._out,
        )


_COLUMNS = (
    "file_name",
    "status",
    "ocr_engine",
    "pages",
    "chunks",
    "entities",
    "relationships",
    "seconds",
    "error",
)


def summary_table(outcomes: Sequence[Outcome]) -> str:
    rows = [[_cell(o.to_json()[c]) for c in _COLUMNS] for o in outcomes]
    header = ["file", "status", "engine", "pages", "chunks", "entities", "rels", "time s", "error"]
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]
    widths[-1] = len(header[-1])  # the error column is last and left ragged
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    done = sum(o.status == "completed" for o in outcomes)
    lines.append(f"{done} completed, {len(outcomes) - done} failed")
    return "\n".join(lines)


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def outcomes_json(outcomes: Sequence[Outcome]) -> str:
    return json.dumps([o.to_json() for o in outcomes], indent=2)
