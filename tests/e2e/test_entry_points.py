"""starter.py and worker.py as operators meet them when something goes wrong: a Temporal address
that does not answer, none at all, or Ctrl-C. Each ends with one line and a meaningful exit code,
never a traceback or the SDK's teardown abort (sdk-python#300, exit 134)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from lexflow.db.engine import make_engine
from lexflow.db.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]
SCRUBBED = ("TEMPORAL_", "DATABASE_", "REDIS_", "S3_", "OCR_", "LEXFLOW_", "TEXTRACT_")
SAMPLE = ROOT / "samples" / "settlement-agreement.png"


def entry_point(name: str, tmp_path: Path, address: str | None) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of ``name`` run against ``address``, with a database at
    the current schema (worker.py checks it before it connects)."""
    database_url = f"sqlite:///{tmp_path / 'lexflow.db'}"
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED)}
    env.update(
        DATABASE_URL=database_url,
        LEXFLOW_STATE_DIR=str(tmp_path),
        OCR_ENGINE="local",
        LOG_FORMAT="json",  # log lines are JSON, told apart from the one line that matters
    )
    if address:
        env["TEMPORAL_ADDRESS"] = address
    args = [sys.executable, str(ROOT / name)]
    return ([*args, str(SAMPLE)] if name == "starter.py" else args), env


def spawn(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        args,
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A shell running the suite in the background hands its children SIGINT ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def silent_server() -> Iterator[socket.socket]:
    """Accepts connections and never answers: a client stays connecting until interrupted."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.settimeout(60)
        yield server


def problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if not line.startswith("{")]  # JSON logs aside


@pytest.mark.parametrize(
    ("name", "prefix"), [("starter.py", "starter.py"), ("worker.py", "lexflow worker")]
)
def test_an_unreachable_temporal_is_one_line_naming_the_address_and_exit_2(
    name: str, prefix: str, tmp_path: Path
) -> None:
    address = f"127.0.0.1:{closed_port()}"
    args, env = entry_point(name, tmp_path, address)

    done = subprocess.run(args, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)

    assert problem_lines(done.stderr) == [
        f"{prefix}: Temporal unreachable at {address} (Connection refused)"
    ], done.stderr
    assert done.returncode == 2


def test_worker_without_a_temporal_address_says_so_in_one_line(tmp_path: Path) -> None:
    args, env = entry_point("worker.py", tmp_path, None)

    done = subprocess.run(args, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)

    assert problem_lines(done.stderr) == [
        "lexflow worker: no Temporal address: set TEMPORAL_ADDRESS or use the embedded server"
    ], done.stderr
    assert done.returncode == 2


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("starter.py", "starter.py: interrupted; run it again to resume"),
        ("worker.py", "lexflow worker: interrupted"),
    ],
)
def test_ctrl_c_is_one_line_and_exit_130(
    name: str, line: str, tmp_path: Path, silent_server: socket.socket
) -> None:
    host, port = silent_server.getsockname()
    args, env = entry_point(name, tmp_path, f"{host}:{port}")
    proc = spawn(args, env, tmp_path)
    try:
        connection, _ = silent_server.accept()  # it is inside asyncio.run, awaiting Temporal
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        connection.close()
    finally:
        proc.kill()

    assert problem_lines(err) == [line], err
    assert proc.returncode == 130


def test_lexflow_output_cut_short_by_its_reader_ends_quietly(tmp_path: Path) -> None:
    # `lexflow db current | head -0`: the reader has gone before the first line is written.
    _, env = entry_point("worker.py", tmp_path, None)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "lexflow.cli.main", "db", "current"],
            env=env,
            cwd=tmp_path,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)

    assert done.returncode == 128 + signal.SIGPIPE, done.stderr
    assert "Traceback" not in done.stderr
