"""Configuration: the design note's defaults, and invalid values named at start-up."""

from __future__ import annotations

from pathlib import Path

import pytest

from lexflow.config import OcrEngine, Settings, load_settings
from lexflow.errors import ConfigError


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("TEMPORAL_ADDRESS", "S3_BUCKET", "OCR_ENGINE", "DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_are_the_design_notes() -> None:
    s = load_settings()

    assert s.textract_use_async_for_pdf is True
    assert s.textract_async_max_polling_time_seconds == 600
    assert s.textract_async_polling_interval_seconds == 5
    assert s.textract_async_initial_delay_seconds == 5
    assert s.temporal_address is None
    assert s.effective_ocr_engine is OcrEngine.LOCAL
    assert s.effective_database_url.startswith("sqlite:///")
    assert s.effective_database_url.endswith(".lexflow/lexflow.db")


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTRACT_USE_ASYNC_FOR_PDF", "false")
    monkeypatch.setenv("TEXTRACT_ASYNC_POLLING_INTERVAL_SECONDS", "9")
    monkeypatch.setenv("S3_BUCKET", "docs")
    monkeypatch.setenv("S3_PREFIX", "in")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5000")

    s = load_settings()

    assert s.textract_use_async_for_pdf is False
    assert s.textract_async_polling_interval_seconds == 9
    assert s.effective_ocr_engine is OcrEngine.TEXTRACT
    assert s.s3_prefix == "in/"
    assert s.aws_region == "eu-west-2"
    assert s.aws_endpoint_url == "http://127.0.0.1:5000"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "TEXTRACT_ASYNC_POLLING_INTERVAL_SECONDS",
            "soon",
            "TEXTRACT_ASYNC_POLLING_INTERVAL_SECONDS",
        ),
        ("TEXTRACT_ASYNC_MAX_POLLING_TIME_SECONDS", "0", "TEXTRACT_ASYNC_MAX_POLLING_TIME_SECONDS"),
        ("OCR_ENGINE", "magic", "OCR_ENGINE"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
        ("CHUNK_OVERLAP_CHARS", "5000", "CHUNK_OVERLAP_CHARS must be smaller"),
    ],
)
def test_invalid_values_fail_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(ConfigError, match=message):
        load_settings()


def test_textract_engine_needs_a_bucket(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCR_ENGINE", "textract")

    with pytest.raises(ConfigError, match="OCR_ENGINE=textract needs S3_BUCKET"):
        load_settings()


def test_settings_are_immutable() -> None:
    s = Settings()
    with pytest.raises(ValueError):
        s.s3_bucket = "x"  # type: ignore[misc]
