"""Schema migrations: ``lexflow db upgrade`` and the start-up check that the schema is current."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from lexflow.errors import SchemaOutOfDateError

_MIGRATIONS = Path(__file__).parent / "migrations"
# Held for the upgrade's transaction: several processes upgrading at once (workers started
# together, a deploy script run twice) take turns, and the later ones find nothing to do.
_UPGRADE_LOCK = 7313


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


@contextlib.contextmanager
def _sqlite_upgrade_lock(engine: Engine) -> Iterator[None]:
    """SQLite has no advisory locks: a lock file beside the database stands in for one."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    with open(f"{database}.upgrade-lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` (idempotent; concurrent upgrades take turns)."""
    cfg = alembic_config(engine)
    with _sqlite_upgrade_lock(engine), engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _UPGRADE_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory(str(_MIGRATIONS)).get_current_head()


def ensure_schema_current(engine: Engine) -> None:
    """Refuse to run against a schema the code does not match.

    Raises:
        SchemaOutOfDateError: names the database and the command that fixes it.
    """
    current, head = current_revision(engine), head_revision()
    if current != head:
        url = engine.url.render_as_string(hide_password=True)
        raise SchemaOutOfDateError(
            f"database schema at {url} is at revision {current or 'none (empty)'}, "
            f"code expects {head}: run `lexflow db upgrade`"
        )
