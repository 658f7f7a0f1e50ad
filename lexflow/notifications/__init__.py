"""Textract completion notifications (NotificationChannel: SNS topic → SQS queue → signal).

``NotificationConsumer`` long-polls the queue and sends each document's workflow the
``textract_completed`` signal; ``python -m lexflow.notifications`` runs one on its own.
"""

from lexflow.config import Settings
from lexflow.errors import ConfigError
from lexflow.notifications.consumer import (
    SIGNAL_NAME,
    ConsumerSettings,
    ConsumerStats,
    NotificationConsumer,
    Outcome,
    Signal,
    UnknownDocumentError,
    is_unknown_document,
    run_consumer,
    temporal_signaller,
    workflow_id_for,
)
from lexflow.notifications.messages import (
    TEXTRACT_APIS,
    MalformedNotificationError,
    TextractNotification,
    parse_notification,
)

__all__ = [
    "SIGNAL_NAME",
    "TEXTRACT_APIS",
    "ConsumerSettings",
    "ConsumerStats",
    "MalformedNotificationError",
    "NotificationConsumer",
    "Outcome",
    "Signal",
    "TextractNotification",
    "UnknownDocumentError",
    "consumer_settings",
    "is_unknown_document",
    "parse_notification",
    "run_consumer",
    "temporal_signaller",
    "workflow_id_for",
]


def consumer_settings(settings: Settings) -> ConsumerSettings:
    """The consumer's settings from lexflow's configuration (TEXTRACT_SQS_*).

    Raises:
        ConfigError: TEXTRACT_SQS_QUEUE_URL is not set.
    """
    if not settings.textract_sqs_queue_url:
        raise ConfigError("Textract notifications need TEXTRACT_SQS_QUEUE_URL")
    return ConsumerSettings(
        queue_url=settings.textract_sqs_queue_url,
        wait_time_seconds=settings.textract_sqs_wait_time_seconds,
        max_messages=settings.textract_sqs_max_messages,
        visibility_timeout_seconds=settings.textract_sqs_visibility_timeout_seconds,
    )
