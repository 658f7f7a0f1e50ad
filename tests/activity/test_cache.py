"""The Redis cache: keys and TTLs on a real Redis, and an outage that costs nothing but speed."""

from __future__ import annotations

import time
import uuid

import redis

from lexflow import cache
from lexflow.cache import NullCache, RedisCache, make_cache


def test_keys_are_the_design_notes_keys() -> None:
    assert cache.textract_status_key("j1") == "job:textract:status:j1"
    assert cache.textract_result_key("d1") == "job:textract:result:d1"
    assert cache.doc_state_key("d1") == "doc:state:d1"
    assert cache.doc_ocr_key("d1") == "doc:ocr:d1"


def test_values_round_trip_with_their_ttl(redis_cache: RedisCache) -> None:
    key = cache.doc_state_key(str(uuid.uuid4()))

    redis_cache.set_json(key, {"status": "processing", "stage": "ocr"}, cache.DOC_STATE_TTL_S)

    assert redis_cache.get_json(key) == {"status": "processing", "stage": "ocr"}
    assert 0 < redis_cache.client.ttl(key) <= cache.DOC_STATE_TTL_S
    assert key in redis_cache.scan("doc:state:*")
    redis_cache.delete(key)
    assert redis_cache.get_json(key) is None


def test_redis_down_means_misses_not_failures() -> None:
    # Nothing listens on port 1: every call fails fast and is absorbed.
    down = make_cache("redis://127.0.0.1:1/0")
    assert isinstance(down, RedisCache)

    started = time.monotonic()
    down.set_json("doc:state:x", {"a": 1}, 60)
    assert down.get_json("doc:state:x") is None
    assert down.scan("doc:*") == []
    down.delete("doc:state:x")

    assert time.monotonic() - started < 5
    assert isinstance(down.client, redis.Redis)


def test_no_redis_url_means_no_cache() -> None:
    null = make_cache(None)
    null.set_json("k", {"a": 1}, 60)
    assert isinstance(null, NullCache)
    assert null.get_json("k") is None
