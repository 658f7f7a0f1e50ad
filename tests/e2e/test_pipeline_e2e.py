"""End to end: starter.py → `temporal` dev server → a real worker → moto S3/Textract,
PostgreSQL (or SQLite) and Redis, checking the rows written in every table."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer
from sqlalchemy import Engine, func, select
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from lexflow import cache
from lexflow.config import Settings
from lexflow.db import documents
from lexflow.db.models import (
    CanonicalEntity,
    DocumentChunk,
    DocumentPage,
    EntityMention,
    Relationship,
    SourceDocument,
)
from lexflow.launch import expand_sources, launch, wait_for
from lexflow.services import build_services
from lexflow.temporal import build_worker, document_uuid_for
from tests import docgen
from tests.activity.textract_fakes import GET, START, FakeTextract, text_blocks, textract_behaviour

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "lexflow-e2e"
# What the fake Textract "reads" from the uploaded complaint: two pages of the caption.
PAGES = [
    list(docgen.CAPTION[:12]),
    [
        *docgen.CAPTION[12:],
        "Dated: January 5, 2023",
        "Respectfully submitted,",
        "/s/ Jane Doe",
        "Counsel for Plaintiff Acme Corporation",
    ],
]


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def fake_textract() -> Iterator[FakeTextract]:
    with textract_behaviour(in_progress_calls=2, page_size=7, blocks=text_blocks(PAGES)) as fake:
        yield fake


@pytest.fixture
def e2e_settings(
    tmp_path: Path,
    database_url: str,
    db_engine: Engine,  # migrated
    redis_url: str | None,
    moto_endpoint: str,
    task_queue: str,
) -> Settings:
    return Settings(
        lexflow_state_dir=tmp_path / "state",
        database_url=database_url,
        redis_url=redis_url,
        ocr_engine="textract",  # type: ignore[arg-type]
        s3_bucket=BUCKET,
        aws_endpoint_url=moto_endpoint,
        aws_region="us-east-1",
        temporal_task_queue=task_queue,
        textract_async_initial_delay_seconds=1,
        textract_async_polling_interval_seconds=1,
        # The fake Textract reads every file alike, so born-digital test PDFs are sent whole;
        # the routing test below turns text-layer routing back on.
        textract_skip_text_layer_pages=False,
        _env_file=None,  # type: ignore[call-arg]
    )


def env_for(settings: Settings, address: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTRACT_", "TEMPORAL_"))}
    env.update(
        {
            "TEMPORAL_ADDRESS": address,
            "TEMPORAL_TASK_QUEUE": settings.temporal_task_queue,
            "DATABASE_URL": settings.effective_database_url,
            "OCR_ENGINE": "textract",
            "S3_BUCKET": BUCKET,
            "AWS_ENDPOINT_URL": settings.aws_endpoint_url or "",
            "AWS_REGION": "us-east-1",
            "TEXTRACT_ASYNC_INITIAL_DELAY_SECONDS": "1",
            "TEXTRACT_ASYNC_POLLING_INTERVAL_SECONDS": "1",
            "LOG_LEVEL": "WARNING",
            "TEXTRACT_SKIP_TEXT_LAYER_PAGES": str(settings.textract_skip_text_layer_pages).lower(),
        }
    )
    return env


async def run_starter(settings: Settings, address: str, *args: str) -> tuple[int, Any, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "starter.py"),
        *args,
        "--wait",
        "--json",
        cwd=str(ROOT),
        env=env_for(settings, address),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=90)
    assert proc.returncode is not None
    return proc.returncode, json.loads(out or b"null"), err.decode()


async def listed(env: WorkflowEnvironment, query: str) -> list[str]:
    """Workflow ids matching a visibility query (visibility is eventually consistent)."""
    for _ in range(50):
        found = [w.id async for w in env.client.list_workflows(query)]
        if found:
            return found
        await asyncio.sleep(0.1)
    return []


def count(engine: Engine, model: Any, document_uuid: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(model).where(model.document_uuid == document_uuid)
            ).scalar_one()
        )


async def test_documents_flow_through_every_stage_into_every_table(
    dev_server: WorkflowEnvironment,
    e2e_settings: Settings,
    fake_textract: FakeTextract,
    tmp_path: Path,
) -> None:
    complaint = docgen.born_digital_pdf(tmp_path / "complaint.pdf", [PAGES[0], PAGES[1]])
    empty = docgen.empty_file(tmp_path / "empty.pdf")
    services = build_services(e2e_settings)
    address = dev_server.client.service_client.config.target_host

    async with build_worker(dev_server.client, services):
        code, outcome, stderr = await run_starter(e2e_settings, address, str(complaint), str(empty))

    assert code == 1 and outcome, stderr  # one document failed
    by_name = {o["file_name"]: o for o in outcome}
    done, bad = by_name["complaint.pdf"], by_name["empty.pdf"]
    assert done["status"] == "completed", done
    assert (done["pages"], done["ocr_engine"]) == (2, "textract")
    assert done["chunks"] >= 1 and done["entities"] >= 4 and done["relationships"] >= 4
    assert bad["status"] == "failed"
    assert "empty" in bad["error"]

    engine, uuid = services.engine, done["document_uuid"]
    assert uuid == document_uuid_for(str(complaint))
    with engine.connect() as conn:
        row = (
            conn.execute(select(SourceDocument).where(SourceDocument.document_uuid == uuid))
            .mappings()
            .one()
        )
        types = set(
            conn.execute(
                select(EntityMention.entity_type).where(EntityMention.document_uuid == uuid)
            ).scalars()
        )
        rel_types = set(
            conn.execute(
                select(Relationship.relationship_type).where(Relationship.document_uuid == uuid)
            ).scalars()
        )
    assert (row["status"], row["stage"], row["error_message"]) == ("completed", "finalize", None)
    assert row["textract_job_id"] in fake_textract.jobs
    assert fake_textract.jobs[row["textract_job_id"]].tag == uuid
    assert (row["textract_job_status"], row["textract_page_count"]) == ("SUCCEEDED", 2)
    assert row["textract_start_time"] <= row["textract_end_time"]
    assert (row["s3_bucket"], row["s3_key"]) == (BUCKET, f"lexflow/{uuid}/complaint.pdf")
    assert count(engine, DocumentPage, uuid) == 2
    assert count(engine, DocumentChunk, uuid) == done["chunks"] == row["chunk_count"]
    assert count(engine, CanonicalEntity, uuid) == done["entities"]
    assert count(engine, EntityMention, uuid) >= done["entities"]
    assert count(engine, Relationship, uuid) == done["relationships"]
    assert {"ORGANIZATION", "PERSON", "COURT", "CASE_NUMBER", "MONEY", "DATE"} <= types
    assert {"CONTAINS", "MENTIONS", "OPPOSING_PARTY"} <= rel_types

    failed_row = (
        services.engine.connect()
        .execute(
            select(
                SourceDocument.status, SourceDocument.error_stage, SourceDocument.error_message
            ).where(SourceDocument.document_uuid == bad["document_uuid"])
        )
        .one()
    )
    assert failed_row[:2] == ("failed", "prepare")
    assert "empty" in (failed_row[2] or "")

    # The Web UI and `temporal workflow list --query` filter on the workflow's search attributes.
    assert await listed(
        dev_server,
        "LexflowStatus='failed' AND LexflowFileName='empty.pdf' AND LexflowStage='prepare'",
    ) == [bad["workflow_id"]]
    assert await listed(
        dev_server,
        f"LexflowDocumentUuid='{uuid}' AND LexflowStatus='completed'"
        " AND LexflowOcrEngine='textract'",
    ) == [done["workflow_id"]]

    if e2e_settings.redis_url:
        assert services.cache.get_json(cache.doc_state_key(uuid))["status"] == "completed"  # type: ignore[index]
        assert services.cache.get_json(cache.textract_status_key(row["textract_job_id"])) == {
            "status": "SUCCEEDED",
            "document_uuid": uuid,
        }
        assert services.cache.get_json(cache.textract_result_key(uuid))["page_count"] == 2  # type: ignore[index]
        assert services.cache.get_json(cache.doc_ocr_key(uuid))["engine"] == "textract"  # type: ignore[index]


async def test_launching_a_finished_document_again_reuses_its_ocr(
    dev_server: WorkflowEnvironment,
    e2e_settings: Settings,
    fake_textract: FakeTextract,
    tmp_path: Path,
) -> None:
    # Two pages (as the fake Textract reads), in another order than the complaint: new content.
    contract = docgen.born_digital_pdf(tmp_path / "contract.pdf", [PAGES[1], PAGES[0]])
    services = build_services(e2e_settings)
    address = dev_server.client.service_client.config.target_host

    async with build_worker(dev_server.client, services):
        first = await run_starter(e2e_settings, address, str(contract))
        second = await run_starter(e2e_settings, address, str(contract))

    assert first[0] == second[0] == 0, (first[2], second[2])
    assert first[1][0]["ocr_engine"] == "textract"
    assert second[1][0]["ocr_engine"] == "cache"
    assert second[1][0]["chunks"] == first[1][0]["chunks"]
    assert len(fake_textract.calls_to(START)) == 1
    # The row tells the second run's story, as its summary does: nothing sent to OCR.
    row = documents.get_document(services.engine, second[1][0]["document_uuid"])
    assert row is not None and (row.ocr_engine, row.pages_ocr_sent) == ("cache", 0)


async def test_a_second_start_of_a_running_document_is_refused(
    dev_server: WorkflowEnvironment, e2e_settings: Settings, tmp_path: Path
) -> None:
    # No worker polls this task queue: the first run stays open, as a long Textract wait would.
    settings = e2e_settings.model_copy(update={"temporal_task_queue": "nobody-polls-this"})
    exhibit = docgen.born_digital_pdf(tmp_path / "exhibit.pdf", [PAGES[0]])

    first = await launch(dev_server.client, settings, [str(exhibit)])
    second = await launch(dev_server.client, settings, [str(exhibit)])

    assert [first[0].already_running, second[0].already_running] == [False, True]
    assert first[0].workflow_id == second[0].workflow_id == f"document-{first[0].document_uuid}"
    handle = dev_server.client.get_workflow_handle(first[0].workflow_id)
    assert len([e async for e in handle.fetch_history_events()]) > 0
    await handle.terminate("test finished")


async def test_a_document_listed_twice_is_launched_and_waited_for_once(
    dev_server: WorkflowEnvironment, e2e_settings: Settings, tmp_path: Path
) -> None:
    settings = e2e_settings.model_copy(update={"temporal_task_queue": "nobody-polls-this"})
    exhibit = docgen.born_digital_pdf(tmp_path / "exhibit.pdf", [PAGES[0]])

    sources = expand_sources([str(exhibit), str(tmp_path)])  # the file, and its folder
    assert sources == [str(exhibit), str(exhibit)]
    launched = await launch(dev_server.client, settings, sources)

    assert len(launched) == 1 and not launched[0].already_running
    handle = dev_server.client.get_workflow_handle(launched[0].workflow_id)
    await handle.terminate("test finished")
    [outcome] = await asyncio.wait_for(wait_for(dev_server.client, launched), timeout=30)
    assert outcome.status == "failed"


async def test_a_start_the_server_refuses_is_reported_and_the_others_still_start(
    dev_server: WorkflowEnvironment, e2e_settings: Settings, tmp_path: Path
) -> None:
    settings = e2e_settings.model_copy(update={"temporal_task_queue": "nobody-polls-this"})
    good = docgen.born_digital_pdf(tmp_path / "good.pdf", [PAGES[0]])
    refused = docgen.born_digital_pdf(tmp_path / "refused.pdf", [PAGES[1]])

    # A workflow id past the server's 1,000-character limit: refused with InvalidArgument.
    launched = await launch(
        dev_server.client,
        settings,
        [str(good), str(refused)],
        document_uuids={str(refused): "x" * 1100},
    )
    [outcome] = await wait_for(dev_server.client, [launched[1]])

    assert launched[0].start_error is None
    assert launched[1].start_error is not None
    assert launched[1].start_error.startswith("not started: ")
    assert (outcome.status, outcome.error) == ("failed", launched[1].start_error)
    handle = dev_server.client.get_workflow_handle(launched[0].workflow_id)
    assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
    await handle.terminate("test finished")


async def test_textract_is_sent_only_the_pages_without_a_text_layer(
    dev_server: WorkflowEnvironment, e2e_settings: Settings, tmp_path: Path
) -> None:
    mixed = docgen.mixed_pdf(tmp_path / "complaint-with-order.pdf")  # p1 text layer, p2 scan
    scanned_page = ["ORDER GRANTING MOTION TO DISMISS", "SO ORDERED."]
    e2e_settings = e2e_settings.model_copy(update={"textract_skip_text_layer_pages": True})
    services = build_services(e2e_settings)
    address = dev_server.client.service_client.config.target_host

    with textract_behaviour(blocks=text_blocks([scanned_page])) as fake:
        async with build_worker(dev_server.client, services):
            code, [outcome], stderr = await run_starter(e2e_settings, address, str(mixed))

    assert code == 0, stderr
    assert (outcome["pages"], outcome["pages_sent_to_ocr"]) == (2, 1)
    [start] = fake.calls_to(START)
    sent_key = start.params["DocumentLocation"]["S3Object"]["Name"]
    assert sent_key.startswith(f"lexflow/{outcome['document_uuid']}/ocr-pages-")
    pages = documents.load_pages(services.engine, outcome["document_uuid"])
    assert [(p.number, p.source) for p in pages] == [(1, "text-layer"), (2, "textract")]
    assert pages[0].text.startswith("UNITED STATES DISTRICT COURT")
    assert pages[1].text == "\n".join(scanned_page)


def peak_per_second(times: list[float]) -> int:
    """The most calls inside any one-second window."""
    times = sorted(times)
    return max((sum(1 for u in times[i:] if u - t < 1.0) for i, t in enumerate(times)), default=0)


async def test_textract_calls_keep_to_the_configured_rates(
    dev_server: WorkflowEnvironment, e2e_settings: Settings, tmp_path: Path
) -> None:
    settings = e2e_settings.model_copy(update={"textract_start_tps": 2.0, "textract_get_tps": 5.0})
    services = build_services(settings)
    # Different content per file, so none is served from the content-hash cache.
    files = [
        str(docgen.born_digital_pdf(tmp_path / f"exhibit-{i}.pdf", [PAGES[0], [f"Exhibit {i}"]]))
        for i in range(6)
    ]

    with textract_behaviour(in_progress_calls=1, page_size=30, blocks=text_blocks(PAGES)) as fake:
        async with build_worker(dev_server.client, services):
            launched = await launch(dev_server.client, settings, files)
            outcomes = await asyncio.wait_for(wait_for(dev_server.client, launched), timeout=90)

    assert [o.status for o in outcomes] == ["completed"] * 6
    starts = [c.at for c in fake.calls_to(START)]
    gets = [c.at for c in fake.calls_to(GET)]
    assert len(starts) == 6
    # Fleet-wide, the task-queue limit holds activity starts to the rate; in-process, each call
    # is paced too (a fetch pages through several NextTokens inside one activity).
    assert peak_per_second(starts) <= 2 + 1  # +1 for clock granularity
    assert peak_per_second(gets) <= 5 + 1
    assert len(gets) >= 6 * 3  # status checks, then result pages, for each document


async def test_the_worker_gets_its_textract_queues_rates_slots_and_cache(
    dev_server: WorkflowEnvironment, e2e_settings: Settings
) -> None:
    settings = e2e_settings.model_copy(
        update={
            "textract_start_tps": 2.0,
            "textract_get_tps": 5.0,
            "worker_max_concurrent_activities": 6,
            "worker_textract_start_slots": 1,
            "worker_textract_get_slots": 3,
            "worker_max_cached_workflows": 123,
        }
    )

    group = build_worker(dev_server.client, build_services(settings))

    configs = {w.config()["task_queue"]: w.config() for w in group.workers}
    main = configs[settings.temporal_task_queue]
    start = configs[settings.textract_task_queue("start")]
    get = configs[settings.textract_task_queue("get")]
    assert (main["max_concurrent_activities"], main["max_cached_workflows"]) == (6, 123)
    assert main["max_task_queue_activities_per_second"] is None
    assert (start["max_concurrent_activities"], start["max_task_queue_activities_per_second"]) == (
        1,
        2.0,
    )
    assert (get["max_concurrent_activities"], get["max_task_queue_activities_per_second"]) == (
        3,
        5.0,
    )
    assert not start.get("workflows") and not get.get("workflows")


async def test_a_document_over_textracts_limits_goes_in_parts_and_comes_back_whole(
    dev_server: WorkflowEnvironment, e2e_settings: Settings, tmp_path: Path
) -> None:
    settings = e2e_settings.model_copy(update={"textract_async_max_pages": 2})
    pages = [[f"EXHIBIT {n}", f"Page {n} of the record"] for n in range(1, 6)]
    record = docgen.born_digital_pdf(tmp_path / "record.pdf", pages)
    uuid = document_uuid_for(str(record))
    sha = hashlib.sha256(record.read_bytes()).hexdigest()[:12]
    services = build_services(settings)

    with textract_behaviour(in_progress_calls=1, page_size=5) as fake:
        # Each part's file holds its own pages; the fake reads them as Textract would.
        for k, part in enumerate([pages[0:2], pages[2:4], pages[4:5]], start=1):
            fake.behave_for(f"lexflow/{uuid}/part-{k}-{sha}.pdf", blocks=text_blocks(part))
        async with build_worker(dev_server.client, services):
            launched = await launch(dev_server.client, settings, [str(record)])
            [outcome] = await asyncio.wait_for(wait_for(dev_server.client, launched), timeout=60)

    assert (outcome.status, outcome.pages, outcome.pages_sent_to_ocr) == ("completed", 5, 5)
    keys = [c.params["DocumentLocation"]["S3Object"]["Name"] for c in fake.calls_to(START)]
    assert keys == [f"lexflow/{uuid}/part-{k}-{sha}.pdf" for k in (1, 2, 3)]
    tokens = {c.params["ClientRequestToken"] for c in fake.calls_to(START)}
    assert len(tokens) == 3
    stored = documents.load_pages(services.engine, uuid)
    assert [(p.number, p.text.split("\n")) for p in stored] == list(enumerate(pages, start=1))
    row = documents.get_document(services.engine, uuid)
    assert row is not None and [p["pages"] for p in row.textract_parts or []] == [
        [1, 2],
        [3, 4],
        [5],
    ]
