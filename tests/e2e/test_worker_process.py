"""worker.py as operators run it: refuses an old schema, processes documents, stops on SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import sys
import urllib.request
from pathlib import Path

from temporalio.testing import WorkflowEnvironment

from lexflow.config import Settings
from lexflow.db.engine import make_engine
from lexflow.db.migrate import upgrade
from lexflow.launch import launch, wait_for
from tests import docgen

ROOT = Path(__file__).resolve().parents[2]


def worker_env(database_url: str, address: str, task_queue: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TEXTRACT_", "TEMPORAL_", "AWS_", "S3_", "REDIS_"))
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "TEMPORAL_ADDRESS": address,
            "TEMPORAL_TASK_QUEUE": task_queue,
            "OCR_ENGINE": "local",
            "LOG_FORMAT": "json",
        }
    )
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def scrape(port: int) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        return str(response.read().decode())


async def next_log(stream: asyncio.StreamReader, msg: str) -> dict[str, object]:
    while line := await stream.readline():
        if line.startswith(b"{") and (entry := json.loads(line))["msg"] == msg:
            return dict(entry)
    raise AssertionError(f"the worker exited without logging {msg!r}")


async def test_worker_refuses_an_out_of_date_schema_and_names_the_fix(tmp_path: Path) -> None:
    env = worker_env(f"sqlite:///{tmp_path}/old.db", "127.0.0.1:1", "unused")

    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "worker.py"),
        env=env,
        cwd=str(tmp_path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(proc.communicate(), timeout=60)

    assert proc.returncode == 2
    assert "run `lexflow db upgrade`" in err.decode()


async def test_worker_processes_documents_and_stops_gracefully_on_sigterm(
    dev_server: WorkflowEnvironment, tmp_path: Path, task_queue: str
) -> None:
    database_url = f"sqlite:///{tmp_path}/lexflow.db"
    upgrade(make_engine(database_url))
    env = worker_env(database_url, dev_server.client.service_client.config.target_host, task_queue)
    metrics_port = free_port()
    env["METRICS_BIND_ADDRESS"] = f"127.0.0.1:{metrics_port}"
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "worker.py"),
        env=env,
        cwd=str(tmp_path),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert proc.stderr is not None
    try:
        started = await asyncio.wait_for(next_log(proc.stderr, "worker started"), timeout=60)
        assert started["task_queue"] == task_queue
        settings = Settings(
            database_url=database_url,
            temporal_task_queue=task_queue,
            ocr_engine="local",
            _env_file=None,
        )  # type: ignore[arg-type, call-arg]
        complaint = docgen.born_digital_pdf(tmp_path / "complaint.pdf")

        launched = await launch(dev_server.client, settings, [str(complaint)])
        [outcome] = await asyncio.wait_for(wait_for(dev_server.client, launched), timeout=60)
        assert (outcome.status, outcome.pages) == ("completed", 2)
        metrics = await asyncio.to_thread(scrape, metrics_port)
        assert re.search(
            r'^lexflow_documents_total\{[^}]*outcome="completed"[^}]*\} 1$', metrics, re.M
        )
        assert re.search(
            r'^lexflow_pages_processed_total\{[^}]*engine="local"[^}]*\} 2$', metrics, re.M
        )
        assert re.search(r'^lexflow_stage_duration_count\{[^}]*stage="ocr"', metrics, re.M)
        assert "temporal_activity_execution_latency" in metrics  # the SDK's own

        proc.send_signal(signal.SIGTERM)
        rest = (await asyncio.wait_for(proc.stderr.read(), timeout=60)).decode()
        await proc.wait()
    finally:
        if proc.returncode is None:
            proc.kill()
    assert proc.returncode == 0, rest
    messages = [json.loads(line)["msg"] for line in rest.splitlines() if line.startswith("{")]
    assert messages.index("shutting down: finishing running activities") < len(messages) - 1
    assert messages[-1] == "worker stopped"
    assert "local OCR done" in messages  # the SDK's context is in fields, not in the message
