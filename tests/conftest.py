"""Test harness: real PostgreSQL/SQLite and Redis, Temporal test servers, and a clean exit.

Environment (``.ci/run`` sets the first two when ``CI=true``):
    LEXFLOW_TEST_DATABASE_URL  a PostgreSQL server URL; each session creates and drops its own
                               database there. Unset: a SQLite file in a temporary folder.
    LEXFLOW_TEST_REDIS_URL     a Redis URL (a spare logical db). Unset: redis://127.0.0.1:6379/15
                               if it answers, else the Redis-only tests are skipped.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import Engine

from lexflow.cache import NullCache, RedisCache
from lexflow.config import Settings
from lexflow.db.engine import make_engine
from lexflow.db.migrate import upgrade
from lexflow.services import Services
from tests.scratch import postgres_database

# Moto and boto3 must never reach a real AWS account from a test.
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.pop("AWS_PROFILE", None)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "-E",
        "--workflow-environment",
        default="time-skipping",
        help="time-skipping (default), local, or host:port of a running Temporal server",
    )


# --- clean exit ----------------------------------------------------------------------------------


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    session.config.stash[_EXIT] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    # The Temporal SDK can abort in interpreter teardown (sdk-python#300: PyGILState_Release,
    # exit 134) after every test passed. Everything is reported by now, so leave without teardown.
    if _EXIT in config.stash:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(config.stash[_EXIT])


_EXIT = pytest.StashKey[int]()


# --- database ------------------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_database(tmp_path_factory: pytest.TempPathFactory, prefix: str) -> Iterator[str]:
    """A new, empty database: on the PostgreSQL server of LEXFLOW_TEST_DATABASE_URL (dropped
    afterwards), else a SQLite file."""
    server = os.environ.get("LEXFLOW_TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp_path_factory.mktemp(prefix) / 'lexflow.db'}"
        return
    with postgres_database(server, prefix) as url:
        yield url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(tmp_path_factory, "lexflow_test") as url:
        yield url


@pytest.fixture(scope="session")
def db_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


# --- redis ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def redis_url() -> str | None:
    url = os.environ.get("LEXFLOW_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        if os.environ.get("LEXFLOW_TEST_REDIS_URL"):
            raise
        return None
    return url


@pytest.fixture
def redis_cache(redis_url: str | None) -> RedisCache:
    if redis_url is None:
        pytest.skip("no Redis at redis://127.0.0.1:6379 (CI sets LEXFLOW_TEST_REDIS_URL)")
    return RedisCache(redis.Redis.from_url(redis_url))


# --- services ------------------------------------------------------------------------------------


@pytest.fixture
def settings(tmp_path: Path, database_url: str, redis_url: str | None) -> Settings:
    return Settings(
        lexflow_state_dir=tmp_path / "state",
        database_url=database_url,
        redis_url=redis_url,
        ocr_engine="local",  # type: ignore[arg-type]
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def services(settings: Settings, db_engine: Engine, redis_url: str | None) -> Services:
    cache = RedisCache(redis.Redis.from_url(redis_url)) if redis_url else NullCache()
    return Services(settings=settings, engine=db_engine, cache=cache)


# --- temporal ------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
async def workflow_env(request: pytest.FixtureRequest) -> AsyncIterator[object]:
    from temporalio.contrib.pydantic import pydantic_data_converter
    from temporalio.testing import WorkflowEnvironment

    kind = request.config.getoption("--workflow-environment")
    if kind == "time-skipping":
        env = await WorkflowEnvironment.start_time_skipping(
            data_converter=pydantic_data_converter,
            test_server_existing_path=shutil.which("temporal-test-server")
            or str(Path(sys.executable).parent / "temporal-test-server"),
        )
    elif kind == "local":
        env = await WorkflowEnvironment.start_local(
            data_converter=pydantic_data_converter,
            dev_server_existing_path=_temporal_binary(),
        )
    else:
        from temporalio.client import Client

        client = await Client.connect(kind, data_converter=pydantic_data_converter)
        env = WorkflowEnvironment.from_client(client)
    yield env
    await env.shutdown()


def _temporal_binary() -> str:
    return shutil.which("temporal") or str(Path(sys.executable).parent / "temporal")


@pytest.fixture
def task_queue() -> str:
    return f"tq-{uuid.uuid4()}"
