"""TextractJobManager and the S3 helpers against moto (and botocore's Stubber for error shapes).

moto alone finishes jobs at once and ignores tokens and pagination; ``textract_behaviour`` (in
``textract_fakes``) makes it behave like Textract for the duration of a test.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from botocore.stub import Stubber
from moto import mock_aws
from moto.server import ThreadedMotoServer

from lexflow.aws import (
    classify_client_error,
    make_s3_client,
    make_sqs_client,
    make_textract_client,
)
from lexflow.config import Settings
from lexflow.errors import (
    BadDocumentError,
    ConfigError,
    DocumentTooLargeError,
    LexflowError,
    RegionMismatchError,
    SourceNotFoundError,
    TextractInvalidJobError,
    TextractJobFailedError,
    ThrottledError,
    TransientError,
    UnsupportedDocumentError,
)
from lexflow.ocr.s3 import (
    S3Location,
    bucket_region,
    check_region,
    head_object,
    iter_object_chunks,
    parse_s3_uri,
    read_range,
    upload_file,
)
from lexflow.ocr.textract import (
    JobStatus,
    TextractJobManager,
    client_request_token,
    job_tag,
)
from lexflow.ocr.textract_parse import blocks_to_pages
from tests.activity.textract_fakes import GET, START, text_blocks, textract_behaviour

BUCKET = "lexflow-test-docs"
REGION = "us-east-1"
DOC = "0f8fad5b-d9cb-469f-a165-70867728950e"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PAGES = [
    ["SETTLEMENT AGREEMENT", "This Agreement is made between", "Acme LLC and Beta Inc."],
    [],
    ["IN WITNESS WHEREOF", "Acme LLC", "By: John Smith"],
]


@dataclass
class Aws:
    s3: Any
    textract: Any
    manager: TextractJobManager
    loc: S3Location


def _settings(**extra: Any) -> Settings:
    return Settings(aws_region=REGION, **extra)


#: One boto3 session for the module: a fresh session per client reloads the service models.
SESSION = boto3.session.Session()


@pytest.fixture
def aws() -> Iterator[Aws]:
    with mock_aws():
        s3 = make_s3_client(_settings(), SESSION)
        textract = make_textract_client(_settings(), SESSION)
        s3.create_bucket(Bucket=BUCKET)
        loc = S3Location(BUCKET, f"lexflow/{DOC}/agreement.pdf")
        s3.put_object(Bucket=loc.bucket, Key=loc.key, Body=PDF)
        yield Aws(s3, textract, TextractJobManager(textract, s3), loc)


# --- S3 helpers ----------------------------------------------------------------------------------


def test_parse_s3_uri() -> None:
    assert parse_s3_uri("s3://bucket-1/a/b c.pdf") == S3Location("bucket-1", "a/b c.pdf")
    assert parse_s3_uri("s3://b/k").uri == "s3://b/k"
    for bad in ("bucket/key", "s3://bucket", "s3://bucket/", "s3:///key", "s3://b/dir/"):
        with pytest.raises(SourceNotFoundError, match="s3://bucket/key"):
            parse_s3_uri(bad)


def test_upload_is_streamed_in_parts(aws: Aws, tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    with path.open("wb") as f:  # 9 MiB: above the 8 MiB multipart threshold
        for i in range(9):
            f.write(bytes([i]) * (1024 * 1024))

    loc = upload_file(aws.s3, path, BUCKET, "lexflow/big.pdf", content_type="application/pdf")

    assert loc == S3Location(BUCKET, "lexflow/big.pdf")
    info = head_object(aws.s3, loc)
    assert info.size == 9 * 1024 * 1024
    assert info.etag.endswith("-2")  # two multipart parts, not one PUT of the whole file
    assert info.content_type == "application/pdf"
    digest = hashlib.sha256()
    for chunk in iter_object_chunks(aws.s3, loc, chunk_bytes=1024 * 1024):
        assert len(chunk) <= 1024 * 1024
        digest.update(chunk)
    assert digest.hexdigest() == hashlib.sha256(path.read_bytes()).hexdigest()


def test_upload_failures(aws: Aws, tmp_path: Path) -> None:
    with pytest.raises(SourceNotFoundError, match="no such file"):
        upload_file(aws.s3, tmp_path / "missing.pdf", BUCKET, "k.pdf")
    path = tmp_path / "a.pdf"
    path.write_bytes(PDF)
    with pytest.raises(SourceNotFoundError, match=r"no-such-bucket-x.*does not exist"):
        upload_file(aws.s3, path, "no-such-bucket-x", "k.pdf")


def test_read_range_and_head(aws: Aws) -> None:
    assert read_range(aws.s3, aws.loc, 0, 5) == b"%PDF-"
    assert read_range(aws.s3, aws.loc, 5, 8) == b"1.7"
    assert read_range(aws.s3, aws.loc, 0, 10_000) == PDF  # short object: what there is
    assert read_range(aws.s3, aws.loc, 10_000, 10_008) == b""  # past the end
    empty = S3Location(BUCKET, "empty.pdf")
    aws.s3.put_object(Bucket=BUCKET, Key=empty.key, Body=b"")
    assert read_range(aws.s3, empty, 0, 8) == b""
    missing = S3Location(BUCKET, "missing.pdf")
    with pytest.raises(SourceNotFoundError, match=r"s3://lexflow-test-docs/missing\.pdf"):
        read_range(aws.s3, missing, 0, 8)
    with pytest.raises(SourceNotFoundError):
        head_object(aws.s3, missing)
    with pytest.raises(ValueError):
        read_range(aws.s3, aws.loc, 4, 4)


def test_bucket_region_normalises_legacy_answers(aws: Aws) -> None:
    aws.s3.create_bucket(
        Bucket="lexflow-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    assert bucket_region(aws.s3, BUCKET) == "us-east-1"  # S3 answers None for us-east-1
    assert bucket_region(aws.s3, "lexflow-eu") == "eu-west-1"
    stubbed = SESSION.client("s3", region_name=REGION)
    with Stubber(stubbed) as stub:
        stub.add_response("get_bucket_location", {"LocationConstraint": "EU"}, {"Bucket": "old"})
        stub.add_response("get_bucket_location", {"LocationConstraint": ""}, {"Bucket": "x"})
        assert bucket_region(stubbed, "old") == "eu-west-1"
        assert bucket_region(stubbed, "x") == "us-east-1"


def test_region_mismatch_is_refused_before_any_job(aws: Aws) -> None:
    aws.s3.create_bucket(
        Bucket="lexflow-eu", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    aws.s3.put_object(Bucket="lexflow-eu", Key="doc.pdf", Body=PDF)

    with pytest.raises(RegionMismatchError) as caught:
        check_region(aws.s3, aws.textract, "lexflow-eu")
    message = str(caught.value)
    assert "'lexflow-eu'" in message and "eu-west-1" in message and "us-east-1" in message
    assert not caught.value.retryable
    assert check_region(aws.s3, aws.textract, BUCKET) == "us-east-1"

    with textract_behaviour() as fake:
        with pytest.raises(RegionMismatchError, match="eu-west-1"):
            aws.manager.start_job(S3Location("lexflow-eu", "doc.pdf"), DOC, 0)
        assert fake.calls == []  # refused before calling Textract
        # without the check, Textract itself refuses the other region's object
        unchecked = TextractJobManager(aws.textract)
        with pytest.raises(SourceNotFoundError, match="region") as refused:
            unchecked.start_job(S3Location("lexflow-eu", "doc.pdf"), DOC, 0)
        assert "InvalidS3ObjectException" in str(refused.value)


# --- tokens --------------------------------------------------------------------------------------

TOKEN_RE = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")
TAG_RE = re.compile(r"^[a-zA-Z0-9_.\-:]{1,64}$")


def test_client_request_token_is_stable_per_attempt() -> None:
    token = client_request_token(DOC, 0)
    assert token == client_request_token(DOC, 0)
    assert token != client_request_token(DOC, 1)
    assert token != client_request_token("1b4e28ba-2fa1-11d2-883f-0016d3cca427", 0)
    assert client_request_token(DOC.upper(), 0) == token  # the same UUID however written
    # An edited file under the same document id must not be handed its old content's job.
    edited = client_request_token(DOC, 0, content="cd" * 32)
    assert edited != client_request_token(DOC, 0, content="ab" * 32)
    assert edited not in (token, client_request_token(DOC, 1, content="cd" * 32))
    assert TOKEN_RE.match(client_request_token(DOC, 99_999, part=999, content="cd" * 32))
    for uuid_text, attempt in [(DOC, 0), (DOC, 10**9), ("not a uuid / ünïcode " * 9, 3), ("", 0)]:
        assert TOKEN_RE.match(client_request_token(uuid_text, attempt))
    with pytest.raises(ValueError):
        client_request_token(DOC, -1)


def test_job_tag_fits_textract() -> None:
    assert job_tag(DOC) == DOC
    assert job_tag("a b/c") == "a_b_c"
    long = job_tag("x" * 100)
    assert TAG_RE.match(long) and len(long) == 64 and long != job_tag("x" * 101)
    assert TAG_RE.match(job_tag(""))


# --- jobs against moto ---------------------------------------------------------------------------


def test_start_is_idempotent_per_attempt(aws: Aws) -> None:
    with textract_behaviour(blocks=text_blocks(PAGES)) as fake:
        first = aws.manager.start_job(aws.loc, DOC, 0)
        again = aws.manager.start_job(aws.loc, DOC, 0)  # a retried activity
        rerun = aws.manager.start_job(aws.loc, DOC, 1)  # a deliberate re-run

        assert first == again
        assert rerun != first
        assert sorted(fake.jobs) == sorted({first, rerun})
        start = fake.calls_to(START)[0].params
        assert start["ClientRequestToken"] == client_request_token(DOC, 0)
        assert start["JobTag"] == DOC
        assert start["DocumentLocation"] == {"S3Object": {"Bucket": BUCKET, "Name": aws.loc.key}}
        assert "NotificationChannel" not in start

        # the same token for another object is Textract's IdempotentParameterMismatchException
        other = S3Location(BUCKET, "other.pdf")
        aws.s3.put_object(Bucket=BUCKET, Key=other.key, Body=PDF)
        with pytest.raises(LexflowError, match="IdempotentParameterMismatch") as caught:
            aws.manager.start_job(other, DOC, 0)
        assert not caught.value.retryable


def test_in_progress_then_succeeded(aws: Aws) -> None:
    with textract_behaviour(in_progress_calls=2, blocks=text_blocks(PAGES)) as fake:
        job_id = aws.manager.start_job(aws.loc, DOC, 0)

        seen = [aws.manager.get_status(job_id) for _ in range(3)]

        assert [s.status for s in seen] == ["IN_PROGRESS", "IN_PROGRESS", "SUCCEEDED"]
        assert seen[0] == JobStatus(job_id=job_id, status="IN_PROGRESS")
        assert seen[2].page_count == 3 and seen[2].is_final and seen[2].has_results
        assert {c.params["MaxResults"] for c in fake.calls_to(GET)} == {1}


def test_wall_clock_completion_and_forced_completion(aws: Aws) -> None:
    with textract_behaviour(in_progress_seconds=0.2) as fake:
        timed = aws.manager.start_job(aws.loc, DOC, 0)
        assert aws.manager.get_status(timed).status == "IN_PROGRESS"
        time.sleep(0.3)
        assert aws.manager.get_status(timed).status == "SUCCEEDED"

        fake.behave_for(aws.loc.key, in_progress_calls=100, in_progress_seconds=0.0)
        forced = aws.manager.start_job(aws.loc, DOC, 1)
        assert aws.manager.get_status(forced).status == "IN_PROGRESS"
        fake.complete(forced)
        assert aws.manager.get_status(forced).status == "SUCCEEDED"
        assert fake.jobs[forced].get_calls == 2


def test_results_are_fetched_page_by_page_in_order(aws: Aws) -> None:
    blocks = text_blocks(PAGES)  # 3 PAGE + 6 LINE + 20 WORD blocks
    assert len(blocks) == 29
    with textract_behaviour(page_size=5, blocks=blocks) as fake:
        job_id = aws.manager.start_job(aws.loc, DOC, 0)

        pages = list(aws.manager.iter_result_pages(job_id))

        assert [len(p.blocks) for p in pages] == [5, 5, 5, 5, 5, 4]
        assert [b["Id"] for p in pages for b in p.blocks] == [b["Id"] for b in blocks]
        assert pages[-1].next_token is None and all(p.next_token for p in pages[:-1])
        sent = [c.params.get("NextToken") for c in fake.calls_to(GET)]
        assert sent == [None] + [p.next_token for p in pages[:-1]]  # each token honoured
        assert {p.page_count for p in pages} == {3}

        # resume after a crash from the token saved with page 2
        resumed = list(aws.manager.iter_result_pages(job_id, start_token=pages[1].next_token))
        assert [b["Id"] for p in resumed for b in p.blocks] == [b["Id"] for b in blocks[10:]]

        one = aws.manager.fetch_results(job_id, pages[0].next_token)
        assert one.blocks == pages[1].blocks and one.next_token == pages[1].next_token

    parsed = blocks_to_pages([b for p in pages for b in p.blocks])
    assert [(p.number, p.text) for p in parsed] == [
        (1, "SETTLEMENT AGREEMENT\nThis Agreement is made between\nAcme LLC and Beta Inc."),
        (2, ""),
        (3, "IN WITNESS WHEREOF\nAcme LLC\nBy: John Smith"),
    ]


def test_max_results_also_bounds_a_page(aws: Aws) -> None:
    with textract_behaviour(blocks=text_blocks(PAGES)):
        job_id = aws.manager.start_job(aws.loc, DOC, 0)
        pages = list(aws.manager.iter_result_pages(job_id, max_results=10))
    assert [len(p.blocks) for p in pages] == [10, 10, 9]


def test_failed_job(aws: Aws) -> None:
    reason = "Request has unsupported document format"
    with textract_behaviour(in_progress_calls=2, final_status="FAILED", status_message=reason):
        job_id = aws.manager.start_job(aws.loc, DOC, 0)
        assert aws.manager.get_status(job_id).status == "IN_PROGRESS"  # 1st Get
        with pytest.raises(TransientError, match="still IN_PROGRESS"):  # 2nd Get
            list(aws.manager.iter_result_pages(job_id))

        status = aws.manager.get_status(job_id)

        assert (status.status, status.status_message, status.is_final) == ("FAILED", reason, True)
        assert not status.has_results
        with pytest.raises(TextractJobFailedError, match=reason) as caught:
            list(aws.manager.iter_result_pages(job_id))
        assert not caught.value.retryable


def test_partial_success_keeps_warnings_and_message(aws: Aws) -> None:
    warnings: list[dict[str, Any]] = [
        {"ErrorCode": "UNSUPPORTED_PAGE_SIZE", "Pages": [2, 5]},
        {"ErrorCode": "PAGE_NOT_PROCESSED"},
    ]
    with textract_behaviour(
        final_status="PARTIAL_SUCCESS",
        status_message="Some pages could not be processed",
        warnings=warnings,
        page_size=10,
        blocks=text_blocks(PAGES),
    ):
        job_id = aws.manager.start_job(aws.loc, DOC, 0)

        status = aws.manager.get_status(job_id)
        pages = list(aws.manager.iter_result_pages(job_id))

    expected = ["UNSUPPORTED_PAGE_SIZE on pages 2, 5", "PAGE_NOT_PROCESSED"]
    assert (status.status, status.warnings) == ("PARTIAL_SUCCESS", expected)
    assert status.status_message == "Some pages could not be processed"
    assert len(pages) == 3
    assert all(p.warnings == expected and p.status == "PARTIAL_SUCCESS" for p in pages)
    assert pages[-1].status_message == "Some pages could not be processed"


def test_unknown_job_and_missing_object(aws: Aws) -> None:
    with textract_behaviour():
        with pytest.raises(TextractInvalidJobError, match="job id") as caught:
            aws.manager.get_status("00000000-0000-0000-0000-000000000000")
        assert not caught.value.retryable
        with pytest.raises(SourceNotFoundError, match="InvalidS3ObjectException"):
            aws.manager.start_job(S3Location(BUCKET, "not-uploaded.pdf"), DOC, 0)


def test_detect_sync(aws: Aws) -> None:
    page = text_blocks([["EXHIBIT A", "Deed of Trust"]])
    with textract_behaviour(sync_blocks=page) as fake:
        from_bytes = aws.manager.detect_sync(PDF)
        from_s3 = aws.manager.detect_sync(aws.loc)
        with pytest.raises(BadDocumentError, match="empty"):
            aws.manager.detect_sync(b"")
        fake.fail_next("DetectDocumentText", "BadDocumentException", "Unable to read the image")
        with pytest.raises(BadDocumentError, match="Unable to read the image") as caught:
            aws.manager.detect_sync(PDF)
        assert not caught.value.retryable

    assert from_bytes == page and from_s3 == page
    [parsed] = blocks_to_pages(from_bytes, source="textract-sync", page_number=4)
    assert (parsed.number, parsed.text) == (4, "EXHIBIT A\nDeed of Trust")


def test_a_single_throttle_is_absorbed_by_botocore_retries(aws: Aws) -> None:
    with textract_behaviour() as fake:
        fake.fail_next(START, "ThrottlingException", "Rate exceeded")
        job_id = aws.manager.start_job(aws.loc, DOC, 0)
    assert [c.error for c in fake.calls_to(START)] == ["ThrottlingException", None]
    assert job_id in fake.jobs


def test_persistent_service_errors_surface_classified(aws: Aws) -> None:
    no_retry = TextractJobManager(
        SESSION.client(
            "textract", region_name=REGION, config=Config(retries={"total_max_attempts": 1})
        ),
        aws.s3,
    )
    with textract_behaviour() as fake:
        fake.fail_next(START, "ProvisionedThroughputExceededException", "Slow down")
        with pytest.raises(ThrottledError, match="Slow down") as throttled:
            no_retry.start_job(aws.loc, DOC, 0)
        fake.fail_next(GET, "InternalServerError", "Boom", status=500)
        with pytest.raises(TransientError, match="Boom") as boom:
            no_retry.get_status("any-job")
    assert throttled.value.retryable and boom.value.retryable
    assert not isinstance(boom.value, ThrottledError)


# --- error classification through Stubber ---------------------------------------------------------

CLASSIFIED = [
    ("ThrottlingException", 400, ThrottledError, True),
    ("ProvisionedThroughputExceededException", 400, ThrottledError, True),
    ("LimitExceededException", 400, ThrottledError, True),
    ("InternalServerError", 500, TransientError, True),
    ("ServiceUnavailable", 503, TransientError, True),
    ("RequestTimeout", 408, TransientError, True),
    ("SomethingNew", 502, TransientError, True),
    ("UnsupportedDocumentException", 400, UnsupportedDocumentError, False),
    ("BadDocumentException", 400, BadDocumentError, False),
    ("DocumentTooLargeException", 400, DocumentTooLargeError, False),
    ("InvalidS3ObjectException", 400, SourceNotFoundError, False),
    ("InvalidJobIdException", 400, TextractInvalidJobError, False),
    ("AccessDeniedException", 400, ConfigError, False),
    ("InvalidParameterException", 400, LexflowError, False),
    ("SomethingElse", 400, LexflowError, False),
]


@pytest.mark.parametrize(("code", "status", "expected", "retryable"), CLASSIFIED)
def test_start_errors_are_classified(
    code: str, status: int, expected: type[LexflowError], retryable: bool
) -> None:
    client = SESSION.client("textract", region_name=REGION)
    manager = TextractJobManager(client)  # no S3 client: no region check
    with Stubber(client) as stub:
        stub.add_client_error(
            "start_document_text_detection",
            service_error_code=code,
            service_message=f"Textract says: {code} happened",
            http_status_code=status,
        )
        with pytest.raises(LexflowError) as caught:
            manager.start_job(S3Location(BUCKET, "doc.pdf"), DOC, 0)

    error = caught.value
    assert type(error) is expected
    assert error.retryable is retryable
    assert f"Textract says: {code} happened" in str(error)
    assert "s3://lexflow-test-docs/doc.pdf" in str(error)
    assert isinstance(error.__cause__, ClientError)


def test_get_errors_are_classified_with_human_messages() -> None:
    client = SESSION.client("textract", region_name=REGION)
    manager = TextractJobManager(client)
    with Stubber(client) as stub:
        stub.add_client_error(
            "get_document_text_detection", "InvalidJobIdException", "An invalid job identifier"
        )
        stub.add_client_error("detect_document_text", "UnsupportedDocumentException", "Bad type")
        with pytest.raises(TextractInvalidJobError, match=r"job-1.*expired or never started"):
            manager.get_status("job-1")
        with pytest.raises(UnsupportedDocumentError, match=r"PDF, TIFF, JPEG and PNG.*Bad type"):
            manager.detect_sync(b"GIF89a")


@pytest.mark.parametrize(
    "exc",
    [
        EndpointConnectionError(endpoint_url="https://textract.us-east-1.amazonaws.com"),
        ReadTimeoutError(endpoint_url="https://textract.us-east-1.amazonaws.com"),
        ConnectionClosedError(endpoint_url="https://textract.us-east-1.amazonaws.com"),
    ],
)
def test_connection_failures_are_transient(exc: Exception) -> None:
    error = classify_client_error(exc)
    assert type(error) is TransientError and error.retryable
    assert "textract.us-east-1.amazonaws.com" in str(error)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_endpoint_is_transient() -> None:
    client = SESSION.client(
        "textract",
        region_name=REGION,
        endpoint_url=f"http://127.0.0.1:{_free_port()}",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=1),
    )
    with pytest.raises(TransientError, match="could not reach AWS") as caught:
        TextractJobManager(client).get_status("job-1")
    assert isinstance(caught.value.__cause__, EndpointConnectionError)


# --- the same fake behind a moto server in this process ------------------------------------------


def test_fake_works_behind_threaded_moto_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        settings = _settings(aws_endpoint_url=f"http://{host}:{port}")
        s3, textract = make_s3_client(settings, SESSION), make_textract_client(settings, SESSION)
        sqs = make_sqs_client(settings, SESSION)
        sns = SESSION.client("sns", region_name=REGION, endpoint_url=settings.aws_endpoint_url)
        s3.create_bucket(Bucket=BUCKET)
        loc = S3Location(BUCKET, f"lexflow/{DOC}/a.pdf")
        s3.put_object(Bucket=BUCKET, Key=loc.key, Body=PDF)
        topic = sns.create_topic(Name="textract-done")["TopicArn"]
        queue = sqs.create_queue(QueueName="textract-done")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
        sns.subscribe(
            TopicArn=topic,
            Protocol="sqs",
            Endpoint=queue_arn["Attributes"]["QueueArn"],
            Attributes={"RawMessageDelivery": "true"},
        )
        manager = TextractJobManager(textract, s3)
        role = "arn:aws:iam::123456789012:role/textract-sns"

        with textract_behaviour(in_progress_calls=1, page_size=7, blocks=text_blocks(PAGES)):
            job_id = manager.start_job(loc, DOC, 0, notification=(topic, role))
            assert not sqs.receive_message(QueueUrl=queue).get("Messages")  # not done yet
            assert manager.get_status(job_id).status == "IN_PROGRESS"
            assert manager.get_status(job_id).status == "SUCCEEDED"
            pages = list(manager.iter_result_pages(job_id))

        assert [len(p.blocks) for p in pages] == [7, 7, 7, 7, 1]
        [message] = sqs.receive_message(QueueUrl=queue)["Messages"]
        body = json.loads(message["Body"])
        assert (body["JobId"], body["Status"], body["JobTag"]) == (job_id, "SUCCEEDED", DOC)
        assert body["DocumentLocation"] == {"S3ObjectName": loc.key, "S3Bucket": BUCKET}
    finally:
        server.stop()
