"""Starting a document's workflow again, for ``lexflow retry`` of a closed workflow and for
``lexflow migrate``. ``prepare`` of the new run reuses OCR output of identical content."""

from __future__ import annotations

from temporalio.client import Client

from lexflow.config import Settings
from lexflow.launch import launch


async def start_new_run(
    client: Client, settings: Settings, document_uuid: str, source_uri: str
) -> bool:
    """Start ``document-<uuid>`` on ``source_uri``; False when a run of it is already open.

    A row left by an older system keeps its own uuid, so that the new run completes that row
    instead of creating a second one.
    """
    [item] = await launch(
        client, settings, [source_uri], document_uuids={source_uri: document_uuid}
    )
    return not item.already_running
