"""Textract activities against moto (S3, Textract) with the real database and Redis."""

from __future__ import annotations

import dataclasses
import io
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from moto import mock_aws
from PIL import Image, ImageDraw
from sqlalchemy import update
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities import textract as textract_activities
from activities.textract import TextractActivities
from lexflow import cache
from lexflow.aws import make_s3_client, make_textract_client
from lexflow.contracts import DocumentRef, StartTextractInput, TextractJobRef
from lexflow.db import documents
from lexflow.db.models import SourceDocument
from lexflow.errors import TransientError
from lexflow.ocr.textract import TextractJobManager
from lexflow.services import Services
from tests.activity.textract_fakes import (
    DETECT,
    GET,
    START,
    FakeTextract,
    text_blocks,
    textract_behaviour,
)

BUCKET = "lexflow-activity-tests"
SESSION = boto3.session.Session()
PAGES = [
    [
        "UNITED STATES DISTRICT COURT",
        "ACME CORPORATION, Plaintiff,",
        "v.",
        "JOHN SMITH, Defendant.",
    ],
    ["Case No. 1:23-cv-04567", "Dated: January 5, 2023"],
    ["Respectfully submitted,", "/s/ Jane Doe"],
]


@dataclass
class Aws:
    services: Services
    fake: FakeTextract
    document_uuid: str
    key: str

    def start_input(self, attempt: int = 1) -> StartTextractInput:
        return StartTextractInput(
            document_uuid=self.document_uuid, s3_bucket=BUCKET, s3_key=self.key, attempt=attempt
        )

    def row(self) -> Any:
        row = documents.get_document(self.services.engine, self.document_uuid)
        assert row is not None
        return row


@pytest.fixture
def aws(services: Services) -> Iterator[Aws]:
    doc = str(uuid.uuid4())
    key = f"lexflow/{doc}/complaint.pdf"
    with (
        mock_aws(),
        textract_behaviour(in_progress_calls=1, page_size=4, blocks=text_blocks(PAGES)) as fake,
    ):
        s3 = make_s3_client(services.settings, SESSION)
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key=key, Body=b"%PDF-1.7\n%%EOF\n")
        wired = dataclasses.replace(
            services,
            s3=s3,
            textract=TextractJobManager(make_textract_client(services.settings, SESSION), s3),
        )
        documents.register_document(
            services.engine,
            documents.Registration(
                document_uuid=doc,
                file_name="complaint.pdf",
                source_uri=f"s3://{BUCKET}/{key}",
                workflow_id=f"document-{doc}",
                run_id="run",
                ocr_engine="textract",
                sha256="ab" * 32,
                page_count=3,
                media_type="application/pdf",
            ),
        )
        yield Aws(wired, fake, doc, key)


def run(fn: Any, *args: Any, attempt: int = 1) -> Any:
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, attempt=attempt)
    return env.run(fn, *args)


def checked_job(aws: Aws) -> tuple[TextractActivities, Any]:
    """The activities, and a job they started and checked once (the fake then finishes it)."""
    acts = TextractActivities(aws.services)
    job = run(acts.start_textract_job, aws.start_input())
    run(acts.check_textract_job, job)
    return acts, job


def test_start_records_the_job_and_a_second_start_reuses_it(aws: Aws) -> None:
    acts = TextractActivities(aws.services)

    first = run(acts.start_textract_job, aws.start_input())
    again = run(acts.start_textract_job, aws.start_input())

    assert first == again
    assert len(aws.fake.calls_to(START)) == 1
    assert aws.fake.jobs[first.job_id].tag == aws.document_uuid
    row = aws.row()
    assert (row.textract_job_id, row.textract_job_status) == (first.job_id, "IN_PROGRESS")
    assert row.textract_start_time is not None
    cached = aws.services.cache.get_json(cache.textract_status_key(first.job_id))
    assert cached in (None, {"status": "IN_PROGRESS", "document_uuid": aws.document_uuid})


