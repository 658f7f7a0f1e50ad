"""The operator's ``lexflow`` commands, run as subprocesses against a `temporal` dev server and an
in-process worker: retry (signal and new run), migrate, status and the monitor.

The module has a database of its own (a fresh PostgreSQL database when
``LEXFLOW_TEST_DATABASE_URL`` is set, else a SQLite file): ``retry --all-failed`` and ``migrate``
act on every row, and must not act on the rows other test modules leave behind.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import redis
from sqlalchemy import Engine, insert
from temporalio.client import WorkflowExecutionStatus
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from lexflow.cache import NullCache, RedisCache
from lexflow.cli.common import retry_commands
from lexflow.cli.migrate import textract_problems
from lexflow.config import Settings
from lexflow.contracts import DocumentResult
from lexflow.db.documents import get_document
from lexflow.db.engine import make_engine
from lexflow.db.migrate import upgrade
from lexflow.db.models import SourceDocument
from lexflow.launch import launch, wait_for
from lexflow.services import Services
from lexflow.temporal import build_worker, workflow_id_for
from tests import docgen
from tests.conftest import _temporal_binary, fresh_database

NOW = datetime.now(UTC)


@dataclass
class Stack:
    env: WorkflowEnvironment
    settings: Settings
    engine: Engine
    redis_url: str | None
    cli_env: dict[str, str]
    workdir: Path

    async def lexflow(self, *args: str) -> tuple[int, str, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "lexflow.cli.main",
            *args,
            env=self.cli_env,
            cwd=str(self.workdir),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), timeout=30)
        assert proc.returncode is not None
        return proc.returncode, out.decode(), err.decode()

    async def result(self, document_uuid: str) -> DocumentResult:
        handle = self.env.client.get_workflow_handle(
            workflow_id_for(document_uuid), result_type=DocumentResult
        )
        return await asyncio.wait_for(handle.result(), timeout=30)


@pytest.fixture(scope="module")
def cli_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # Its own database: --all-failed and migrate act on every row there is.
    with fresh_database(tmp_path_factory, "lexflow_cli") as url:
        yield url


@pytest.fixture(scope="module")
async def stack(
    cli_database_url: str, redis_url: str | None, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Stack]:
    env = await WorkflowEnvironment.start_local(
        data_converter=pydantic_data_converter, dev_server_existing_path=_temporal_binary()
    )
    address = env.client.service_client.config.target_host
    task_queue = f"tq-{uuid.uuid4()}"
    settings = Settings(
        database_url=cli_database_url,
        redis_url=redis_url,
        temporal_address=address,
        temporal_task_queue=task_queue,
        ocr_engine="local",  # type: ignore[arg-type]
        _env_file=None,  # type: ignore[call-arg]
    )
    engine = make_engine(cli_database_url)
    upgrade(engine)
    cache = RedisCache(redis.Redis.from_url(redis_url)) if redis_url else NullCache()
    cli_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TEMPORAL_", "TEXTRACT_", "REDIS_", "DATABASE_", "S3_", "OCR_"))
    }
    cli_env.update(
        DATABASE_URL=cli_database_url,
        TEMPORAL_ADDRESS=address,
        TEMPORAL_TASK_QUEUE=task_queue,
        OCR_ENGINE="local",
        COLUMNS="120",
        **({"REDIS_URL": redis_url} if redis_url else {}),
    )
    try:
        async with build_worker(env.client, Services(settings, engine, cache)):
            yield Stack(env, settings, engine, redis_url, cli_env, tmp_path_factory.mktemp("cwd"))
    finally:
        await env.shutdown()
        engine.dispose()


async def launch_and_wait_until_failed(stack: Stack, *paths: Path) -> list[str]:
    launched = await launch(stack.env.client, stack.settings, [str(p) for p in paths])
    outcomes = await asyncio.wait_for(
        wait_for(stack.env.client, launched, poll_seconds=0.2), timeout=30
    )
    assert [(o.status, o.stage) for o in outcomes] == [("failed", "prepare")] * len(paths)
    return [o.document_uuid for o in outcomes]


async def test_lexflow_retry_resumes_a_failed_document_and_starts_a_closed_one_again(
    stack: Stack, tmp_path: Path
) -> None:
    pdf = tmp_path / "retainer-agreement.pdf"  # missing until the operator restores it
    [doc] = await launch_and_wait_until_failed(stack, pdf)

    code, out, _ = await stack.lexflow("status", doc)
    assert code == 0
    assert f"document {doc}  retainer-agreement.pdf" in out
    assert "status        failed at prepare, 1 failed attempt" in out
    assert "prepare         failed, waiting for retry" in out
    assert f"retry: lexflow retry {doc}" in out
    assert f"temporal workflow signal --workflow-id document-{doc} --name retry" in out
    assert f"or launch it again: python starter.py {pdf.resolve()}" in out

    docgen.born_digital_pdf(pdf, [docgen.CAPTION[:10], ["Retainer Agreement, Exhibit 1"]])
    code, out, err = await stack.lexflow("retry", doc)
    assert (code, out) == (0, f"{doc}: retry signalled to document-{doc}; resumes at prepare\n")
    first = await stack.result(doc)
    assert (first.status.value, first.ocr_engine, first.pages) == ("completed", "local", 2)

    code, out, _ = await stack.lexflow("status", doc)
    assert code == 0
    assert "status        completed at finalize, 1 failed attempt" in out
    assert "execution     completed, run " in out
    for stage in ("prepare", "ocr", "chunk", "entities", "relationships", "finalize"):
        assert f"\n    {stage:<16}" in out  # seconds spent in each stage
    assert f"Web UI: http://localhost:8233/namespaces/default/workflows/document-{doc}" in out

    code, out, err = await stack.lexflow("retry", doc)
    assert code == 0, err
    assert out.startswith(f"{doc}: workflow completed; started a new run of document-{doc}")
    again = await stack.result(doc)
    assert (again.status.value, again.ocr_engine, again.chunks) == (
        "completed",
        "cache",
        first.chunks,
    )


async def test_retry_all_failed_signals_every_failed_document_and_reports_unknown_ones(
    stack: Stack, tmp_path: Path
) -> None:
    paths = [tmp_path / "lease.pdf", tmp_path / "sublease.pdf"]
    docs = await launch_and_wait_until_failed(stack, *paths)
    for i, path in enumerate(paths):
        docgen.born_digital_pdf(path, [docgen.CONTRACT, [f"Schedule {i}"]])
    unknown = str(uuid.uuid4())

    code, out, err = await stack.lexflow("retry", unknown, "--all-failed")

    assert code == 1  # the unknown one
    assert f"{unknown}: no workflow and no row in the database" in err
    for doc in docs:
        assert f"{doc}: retry signalled to document-{doc}; resumes at prepare" in out
    for doc in docs:
        assert (await stack.result(doc)).status.value == "completed"


async def test_export_finds_a_document_by_the_uuid_prefix_the_monitor_prints(
    stack: Stack, tmp_path: Path
) -> None:
    [doc] = await launch_and_wait_until_failed(stack, tmp_path / "deposition.pdf")

    code, out, err = await stack.lexflow("export", doc[:8])

    assert code == 0, err
    assert json.loads(out)["document"]["document_uuid"] == doc
    code, out, err = await stack.lexflow("export", "zzzzzzzz")
    assert (code, out, err) == (2, "", "lexflow export: no document matches 'zzzzzzzz'\n")


async def test_the_temporal_cli_retry_command_printed_for_operators_resumes_a_document(
    stack: Stack, tmp_path: Path
) -> None:
    pdf = tmp_path / "engagement-letter.pdf"
    [doc] = await launch_and_wait_until_failed(stack, pdf)
    docgen.born_digital_pdf(pdf, [["Engagement Letter"], ["Fee schedule"]])
    _, temporal_cmd = retry_commands(doc)
    address = stack.settings.temporal_address or ""

    proc = await asyncio.create_subprocess_exec(
        _temporal_binary(),
        *temporal_cmd.split()[1:],
        "--address",
        address,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=30)

    assert proc.returncode == 0, (out, err)
    assert (await stack.result(doc)).status.value == "completed"


def source_row(name: str, source: Path, status: str, **fields: Any) -> dict[str, Any]:
    return {
        "document_uuid": str(uuid.uuid4()),  # an older system's uuid, not derived from the path
        "file_name": name,
        "source_uri": str(source),
        "status": status,
        "stage": fields.pop("stage", "ocr"),
        "started_at": NOW - timedelta(days=2),
        "updated_at": NOW - timedelta(days=2),
        **fields,
    }


async def test_migrate_resubmits_documents_left_behind_and_leaves_healthy_ones_alone(
    stack: Stack, tmp_path: Path
) -> None:
    orphan_pdf = docgen.born_digital_pdf(tmp_path / "orphan.pdf", [["Orphaned deposition"]])
    orphan = source_row(
        "orphan.pdf",
        orphan_pdf,
        "processing",
        textract_job_id="legacy-job-1",
        textract_job_status="SUCCEEDED",
        textract_start_time=NOW - timedelta(days=2),
        textract_page_count=1,
    )
    gone = source_row("gone.pdf", tmp_path / "gone.pdf", "failed", stage="prepare")
    healthy = source_row(
        "done.pdf", orphan_pdf, "completed", stage="finalize", completed_at=NOW - timedelta(days=1)
    )
    with stack.engine.begin() as conn:
        for row in (orphan, gone, healthy):
            conn.execute(insert(SourceDocument).values(**row))
    stale_job_key = f"job:textract:status:gone-{uuid.uuid4().hex}"
    if stack.redis_url:
        r = redis.Redis.from_url(stack.redis_url)
        r.set(f"doc:state:{orphan['document_uuid']}", '{"status": "processing", "stale": true}')
        r.set(stale_job_key, '{"status": "IN_PROGRESS"}')

    code, plan, err = await stack.lexflow("migrate", "--dry-run")

    assert code == 1, err  # gone.pdf cannot be resubmitted: its file is missing
    assert f"would resubmit  {orphan['document_uuid']}  orphan.pdf  processing at ocr, " in plan
    assert f"cannot resubmit  {gone['document_uuid']}  gone.pdf" in plan
    assert f"source file missing: {tmp_path / 'gone.pdf'}" in plan
    assert healthy["document_uuid"] not in plan
    assert f"{orphan['document_uuid']}  orphan.pdf: SUCCEEDED without textract_end_time" in plan
    if stack.redis_url:
        assert f"would delete  doc:state:{orphan['document_uuid']}  (document resubmitted)" in plan
        assert f"would delete  {stale_job_key}  (job referenced by no document)" in plan
    assert await describe(stack, orphan["document_uuid"]) is None  # nothing was started

    code, out, err = await stack.lexflow("migrate")

    assert code == 1, err
    assert f"{orphan['document_uuid']}: resubmitted (document-{orphan['document_uuid']})" in out
    result = await stack.result(orphan["document_uuid"])
    assert (result.status.value, result.pages) == ("completed", 1)
    resubmitted = get_document(stack.engine, orphan["document_uuid"])
    assert resubmitted is not None
    assert (resubmitted.status, resubmitted.stage) == ("completed", "finalize")
    assert await describe(stack, healthy["document_uuid"]) is None
    healthy_row = get_document(stack.engine, healthy["document_uuid"])
    assert healthy_row is not None and healthy_row.workflow_id is None
    if stack.redis_url:
        assert not r.exists(stale_job_key)
        assert b"stale" not in (r.get(f"doc:state:{orphan['document_uuid']}") or b"")


async def describe(stack: Stack, document_uuid: str) -> WorkflowExecutionStatus | None:
    try:
        desc = await stack.env.client.get_workflow_handle(workflow_id_for(document_uuid)).describe()
    except RPCError as exc:
        assert exc.status == RPCStatusCode.NOT_FOUND
        return None
    return desc.status


async def test_monitor_once_prints_every_section_from_the_live_stack(stack: Stack) -> None:
    code, out, err = await stack.lexflow("monitor", "live", "--once")

    assert code == 0, err
    for section in (
        "Documents by status and stage",
        "Pending Textract jobs",
        "Slowest in-flight documents",
        "Recent failures",
        "Throughput (documents completed)",
    ):
        assert section in out
    assert f"Temporal {stack.settings.temporal_address}: " in out
    assert " DocumentWorkflow running" in out
    assert "unreachable" not in out
    if stack.redis_url:
        assert "documents cached (doc:state keys)" in out


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"textract_job_status": "IN_PROGRESS"}, "IN_PROGRESS but there is no textract_job_id"),
        ({"textract_job_status": "SUCCEEDED"}, "SUCCEEDED without textract_end_time"),
        ({"textract_end_time": NOW - timedelta(hours=1)}, "before textract_start_time"),
        ({"textract_page_count": None}, "SUCCEEDED without textract_page_count"),
        ({"textract_job_status": "FAILED"}, "FAILED without textract_error_message"),
        ({"textract_job_status": "DONE"}, "unknown textract_job_status 'DONE'"),
        ({"textract_job_status": "IN_PROGRESS", "textract_end_time": None}, "completed but"),
    ],
)
def test_migrate_names_each_inconsistent_textract_field(
    fields: dict[str, Any], problem: str
) -> None:
    consistent = {
        "status": "completed",
        "textract_job_id": "job-1",
        "textract_job_status": "SUCCEEDED",
        "textract_start_time": NOW,
        "textract_end_time": NOW + timedelta(minutes=1),
        "textract_page_count": 3,
        "textract_error_message": None,
    }
    assert textract_problems(SimpleNamespace(**consistent)) == []
    if "no textract_job_id" in problem:
        fields = {**fields, "textract_job_id": None}
    if "SUCCEEDED without textract_end_time" in problem:
        fields = {**fields, "textract_end_time": None}

    found = textract_problems(SimpleNamespace(**{**consistent, **fields}))

    assert any(problem in p for p in found), found
