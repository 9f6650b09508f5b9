"""The movements personas: SMS follow bookings. The real broker a test's Celery worker uses (test_worker.py)."""

import uuid

import pytest
from django.db import connection

from passage.movements.tests.conftest import movements_officer, operations_officer, ready_case  # noqa: F401


@pytest.fixture
def broker(tmp_path):
    """RabbitMQ with PostgreSQL (production's pair), the SQLite broker with SQLite (the quick start's)."""
    if connection.vendor == "postgresql":
        return "amqp://guest:guest@127.0.0.1:5672//"
    return f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"


@pytest.fixture
def queue_name():
    """A queue of the test's own: no other run's worker takes its tasks."""
    return f"passage-test-{uuid.uuid4().hex[:8]}"
