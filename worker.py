"""Run a lexflow worker: ``python worker.py`` (configuration from the environment)."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import traceback

from lexflow.config import load_settings
from lexflow.db.migrate import ensure_schema_current
from lexflow.errors import LexflowError
from lexflow.logs import configure_logging
from lexflow.process import exit_now
from lexflow.services import build_services
from lexflow.temporal import build_worker, connect

log = logging.getLogger("lexflow.worker")


async def main() -> int:
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    services = build_services(settings)
    ensure_schema_current(services.engine)
    client = await connect(settings)
    worker = build_worker(client, services)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    log.info(
        "worker started",
        extra={"task_queue": settings.temporal_task_queue, "address": settings.temporal_address},
    )
    consumer = None
    if settings.worker_consume_notifications:
        from lexflow.aws import make_sqs_client
        from lexflow.notifications import consumer_settings, run_consumer

        consumer = asyncio.create_task(
            run_consumer(make_sqs_client(settings), client, consumer_settings(settings), stop)
        )
    async with worker:
        await stop.wait()
        # Leaving the block drains: running activities get graceful_shutdown_timeout to finish.
        log.info("shutting down: finishing running activities")
        if consumer is not None:
            await consumer  # stops after its current long poll (at most 20 s)
    log.info("worker stopped")
    return 0


def run() -> None:
    try:
        code = asyncio.run(main())
    except LexflowError as exc:
        print(f"lexflow worker: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        # SIGINT raises only until main() installs its handlers: the worker had not started.
        print("lexflow worker: interrupted", file=sys.stderr)
        code = 130
    except Exception:
        traceback.print_exc()  # a bug: show it, but still leave without the teardown below
        code = 1
    exit_now(code)


if __name__ == "__main__":
    run()
