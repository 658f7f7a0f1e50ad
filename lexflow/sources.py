"""Where a document comes from: a local path or an ``s3://bucket/key`` URI."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

from lexflow.errors import SourceNotFoundError


def is_s3_uri(uri: str) -> bool:
    return uri.startswith("s3://")


def file_name_of(uri: str) -> str:
    return PurePosixPath(uri.rstrip("/")).name if is_s3_uri(uri) else Path(uri).name


@contextmanager
def local_copy(
    uri: str, s3: Any | None, progress: Callable[[int], None] | None = None
) -> Iterator[Path]:
    """Yield a local path for the document, downloading an S3 object to a temporary file.

    The download is streamed to disk (boto3's managed transfer), never held in memory;
    ``progress`` is called with the bytes received since its last call, from boto3's threads.

    Raises:
        SourceNotFoundError: the path or object does not exist or cannot be read.
    """
    if not is_s3_uri(uri):
        path = Path(uri)
        if not path.is_file():
            raise SourceNotFoundError(f"{uri}: no such file")
        yield path
        return
    from botocore.exceptions import ClientError

    from lexflow.ocr.s3 import parse_s3_uri

    if s3 is None:
        raise SourceNotFoundError(f"{uri}: S3 sources need AWS settings (S3_BUCKET, AWS_REGION)")
    loc = parse_s3_uri(uri)
    tmpdir = Path(tempfile.mkdtemp(prefix="lexflow-"))
    try:
        target = tmpdir / (PurePosixPath(loc.key).name or "document")
        try:
            s3.download_file(loc.bucket, loc.key, str(target), Callback=progress)
        except ClientError as exc:
            raise SourceNotFoundError(f"{uri}: cannot read the S3 object ({exc})") from exc
        yield target
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