def test_a_new_attempt_after_a_failed_job_starts_a_new_job(aws: Aws) -> None:
    acts = TextractActivities(aws.services)
    first = run(acts.start_textract_job, aws.start_input())
    documents.update_document(aws.services.engine, aws.document_uuid, textract_job_status="FAILED")

    second = run(acts.start_textract_job, aws.start_input(attempt=2))

    assert second.job_id != first.job_id
    assert aws.row().textract_attempt == 2


def test_check_reports_in_progress_then_succeeded_and_records_it(aws: Aws) -> None:
    acts = TextractActivities(aws.services)
    job = run(acts.start_textract_job, aws.start_input())

    states = [run(acts.check_textract_job, job).status for _ in range(2)]

    assert states == ["IN_PROGRESS", "SUCCEEDED"]
    row = aws.row()
    assert row.textract_job_status == "SUCCEEDED"
    assert row.textract_end_time is not None
    assert row.textract_page_count == 3


def test_fetch_reads_every_page_in_order_and_stores_pages(aws: Aws) -> None:
    acts, job = checked_job(aws)

    summary = run(acts.fetch_textract_results, job)

    gets = aws.fake.calls_to(GET)[1:]
    assert len(gets) > 3  # several NextToken pages of 4 blocks
    assert gets[0].params.get("NextToken") is None
    assert all(g.params.get("NextToken") for g in gets[1:])
    pages = documents.load_pages(aws.services.engine, aws.document_uuid)
    assert [p.text.split("\n") for p in pages] == PAGES
    assert (summary.page_count, summary.line_count) == (3, 8)
    assert documents.staged_result_pages(aws.services.engine, job.job_id) == []
    row = aws.row()
    assert row.ocr_sha256 == row.sha256
    assert row.mean_confidence == pytest.approx(99.0)


