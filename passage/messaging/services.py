"""Writing outbox events and messages — only inside the transaction of the change that causes them — and the
few things staff and gateways do to a message afterwards (replay a dead one, a delivery receipt)."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.audit.enums import AuditAction
from passage.audit.services import audit_record
from passage.core.errors import ServiceError

from .enums import Channel, MessageStatus, OutboxEventType
from .models import Message, OutboxEvent

_ALLOWED_PAYLOAD = (int, str, type(None))
S = MessageStatus


def _in_transaction(what: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{what} runs inside the transaction of the change it reports")


def outbox_write(*, event_type: str, mission_id: int, dedupe_key: str, case_id: int | None = None,
                 booking_id: int | None = None, payload: dict | None = None) -> OutboxEvent:
    """One pending event, in the caller's transaction: rolled back with it, committed with it.

    The payload holds ids and codes only (ints, short strings); anything else is a programming error."""
    _in_transaction("outbox_write")
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


def _hand_to_worker(message_id) -> None:
    """After the commit (never for a rolled-back message), a task per message; if the broker is down the sweep
    picks the message up later, so a failure to enqueue loses nothing."""
    from .tasks import deliver_message

    def enqueue():
        try:
            deliver_message.apply_async(args=[str(message_id)], queue=settings.MESSAGING_QUEUE)
        except Exception:  # the broker is down: the row waits for the sweep
            import logging

            logging.getLogger(__name__).warning("could not enqueue message %s; the sweep will", message_id)

    transaction.on_commit(enqueue)


def message_queue(*, channel: str, recipient: str, kind: str, mission_id: int, body: str = "", language: str = "",
                  case_id: int | None = None, person_id: int | None = None,
                  event: OutboxEvent | None = None) -> Message:
    """One message to one recipient, in the caller's transaction, handed to a worker once it commits."""
    _in_transaction("message_queue")
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    now = timezone.now()
    message = Message.objects.create(channel=channel, recipient=recipient, kind=kind, mission_id=mission_id,
                                     body=body, language=language, case_id=case_id, person_id=person_id,
                                     event=event, created_at=now, next_attempt_at=now)
    _hand_to_worker(message.pk)
    return message


@transaction.atomic
def message_replay(*, actor, message: Message) -> Message:
    """Staff send a dead (or failed) message again: back to the queue with a fresh round of attempts; the old
    attempts stay in its history. Audited."""
    locked = Message.objects.select_for_update().filter(pk=message.pk, mission_id=actor.mission_id).first()
    if locked is None:
        raise ServiceError(_("This message does not exist or you may not see it."))
    if locked.status not in (S.DEAD, S.FAILED):
        raise ServiceError(_("Only a dead or failed message can be sent again; this one is “%(status)s”.") % {
            "status": S(locked.status).label})
    before = locked.status
    locked.status, locked.attempts, locked.next_attempt_at = S.QUEUED, 0, timezone.now()
    locked.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, mission_id=locked.mission_id,
                 case_id=locked.case_id, summary=f"replayed {locked.channel} message {locked.kind}",
                 changes={"status": [before, S.QUEUED]})
    _hand_to_worker(locked.pk)
    return locked


@transaction.atomic
def receipt_record(*, channel: str, provider_ref: str, delivered: bool, error: str = "") -> Message | None:
    """A delivery receipt from the gateway: a sent message becomes delivered, or failed with the reason. A receipt
    for a message we do not know (or no longer sent) changes nothing."""
    message = Message.objects.select_for_update().filter(channel=channel, provider_ref=provider_ref).first()
    if message is None or message.status != S.SENT:
        return None
    if delivered:
        message.status, message.delivered_at = S.DELIVERED, timezone.now()
    else:
        message.status, message.last_error = S.FAILED, (error or "")[:300]
    message.save(update_fields=["status", "delivered_at", "last_error"])
    return message
