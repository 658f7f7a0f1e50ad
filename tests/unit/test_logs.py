"""Log lines are JSON objects carrying the ids an operator searches by."""

from __future__ import annotations

import json
import logging

from lexflow.logs import JsonFormatter


def record(**extra: object) -> logging.LogRecord:
    rec = logging.makeLogRecord(
        {
            "name": "lexflow.test",
            "levelname": "WARNING",
            "msg": "document failed",
            "levelno": logging.WARNING,
        }
    )
    rec.__dict__.update(extra)
    return rec


def test_activity_context_lifts_workflow_id_and_keeps_document_uuid() -> None:
    line = JsonFormatter().format(
        record(
            document_uuid="d-1",
            stage="ocr",
            temporal_activity={
                "workflow_id": "document-d-1",
                "workflow_run_id": "r",
                "activity_type": "fetch_textract_results",
                "run_id": "r-1",
            },
        )
    )

    entry = json.loads(line)

    assert entry["msg"] == "document failed"
    assert entry["level"] == "warning"
    assert entry["document_uuid"] == "d-1"
    assert entry["workflow_id"] == "document-d-1"
    assert entry["activity"] == "fetch_textract_results"
    assert entry["stage"] == "ocr"


def test_exceptions_are_kept_in_one_line() -> None:
    try:
        raise ValueError("bad page")
    except ValueError:
        import sys

        rec = record()
        rec.exc_info = sys.exc_info()

    line = JsonFormatter().format(rec)

    assert "\n" not in line
    assert "ValueError: bad page" in json.loads(line)["exc"]
