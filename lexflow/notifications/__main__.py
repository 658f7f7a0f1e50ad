"""``python -m lexflow.notifications --queue-url URL --temporal-address HOST:PORT``.

Runs the completion-notification consumer on its own until SIGTERM/SIGINT. Every setting is an
explicit option here; ``lexflow notifications`` passes the same from ``lexflow.config``.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys

import boto3

from lexflow.aws import SqsClient, client_config
from lexflow.logs import configure_logging
from lexflow.notifications.consumer import ConsumerSettings, ConsumerStats, run_consumer
from lexflow.process import exit_now


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m lexflow.notifications",
        description="Signal document workflows when Textract reports a finished job (SQS).",
    )
    p.add_argument("--queue-url", required=True, help="SQS queue subscribed to the SNS topic")
    p.add_argument("--temporal-address", required=True, help="host:port of the Temporal frontend")
    p.add_argument("--namespace", default="default", help="Temporal namespace (default: default)")
    p.add_argument("--aws-region", default="us-east-1")
    p.add_argument("--aws-endpoint-url", default=None, help="SQS endpoint override (moto, ...)")
    p.add_argument("--wait-time", type=int, default=20, help="long-poll seconds, 0-20")
    p.add_argument("--batch-size", type=int, default=10, help="messages per receive, 1-10")
    p.add_argument("--visibility-timeout", type=int, default=30, help="seconds")
    p.add_argument("--log-level", default="INFO")
    p.add_argument("--log-format", default="json", choices=["json", "text"])
    return p


def make_sqs(region: str, endpoint_url: str | None) -> SqsClient:
    """An SQS client whose read timeout outlasts the 20 s long poll."""
    return boto3.session.Session().client(
        "sqs", region_name=region, endpoint_url=endpoint_url, config=client_config()
    )


async def _serve(args: argparse.Namespace) -> ConsumerStats:
    from temporalio.client import Client
    from temporalio.contrib.pydantic import pydantic_data_converter

    settings = ConsumerSettings(
        queue_url=args.queue_url,
        wait_time_seconds=args.wait_time,
        max_messages=args.batch_size,
        visibility_timeout_seconds=args.visibility_timeout,
    )
    client = await Client.connect(
        args.temporal_address, namespace=args.namespace, data_converter=pydantic_data_converter
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return await run_consumer(
        make_sqs(args.aws_region, args.aws_endpoint_url), client, settings, stop
    )


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    configure_logging(args.log_level.upper(), args.log_format)
    try:
        asyncio.run(_serve(args))
        code = 0
    except (ValueError, RuntimeError) as exc:  # bad settings, Temporal unreachable at start
        print(f"lexflow notifications: {exc}", file=sys.stderr)
        code = 2
    exit_now(code)


if __name__ == "__main__":
    main()
