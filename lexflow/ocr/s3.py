"""S3 helpers for the Textract path: locations, streamed uploads, regions, ranged and chunked reads.

Every function takes the S3 client as its first argument and raises only ``LexflowError``
subclasses (see ``lexflow.aws.classify_client_error``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from lexflow.aws import S3Client, TextractClient, aws_errors
from lexflow.errors import RegionMismatchError, SourceNotFoundError

#: Parts of 8 MiB, four in flight: memory use stays bounded whatever the file's size.
UPLOAD_CONFIG = TransferConfig(
    multipart_threshold=8 * 1024 * 1024,
    multipart_chunksize=8 * 1024 * 1024,
    max_concurrency=4,
)
DEFAULT_CHUNK_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class S3Location:
    """One S3 object."""

    bucket: str
    key: str

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"

    def to_textract(self) -> dict[str, Any]:
        """The ``DocumentLocation``/``Document`` value Textract expects."""
        return {"S3Object": {"Bucket": self.bucket, "Name": self.key}}

    def __str__(self) -> str:
        return self.uri


@dataclass(frozen=True, slots=True)
class ObjectInfo:
    """What ``head_object`` says about an object."""

    size: int
    etag: str
    content_type: str | None
    last_modified: datetime | None


def parse_s3_uri(uri: str) -> S3Location:
    """Split ``s3://bucket/key`` into its bucket and key.

    Raises:
        SourceNotFoundError: the text is not an S3 URI with both a bucket and a key.
    """
    if not uri.startswith("s3://"):
        raise SourceNotFoundError(f"{uri!r} is not an S3 URI (expected s3://bucket/key)")
    bucket, _, key = uri[len("s3://") :].partition("/")
    if not bucket or not key or key.endswith("/"):
        raise SourceNotFoundError(f"{uri!r} does not name an S3 object (expected s3://bucket/key)")
    return S3Location(bucket, key)


def upload_file(
    s3: S3Client,
    path: Path,
    bucket: str,
    key: str,
    *,
    content_type: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> S3Location:
    """Upload a local file, streamed from disk (multipart above 8 MiB), never read whole.

    ``progress`` is called with the bytes sent since its last call, from boto3's threads.

    Raises:
        SourceNotFoundError: the local file does not exist.
        LexflowError: S3 refused the upload (classified: retryable or not).
    """
    if not path.is_file():
        raise SourceNotFoundError(f"{path}: no such file")
    extra = {"ContentType": content_type} if content_type else None
    with aws_errors(f"upload {path} to s3://{bucket}/{key}"):
        s3.upload_file(
            str(path), bucket, key, ExtraArgs=extra, Config=UPLOAD_CONFIG, Callback=progress
        )
    return S3Location(bucket, key)


def bucket_region(s3: S3Client, bucket: str) -> str:
    """The region a bucket lives in (``GetBucketLocation``'s legacy answers normalised)."""
    with aws_errors(f"region of bucket {bucket!r}"):
        constraint = s3.get_bucket_location(Bucket=bucket).get("LocationConstraint")
    if not constraint:
        return "us-east-1"
    if constraint == "EU":
        return "eu-west-1"
    return str(constraint)


def check_region(s3: S3Client, textract: TextractClient, bucket: str) -> str:
    """Refuse a bucket Textract cannot read because it lives in another region.

    Returns:
        The (shared) region.

    Raises:
        RegionMismatchError: naming the bucket and both regions.
    """
    textract_region = textract.meta.region_name
    found = bucket_region(s3, bucket)
    if found != textract_region:
        raise RegionMismatchError(
            f"S3 bucket {bucket!r} is in region {found}, but the Textract client uses region "
            f"{textract_region}; Textract only reads documents from buckets in its own region. "
            f"Set AWS_REGION={found} or use a bucket in {textract_region}."
        )
    return found


def head_object(s3: S3Client, loc: S3Location) -> ObjectInfo:
    """Size, ETag and content type of an object.

    Raises:
        SourceNotFoundError: the bucket or object does not exist.
    """
    with aws_errors(loc.uri):
        head = s3.head_object(Bucket=loc.bucket, Key=loc.key)
    return ObjectInfo(
        size=int(head["ContentLength"]),
        etag=str(head.get("ETag", "")).strip('"'),
        content_type=head.get("ContentType"),
        last_modified=head.get("LastModified"),
    )


def open_stream(s3: S3Client, loc: S3Location) -> Any:
    """The object's body: botocore's ``StreamingBody`` (``read(n)``, ``iter_chunks``, ``close``)."""
    with aws_errors(loc.uri):
        return s3.get_object(Bucket=loc.bucket, Key=loc.key)["Body"]


def iter_object_chunks(
    s3: S3Client, loc: S3Location, chunk_bytes: int = DEFAULT_CHUNK_BYTES
) -> Iterator[bytes]:
    """Yield the object in chunks of at most ``chunk_bytes`` (for hashing without a full read)."""
    body = open_stream(s3, loc)
    try:
        with aws_errors(loc.uri):
            yield from body.iter_chunks(chunk_bytes)
    finally:
        body.close()


def read_range(s3: S3Client, loc: S3Location, start: int, end: int) -> bytes:
    """Bytes ``[start, end)`` of the object (fewer if it is shorter; ``b""`` past its end).

    Used to sniff magic bytes without downloading the document.
    """
    if start < 0 or end <= start:
        raise ValueError(f"bad range [{start}, {end})")
    with aws_errors(loc.uri):
        try:
            response = s3.get_object(
                Bucket=loc.bucket, Key=loc.key, Range=f"bytes={start}-{end - 1}"
            )
        except ClientError as exc:
            if _code(exc) == "InvalidRange":  # the object is empty or ends before ``start``
                return b""
            raise
        data: bytes = response["Body"].read()
    return data


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))
