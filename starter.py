"""Launch document workflows: ``python starter.py PATH|DIR|s3://bucket/key ... [--wait] [--json]``.

Without TEMPORAL_ADDRESS (or with ``--dev``) it runs everything embedded: a Temporal dev server,
an in-process worker and SQLite under LEXFLOW_STATE_DIR, then waits for the documents.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import traceback

from temporalio.client import Client

from lexflow.config import Settings, load_settings
from lexflow.errors import LexflowError
from lexflow.launch import expand_sources, launch, wait_for
from lexflow.process import exit_now
from lexflow.report import ProgressPrinter, outcomes_json, print_launched, summary_table
from lexflow.temporal import connect, web_ui_link


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="starter.py", description=__doc__)
    parser.add_argument("sources", nargs="+", help="files, folders or s3:// URIs")
    parser.add_argument("--wait", action="store_true", help="wait until each document is done")
    parser.add_argument("--json", action="store_true", help="print the outcome as a JSON array")
    parser.add_argument("--dev", action="store_true", help="force the embedded dev server")
    return parser.parse_args(argv)


async def run_documents(client: Client, settings: Settings, args: argparse.Namespace) -> int:
    from lexflow.services import build_services

    s3 = build_services(settings, check_region=False).s3 if settings.s3_bucket else None
    sources = expand_sources(args.sources, s3)
    if not sources:
        print("starter.py: no documents found in the given paths", file=sys.stderr)
        return 2
    launched = await launch(client, settings, sources)
    out = sys.stderr if args.json else sys.stdout
    print_launched(
        launched, {i.workflow_id: web_ui_link(settings, i.workflow_id) for i in launched}, out
    )
    if not args.wait:
        return 1 if any(i.start_error for i in launched) else 0
    outcomes = await wait_for(client, launched, on_progress=ProgressPrinter(sys.stderr))
    if args.json:
        print(outcomes_json(outcomes))
    else:
        print(summary_table(outcomes))
    return 0 if all(o.status == "completed" for o in outcomes) else 1


async def run_embedded(settings: Settings, args: argparse.Namespace) -> int:
    from lexflow.db.migrate import upgrade
    from lexflow.embedded import embedded_temporal, state_lock
    from lexflow.services import build_services
    from lexflow.temporal import build_worker

    args.wait = True  # the in-process worker stops with us: leaving early would strand the work
    with state_lock(settings.lexflow_state_dir):
        async with embedded_temporal(
            settings.lexflow_state_dir, settings.temporal_namespace
        ) as emb:
            print(
                f"lexflow: embedded Temporal at {emb.address}, Web UI {emb.ui_url}", file=sys.stderr
            )
            # Links must point at this run's Web UI, wherever it had to start.
            settings = settings.model_copy(update={"temporal_ui_url": emb.ui_url})
            services = build_services(settings)
            upgrade(services.engine)
            async with build_worker(emb.client, services):
                return await run_documents(emb.client, settings, args)


async def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = load_settings()
        from lexflow.logs import configure_logging

        if args.dev or not settings.temporal_address:
            configure_logging("WARNING", settings.log_format)
            return await run_embedded(settings, args)
        configure_logging(settings.log_level, settings.log_format)
        return await run_documents(await connect(settings), settings, args)
    except LexflowError as exc:
        print(f"starter.py: {exc}", file=sys.stderr)
        return 2


def run() -> None:
    try:
        code = asyncio.run(main())
    except KeyboardInterrupt:
        # asyncio.run has already cancelled main(), stopping any embedded server and worker; the
        # workflows are durable, and launching the same sources again waits for them.
        print("starter.py: interrupted; run it again to resume", file=sys.stderr)
        code = 130
    except Exception:
        traceback.print_exc()  # a bug: show it, but still leave without the teardown below
        code = 1
    exit_now(code)


if __name__ == "__main__":
    run()
