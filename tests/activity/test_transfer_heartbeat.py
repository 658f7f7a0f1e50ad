"""A long S3 transfer keeps its activity alive: boto3's progress callbacks, called from its own
threads, heartbeat the activity that started the transfer."""

from __future__ import annotations

import os
from pathlib import Path

import boto3
import pytest
from moto import mock_aws
from temporalio import activity
from temporalio.testing import ActivityEnvironment

from activities import _progress
from activities._progress import TransferHeartbeat
from lexflow.ocr.s3 import upload_file
from lexflow.sources import local_copy

# Above boto3's 8 MiB multipart threshold, so the parts move on several threads.
SIZE = 9 * 1024 * 1024


def test_an_upload_and_a_download_heartbeat_their_activity_from_boto3s_threads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_progress, "HEARTBEAT_EVERY_S", 0.0)
    big = tmp_path / "big.pdf"
    big.write_bytes(os.urandom(SIZE))
    beats: list[str] = []
    env = ActivityEnvironment()
    env.on_heartbeat = lambda *details: beats.append(str(details[0]))

    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="transfers")

        @activity.defn
        def move() -> tuple[int, int, int]:
            sent, received = TransferHeartbeat("uploading"), TransferHeartbeat("downloading")
            upload_file(s3, big, "transfers", "big.pdf", progress=sent)
            with local_copy("s3://transfers/big.pdf", s3, received) as path:
                return sent.bytes, received.bytes, path.stat().st_size

        moved = env.run(move)

    assert moved == (SIZE, SIZE, SIZE)
    assert any(b.startswith("uploading: ") for b in beats)
    assert any(b.startswith("downloading: ") for b in beats)


def test_heartbeats_are_spaced_however_often_boto3_reports(tmp_path: Path) -> None:
    beats: list[str] = []
    env = ActivityEnvironment()
    env.on_heartbeat = lambda *details: beats.append(str(details[0]))

    @activity.defn
    def report_chunks() -> int:
        progress = TransferHeartbeat("uploading", every_s=3600)
        for _ in range(1000):
            progress(256 * 1024)
        return progress.bytes

    assert env.run(report_chunks) == 1000 * 256 * 1024
    assert beats == []
