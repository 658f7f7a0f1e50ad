"""DocumentWorkflow: one durable workflow per document, id ``document-<uuid>``.

prepare → OCR (Textract asynchronous job polled on durable timers, or the synchronous fallback, or
the local engine) → chunk → entities → relationships → finalize. A failed stage is recorded on the
document and the workflow waits for a ``retry`` signal, then resumes at that stage.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError, FailureError

with workflow.unsafe.imports_passed_through():
    from activities.bookkeeping import BookkeepingActivities
    from activities.chunking import ChunkingActivities
    from activities.entities import EntityActivities
    from activities.local_ocr import LocalOcrActivities
    from activities.prepare import PrepareActivities
    from activities.relationships import RelationshipActivities
    from activities.textract import TextractActivities
    from lexflow.contracts import (
        PIPELINE,
        CarriedState,
        DocumentInput,
        DocumentRef,
        DocumentResult,
        DocumentState,
        DocumentStatus,
        FailureRecord,
        FinalizeInput,
        OcrSummary,
        PrepareInput,
        PrepareResult,
        Stage,
        StageCount,
        StartTextractInput,
        TextractCompletion,
        TextractJobRef,
        TextractJobState,
    )
    from workflows import policy, visibility

# Error types after which the asynchronous start is pointless and the synchronous path is too.
_BAD_DOCUMENT_TYPES = frozenset(
    {"BadDocument", "UnsupportedDocument", "DocumentTooLarge", "SourceNotFound", "RegionMismatch"}
)


# Runs recorded before this patch published search attributes one upsert at a time and always
# checked a job's status after its completion notification; they replay along that path.
LEAN_HISTORY_PATCH = "lean-history-1"
# On top of lean: the text stages run as local activities. Runs recorded before it replay with the
# text stages on the task queue.
LOCAL_TEXT_PATCH = "local-text-stages-1"

# Stages that run as local activities once LOCAL_TEXT_PATCH is on: short, CPU-bound work on rows
# this worker's fetch just wrote. A local activity costs one marker event instead of three events
# plus a workflow task and two server round trips, and chained ones finish in one workflow task.
_LOCAL_STAGES = frozenset({Stage.CHUNK, Stage.ENTITIES, Stage.RELATIONSHIPS, Stage.FINALIZE})


# Before this patch, the completion of a job already given up (a failed job, before its
# replacement) kept a run from continuing as new for the rest of its life.
OLD_COMPLETIONS_PATCH = "continue-as-new-past-old-completions-1"

_SUCCEEDED = frozenset({"SUCCEEDED", "PARTIAL_SUCCESS"})

# Before this patch, a status check that failed after its retries (throttling that outlasted
# them) failed the document; now polling asks again at its next interval, within its budget.
CHECK_FAILURE_PATCH = "failed-check-polls-again-1"

# Before this patch, a completion signal for a job whose polling had timed out was only kept;
# now it resumes the failed document as a retry signal would.
LATE_COMPLETION_PATCH = "late-completion-resumes-1"

# Before this patch, a split document whose start fell back to the synchronous API went on to
# its next parts after that fallback had read the whole document, and read it again for each.
WHOLE_SYNC_FALLBACK_PATCH = "sync-fallback-reads-whole-document-1"


class PollingTimedOut(ApplicationError):
    pass


@workflow.defn
class DocumentWorkflow:
    def __init__(self) -> None:
        self._input: DocumentInput | None = None
        self._state = DocumentState.PENDING
        self._stage = Stage.PREPARE
        self._started_at = workflow.now()
        self._stage_started_at = self._started_at
        self._stage_seconds: dict[str, float] = {}
        self._prepared: PrepareResult | None = None
        self._ocr: OcrSummary | None = None
        self._job_id: str | None = None
        self._job_status: str | None = None
        self._job_failed = False
        self._textract_attempt = 1
        self._polls = 0
        self._attempts = 1
        self._chunks = 0
        self._entities = 0
        self._relationships = 0
        self._error: str | None = None
        self._retry_requested = False
        # Completions by job id: a notification can arrive before the start activity returns.
        self._completions: dict[str, TextractCompletion] = {}
        # The job whose polling budget ran out, while the document waits for a retry.
        self._gave_up_polling: str | None = None
        self._waited = timedelta(0)
        self._next_wait: timedelta | None = None
        self._resumed_polling = False
        self._part = 0
        self._runs = 1
        self._lean = False
        self._local_text = False
        self._pending_attributes: dict[str, str | None] = {}

    # --- signals and queries ----------------------------------------------------------------

    @workflow.signal
    def retry(self) -> None:
        """Resume a failed document at the stage that failed (ignored unless failed)."""
        if self._state is DocumentState.FAILED:
            self._retry_requested = True

    @workflow.signal
    def textract_completed(self, completion: TextractCompletion) -> None:
        """Textract finished the job (SNS/SQS notification): end the polling wait early.

        A notification that arrives after polling gave up on that very job is the retry the
        failure was waiting for: the document resumes at the fetch, with nobody to ask for it.
        """
        self._completions[completion.job_id] = completion
        if (
            self._state is DocumentState.FAILED
            and self._gave_up_polling == completion.job_id
            and workflow.patched(LATE_COMPLETION_PATCH)
        ):
            self._retry_requested = True

    @workflow.query
    def status(self) -> DocumentStatus:
        assert self._input is not None
        return DocumentStatus(
            document_uuid=self._input.document_uuid,
            workflow_id=workflow.info().workflow_id,
            file_name=self._input.file_name,
            state=self._state,
            stage=self._stage,
            ocr_engine=self._prepared.ocr_engine if self._prepared else None,
            textract_job_id=self._job_id,
            textract_job_status=self._job_status,
            started_at=self._started_at,
            stage_started_at=self._stage_started_at,
            stage_seconds=dict(self._stage_seconds),
            polls=self._polls,
            attempts=self._attempts,
            page_count=self._prepared.page_count if self._prepared else 0,
            pages=self._ocr.page_count if self._ocr else 0,
            chunks=self._chunks,
            entities=self._entities,
            relationships=self._relationships,
            error=self._error,
        )

    # --- the pipeline -------------------------------------------------------------------------

    @workflow.run
    async def run(self, inp: DocumentInput) -> DocumentResult:
        self._input = inp
        self._state = DocumentState.PROCESSING
        # Histories recorded since the lean path hold its marker, and those since the local text
        # stages both, in this order: asking in this order replays all three kinds. This does not
        # make a rollback safe: a release that never asks for a patch fails on its marker
        # (TMPRL1100), so runs started by a newer release must end before an older one serves.
        self._lean = workflow.patched(LEAN_HISTORY_PATCH)
        self._local_text = self._lean and workflow.patched(LOCAL_TEXT_PATCH)
        index = 0
        if inp.carried is not None:
            self._resume(inp.carried)
            index = PIPELINE.index(Stage.OCR)
        elif self._lean:  # published with the first stage, in one upsert
            self._pending_attributes = {
                "document_uuid": inp.document_uuid,
                "file_name": inp.file_name,
            }
        else:
            self._publish(document_uuid=inp.document_uuid, file_name=inp.file_name)
        while index < len(PIPELINE):
            stage = PIPELINE[index]
            self._enter(stage)
            try:
                await self._run_stage(stage)
            except (ActivityError, ApplicationError) as err:
                await self._fail_and_wait(stage, err)
                continue
            self._leave(stage)
            index += 1
        self._state = DocumentState.COMPLETED
        self._publish(**{**self._pending_attributes, "status": self._state.value})
        self._pending_attributes = {}
        visibility.count_outcome("completed")
        return self._result()

    def _resume(self, carried: CarriedState) -> None:
        """Pick up a poll that an earlier run of this workflow handed over (continue-as-new)."""
        self._prepared = carried.prepared
        self._started_at = carried.started_at
        self._stage_seconds = dict(carried.stage_seconds)
        self._attempts = carried.attempts
        self._textract_attempt = carried.textract_attempt
        self._job_id, self._job_status = carried.job_id, carried.job_status
        self._polls = carried.polls
        self._waited = timedelta(seconds=carried.waited_seconds)
        self._next_wait = timedelta(seconds=carried.next_wait_seconds) if carried.job_id else None
        self._resumed_polling = carried.job_id is not None
        self._part = carried.part
        self._runs = carried.runs

    async def _run_stage(self, stage: Stage) -> None:
        ref = DocumentRef(document_uuid=self._uuid)
        if stage is Stage.PREPARE:
            await self._prepare()
        elif stage is Stage.OCR:
            await self._run_ocr()
        elif stage is Stage.CHUNK:
            self._chunks = (await self._text_stage(ChunkingActivities.chunk_document, ref)).count
        elif stage is Stage.ENTITIES:
            counted = await self._text_stage(EntityActivities.extract_entities, ref)
            self._entities = counted.secondary_count
        elif stage is Stage.RELATIONSHIPS:
            counted = await self._text_stage(RelationshipActivities.build_relationships, ref)
            self._relationships = counted.count
        else:
            await self._finalize()

    async def _text_stage(
        self, method: Callable[[Any, DocumentRef], StageCount], ref: DocumentRef
    ) -> StageCount:
        if self._local_text:
            return await workflow.execute_local_activity_method(
                method, ref, **policy.TEXT_STAGE.local_kwargs()
            )
        return await workflow.execute_activity_method(method, ref, **policy.TEXT_STAGE.kwargs())

    async def _finalize(self) -> None:
        done = FinalizeInput(
            document_uuid=self._uuid,
            page_count=self._ocr.page_count if self._ocr else 0,
            chunk_count=self._chunks,
            entity_count=self._entities,
            relationship_count=self._relationships,
        )
        if not self._lean:
            await workflow.execute_activity_method(
                BookkeepingActivities.finalize_document, done, **policy.BOOKKEEPING.kwargs()
            )
            return
        # One short database update: run by the worker already running this workflow task, it
        # costs one history event and no round trip through the server.
        await workflow.execute_local_activity_method(
            BookkeepingActivities.finalize_document, done, **policy.BOOKKEEPING.local_kwargs()
        )

    async def _prepare(self) -> None:
        assert self._input is not None
        info = workflow.info()
        self._prepared = await workflow.execute_activity_method(
            PrepareActivities.prepare_document,
            summary=f"{self._name}: validate, hash, register",
            arg=PrepareInput(
                document_uuid=self._uuid,
                source_uri=self._input.source_uri,
                file_name=self._input.file_name,
                ocr_engine=self._input.options.ocr_engine,
                workflow_id=info.workflow_id,
                run_id=info.run_id,
            ),
            **policy.PREPARE.kwargs(),
        )

    # --- OCR ----------------------------------------------------------------------------------

    async def _run_ocr(self) -> None:
        prepared = self._prepared
        assert prepared is not None and self._input is not None
        if not self._lean:  # lean runs published it on entering the stage
            self._publish(ocr_engine=prepared.ocr_engine)
        ref = DocumentRef(document_uuid=self._uuid)
        if prepared.cached_ocr:
            self._ocr = OcrSummary(
                document_uuid=self._uuid,
                engine="cache",
                page_count=prepared.page_count,
                line_count=0,
            )
        elif prepared.ocr_engine != "textract":
            self._ocr = await workflow.execute_activity_method(
                LocalOcrActivities.run_local_ocr,
                ref,
                summary=f"{self._name}: local OCR of {prepared.page_count} pages",
                **policy.OCR_PAGES.kwargs(),
            )
        elif self._use_async(prepared):
            self._ocr = await self._textract_async(prepared)
        else:
            self._ocr = await self._textract_sync(ref)

    def _use_async(self, prepared: PrepareResult) -> bool:
        assert self._input is not None
        if prepared.media_type == "application/pdf":
            return self._input.options.textract_use_async_for_pdf
        # DetectDocumentText reads one image; a multi-page TIFF needs the asynchronous API.
        return prepared.media_type == "image/tiff" and prepared.page_count > 1

    async def _textract_sync(self, ref: DocumentRef) -> OcrSummary:
        return await workflow.execute_activity_method(
            TextractActivities.detect_text_sync,
            ref,
            summary=f"{self._name}: DetectDocumentText page by page",
            **policy.OCR_PAGES.kwargs(),
        )

    async def _textract_async(self, prepared: PrepareResult) -> OcrSummary:
        """One job, or one after another for each part of a document over Textract's limits."""
        while True:
            last = self._part >= prepared.parts - 1
            summary = await self._textract_part(prepared, last)
            if last:
                return summary
            # Only asked once a fallback happened, so runs without one record no marker.
            if summary.engine == "textract-sync" and workflow.patched(WHOLE_SYNC_FALLBACK_PATCH):
                return summary  # DetectDocumentText page by page read every part already
            self._part += 1
            self._job_id, self._job_status = None, None

    async def _textract_part(self, prepared: PrepareResult, last: bool) -> OcrSummary:
        assert self._input is not None
        options = self._input.options
        if self._job_id is None or self._job_failed:
            if self._job_failed:
                self._textract_attempt += 1
            # Forget the failed job now: a run that continues as new while this start waits for
            # a free job slot must start the new job, not resume polling the failed one.
            self._job_id, self._job_failed, self._job_status = None, False, None
            try:
                job_id = await self._start_job(prepared)
            except ActivityError as err:
                if not options.textract_sync_fallback or _error_type(err) in _BAD_DOCUMENT_TYPES:
                    raise
                workflow.logger.warning(
                    "asynchronous Textract start kept failing, falling back to synchronous",
                    extra={"document_uuid": self._uuid, "error": _describe(err)},
                )
                return await self._textract_sync(DocumentRef(document_uuid=self._uuid))
            self._job_id, self._job_status = job_id, "IN_PROGRESS"
            self._waited, self._next_wait = timedelta(0), None
            visibility.count_textract_job("started")
        elif not self._resumed_polling:
            self._waited, self._next_wait = timedelta(0), None  # a retry gets a fresh budget
        self._resumed_polling = False
        try:
            state = await self._poll_until_done(self._job_id)
            if state.status != "FAILED":
                return await workflow.execute_activity_method(
                    TextractActivities.fetch_textract_results,
                    TextractJobRef(
                        document_uuid=self._uuid,
                        job_id=state.job_id,
                        part=self._part,
                        last_part=last,
                    ),
                    task_queue=options.textract_get_task_queue,
                    summary=f"{self._name}: fetch results of Textract job {state.job_id}",
                    **policy.FETCH_TEXTRACT.kwargs(),
                )
        except ActivityError as err:
            # Textract forgets jobs after a week: a retry then needs a fresh job.
            self._job_failed = _error_type(err) == "TextractInvalidJob"
            raise
        self._job_failed = True
        raise ApplicationError(
            f"Textract job {state.job_id} FAILED: {state.status_message or 'no reason given'}",
            type="TextractJobFailed",
            non_retryable=True,
        )

    async def _start_job(self, prepared: PrepareResult) -> str:
        """Start a job once a slot under TEXTRACT_MAX_CONCURRENT_JOBS is free.

        Waiting for a slot is a durable timer, not a busy activity, so a thousand queued
        documents cost no worker capacity.
        """
        assert self._input is not None
        options = self._input.options
        backoff = timedelta(seconds=5)
        while True:
            started = await workflow.execute_activity_method(
                TextractActivities.start_textract_job,
                summary=f"{self._name}: start Textract job (attempt {self._textract_attempt}"
                + (f", part {self._part + 1} of {prepared.parts})" if prepared.parts > 1 else ")"),
                arg=StartTextractInput(
                    document_uuid=self._uuid,
                    s3_bucket=prepared.s3_bucket or "",
                    s3_key=prepared.s3_key or "",
                    attempt=self._textract_attempt,
                    part=self._part,
                ),
                task_queue=options.textract_start_task_queue,
                **policy.start_textract(options.textract_start_max_attempts).kwargs(),
            )
            if started.admitted and started.job_id:
                return started.job_id
            self._job_status = "WAITING_FOR_SLOT"
            self._continue_as_new_if_long()
            await workflow.sleep(backoff)
            backoff = min(backoff * 2, timedelta(seconds=60))

    async def _poll_until_done(self, job_id: str) -> TextractJobState:
        """Durable timer, then a status check, until the job ends or the polling budget is spent.

        The budget counts timer time only (initial delay + intervals, the last one cut to fit),
        so the checks happen at exactly the same points however long each check takes. Intervals
        grow by the configured backoff up to its cap; with completion notifications on, polling
        is only the safety net and uses its own, slower interval from the first wait on, and a
        notification of success goes straight to the fetch (whose first page carries the job's
        status anyway), so a notified job costs no status check at all.
        """
        assert self._input is not None
        options = self._input.options
        budget = timedelta(seconds=options.textract_async_max_polling_time_seconds)
        if self._next_wait is None:
            self._next_wait = self._first_wait()
        check_failed = False
        while True:
            self._continue_as_new_if_long()
            step = min(self._next_wait, budget - self._waited)
            if check_failed and step > timedelta(0):
                # The interval really passes before the next check, even if a completion that
                # still needs the check (a failure notice, an operator's signal) is stored.
                await workflow.sleep(step)
            else:
                await self._sleep_unless_completed(job_id, step)
            check_failed = False
            self._waited += step
            notified = self._completions.get(job_id)
            if (
                self._lean
                and notified is not None
                and notified.from_textract
                and notified.status in _SUCCEEDED
            ):
                self._job_status = notified.status
                visibility.count_textract_job("finished")
                return TextractJobState(job_id=job_id, status=notified.status)
            try:
                state = await workflow.execute_activity_method(
                    TextractActivities.check_textract_job,
                    TextractJobRef(document_uuid=self._uuid, job_id=job_id),
                    task_queue=options.textract_get_task_queue,
                    **policy.CHECK_TEXTRACT.kwargs(),
                )
            except ActivityError as err:
                # A check that kept being throttled (or hit a passing fault) says nothing about
                # the job: ask again at the next poll, while the budget lasts, rather than fail.
                if _is_non_retryable(err):
                    raise
                if self._waited >= budget:
                    self._gave_up_polling = job_id  # a late completion still resumes it
                    raise
                if not workflow.patched(CHECK_FAILURE_PATCH):
                    raise
                workflow.logger.warning(
                    "status check kept failing; asking again at the next poll",
                    extra={"document_uuid": self._uuid, "job_id": job_id, "error": _describe(err)},
                )
                self._next_wait = self._interval_after(step)
                check_failed = True
                continue
            self._polls += 1
            self._job_status = state.status
            if state.finished:
                visibility.count_textract_job("finished")
                return state
            if self._waited >= budget:
                self._gave_up_polling = job_id
                raise PollingTimedOut(
                    f"Textract job {job_id} still {state.status} after "
                    f"{options.textract_async_max_polling_time_seconds} s of polling",
                    type="TextractPollingTimeout",
                    non_retryable=True,
                )
            self._next_wait = self._interval_after(step)

    def _first_wait(self) -> timedelta:
        assert self._input is not None
        o = self._input.options
        initial = timedelta(seconds=o.textract_async_initial_delay_seconds)
        if self._lean and o.textract_notifications:
            # The notification ends the wait; an early check would only find the job running.
            return max(initial, timedelta(seconds=o.textract_notification_polling_interval_seconds))
        return initial

    def _interval_after(self, previous: timedelta) -> timedelta:
        assert self._input is not None
        o = self._input.options
        if o.textract_notifications:
            return timedelta(seconds=o.textract_notification_polling_interval_seconds)
        base = timedelta(seconds=o.textract_async_polling_interval_seconds)
        if o.textract_async_polling_backoff <= 1.0 or self._polls <= 1:
            return base
        cap = timedelta(
            seconds=max(
                o.textract_async_max_polling_interval_seconds,
                o.textract_async_polling_interval_seconds,
            )
        )
        return min(max(previous, base) * o.textract_async_polling_backoff, cap)

    async def _sleep_unless_completed(self, job_id: str, duration: timedelta) -> None:
        if duration <= timedelta(0) or job_id in self._completions:
            return
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(lambda: job_id in self._completions, timeout=duration)

    def _continue_as_new_if_long(self) -> None:
        """Hand the poll over to a fresh run before history outgrows its bound.

        Only between activities, and never with the current job's completion signal pending, so
        nothing that arrived is lost; the next run resumes the same job with the same budget.
        """
        assert self._input is not None and self._prepared is not None
        info = workflow.info()
        if info.get_current_history_length() < self._input.options.history_event_limit:
            return
        pending = set(self._completions)
        if workflow.patched(OLD_COMPLETIONS_PATCH):
            pending &= {self._job_id}
        if pending:
            return
        self._leave(Stage.OCR)
        carried = CarriedState(
            prepared=self._prepared,
            started_at=self._started_at,
            stage_seconds=self._stage_seconds,
            attempts=self._attempts,
            textract_attempt=self._textract_attempt,
            job_id=self._job_id,
            job_status=self._job_status,
            polls=self._polls,
            waited_seconds=self._waited.total_seconds(),
            next_wait_seconds=(self._next_wait or timedelta(0)).total_seconds(),
            part=self._part,
            runs=self._runs + 1,
        )
        workflow.continue_as_new(self._input.model_copy(update={"carried": carried}))

    # --- failure and retry ----------------------------------------------------------------------

    async def _fail_and_wait(self, stage: Stage, err: FailureError) -> None:
        self._error = f"{stage.value}: {_describe(err)}"
        self._state = DocumentState.FAILED
        self._publish(**{**self._pending_attributes, "status": self._state.value})
        self._pending_attributes = {}
        visibility.count_outcome("failed")
        workflow.logger.warning(
            "stage failed; waiting for a retry signal",
            extra={"document_uuid": self._uuid, "stage": stage.value, "error": self._error},
        )
        await workflow.execute_activity_method(
            BookkeepingActivities.record_failure,
            FailureRecord(
                document_uuid=self._uuid,
                stage=stage,
                error=_describe(err),
                error_type=_error_type(err),
                textract_job_id=self._job_id,
            ),
            **policy.BOOKKEEPING.kwargs(),
        )
        assert self._input is not None
        wait = timedelta(seconds=self._input.options.retry_wait_seconds)
        try:
            await workflow.wait_condition(lambda: self._retry_requested, timeout=wait)
        except TimeoutError:
            raise ApplicationError(
                f"{self._error} (no retry signal within {wait})",
                type="DocumentFailed",
                non_retryable=True,
            ) from None
        self._retry_requested = False
        self._gave_up_polling = None
        self._attempts += 1
        self._error = None
        self._state = DocumentState.PROCESSING
        self._publish(status=self._state.value)

    # --- helpers ----------------------------------------------------------------------------------

    @property
    def _name(self) -> str:
        assert self._input is not None
        return self._input.file_name

    @property
    def _uuid(self) -> str:
        assert self._input is not None
        return self._input.document_uuid

    def _enter(self, stage: Stage) -> None:
        self._stage = stage
        self._stage_started_at = workflow.now()
        values = self._pending_attributes
        self._pending_attributes = {}
        if self._lean and stage is Stage.OCR and self._prepared is not None:
            values["ocr_engine"] = self._prepared.ocr_engine
        values.update(stage=stage.value, status=self._state.value)
        if (self._lean and stage is Stage.FINALIZE) or (
            self._local_text and stage in _LOCAL_STAGES and stage is not Stage.CHUNK
        ):
            # Chained local activities end in one workflow task, so an upsert per stage would
            # only add events: the first one (chunk) shows the text stages have begun, and the
            # last stage reached goes out with the outcome, in one upsert.
            self._pending_attributes = values
            return
        self._publish(**values)

    def _leave(self, stage: Stage) -> None:
        elapsed = workflow.now() - self._stage_started_at
        self._stage_seconds[stage.value] = (
            self._stage_seconds.get(stage.value, 0.0) + elapsed.total_seconds()
        )
        visibility.record_stage(stage.value, elapsed)

    def _publish(self, **values: str | None) -> None:
        assert self._input is not None
        visibility.publish(self._input.options.search_attributes, **values)

    def _result(self) -> DocumentResult:
        return DocumentResult(
            document_uuid=self._uuid,
            status=self._state,
            ocr_engine=self._ocr.engine if self._ocr else None,
            pages=self._ocr.page_count if self._ocr else 0,
            pages_sent_to_ocr=self._ocr.pages_sent_to_ocr if self._ocr else 0,
            chunks=self._chunks,
            entities=self._entities,
            relationships=self._relationships,
            error=self._error,
        )


def _root(err: BaseException) -> BaseException:
    while isinstance(err, ActivityError) and err.cause is not None:
        err = err.cause
    return err


def _is_non_retryable(err: BaseException) -> bool:
    root = _root(err)
    return isinstance(root, ApplicationError) and root.non_retryable


def _error_type(err: BaseException) -> str | None:
    root = _root(err)
    return root.type if isinstance(root, ApplicationError) else type(root).__name__


def _describe(err: BaseException) -> str:
    root = _root(err)
    return str(root.message if isinstance(root, FailureError) else root) or type(root).__name__
