"""The adapters a worker's activities share, built once from config.

Activities receive a ``Services`` instead of reading the environment, so tests hand them a
database, a Redis and moto-backed clients of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from lexflow import cache
from lexflow.cache import Cache, RedisCache, make_cache
from lexflow.config import OcrEngine, Settings
from lexflow.db.engine import make_engine

if TYPE_CHECKING:
    from lexflow.ocr.local import LocalOcrEngine
    from lexflow.ocr.textract import TextractJobManager


@dataclass
class Services:
    settings: Settings
    engine: Engine
    cache: Cache
    s3: Any = None
    textract: TextractJobManager | None = None
    _local_ocr: LocalOcrEngine | None = field(default=None, repr=False)

    @property
    def local_ocr(self) -> LocalOcrEngine:
        """The local engine loads its model on first use, once per process."""
        if self._local_ocr is None:
            from lexflow.ocr.local import LocalOcrEngine

            self._local_ocr = LocalOcrEngine(upright_pages=self.settings.local_ocr_upright_pages)
        return self._local_ocr

    def require_textract(self) -> TextractJobManager:
        if self.textract is None:
            from lexflow.errors import ConfigError

            raise ConfigError("this worker has no Textract client: set S3_BUCKET and AWS settings")
        return self.textract


def build_services(settings: Settings, *, check_region: bool = True) -> Services:
    """Connect to the database and Redis, and to AWS when the settings name a bucket."""
    engine = make_engine(settings.effective_database_url)
    services = Services(settings=settings, engine=engine, cache=make_cache(settings.redis_url))
    if settings.s3_bucket or settings.effective_ocr_engine is OcrEngine.TEXTRACT:
        from lexflow.aws import make_s3_client, make_textract_client
        from lexflow.ocr.s3 import check_region as check_bucket_region
        from lexflow.ocr.textract import TextractJobManager
        from lexflow.ratelimit import FleetPacer, Pacer, Paces

        s3, textract = make_s3_client(settings), make_textract_client(settings)
        if check_region and settings.s3_bucket:
            check_bucket_region(s3, textract, settings.s3_bucket)
        services.s3 = s3

        def pacer(operation: str, per_second: float | None) -> Paces | None:
            if not per_second:
                return None
            if isinstance(services.cache, RedisCache):  # every worker keeps to one rate
                return FleetPacer(
                    services.cache.client, cache.textract_rate_key(operation), per_second
                )
            return Pacer(per_second)

        services.textract = TextractJobManager(
            textract,
            s3,
            start_pacer=pacer("start", settings.textract_start_tps),
            get_pacer=pacer("get", settings.textract_get_tps),
        )
    return services
