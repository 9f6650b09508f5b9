"""Writing outbox events. Only inside the transaction of the change that causes them."""

from django.db import transaction
from django.utils import timezone

from .enums import OutboxEventType
from .models import OutboxEvent

_ALLOWED_PAYLOAD = (int, str, type(None))


def outbox_write(*, event_type: str, mission_id: int, dedupe_key: str, case_id: int | None = None,
                 booking_id: int | None = None, payload: dict | None = None) -> OutboxEvent:
    """One pending event, in the caller's transaction: rolled back with it, committed with it.

    The payload holds ids and codes only (ints, short strings); anything else is a programming error."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_write runs inside the transaction of the change it reports")
    if event_type not in OutboxEventType.values:
        raise ValueError(f"unknown outbox event type {event_type!r}")
    payload = dict(payload or {})
    for key, value in payload.items():
        if not isinstance(value, _ALLOWED_PAYLOAD) or (isinstance(value, str) and len(value) > 40):
            raise ValueError(f"outbox payload {key!r} must be an id or a short code")
    now = timezone.now()
    return OutboxEvent.objects.create(event_type=event_type, mission_id=mission_id, dedupe_key=dedupe_key,
                                      case_id=case_id, booking_id=booking_id, payload=payload, available_at=now,
                                      created_at=now)
