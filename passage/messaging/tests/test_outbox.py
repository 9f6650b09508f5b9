"""Outbox rows: only inside a transaction, ids only, once per cause."""

import pytest
from django.db import IntegrityError, transaction

from passage.messaging.models import OutboxEvent
from passage.messaging.services import outbox_write

pytestmark = pytest.mark.django_db


def write(mission, **kwargs):
    return outbox_write(event_type="case.departed", mission_id=mission.pk, dedupe_key="booking:1", case_id=1,
                        booking_id=1, **kwargs)


def test_an_event_is_written_pending_with_a_uuid_and_ids_only(mission):
    with transaction.atomic():
        event = write(mission, payload={"case_id": 1, "booking_id": 1})
    row = OutboxEvent.objects.get()
    assert (row.pk, row.status, row.attempts, row.payload) == (event.pk, "pending", 0, {"case_id": 1,
                                                                                         "booking_id": 1})
    assert row.available_at == row.created_at


def test_the_same_cause_cannot_be_written_twice(mission):
    with transaction.atomic():
        write(mission)
    with pytest.raises(IntegrityError), transaction.atomic():
        write(mission)
    assert OutboxEvent.objects.count() == 1


def test_names_or_lists_are_refused_in_the_payload(mission):
    with pytest.raises(ValueError), transaction.atomic():
        write(mission, payload={"name": "BERIDZE Nino, Tbilisi, asylum application rejected in 2025"})
    with pytest.raises(ValueError), transaction.atomic():
        write(mission, payload={"persons": [1, 2]})


@pytest.mark.django_db(transaction=True)
def test_an_event_outside_a_transaction_is_refused(mission):
    with pytest.raises(RuntimeError):
        write(mission)
