"""Metrics activities record, through the SDK's meter (served with the SDK's own metrics)."""

from __future__ import annotations

from temporalio import activity


def count_pages(pages: int, engine: str) -> None:
    if pages:
        activity.metric_meter().create_counter(
            "lexflow_pages_processed", "Pages turned into text", "pages"
        ).add(pages, {"engine": engine})
