"""Structured logging: one JSON object per line, carrying document_uuid and workflow_id."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)

# Attributes every LogRecord has; anything else was passed through ``extra=`` and is kept, except
# the SDK core's raw entry on a forwarded line (its text is already the message).
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "taskName",
    "temporal_log",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key in _STANDARD or key.startswith("_"):
                continue
            if key in ("temporal_activity", "temporal_workflow") and isinstance(value, dict):
                # The SDK's context: lift the ids operators search by to the top level.
                entry.setdefault("workflow_id", value.get("workflow_id"))
                entry.setdefault("run_id", value.get("run_id"))
                entry[key.removeprefix("temporal_")] = value.get("activity_type") or value.get(
                    "workflow_type"
                )
                continue
            entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def sdk_core_logging() -> LoggingConfig:
    """The Temporal SDK core's own log lines, through Python logging (stderr, in our format).

    Left to itself the core prints them on stdout, into ``starter.py --json`` output.
    """
    return LoggingConfig(
        filter=TelemetryFilter(core_level="WARN", other_level="ERROR"),
        forwarding=LogForwardingConfig(logger=logging.getLogger("temporalio.core")),
    )


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    """Log to stderr, and the SDK core too; for entry points, before any Temporal client."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    if fmt == "json":
        _context_on_extra_only()
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("botocore", "boto3", "urllib3", "s3transfer"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    Runtime.set_default(
        Runtime(telemetry=TelemetryConfig(logging=sdk_core_logging())), error_if_already_set=False
    )


def _context_on_extra_only() -> None:
    """The SDK appends its context dict to every message; in JSON it is already a field."""
    from temporalio import activity, workflow

    activity.logger.activity_info_on_message = False
    workflow.logger.workflow_info_on_message = False
