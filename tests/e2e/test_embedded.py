"""The embedded default as a user runs it: ``python starter.py DOCS --wait --json`` with no
configuration at all, in a subprocess that starts the real ``temporal`` dev server on
127.0.0.1:7233, an in-process worker and SQLite under its own temporary LEXFLOW_STATE_DIR.

The embedded server's port is fixed (7233, Web UI 8233), so these tests cannot share the machine
with another embedded run: each one checks the port is free before it starts.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from lexflow.db.engine import make_engine
from lexflow.db.export import export_document
from lexflow.embedded import DEV_SERVER_PORT, UI_PORT, state_lock
from tests import docgen

ROOT = Path(__file__).resolve().parents[2]
STARTER = ROOT / "starter.py"
RUN_TIMEOUT_S = 90.0
# Configuration that would take a run away from the embedded default, or out of its state folder.
SCRUBBED = ("TEMPORAL_", "DATABASE_", "REDIS_", "S3_", "OCR_", "AWS_", "LEXFLOW_", "TEXTRACT_")

GOOD = {  # file name -> (pages, pages sent to OCR, words its recognised text must contain)
    "complaint.pdf": (2, 0, ("Acme Corporation brings this action", "Section 4.2 Payment")),
    "order-scanned.pdf": (1, 1, ("ORDER GRANTING MOTION TO DISMISS", "Smith v. Jones")),
    "settlement.png": (1, 1, ("SETTLEMENT AGREEMENT AND RELEASE", "$40,000.00")),
}
BAD = {  # file name -> what the one-line reason must say
    "empty.pdf": "empty",
    "brief.pdf": "ZIP archive",
}


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str
    seconds: float

    def explain(self) -> str:
        head = f"exit {self.code} after {self.seconds:.1f} s"
        return f"{head}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"

    def outcomes(self) -> dict[str, dict[str, Any]]:
        """starter.py's ``--json`` array, by file name."""
        return {o["file_name"]: o for o in json_array(self.stdout)}


def json_array(stdout: str) -> list[dict[str, Any]]:
    # stdout must be the JSON array and nothing else (the dev server's banner goes to its log).
    data = json.loads(stdout)
    assert isinstance(data, list)
    return data


def scrubbed_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED)}
    env.update(extra)
    return env


async def spawn(*args: str | Path, env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    """Start a command in its own process group, so a kill reaches the dev server it starts."""
    return await asyncio.create_subprocess_exec(
        *map(str, args),
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )


async def finish(
    proc: asyncio.subprocess.Process, began: float, timeout: float = RUN_TIMEOUT_S
) -> Result:
    """Wait for ``proc`` to end; past ``timeout`` kill its process group and fail."""
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = await proc.communicate()
        raise AssertionError(
            f"pid {proc.pid} did not finish in {timeout} s\n{out.decode()}\n{err.decode()}"
        ) from None
    assert proc.returncode is not None
    return Result(proc.returncode, out.decode(), err.decode(), time.monotonic() - began)


async def run(
    *args: str | Path, env: dict[str, str], cwd: Path, timeout: float = RUN_TIMEOUT_S
) -> Result:
    began = time.monotonic()
    return await finish(await spawn(*args, env=env, cwd=cwd), began, timeout)


def starter_command(*sources: Path, state: Path) -> tuple[list[str | Path], dict[str, str]]:
    env = scrubbed_env(LEXFLOW_STATE_DIR=str(state))
    return [sys.executable, STARTER, *sources, "--wait", "--json"], env


async def starter(*sources: Path, state: Path, cwd: Path, timeout: float = RUN_TIMEOUT_S) -> Result:
    command, env = starter_command(*sources, state=state)
    return await run(*command, env=env, cwd=cwd, timeout=timeout)


def listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.3)
        return sock.connect_ex(("127.0.0.1", port)) == 0


async def assert_stopped(*ports: int, grace_s: float = 3.0) -> None:
    """Nothing listens on ``ports``: the run stopped the dev server it started, not orphaned it."""
    deadline = time.monotonic() + grace_s
    while (still := [p for p in ports if listening(p)]) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert not still, f"something still listens on {still} after the run exited"


def assert_lock_released(state: Path) -> None:
    with state_lock(state):  # raises ConfigError if the run still held it
        pass


def squeeze(text: str) -> str:
    """Whitespace removed: RapidOCR, the pip-only backend, sometimes drops a space."""
    return "".join(text.split())


@pytest.fixture(autouse=True)
def embedded_ports_free() -> None:
    for port in (DEV_SERVER_PORT, UI_PORT):
        assert not listening(port), (
            f"port {port} is in use (another embedded run, `make demo`, a Temporal dev server?): "
            "these tests start the embedded dev server there; stop it first"
        )


def mixed_folder(folder: Path, names: set[str]) -> Path:
    folder.mkdir()
    makers = {
        "complaint.pdf": docgen.born_digital_pdf,
        "order-scanned.pdf": lambda p: docgen.scanned_pdf(p, [docgen.ORDER]),
        "settlement.png": lambda p: docgen.text_image(docgen.LETTER).save(p, dpi=(200, 200)),
        "empty.pdf": docgen.empty_file,
        "brief.pdf": docgen.zip_file,
    }
    for name in names:
        makers[name](folder / name)
    return folder


