"""All of lexflow's knobs, each an environment variable with a documented default.

``load_settings()`` is the only place that reads the environment; everything else receives a
``Settings`` (or values taken from it) as an argument.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import AliasChoices, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from lexflow.errors import ConfigError


class OcrEngine(StrEnum):
    AUTO = "auto"
    TEXTRACT = "textract"
    LOCAL = "local"


class Settings(BaseSettings):
    """lexflow configuration. Field ``foo_bar`` is read from env var ``FOO_BAR``."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    # --- where things live -------------------------------------------------------------------
    lexflow_state_dir: Path = Field(
        Path(".lexflow"), description="Local state folder (embedded SQLite, dev server, blobs)."
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL. Default: SQLite file in LEXFLOW_STATE_DIR."
    )
    redis_url: str | None = Field(None, description="Redis URL; unset means no cache.")

    # --- Temporal ----------------------------------------------------------------------------
    temporal_address: str | None = Field(
        None, description="host:port of the Temporal frontend; unset starts an embedded dev server."
    )
    temporal_namespace: str = "default"
    temporal_task_queue: str = "lexflow"
    temporal_ui_url: str = Field("http://localhost:8233", description="Web UI base for links.")
    worker_max_concurrent_activities: int = Field(10, ge=1, le=1000)
    worker_max_concurrent_workflow_tasks: int = Field(50, ge=2, le=1000)
    worker_workflow_sandbox: bool = Field(
        False,
        description="Run workflow code in Temporal's sandbox (a determinism guard, at a CPU cost).",
    )
    worker_max_cached_workflows: int = Field(
        1000,
        ge=0,
        le=100_000,
        description="Workflows kept in worker memory between tasks; past it, one is replayed.",
    )
    worker_textract_start_slots: int = Field(
        2, ge=1, le=100, description="Activity slots of the Textract start queue, besides the rest."
    )
    worker_textract_get_slots: int = Field(
        4,
        ge=1,
        le=100,
        description="Activity slots of the Textract status/results queue, besides the rest.",
    )
    worker_local_activity_slots: int = Field(
        4,
        ge=1,
        le=100,
        description="Local activity slots (text stages, finalize), besides the rest.",
    )
    retry_wait_seconds: int = Field(
        7 * 24 * 3600, ge=1, description="How long a failed document waits for a retry signal."
    )

    # --- OCR ---------------------------------------------------------------------------------
    ocr_engine: OcrEngine = Field(
        OcrEngine.AUTO, description="textract, local, or auto (textract when S3_BUCKET is set)."
    )
    local_ocr_upright_pages: bool = Field(
        True,
        description="Local engine: turn pages scanned sideways or upside down, and level skewed "
        "ones, before OCR (0.1-0.4 s a page).",
    )
    s3_bucket: str | None = None
    s3_prefix: str = "lexflow/"
    aws_region: str = Field(
        "us-east-1", validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION")
    )
    aws_endpoint_url: str | None = Field(
        None, description="boto3's standard endpoint override (moto, LocalStack)."
    )
    textract_use_async_for_pdf: bool = True
    textract_async_max_polling_time_seconds: int = Field(600, ge=1)
    textract_async_polling_interval_seconds: int = Field(5, ge=1)
    textract_async_initial_delay_seconds: int = Field(5, ge=0)
    textract_async_polling_backoff: float = Field(
        1.0, ge=1.0, le=10.0, description="Each interval is the last one times this (1: fixed)."
    )
    textract_async_max_polling_interval_seconds: int = Field(
        60, ge=1, description="Cap of the backed-off polling interval."
    )
    textract_sns_topic_arn: str | None = Field(
        None, description="Textract completion notifications (NotificationChannel) go here."
    )
    textract_sns_role_arn: str | None = Field(
        None, description="IAM role Textract assumes to publish to the topic."
    )
    textract_sqs_queue_url: str | None = Field(
        None, description="SQS queue subscribed to the topic, read by `lexflow notifications`."
    )
    textract_sqs_wait_time_seconds: int = Field(20, ge=0, le=20)
    textract_sqs_max_messages: int = Field(10, ge=1, le=10)
    textract_sqs_visibility_timeout_seconds: int = Field(30, gt=10)
    worker_consume_notifications: bool = Field(
        False, description="Run the notification consumer inside the worker process."
    )
    textract_notification_polling_interval_seconds: int = Field(
        300,
        ge=1,
        description="Safety-net polling interval (and first wait) when notifications are on.",
    )
    textract_max_concurrent_jobs: int = Field(
        100, ge=1, description="Jobs running at once across all workers (Textract's quota)."
    )
    textract_start_tps: float | None = Field(
        None, gt=0, description="StartDocumentTextDetection calls/s across all workers."
    )
    textract_get_tps: float | None = Field(
        None, gt=0, description="GetDocumentTextDetection calls/s across all workers."
    )
    workflow_history_event_limit: int = Field(
        150, ge=50, description="A polling workflow continues as new past this many events."
    )
    textract_async_max_pages: int = Field(
        3000, ge=1, description="Pages per Textract job; larger documents are split into parts."
    )
    textract_async_max_bytes: int = Field(
        500 * 1024 * 1024, ge=1, description="Bytes per Textract job; larger files are split."
    )
    textract_start_max_attempts: int = Field(
        5, ge=1, description="Async start attempts before the synchronous fallback."
    )
    textract_sync_fallback: bool = True
    textract_skip_text_layer_pages: bool = Field(
        True, description="Read PDF pages that have a good text layer locally, not via Textract."
    )
    textract_sync_max_bytes: int = Field(
        10 * 1024 * 1024, ge=1, description="Largest page image sent to DetectDocumentText."
    )

    # --- limits and text stages ---------------------------------------------------------------
    max_document_bytes: int = Field(500 * 1024 * 1024, ge=1)
    max_document_pages: int = Field(3000, ge=1)
    chunk_size_chars: int = Field(1500, ge=100)
    chunk_overlap_chars: int = Field(200, ge=0)

    # --- observability ------------------------------------------------------------------------
    metrics_bind_address: str | None = Field(
        None, description="host:port where the worker serves Prometheus metrics; unset: off."
    )
    log_level: str = "INFO"
    log_format: str = Field("json", pattern="^(json|text)$")

    @field_validator("s3_prefix")
    @classmethod
    def _prefix_ends_with_slash(cls, v: str) -> str:
        return v if not v or v.endswith("/") else v + "/"

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, v: str) -> str:
        level = v.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level

    @model_validator(mode="after")
    def _overlap_below_size(self) -> Settings:
        if self.chunk_overlap_chars >= self.chunk_size_chars:
            raise ValueError("CHUNK_OVERLAP_CHARS must be smaller than CHUNK_SIZE_CHARS")
        if self.ocr_engine is OcrEngine.TEXTRACT and not self.s3_bucket:
            raise ValueError("OCR_ENGINE=textract needs S3_BUCKET")
        if bool(self.textract_sns_topic_arn) != bool(self.textract_sns_role_arn):
            raise ValueError("TEXTRACT_SNS_TOPIC_ARN and TEXTRACT_SNS_ROLE_ARN go together")
        return self

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.lexflow_state_dir / 'lexflow.db').resolve()}"

    @property
    def textract_notifications(self) -> bool:
        return bool(self.textract_sns_topic_arn and self.textract_sns_role_arn)

    def textract_task_queue(self, operation: str) -> str:
        """The queue of Textract's ``start`` or ``get`` calls, rate-limited when a TPS is set.

        Always a queue of its own, with slots of its own: a status check or a result fetch never
        waits behind another document's chunking or entity extraction.
        """
        return f"{self.temporal_task_queue}-textract-{operation}"

    @property
    def effective_ocr_engine(self) -> OcrEngine:
        if self.ocr_engine is OcrEngine.AUTO:
            return OcrEngine.TEXTRACT if self.s3_bucket else OcrEngine.LOCAL
        return self.ocr_engine


def _env_name(loc: tuple[int | str, ...]) -> str:
    if not loc:
        return "configuration"
    field = str(loc[0])
    if field == "aws_region":
        return "AWS_REGION"
    return field.upper()


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment (and ``.env``), failing with the variable's name.

    Raises:
        ConfigError: a variable has an invalid value; the message names it.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"{_env_name(err['loc'])}: {err['msg']}"
            + (f" (got {err['input']!r})" if err.get("loc") and err["type"] != "missing" else "")
            for err in exc.errors()
        )
        raise ConfigError(f"invalid configuration: {problems}") from exc
