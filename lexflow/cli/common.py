"""What the operator commands share: a Temporal connection that fails fast, document lookup by
uuid prefix, the retry commands, and how times and durations are printed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import Engine, select
from temporalio.client import Client

from lexflow.config import Settings
from lexflow.db.models import SourceDocument
from lexflow.errors import LexflowError, TemporalUnavailableError
from lexflow.temporal import connect, workflow_id_for

# The embedded dev server's port (lexflow.embedded), used when TEMPORAL_ADDRESS is unset.
EMBEDDED_ADDRESS = "127.0.0.1:7233"
CONNECT_TIMEOUT_S = 3.0
RPC_TIMEOUT = timedelta(seconds=5)


class UnknownDocumentError(LexflowError):
    """A document reference matches no row, or more than one."""

    kind = "UnknownDocument"


def temporal_target(settings: Settings) -> str:
    return settings.temporal_address or EMBEDDED_ADDRESS


async def connect_fast(settings: Settings, timeout: float = CONNECT_TIMEOUT_S) -> Client:
    """Connect to Temporal, giving up after ``timeout`` seconds instead of hanging.

    Raises:
        TemporalUnavailableError: names the address and the reason.
    """
    target = temporal_target(settings)
    try:
        return await asyncio.wait_for(connect(settings, target), timeout)
    except TimeoutError as exc:
        raise TemporalUnavailableError(
            f"Temporal unreachable at {target} (no answer in {timeout:g} s)"
        ) from exc


def safe_url(url: str) -> str:
    """A URL without its password, fit to print."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit(parts._replace(netloc=user + host))


def retry_commands(document_uuid: str) -> tuple[str, str]:
    """The two ways to retry a failed document: lexflow's CLI and the Temporal CLI."""
    return (
        f"lexflow retry {document_uuid}",
        f"temporal workflow signal --workflow-id {workflow_id_for(document_uuid)} --name retry",
    )


def resolve_document(engine: Engine, ref: str) -> str:
    """A full document uuid from a uuid, a workflow id or a unique uuid prefix (as the monitor
    prints). An unknown full uuid is returned as it is: its workflow may exist without a row.

    Raises:
        UnknownDocumentError: the prefix matches no document, or several.
    """
    uuid = ref.strip().removeprefix("document-")
    if len(uuid) >= 36:
        return uuid
    with engine.connect() as conn:
        found = list(
            conn.execute(
                select(SourceDocument.document_uuid)
                .where(SourceDocument.document_uuid.startswith(uuid, autoescape=True))
                .limit(3)
            ).scalars()
        )
    if len(found) == 1:
        return str(found[0])
    if not found:
        raise UnknownDocumentError(f"no document matches {ref!r}")
    raise UnknownDocumentError(f"{ref!r} matches several documents: give more of the uuid")


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; lexflow writes them in UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def format_time(value: datetime | None) -> str:
    value = as_utc(value)
    return "—" if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def format_duration(seconds: float) -> str:
    """``42s``, ``4m 05s``, ``2h 03m``, ``3d 04h``: short, and exact enough to act on."""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m {s % 60:02d}s"
    if s < 86400:
        return f"{s // 3600}h {s % 3600 // 60:02d}m"
    return f"{s // 86400}d {s % 86400 // 3600:02d}h"


def elapsed(since: datetime | None, now: datetime) -> str:
    since = as_utc(since)
    return "—" if since is None else format_duration((now - since).total_seconds())
