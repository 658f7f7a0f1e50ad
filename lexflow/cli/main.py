"""``lexflow`` entry point: parses the command line and dispatches to one module per command."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
from collections.abc import Callable

from lexflow.config import load_settings
from lexflow.errors import LexflowError
from lexflow.logs import configure_logging
from lexflow.process import exit_now


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lexflow", description="Operate the lexflow pipeline.")
    sub = parser.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply migrations up to the latest")
    db_sub.add_parser("current", help="print the schema revision and the code's")

    export = sub.add_parser("export", help="print one document as JSON")
    export.add_argument("document", help="document uuid, workflow id, or uuid prefix")

    status = sub.add_parser("status", help="one document's full story")
    status.add_argument("document", help="document uuid, workflow id, or uuid prefix")

    retry = sub.add_parser(
        "retry", help="resume failed documents (signal), or start closed ones again (new run)"
    )
    retry.add_argument("documents", nargs="*", help="document uuids, workflow ids or uuid prefixes")
    retry.add_argument("--all-failed", action="store_true", help="every failed document")

    monitor = sub.add_parser("monitor", help="watch the pipeline")
    monitor_sub = monitor.add_subparsers(dest="monitor_command", required=True)
    live = monitor_sub.add_parser("live", help="terminal dashboard, refreshed every few seconds")
    live.add_argument("--once", action="store_true", help="print one frame and exit")
    live.add_argument("--interval", type=_positive, default=3.0, metavar="S", help="seconds")
    live.add_argument(
        "--limit", type=_at_least_one, default=8, metavar="N", help="rows per section"
    )

    migrate = sub.add_parser(
        "migrate", help="resubmit documents left incomplete, clear stale cache, check Textract"
    )
    migrate.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")

    sub.add_parser(
        "notifications",
        help="consume Textract completion notifications (TEXTRACT_SQS_QUEUE_URL) until stopped",
    )
    return parser


def _positive(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return number


def _at_least_one(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError("must be a whole number, at least 1")
    return number


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    # Warnings (ours and the Temporal SDK core's) to stderr: stdout carries tables and JSON.
    configure_logging("WARNING", "text")
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "db": _db,
        "export": _export,
        "status": _status,
        "retry": _retry,
        "monitor": _monitor,
        "migrate": _migrate,
        "notifications": _notifications,
    }
    try:
        code = handlers[args.command](args)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader left (`lexflow export DOC | head`): the rest has nowhere to go. Point
        # stdout at /dev/null so the last flush cannot raise again, and exit as if by SIGPIPE.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 128 + signal.SIGPIPE
    except LexflowError as exc:
        print(f"lexflow {args.command}: {exc}", file=sys.stderr)
        code = 2
    except KeyboardInterrupt:
        code = 0 if args.command == "monitor" else 130
    exit_now(code)


def _db(args: argparse.Namespace) -> int:
    from lexflow.db.engine import make_engine
    from lexflow.db.migrate import current_revision, head_revision, upgrade

    engine = make_engine(load_settings().effective_database_url)
    if args.db_command == "upgrade":
        upgrade(engine)
        print(f"schema at revision {current_revision(engine)}")
    else:
        print(f"database: {current_revision(engine) or 'empty'}; code: {head_revision()}")
    return 0


def _export(args: argparse.Namespace) -> int:
    import json

    from lexflow.cli.common import resolve_document
    from lexflow.db.engine import make_engine
    from lexflow.db.export import export_document

    engine = make_engine(load_settings().effective_database_url)
    document_uuid = resolve_document(engine, args.document)  # the prefix the monitor prints
    print(json.dumps(export_document(engine, document_uuid), indent=2, default=str))
    return 0


def _status(args: argparse.Namespace) -> int:
    from lexflow.cli.status import show_status

    return asyncio.run(show_status(load_settings(), args.document))


def _retry(args: argparse.Namespace) -> int:
    from lexflow.cli.retry import retry_documents

    return asyncio.run(retry_documents(load_settings(), args.documents, args.all_failed))


def _monitor(args: argparse.Namespace) -> int:
    from lexflow.cli.monitor import run_monitor

    return asyncio.run(
        run_monitor(load_settings(), once=args.once, interval=args.interval, limit=args.limit)
    )


def _migrate(args: argparse.Namespace) -> int:
    from lexflow.cli.migrate import run_migrate

    return asyncio.run(run_migrate(load_settings(), args.dry_run))


def _notifications(args: argparse.Namespace) -> int:
    from lexflow.notifications.serve import serve_notifications

    stats = asyncio.run(serve_notifications(load_settings()))
    print(f"lexflow notifications: stopped ({stats})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    main()
