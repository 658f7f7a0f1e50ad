"""``lexflow notifications``: the consumer as an operator runs it, configured from settings."""

from __future__ import annotations

import asyncio
import signal

from lexflow.aws import make_sqs_client
from lexflow.config import Settings
from lexflow.logs import configure_logging
from lexflow.notifications import consumer_settings
from lexflow.notifications.consumer import ConsumerStats, run_consumer
from lexflow.temporal import connect


async def serve_notifications(settings: Settings) -> ConsumerStats:
    """Consume until SIGTERM/SIGINT; a stop waits for the current long poll (at most 20 s)."""
    configure_logging(settings.log_level, settings.log_format)
    config = consumer_settings(settings)  # ConfigError without TEXTRACT_SQS_QUEUE_URL
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    client = await connect(settings)
    return await run_consumer(make_sqs_client(settings), client, config, stop)
