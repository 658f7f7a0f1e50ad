"""Redis cache: every key and TTL lexflow uses, in one place.

Redis is a cache, never the source of truth: every method swallows connection errors (logging
them once per outage) so a Redis outage makes the pipeline slower, never failed.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Protocol

import redis

log = logging.getLogger(__name__)

TEXTRACT_STATUS_TTL_S = 24 * 3600
TEXTRACT_RESULT_TTL_S = 7 * 24 * 3600
DOC_STATE_TTL_S = 7 * 24 * 3600
DOC_OCR_TTL_S = 7 * 24 * 3600


def textract_status_key(job_id: str) -> str:
    return f"job:textract:status:{job_id}"


def textract_result_key(document_uuid: str) -> str:
    return f"job:textract:result:{document_uuid}"


def doc_state_key(document_uuid: str) -> str:
    return f"doc:state:{document_uuid}"


def doc_ocr_key(document_uuid: str) -> str:
    return f"doc:ocr:{document_uuid}"


def textract_rate_key(operation: str) -> str:
    """The next free slot for Textract ``start`` or ``get`` calls, shared by every worker."""
    return f"rate:textract:{operation}"


class Cache(Protocol):
    def set_json(self, key: str, value: dict[str, Any], ttl_s: int) -> None: ...
    def get_json(self, key: str) -> dict[str, Any] | None: ...
    def delete(self, *keys: str) -> None: ...
    def scan(self, pattern: str) -> list[str]: ...


class NullCache:
    """Used when REDIS_URL is unset: every read misses, every write is dropped."""

    def set_json(self, key: str, value: dict[str, Any], ttl_s: int) -> None:
        return None

    def get_json(self, key: str) -> dict[str, Any] | None:
        return None

    def delete(self, *keys: str) -> None:
        return None

    def scan(self, pattern: str) -> list[str]:
        return []


@dataclass
class RedisCache:
    client: redis.Redis
    _down: bool = False

    def _failed(self, op: str, exc: Exception) -> None:
        if not self._down:
            log.warning(
                "redis unavailable, continuing without cache", extra={"op": op, "error": str(exc)}
            )
        self._down = True

    def _ok(self) -> None:
        if self._down:
            log.info("redis reachable again")
        self._down = False

    def set_json(self, key: str, value: dict[str, Any], ttl_s: int) -> None:
        try:
            self.client.set(key, json.dumps(value, default=str), ex=ttl_s)
            self._ok()
        except redis.RedisError as exc:
            self._failed("set", exc)

    def get_json(self, key: str) -> dict[str, Any] | None:
        try:
            raw = self.client.get(key)
            self._ok()
        except redis.RedisError as exc:
            self._failed("get", exc)
            return None
        if raw is None:
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def delete(self, *keys: str) -> None:
        if not keys:
            return
        try:
            self.client.delete(*keys)
            self._ok()
        except redis.RedisError as exc:
            self._failed("delete", exc)

    def scan(self, pattern: str) -> list[str]:
        try:
            keys = [
                k.decode() if isinstance(k, bytes) else k for k in self.client.scan_iter(pattern)
            ]
            self._ok()
            return keys
        except redis.RedisError as exc:
            self._failed("scan", exc)
            return []


def make_cache(redis_url: str | None) -> Cache:
    """Build the cache from REDIS_URL, with timeouts short enough that an outage costs little."""
    if not redis_url:
        return NullCache()
    client = redis.Redis.from_url(
        redis_url, socket_connect_timeout=0.5, socket_timeout=1.0, health_check_interval=30
    )
    return RedisCache(client)
