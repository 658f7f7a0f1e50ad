"""Scratch resources shared by the tests and the benchmarks: a moto server with lexflow's AWS
topology, and a throwaway PostgreSQL database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import boto3
from moto.server import ThreadedMotoServer
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@dataclass(frozen=True)
class MotoAws:
    """Where a moto server answers, and the topic and queue Textract's notifications take."""

    endpoint: str
    topic_arn: str
    queue_url: str


@contextmanager
def moto_aws(region: str, bucket: str, name: str) -> Iterator[MotoAws]:
    """A moto server with ``bucket``, an SNS topic named as Textract requires (AmazonTextract…)
    and an SQS queue subscribed to it."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        boto3.client("s3", endpoint_url=endpoint, region_name=region).create_bucket(Bucket=bucket)
        sns = boto3.client("sns", endpoint_url=endpoint, region_name=region)
        sqs = boto3.client("sqs", endpoint_url=endpoint, region_name=region)
        topic_arn = sns.create_topic(Name=f"AmazonTextract-{name}")["TopicArn"]
        queue_url = sqs.create_queue(QueueName=f"{name}-textract-completions")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)
        yield MotoAws(endpoint, topic_arn, queue_url)
    finally:
        server.stop()


@contextmanager
def postgres_database(server_url: str, prefix: str) -> Iterator[str]:
    """A new, empty database on the server of ``server_url``, dropped afterwards: its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