def page_texts(state: Path, document_uuid: str) -> str:
    engine = make_engine(f"sqlite:///{state / 'lexflow.db'}")
    try:
        return "\n".join(p["text"] for p in export_document(engine, document_uuid)["pages"])
    finally:
        engine.dispose()


async def test_a_mixed_folder_completes_the_good_documents_fails_the_bad_and_stops_cleanly(
    tmp_path: Path,
) -> None:
    docs = mixed_folder(tmp_path / "docs", set(GOOD) | set(BAD))
    state = tmp_path / "state"

    result = await starter(docs, state=state, cwd=tmp_path)

    assert result.code == 1, result.explain()
    outcomes = result.outcomes()
    assert set(outcomes) == set(GOOD) | set(BAD), result.explain()
    for name, (pages, sent_to_ocr, phrases) in GOOD.items():
        doc = outcomes[name]
        assert doc["status"] == "completed", doc
        assert doc["ocr_engine"] == "local", doc
        assert (doc["pages"], doc["pages_sent_to_ocr"]) == (pages, sent_to_ocr), doc
        assert doc["chunks"] >= 1 and doc["entities"] >= 1, doc
        text = squeeze(page_texts(state, doc["document_uuid"]))
        for phrase in phrases:
            assert squeeze(phrase) in text, f"{name}: {phrase!r} not recognised in {text!r}"
    for name, reason in BAD.items():
        doc = outcomes[name]
        assert doc["status"] == "failed", doc
        assert doc["stage"] == "prepare", doc
        assert reason in doc["error"] and "\n" not in doc["error"].strip(), doc
    # A bad document is an expected outcome: its reason, in one line, and no traceback.
    assert "Traceback" not in result.stderr, result.explain()

    await assert_stopped(DEV_SERVER_PORT, UI_PORT)
    for name in ("temporal.db", "lexflow.db"):
        assert (state / name).stat().st_size > 0, f"{name} missing from {sorted(state.iterdir())}"
    assert_lock_released(state)


async def test_a_second_run_in_the_same_state_folder_finds_what_the_first_left(
    tmp_path: Path,
) -> None:
    docs = mixed_folder(tmp_path / "docs", {"complaint.pdf", "settlement.png", "brief.pdf"})
    state = tmp_path / "state"

    first = await starter(docs, state=state, cwd=tmp_path)
    await assert_stopped(DEV_SERVER_PORT, UI_PORT)
    docgen.born_digital_pdf(docs / "brief.pdf", [docgen.CONTRACT])  # the user fixes the file
    second = await starter(docs, state=state, cwd=tmp_path)

    assert (first.code, second.code) == (1, 0), f"{first.explain()}\n{second.explain()}"
    before, after = first.outcomes(), second.outcomes()
    for name in ("complaint.pdf", "settlement.png"):
        assert before[name]["ocr_engine"] == "local", before[name]
        # The database survived: the identical content's OCR output is reused, not redone.
        assert after[name]["status"] == "completed", after[name]
        assert after[name]["ocr_engine"] == "cache", after[name]
        assert after[name]["pages_sent_to_ocr"] == 0, after[name]
        for count in ("pages", "chunks", "entities", "relationships"):
            assert after[name][count] == before[name][count], (count, before[name], after[name])
    # The dev server's state survived: the failed document's workflow, waiting for a retry
    # signal, is still running; launching it again retries it, and the fixed file completes.
    launch_lines = {line for line in second.stderr.splitlines() if "brief.pdf" in line}
    assert any("attempt 1 had failed: retrying" in line for line in launch_lines), second.explain()
    assert before["brief.pdf"]["status"] == "failed", before["brief.pdf"]
    assert after["brief.pdf"]["status"] == "completed", after["brief.pdf"]
    assert after["brief.pdf"]["document_uuid"] == before["brief.pdf"]["document_uuid"]
    await assert_stopped(DEV_SERVER_PORT, UI_PORT)
    assert_lock_released(state)


async def test_a_run_on_a_state_folder_in_use_refuses_quickly_and_names_the_folder(
    tmp_path: Path,
) -> None:
    docs = mixed_folder(tmp_path / "docs", {"complaint.pdf"})
    state = tmp_path / "state"

    with state_lock(state):  # what a run in progress holds
        assert (state / "embedded.lock").read_text() == f"pid {os.getpid()}"
        result = await starter(docs, state=state, cwd=tmp_path, timeout=30)

    assert result.code != 0, result.explain()
    assert str(state) in result.stderr and f"pid {os.getpid()}" in result.stderr, result.explain()
    assert result.seconds < 15, result.explain()
    assert not listening(DEV_SERVER_PORT), "it started a dev server before checking the lock"
    assert not (state / "lexflow.db").exists()


