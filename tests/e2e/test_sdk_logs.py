"""The SDK core's own warnings go through Python logging to stderr, never to stdout, where they
would corrupt ``starter.py --json`` output."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A worker polling activities on the time-skipping test server makes the core warn (the server
# does not advertise heartbeat details on failure), which is all this needs.
SCRIPT = textwrap.dedent(
    """
    import asyncio, json, os, sys
    from temporalio import activity
    from temporalio.testing import WorkflowEnvironment
    from temporalio.worker import Worker
    from lexflow.logs import configure_logging

    @activity.defn
    async def noop() -> None:
        pass

    async def main() -> None:
        configure_logging("WARNING", "json")
        env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=sys.argv[1])
        async with Worker(env.client, task_queue="q", activities=[noop]):
            await asyncio.sleep(1.5)
        await env.shutdown()
        print(json.dumps({"ok": True}))

    asyncio.run(main())
    # The SDK can abort at interpreter exit (sdk-python#300): leave the way entry points do.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
    """
)


def test_core_warnings_reach_stderr_as_log_lines_and_stdout_stays_clean() -> None:
    server = shutil.which("temporal-test-server") or str(
        Path(sys.executable).parent / "temporal-test-server"
    )
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, server],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert done.stdout.strip() == '{"ok": true}'
    core = [
        json.loads(line)
        for line in done.stderr.splitlines()
        if line.startswith("{") and json.loads(line)["logger"].startswith("temporalio.core")
    ]
    assert any("heartbeat details" in entry["msg"] for entry in core), done.stderr
    assert all("temporal_log" not in entry for entry in core)
