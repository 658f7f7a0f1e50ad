"""docker-compose.yml is a valid Compose file with a scalable worker (no Docker engine needed)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from workflows.visibility import ALL_KEYS

ROOT = Path(__file__).resolve().parents[2]


def check_compose_spec(path: Path) -> subprocess.CompletedProcess[str]:
    tool = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    return subprocess.run(
        [tool, "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = YAML(typ="safe").load((ROOT / "docker-compose.yml").read_text())
    return loaded


def test_compose_file_is_valid_against_the_compose_specification() -> None:
    result = check_compose_spec(ROOT / "docker-compose.yml")

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_validator_does_reject_an_invalid_file(tmp_path: Path) -> None:
    bad = tmp_path / "docker-compose.yml"
    bad.write_text("services:\n  worker:\n    image: 3\n    replicas_typo: 2\n")

    assert check_compose_spec(bad).returncode == 1


def test_stack_has_temporal_ui_postgres_redis_and_a_scalable_worker() -> None:
    services = compose()["services"]

    assert {"temporal", "temporal-ui", "postgresql", "redis", "worker", "migrate"} <= set(services)
    worker = services["worker"]
    assert worker["build"] == "." and (ROOT / "Dockerfile").is_file()
    # --scale worker=N needs no fixed container name and no published host port.
    assert "container_name" not in worker and "ports" not in worker
    env = worker["environment"]
    assert env["TEMPORAL_ADDRESS"] == "temporal:7233"
    assert env["DATABASE_URL"].startswith("postgresql+psycopg2://")
    assert env["REDIS_URL"].startswith("redis://redis:")
    assert services["temporal"]["environment"]["DB"] == "postgres12"
    assert worker["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    # A file launched from the host by path is read by the worker at that same path.
    assert worker["volumes"] == ["${PWD}/inbox:${PWD}/inbox:ro"]


def test_stack_registers_every_search_attribute_the_workflow_upserts() -> None:
    command = compose()["services"]["temporal-setup"]["entrypoint"]

    names = {command[i + 1] for i, word in enumerate(command) if word == "--name"}
    assert names == {key.name for key in ALL_KEYS}