async def test_a_second_run_while_the_first_works_refuses_and_leaves_the_first_alone(
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    docgen.scanned_pdf(docs / "exhibits.pdf", [docgen.CAPTION, docgen.CONTRACT, docgen.ORDER])
    state = tmp_path / "state"
    command, env = starter_command(docs, state=state)
    began = time.monotonic()
    first = await spawn(*command, env=env, cwd=tmp_path)
    try:
        lock = state / "embedded.lock"
        while not (lock.exists() and lock.read_text() == f"pid {first.pid}"):
            assert first.returncode is None, "the first run ended before it took the lock"
            assert time.monotonic() - began < 30, "the first run never took the lock"
            await asyncio.sleep(0.05)

        second = await starter(docs, state=state, cwd=tmp_path, timeout=30)
        first_was_running = first.returncode is None
        done = await finish(first, began)
    finally:
        if first.returncode is None:  # a failed assertion above: do not leave it running
            os.killpg(first.pid, signal.SIGKILL)
            await first.wait()
    assert first_was_running, "the first run ended too soon to test anything: give it more pages"
    assert second.code != 0, second.explain()
    assert str(state) in second.stderr, second.explain()
    assert f"pid {first.pid}" in second.stderr, second.explain()
    assert second.seconds < 15, second.explain()
    assert done.code == 0, done.explain()
    assert done.outcomes()["exhibits.pdf"]["status"] == "completed", done.explain()
    await assert_stopped(DEV_SERVER_PORT, UI_PORT)
    assert_lock_released(state)


async def test_export_prints_a_completed_document_from_the_state_folders_database(
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    docgen.mixed_pdf(docs / "complaint-with-order.pdf")  # page 1 text layer, page 2 scanned
    state = tmp_path / "state"
    result = await starter(docs, state=state, cwd=tmp_path)
    assert result.code == 0, result.explain()
    uuid = result.outcomes()["complaint-with-order.pdf"]["document_uuid"]

    console_script = Path(sys.executable).with_name("lexflow")
    command = (
        [console_script] if console_script.exists() else [sys.executable, "-m", "lexflow.cli.main"]
    )
    env = scrubbed_env(DATABASE_URL=f"sqlite:///{state / 'lexflow.db'}")
    export = await run(*command, "export", uuid, env=env, cwd=tmp_path, timeout=30)

    assert export.code == 0, export.explain()
    data = json.loads(export.stdout)
    assert data["document"]["document_uuid"] == uuid
    assert data["document"]["status"] == "completed", data["document"]
    assert [(p["page"], p["source"]) for p in data["pages"]] == [(1, "text-layer"), (2, "ocr")]
    assert "ACMECORPORATION" in squeeze(data["pages"][0]["text"])
    assert "ORDERGRANTINGMOTIONTODISMISS" in squeeze(data["pages"][1]["text"])
    chunks = {c["chunk_index"]: c for c in data["chunks"]}
    assert chunks and all(c["text"] for c in chunks.values())
    assert data["entities"], data
    for entity in data["entities"]:
        assert entity["text"] and entity["type"] and entity["canonical_name"], entity
        assert entity["page"] in (1, 2), entity
        chunk = chunks[entity["chunk_index"]]
        start, end = (
            entity["char_start"] - chunk["char_start"],
            entity["char_end"] - chunk["char_start"],
        )
        assert chunk["text"][start:end] == entity["text"], (entity, chunk["char_start"])
        page_text = data["pages"][entity["page"] - 1]["text"]
        assert squeeze(entity["text"]) in squeeze(page_text), (entity, "not on its page")
    canonical = {(e["type"], e["canonical_name"]) for e in data["entities"]}
    assert {("ORGANIZATION", "Acme Corporation"), ("CASE_NUMBER", "1:23-cv-04567")} <= canonical
    assert any(e["page"] == 2 for e in data["entities"]), "nothing found on the scanned page"
    assert data["relationships"] and all(r["relationship_type"] for r in data["relationships"])

    by_workflow_id = await run(*command, "export", f"document-{uuid}", env=env, cwd=tmp_path)
    assert by_workflow_id.code == 0 and json.loads(by_workflow_id.stdout) == data


async def test_with_port_7233_taken_a_run_starts_its_own_server_on_free_ports(
    tmp_path: Path,
) -> None:
    # Whatever holds 7233 (here a bare socket; in life another run or `temporal server
    # start-dev`), it is not joined: its workers would carry documents off to another folder.
    docs = tmp_path / "docs"
    docs.mkdir()
    docgen.born_digital_pdf(docs / "complaint.pdf")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # earlier runs' TIME_WAIT
        squatter.bind(("127.0.0.1", 7233))
        squatter.listen()
        result = await starter(docs, state=tmp_path / "state", cwd=tmp_path)

    assert result.code == 0, result.explain()
    assert result.outcomes()["complaint.pdf"]["status"] == "completed"
    moved = re.search(
        r"starting this run's Temporal on 127\.0\.0\.1:(\d+) \(Web UI "
        r"http://localhost:(\d+)\)",
        result.stderr,
    )
    assert moved, result.explain()
    server_port, ui_port = (int(p) for p in moved.groups())
    assert 7233 not in (server_port, ui_port)
    await assert_stopped(server_port, ui_port)
