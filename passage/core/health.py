"""Health of the parts Passage needs: the database and the task queue; the age of the outbox's backlog."""

from django.conf import settings
from django.db import connection


def database_state() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "down", with the reason
        return False, f"down: {exc.__class__.__name__}"


def queue_state() -> tuple[bool, str]:
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return True, "eager"
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, "ok"
    except Exception as exc:  # noqa: BLE001
        return False, f"down: {exc.__class__.__name__}"


def outbox_backlog_seconds() -> int:
    from passage.messaging.delivery import backlog_age

    return int(backlog_age())
