"""``lexflow monitor live``: the dashboard, redrawn every few seconds (``--once``: one frame)."""

from __future__ import annotations

import asyncio

from rich.console import Console
from rich.live import Live

from lexflow.cli.monitor_data import MonitorSources, collect_snapshot
from lexflow.cli.monitor_view import build_frame
from lexflow.config import Settings


async def run_monitor(settings: Settings, *, once: bool, interval: float, limit: int) -> int:
    """Show the dashboard until Ctrl-C; with ``once``, print one frame (exit 1: no database)."""
    sources = MonitorSources(settings)
    console = Console()
    try:
        if once:
            snapshot = await collect_snapshot(sources, limit=limit)
            console.print(build_frame(snapshot, snapshot.taken_at))
            return 0 if snapshot.database_ok else 1
        snapshot = await collect_snapshot(sources, limit=limit)
        with Live(
            build_frame(snapshot, snapshot.taken_at, interval),
            console=console,
            screen=console.is_terminal,
            auto_refresh=False,
        ) as live:
            while True:
                await asyncio.sleep(interval)
                snapshot = await collect_snapshot(sources, limit=limit)
                live.update(build_frame(snapshot, snapshot.taken_at, interval), refresh=True)
    finally:
        sources.close()
