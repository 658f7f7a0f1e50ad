"""Rendering a monitor snapshot: pure functions of (snapshot, now), no I/O."""

from __future__ import annotations

import io
from datetime import datetime

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from lexflow.cli.common import elapsed, format_time, retry_commands
from lexflow.cli.monitor_data import THROUGHPUT_WINDOWS_MIN, DocumentLine, MonitorSnapshot
from lexflow.contracts import PIPELINE

STATUS_ORDER = ("pending", "processing", "failed", "completed")
STAGE_ORDER = ("registered", *(s.value for s in PIPELINE))
STATUS_STYLE = {"failed": "red", "completed": "green", "processing": "cyan", "pending": "yellow"}


def render_frame(snapshot: MonitorSnapshot, now: datetime, width: int) -> str:
    """The frame as plain text (no colours), e.g. for ``--once`` into a file, or a test."""
    console = Console(
        file=io.StringIO(), width=width, record=True, color_system=None, force_terminal=False
    )
    console.print(build_frame(snapshot, now))
    text = console.export_text(styles=False)
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def build_frame(
    snapshot: MonitorSnapshot, now: datetime, refresh_s: float | None = None
) -> RenderableType:
    parts: list[RenderableType] = [_header(snapshot, now, refresh_s)]
    parts += [Text(f"! {n}", style="bold yellow") for n in snapshot.notices]
    parts.append(_sources(snapshot))
    if snapshot.database_ok:
        parts += [
            _section("Documents by status and stage"),
            _counts_table(snapshot),
            _section(_titled("Pending Textract jobs", len(snapshot.pending_jobs),
                             snapshot.pending_jobs_total)),
            _pending_jobs(snapshot.pending_jobs, now),
            _section(_titled("Slowest in-flight documents", len(snapshot.slowest),
                             sum(snapshot.count(s) for s in ("pending", "processing")))),
            _slowest(snapshot.slowest, now),
            _section(_titled("Recent failures", len(snapshot.failures),
                             snapshot.count("failed"))),
            _failures(snapshot, now),
            _section("Throughput (documents completed)"),
            _throughput(snapshot),
        ]  # fmt: skip
    return Group(*parts)


def _header(snapshot: MonitorSnapshot, now: datetime, refresh_s: float | None) -> Text:
    text = Text("lexflow monitor", style="bold")
    text.append(f"  {format_time(now)}")
    if refresh_s:
        text.append(f"  (every {refresh_s:g} s, Ctrl-C to quit)", style="dim")
    return text


def _sources(snapshot: MonitorSnapshot) -> Text:
    text = Text()
    if snapshot.database_ok:
        by_status = " · ".join(
            f"{snapshot.count(s)} {s}" for s in _statuses(snapshot) if snapshot.count(s)
        )
        text.append(f"Database: {snapshot.total} document{'' if snapshot.total == 1 else 's'}")
        if by_status:
            text.append(f" ({by_status})")
    running = snapshot.running_workflows
    text.append(f"\nTemporal {snapshot.temporal_address}: ")
    text.append("unreachable" if running is None else f"{running} DocumentWorkflow running")
    text.append("\nRedis: ")
    if not snapshot.redis_configured:
        text.append("not configured (REDIS_URL unset)")
    elif snapshot.cached_documents is None:
        text.append("unreachable")
    else:
        text.append(f"{snapshot.cached_documents} documents cached (doc:state keys)")
    incomplete = snapshot.total - snapshot.count("completed")
    if snapshot.database_ok and running is not None and incomplete > running:
        text.append(
            f"\n! {incomplete} documents are not completed but only {running} workflows run: "
            "`lexflow migrate --dry-run` lists the ones left behind",
            style="yellow",
        )
    return text


def _section(title: str) -> Text:
    return Text(f"\n{title}", style="bold underline")


def _titled(title: str, shown: int, total: int) -> str:
    if total > shown:
        return f"{title} (showing {shown} of {total})"
    return f"{title} ({total})"


def _statuses(snapshot: MonitorSnapshot) -> list[str]:
    extra = sorted({s for s, _ in snapshot.counts} - set(STATUS_ORDER))
    return [*STATUS_ORDER, *extra]


def _table(*columns: str, right: tuple[str, ...] = ()) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for name in columns:
        table.add_column(name, justify="right" if name in right else "left", overflow="fold")
    return table


def _counts_table(snapshot: MonitorSnapshot) -> RenderableType:
    if not snapshot.counts:
        return Text("  no documents yet", style="dim")
    present = {stage for _, stage in snapshot.counts}
    stages = [s for s in STAGE_ORDER if s in present or s != "registered"]
    stages += sorted(present - set(stages))
    table = _table("status", *stages, "total", right=(*stages, "total"))
    for status in _statuses(snapshot):
        cells = [snapshot.counts.get((status, stage), 0) for stage in stages]
        table.add_row(
            Text(status, style=STATUS_STYLE.get(status, "")),
            *(str(n) if n else "·" for n in cells),
            str(sum(cells)),
        )
    return table


def _pending_jobs(lines: list[DocumentLine], now: datetime) -> RenderableType:
    if not lines:
        return Text("  none", style="dim")
    table = _table("document", "file", "status", "running")
    # The job id is what an operator pastes into the AWS console: never fold or cut it.
    longest = max(len(d.job_id or "") for d in lines)
    table.add_column("Textract job id", no_wrap=True, min_width=max(longest, 15))
    table.columns[1].overflow = "ellipsis"
    for d in lines:
        table.add_row(
            d.document_uuid[:8], d.file_name, d.status, elapsed(d.since, now), d.job_id or "—"
        )
    return table


def _slowest(lines: list[DocumentLine], now: datetime) -> RenderableType:
    if not lines:
        return Text("  none", style="dim")
    table = _table("document", "file", "status", "stage", "running for", right=("running for",))
    for d in lines:
        table.add_row(d.document_uuid[:8], d.file_name, d.status, d.stage, elapsed(d.since, now))
    return table


def _failures(snapshot: MonitorSnapshot, now: datetime) -> RenderableType:
    if not snapshot.failures:
        return Text("  none", style="dim")
    blocks: list[RenderableType] = []
    for i, d in enumerate(snapshot.failures):
        head = Text("\n" if i else "")
        head.append("✗ ", style="bold red")
        head.append(f"{d.document_uuid}  {d.file_name}", style="bold")
        lexflow_cmd, temporal_cmd = retry_commands(d.document_uuid)
        body = Text(
            f"failed at {d.stage} {elapsed(d.since, now)} ago, attempt {max(d.attempts, 1)}"
        )
        body.append(f"\nerror: {d.error or '(no message recorded)'}", style="red")
        if d.job_id:
            body.append(f"\nTextract job {d.job_id}: {d.job_status or 'status unknown'}")
        body.append(f"\nretry: {lexflow_cmd}\n   or: {temporal_cmd}")
        blocks += [head, Padding(body, (0, 0, 0, 2))]
    if snapshot.count("failed") > 1:
        blocks.append(
            Text("\nretry every failed document: lexflow retry --all-failed", style="dim")
        )
    return Group(*blocks)


def _throughput(snapshot: MonitorSnapshot) -> RenderableType:
    table = _table("window", "completed", "per minute", right=("completed", "per minute"))
    for minutes in THROUGHPUT_WINDOWS_MIN:
        n = snapshot.completed_within.get(minutes, 0)
        table.add_row(f"last {minutes} min", str(n), f"{n / minutes:.2f}")
    return table
