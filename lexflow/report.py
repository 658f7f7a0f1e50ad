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
        if item.retried_after_attempt is not None:
            note = f"  (attempt {item.retried_after_attempt} had failed: retrying)"
        if item.start_error is not None:
            note = f"  ({item.start_error})"
        print(f"{item.document_uuid}  {item.workflow_id}  {item.file_name}{note}", file=out)
        if item.start_error is None:  # a workflow that never started has no page to link to
            print(f"    {ui_link[item.workflow_id]}", file=out)


class ProgressPrinter:
    """Prints a line when a document moves to a new stage or state, or OCRs another page."""

    def __init__(self, out: TextIO = sys.stderr) -> None:
        self._out = out
        self._seen: dict[str, tuple[str, str, int | None]] = {}

    def __call__(self, item: Launched, status: DocumentStatus, pages_done: int | None) -> None:
        key = (status.state.value, status.stage.value, pages_done)
        if self._seen.get(item.workflow_id) == key:
            return
        self._seen[item.workflow_id] = key
        total = status.page_count or "?"
        detail = f", page {pages_done}/{total}" if pages_done else ""
        if not detail and status.page_count:
            detail = f", {_count(status.page_count, 'page')}"
        job = f", Textract job {status.textract_job_id}" if status.textract_job_id else ""
        line = f"  {item.file_name}: {status.state.value} at {status.stage.value}{detail}{job}"
        print(line, file=self._out)


_COLUMNS = (
    "file_name",
    "status",
    "ocr_engine",
    "pages",
    "pages_sent_to_ocr",
    "chunks",
    "entities",
    "relationships",
    "seconds",
    "error",
)


def summary_table(outcomes: Sequence[Outcome]) -> str:
    rows = [[_cell(o.to_json()[c]) for c in _COLUMNS] for o in outcomes]
    header = [
        "file", "status", "engine", "pages", "ocr'd", "chunks", "entities", "rels", "time s",
        "error",
    ]  # fmt: skip
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)
    ]
    widths[-1] = len(header[-1])  # the error column is last and left ragged
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    done = sum(o.status == "completed" for o in outcomes)
    pages = sum(o.pages for o in outcomes)
    sent = sum(o.pages_sent_to_ocr for o in outcomes)
    lines.append(
        f"{done} completed, {len(outcomes) - done} failed; {_count(pages, 'page')}, "
        f"{sent} sent to OCR ({pages - sent} read from their text layer or cache)"
    )
    return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def outcomes_json(outcomes: Sequence[Outcome]) -> str:
    return json.dumps([o.to_json() for o in outcomes], indent=2)