def test_fetch_stages_pages_only_in_full_batches_and_clears_them(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    acts, job = checked_job(aws)
    batches: list[list[int]] = []
    real_stage = documents.stage_result_pages

    def recording(engine: Any, uuid: str, job_id: str, pages: Any) -> None:
        batches.append([seq for seq, _, _ in pages])
        real_stage(engine, uuid, job_id, pages)

    monkeypatch.setattr(textract_activities, "STAGE_EVERY_PAGES", 2)
    monkeypatch.setattr(documents, "stage_result_pages", recording)

    summary = run(acts.fetch_textract_results, job)

    pages_fetched = len(aws.fake.calls_to(GET)) - 1
    assert batches == [[n, n + 1] for n in range(1, pages_fetched, 2) if n + 1 <= pages_fetched]
    assert documents.staged_result_pages(aws.services.engine, job.job_id) == []
    assert summary.page_count == 3


def test_pages_a_concurrent_attempt_staged_after_this_one_looked_are_cleared(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    acts, job = checked_job(aws)
    # A timed-out attempt, still running elsewhere, stages a page just after this one looked.
    real_look = documents.staged_result_pages

    def look_then_race(engine: Any, job_id: str) -> Any:
        seen = real_look(engine, job_id)
        documents.stage_result_pages(engine, aws.document_uuid, job_id, [(1, "token-1", [])])
        return seen

    monkeypatch.setattr(documents, "staged_result_pages", look_then_race)

    summary = run(acts.fetch_textract_results, job)

    assert summary.page_count == 3
    assert real_look(aws.services.engine, job.job_id) == []


def test_staged_pages_with_a_gap_are_not_resumed_from(aws: Aws) -> None:
    acts, job = checked_job(aws)
    # Left by an attempt that went on staging after another one had cleared the pages before.
    documents.stage_result_pages(
        aws.services.engine, aws.document_uuid, job.job_id, [(41, "token-41", [])]
    )

    summary = run(acts.fetch_textract_results, job)

    assert summary.page_count == 3
    assert [p.number for p in documents.load_pages(aws.services.engine, aws.document_uuid)] == [
        1,
        2,
        3,
    ]
    assert documents.staged_result_pages(aws.services.engine, job.job_id) == []


def test_fetch_of_a_notified_job_records_its_end_without_a_status_check(aws: Aws) -> None:
    acts = TextractActivities(aws.services)
    job = run(acts.start_textract_job, aws.start_input())
    aws.fake.complete(job.job_id)

    run(acts.fetch_textract_results, job)

    row = aws.row()
    assert row.textract_job_status == "SUCCEEDED"
    assert row.textract_end_time is not None


def fail_fetch_after_pages(aws: Aws, monkeypatch: pytest.MonkeyPatch, pages: int) -> None:
    """Result pages after the first ``pages`` fail as a dropped connection (a worker crash)."""
    manager = aws.services.require_textract()
    real_fetch = manager.fetch_results
    fetched: list[str | None] = []

    def dies(job_id: str, next_token: str | None, *args: Any) -> Any:
        if len(fetched) == pages:
            raise TransientError("connection reset (simulated worker crash)")
        fetched.append(next_token)
        return real_fetch(job_id, next_token, *args)

    monkeypatch.setattr(manager, "fetch_results", dies)


def test_a_notified_job_frees_its_place_at_the_first_page_even_if_the_fetch_then_fails(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    acts = TextractActivities(aws.services)
    job = run(acts.start_textract_job, aws.start_input())
    aws.fake.complete(job.job_id)
    fail_fetch_after_pages(aws, monkeypatch, 1)
    with pytest.raises(ApplicationError):
        run(acts.fetch_textract_results, job)

    row = aws.row()
    assert row.textract_job_status == "SUCCEEDED"  # no longer counted under the job cap
    assert row.textract_end_time is not None


def test_fetch_interrupted_midway_resumes_from_its_cursor(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    acts, job = checked_job(aws)
    manager = aws.services.require_textract()
    real_fetch = manager.fetch_results
    fail_fetch_after_pages(aws, monkeypatch, 2)
    with pytest.raises(ApplicationError) as crashed:
        run(acts.fetch_textract_results, job)
    assert crashed.value.non_retryable is False
    staged = documents.staged_result_pages(aws.services.engine, job.job_id)
    assert [seq for seq, _, _ in staged] == [1, 2]
    monkeypatch.setattr(manager, "fetch_results", real_fetch)
    calls_before = len(aws.fake.calls_to(GET))

    run(acts.fetch_textract_results, job, attempt=2)

    resumed = aws.fake.calls_to(GET)[calls_before:]
    assert resumed[0].params.get("NextToken") == staged[-1][1]
    pages = documents.load_pages(aws.services.engine, aws.document_uuid)
    assert [p.text.split("\n") for p in pages] == PAGES


def test_partial_success_keeps_pages_warnings_and_message(aws: Aws) -> None:
    aws.fake.behave_for(
        aws.key,
        final_status="PARTIAL_SUCCESS",
        status_message="Some pages could not be processed",
        warnings=[{"ErrorCode": "UNSUPPORTED_PAGE_SIZE", "Pages": [2]}],
    )
    acts, job = checked_job(aws)

    state = run(acts.check_textract_job, job)
    summary = run(acts.fetch_textract_results, job)

    assert state.status == "PARTIAL_SUCCESS"
    assert summary.warnings == ["UNSUPPORTED_PAGE_SIZE on pages 2"]
    row = aws.row()
    assert row.textract_warnings == ["UNSUPPORTED_PAGE_SIZE on pages 2"]
    assert row.textract_error_message == "Some pages could not be processed"


def test_failed_job_is_recorded_with_textracts_message(aws: Aws) -> None:
    aws.fake.behave_for(
        aws.key, final_status="FAILED", status_message="Request has invalid Document"
    )
    acts = TextractActivities(aws.services)
    job = run(acts.start_textract_job, aws.start_input())

    states = [run(acts.check_textract_job, job) for _ in range(2)]

    assert states[-1].status == "FAILED"
    assert states[-1].status_message == "Request has invalid Document"
    assert aws.row().textract_error_message == "Request has invalid Document"


def test_throttled_start_is_retryable(aws: Aws) -> None:
    # More failures than botocore's own retries absorb, so the throttle reaches lexflow.
    aws.fake.fail_next(START, "ThrottlingException", times=10)

    with pytest.raises(ApplicationError) as throttled:
        run(TextractActivities(aws.services).start_textract_job, aws.start_input())

    assert (throttled.value.type, throttled.value.non_retryable) == ("Throttled", False)


def test_unsupported_document_at_start_is_not_retryable(aws: Aws) -> None:
    aws.fake.fail_next(START, "UnsupportedDocumentException", times=1)

    with pytest.raises(ApplicationError) as unsupported:
        run(TextractActivities(aws.services).start_textract_job, aws.start_input())

    assert (unsupported.value.type, unsupported.value.non_retryable) == (
        "UnsupportedDocument",
        True,
    )


def test_unknown_job_id_is_not_retried(aws: Aws) -> None:
    acts = TextractActivities(aws.services)

    with pytest.raises(ApplicationError) as err:
        run(
            acts.check_textract_job,
            TextractJobRef(document_uuid=aws.document_uuid, job_id="f" * 64),
        )

    assert (err.value.type, err.value.non_retryable) == ("TextractInvalidJob", True)


def test_synchronous_detection_reads_an_image_page(aws: Aws, tmp_path: Any) -> None:
    image = Image.new("L", (800, 300), 255)
    ImageDraw.Draw(image).text((20, 20), "EXHIBIT A", fill=0)
    png = tmp_path / "exhibit.png"
    image.save(png)
    aws.fake.sync_blocks = text_blocks([["EXHIBIT A", "Purchase price: $1,250,000.00"]])  # type: ignore[attr-defined]
    documents.update_document(
        aws.services.engine,
        aws.document_uuid,
        source_uri=str(png),
        media_type="image/png",
        page_count=1,
    )

    summary = run(
        TextractActivities(aws.services).detect_text_sync,
        DocumentRef(document_uuid=aws.document_uuid),
    )

    assert summary.engine == "textract-sync"
    sent = aws.fake.calls_to(DETECT)[0].params["Document"]["Bytes"]
    assert Image.open(io.BytesIO(base64_or_bytes(sent))).size == (800, 300)
    pages = documents.load_pages(aws.services.engine, aws.document_uuid)
    assert [(p.number, p.source, p.text) for p in pages] == [
        (1, "textract-sync", "EXHIBIT A\nPurchase price: $1,250,000.00")
    ]


def base64_or_bytes(value: Any) -> bytes:
    import base64

    return value if isinstance(value, bytes) else base64.b64decode(value)


def second_document(aws: Aws) -> Aws:
    doc = str(uuid.uuid4())
    key = f"lexflow/{doc}/exhibit.pdf"
    aws.services.s3.put_object(Bucket=BUCKET, Key=key, Body=b"%PDF-1.7\n%%EOF\n")
    documents.register_document(
        aws.services.engine,
        documents.Registration(
            document_uuid=doc,
            file_name="exhibit.pdf",
            source_uri=f"s3://{BUCKET}/{key}",
            workflow_id=f"document-{doc}",
            run_id="run",
            ocr_engine="textract",
        ),
    )
    return dataclasses.replace(aws, document_uuid=doc, key=key)


def capped_at_one_job(aws: Aws) -> Aws:
    """The fixture's documents under TEXTRACT_MAX_CONCURRENT_JOBS=1, with the jobs of other
    tests' documents in the shared database finished so that they take no place."""
    capped = dataclasses.replace(
        aws,
        services=dataclasses.replace(
            aws.services,
            settings=aws.services.settings.model_copy(update={"textract_max_concurrent_jobs": 1}),
        ),
    )
    with capped.services.engine.begin() as conn:
        conn.execute(
            update(SourceDocument)
            .where(SourceDocument.textract_job_status.in_(["IN_PROGRESS", "STARTING"]))
            .values(textract_job_status="SUCCEEDED")
        )
    return capped


def test_jobs_beyond_the_concurrency_cap_wait_for_a_free_slot(aws: Aws) -> None:
    capped = capped_at_one_job(aws)
    other = second_document(capped)
    acts = TextractActivities(capped.services)

    first = run(acts.start_textract_job, capped.start_input())
    waiting = run(acts.start_textract_job, other.start_input())
    run(
        acts.check_textract_job,
        TextractJobRef(document_uuid=aws.document_uuid, job_id=str(first.job_id)),
    )
    run(
        acts.check_textract_job,
        TextractJobRef(document_uuid=aws.document_uuid, job_id=str(first.job_id)),
    )  # SUCCEEDED
    admitted = run(acts.start_textract_job, other.start_input())

    assert first.admitted and first.job_id
    assert (waiting.admitted, waiting.job_id) == (False, None)
    assert admitted.admitted and admitted.job_id not in (None, first.job_id)
    assert len(aws.fake.calls_to(START)) == 2


def test_the_job_of_a_document_that_gave_up_polling_stops_holding_its_place(aws: Aws) -> None:
    capped = capped_at_one_job(aws)
    other = second_document(capped)
    acts = TextractActivities(capped.services)
    job = run(acts.start_textract_job, capped.start_input())
    run(acts.check_textract_job, job)  # IN_PROGRESS
    # The polling budget ran out: the workflow records the failure and waits for a retry.
    documents.mark_failed(
        capped.services.engine, aws.document_uuid, "ocr", "still IN_PROGRESS", textract_error=True
    )

    admitted = run(acts.start_textract_job, other.start_input())

    assert job.admitted and admitted.admitted


def rerun_with_new_content(aws: Aws, body: bytes, sha256: str) -> None:
    """What prepare does for a new run of the document (same path, so the same uuid)."""
    aws.services.s3.put_object(Bucket=BUCKET, Key=aws.key, Body=body)
    documents.register_document(
        aws.services.engine,
        documents.Registration(
            document_uuid=aws.document_uuid,
            file_name="complaint.pdf",
            source_uri=f"s3://{BUCKET}/{aws.key}",
            workflow_id=f"document-{aws.document_uuid}",
            run_id="a-new-run",
            ocr_engine="textract",
            sha256=sha256,
        ),
    )


def test_the_new_job_of_a_document_retried_after_a_failed_job_holds_its_place(aws: Aws) -> None:
    capped = capped_at_one_job(aws)
    other = second_document(capped)
    acts = TextractActivities(capped.services)
    failed = run(acts.start_textract_job, capped.start_input())
    documents.update_document(
        capped.services.engine, aws.document_uuid, textract_job_status="FAILED"
    )
    documents.mark_failed(
        capped.services.engine, aws.document_uuid, "ocr", "job FAILED", textract_error=True
    )

    retried = run(acts.start_textract_job, capped.start_input(attempt=2))  # after `retry`
    waiting = run(acts.start_textract_job, other.start_input())

    assert retried.admitted and retried.job_id != failed.job_id
    assert capped.row().status == "processing"
    assert not waiting.admitted


def test_a_new_run_of_an_edited_file_gets_a_job_of_its_own(aws: Aws) -> None:
    acts, old = checked_job(aws)
    run(acts.check_textract_job, old)  # SUCCEEDED
    run(acts.fetch_textract_results, old)

    rerun_with_new_content(aws, b"%PDF-1.7\n% edited\n%%EOF\n", "cd" * 32)
    new = run(acts.start_textract_job, aws.start_input())  # the new run's attempt 1 again

    assert new.job_id not in (None, old.job_id)
    assert len(aws.fake.calls_to(START)) == 2
    assert (aws.row().textract_job_id, aws.row().textract_job_status) == (new.job_id, "IN_PROGRESS")


def test_a_new_run_does_not_inherit_the_place_of_a_job_its_predecessor_left_running(
    aws: Aws,
) -> None:
    capped = capped_at_one_job(aws)
    other = second_document(capped)
    acts = TextractActivities(capped.services)
    run(acts.start_textract_job, capped.start_input())
    # The run was terminated with its job IN_PROGRESS; the document is launched again.
    rerun_with_new_content(capped, b"%PDF-1.7\n%%EOF\n", "ab" * 32)
    row = capped.row()

    admitted = run(acts.start_textract_job, other.start_input())

    assert (row.textract_job_id, row.textract_job_status) == (None, None)
    assert admitted.admitted


def test_textracts_own_job_limit_is_a_wait_not_a_failure(aws: Aws) -> None:
    aws.fake.fail_next(START, "LimitExceededException", times=10)

    answer = run(TextractActivities(aws.services).start_textract_job, aws.start_input())

    assert (answer.admitted, answer.job_id) == (False, None)
    assert aws.row().textract_job_status is None  # the reservation was given back


# --- an attempt that answers after its retry moved on (a slow Get outlasting the timeout) -------


def in_thread(fn: Any, *args: Any) -> threading.Thread:
    """Run an activity attempt in a thread of its own, named so a stand-in can stall it."""
    thread = threading.Thread(target=run, args=(fn, *args), name="late-attempt")
    thread.start()
    return thread


def stall_the_late_attempt(stalled: threading.Event, release: threading.Event) -> None:
    if threading.current_thread().name == "late-attempt":
        stalled.set()
        release.wait(30)


def test_a_late_status_check_does_not_revive_a_finished_job(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    capped = capped_at_one_job(aws)
    other = second_document(capped)
    acts = TextractActivities(capped.services)
    manager = capped.services.require_textract()
    real_status = manager.get_status
    stalled, release = threading.Event(), threading.Event()

    def slow_status(job_id: str) -> Any:
        status = real_status(job_id)  # IN_PROGRESS, for the first attempt
        stall_the_late_attempt(stalled, release)
        return status

    monkeypatch.setattr(manager, "get_status", slow_status)
    job = run(acts.start_textract_job, capped.start_input())
    ref = TextractJobRef(document_uuid=aws.document_uuid, job_id=str(job.job_id), last_part=True)
    late = in_thread(acts.check_textract_job, ref)
    assert stalled.wait(10)
    assert run(acts.check_textract_job, ref, attempt=2).status == "SUCCEEDED"  # the retry
    run(acts.fetch_textract_results, ref)

    release.set()  # the first attempt's IN_PROGRESS finally comes back
    late.join(30)

    assert capped.row().textract_job_status == "SUCCEEDED"
    assert run(acts.start_textract_job, other.start_input()).admitted


def test_a_late_fetch_of_the_first_part_keeps_the_other_parts_pages(
    aws: Aws, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = []
    for n, pages in enumerate(([1, 2, 3], [4, 5, 6])):
        key = f"lexflow/{aws.document_uuid}/part-{n + 1}.pdf"
        aws.services.s3.put_object(Bucket=BUCKET, Key=key, Body=b"%PDF-1.7\n%%EOF\n")
        parts.append({"bucket": BUCKET, "key": key, "pages": pages})
    documents.update_document(
        aws.services.engine, aws.document_uuid, textract_parts=parts, page_count=6
    )
    acts = TextractActivities(aws.services)
    manager = aws.services.require_textract()
    real_pages = manager.iter_result_pages
    stalled, release = threading.Event(), threading.Event()

    def slow_pages(job_id: str, **kwargs: Any) -> Any:
        stall_the_late_attempt(stalled, release)
        yield from real_pages(job_id, **kwargs)

    monkeypatch.setattr(manager, "iter_result_pages", slow_pages)

    def finished_part(part: int) -> TextractJobRef:
        job = run(acts.start_textract_job, aws.start_input().model_copy(update={"part": part}))
        ref = TextractJobRef(
            document_uuid=aws.document_uuid, job_id=str(job.job_id), part=part, last_part=part == 1
        )
        run(acts.check_textract_job, ref)
        run(acts.check_textract_job, ref)  # SUCCEEDED
        return ref

    first = finished_part(0)
    late = in_thread(acts.fetch_textract_results, first)
    assert stalled.wait(10)
    run(acts.fetch_textract_results, first, attempt=2)  # the retry, on another worker
    assert run(acts.fetch_textract_results, finished_part(1)).page_count == 6

    release.set()
    late.join(30)

    assert documents.page_numbers(aws.services.engine, aws.document_uuid) == {1, 2, 3, 4, 5, 6}
