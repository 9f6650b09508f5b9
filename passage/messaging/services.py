"""Writing outbox events and messages — only inside the transaction of the change that causes them — and the
few things staff and gateways do to a message afterwards (replay a dead one, a delivery receipt)."""

import threading

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.audit.enums import AuditAction
from passage.audit.services import audit_record
from passage.core.errors import ServiceError

from .enums import Channel, MessageStatus, OutboxEventType, SmsKind
from .models import Message, OutboxEvent, SmsTemplate

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


_handed = threading.local()  # per thread (a connection is per thread): the ids waiting for their commit


def _hand_to_worker(message_id, channel: str = "") -> None:
    """After the commit (never for a rolled-back message), a task per message; if the broker is down the sweep
    picks the message up later, so a failure to enqueue loses nothing. A channel its own connector process carries
    (SMS over SMPP, ``MESSAGING_CONNECTOR_CHANNELS``) gets no task: the connector claims it from the table.

    The transaction's messages go to the broker together, when it commits (``_enqueue_handed``): one connection to
    the broker and one UPDATE of ``enqueued_at`` for a charter's 500 webhooks, not 500 of each."""
    if channel in settings.MESSAGING_CONNECTOR_CHANNELS:
        return
    if not hasattr(_handed, "ids"):
        _handed.ids = []
    _handed.ids.append(message_id)
    transaction.on_commit(_enqueue_handed)  # the first to run takes them all; the others find none


def _enqueue_handed() -> None:
    """The messages handed to the workers, to the broker. An id whose savepoint was rolled back may be among them:
    its task finds no message and does nothing."""
    import logging

    from .tasks import deliver_message

    ids, _handed.ids = getattr(_handed, "ids", []), []
    if not ids:
        return
    sent = []
    try:
        with deliver_message.app.producer_or_acquire() as producer:
            for message_id in ids:
                deliver_message.apply_async(args=[str(message_id)], queue=settings.MESSAGING_QUEUE,
                                            producer=producer)
                sent.append(message_id)
    except Exception:  # the broker is down: the rows wait for the sweep
        logging.getLogger(__name__).warning("could not enqueue %d of %d messages; the sweep will",
                                            len(ids) - len(sent), len(ids))
    if sent:
        Message.objects.filter(pk__in=sent).update(enqueued_at=timezone.now())


def message_queue(*, channel: str, recipient: str, kind: str, mission_id: int, body: str = "", language: str = "",
                  case_id: int | None = None, person_id: int | None = None, event: OutboxEvent | None = None,
                  dedupe_key: str = "", language_wanted: str = "", blocked: str = "", id=None) -> Message:
    """One message to one recipient, in the caller's transaction, handed to a worker once it commits.

    With a ``dedupe_key`` the same cause reaches the same recipient once: a second call returns the first
    message. ``blocked`` (the reason) records the message as never to be sent (no consent), for staff to see."""
    _in_transaction("message_queue")
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    if dedupe_key and (same := Message.objects.filter(channel=channel, recipient=recipient,
                                                       dedupe_key=dedupe_key).first()):
        same.is_new = False
        return same
    now = timezone.now()
    message = Message.objects.create(
        **({"id": id} if id is not None else {}), channel=channel, recipient=recipient, kind=kind, mission_id=mission_id, body=body, language=language,
        case_id=case_id, person_id=person_id, event=event, created_at=now, next_attempt_at=now,
        dedupe_key=dedupe_key, language_wanted=language_wanted,
        status=S.BLOCKED if blocked else S.QUEUED, last_error=blocked[:300])
    if not blocked:
        _hand_to_worker(message.pk, channel)
    message.is_new = True
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
    _hand_to_worker(locked.pk, locked.channel)
    return locked


def receipt_record(*, channel: str, provider_ref: str, delivered: bool, error: str = "") -> Message | None:
    """A delivery receipt from the gateway: a sent message becomes delivered, or failed with the reason (with its
    history and audit rows, see ``receipts_record``). A receipt for a message we do not know (or no longer sent: a
    repeated receipt) changes nothing and writes nothing."""
    return receipts_record(channel=channel, receipts=[(provider_ref, delivered, error)]).get(provider_ref)


@transaction.atomic
def receipts_record(*, channel: str, receipts: list[tuple[str, bool, str]]) -> dict[str, Message]:
    """Delivery receipts — (provider_ref, delivered, error) — applied in one transaction: two queries and an
    UPDATE per outcome whatever their number (an SMSC sends one per part, hundreds a second under a backlog),
    then one INSERT each of the changed messages' history rows (``MessageAttempt``, outcome ``delivered`` /
    ``failed`` with the reason, numbered as the attempt the receipt answers) and of their audit rows.
    The first receipt of a message decides; the others, and those of messages we do not know or that are no
    longer "sent", change nothing and write nothing. Returns the messages changed, by provider_ref."""
    from passage.audit.services import audit_record_many

    from .enums import AttemptOutcome
    from .models import MessageAttempt

    refs = list(dict.fromkeys(ref for ref, _delivered, _error in receipts if ref))
    if not refs:
        return {}
    found = {m.provider_ref: m for m in Message.objects.select_for_update().filter(
        channel=channel, provider_ref__in=refs, status=S.SENT)}
    now, changed, outcomes = timezone.now(), {}, {}
    for ref, delivered, error in receipts:
        message = found.get(ref)
        if message is None or ref in changed:
            continue
        if delivered:
            message.status, message.delivered_at = S.DELIVERED, now
        else:
            message.status, message.last_error = S.FAILED, (error or "")[:300]
        changed[ref] = message
        outcomes.setdefault((message.status, message.last_error), []).append(message.pk)
    for (status, error), ids in outcomes.items():
        fields = {"delivered_at": now} if status == S.DELIVERED else {"last_error": error}
        Message.objects.filter(pk__in=ids, status=S.SENT).update(status=status, **fields)
    if not changed:
        return changed
    delivered = {m.pk for m in changed.values() if m.status == S.DELIVERED}
    MessageAttempt.objects.bulk_create([
        MessageAttempt(message_id=m.pk, number=m.attempts, started_at=now, finished_at=now,
                       outcome=AttemptOutcome.DELIVERED if m.pk in delivered else AttemptOutcome.FAILED,
                       error="" if m.pk in delivered else m.last_error) for m in changed.values()])
    audit_record_many([
        {"actor": None, "action": AuditAction.TRANSITION, "obj": m, "mission_id": m.mission_id, "case_id": m.case_id,
         "summary": f"delivery receipt for {channel} message {m.kind}" + ("" if m.pk in delivered
                                                                           else f": {m.last_error}"),
         "changes": {"status": [S.SENT, m.status]}} for m in changed.values()])
    return changed


def _require_template_edit(actor) -> None:
    from passage.accounts.permissions import Action, user_can

    if not user_can(actor, Action.SMS_TEMPLATE_EDIT) or not actor.mission_id:
        raise ServiceError(_("You are not allowed to do this."))


@transaction.atomic
def sms_template_save(*, actor, kind: str, language: str, text: str, version: int | None) -> SmsTemplate:
    """The mission's own text for one kind and language: checked (placeholders of this kind only), saved over the
    version the editor started from — a stale version is refused, nothing overwritten. Audited with the old and
    the new text."""
    from passage.core.errors import ConcurrentEditError

    from .sms import template_errors
    from .sms_texts import LANGUAGES

    _require_template_edit(actor)
    if kind not in SmsKind.values or language not in LANGUAGES:
        raise ServiceError(_("There is no such SMS text."))
    text = (text or "").strip()
    if errors := template_errors(kind, text):
        raise ServiceError(_("Please correct the marked fields."), field_errors={"text": " ".join(errors)})
    row = SmsTemplate.objects.select_for_update().filter(mission_id=actor.mission_id, kind=kind,
                                                         language=language).first()
    now = timezone.now()
    if row is None:
        if version not in (None, 0):
            raise ConcurrentEditError(_("Someone else reset this text meanwhile. Your text is kept below: save again."))
        row = SmsTemplate.objects.create(mission_id=actor.mission_id, kind=kind, language=language, text=text,
                                         updated_by=actor, updated_at=now)
        before = None
    else:
        if version != row.version:
            raise ConcurrentEditError(_("Someone else changed this text meanwhile. Your text is kept below: look at "
                                        "theirs, then save again."))
        before = row.text
        row.text, row.version, row.updated_by, row.updated_at = text, row.version + 1, actor, now
        row.save(update_fields=["text", "version", "updated_by", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE if before is not None else AuditAction.CREATE, obj=row,
                 mission_id=actor.mission_id, summary=f"SMS text {kind} ({language})",
                 changes={"text": [before, text]})
    return row


@transaction.atomic
def sms_template_reset(*, actor, kind: str, language: str) -> None:
    """Back to the default text: the mission's own is removed (audited, with the text it had)."""
    _require_template_edit(actor)
    row = SmsTemplate.objects.select_for_update().filter(mission_id=actor.mission_id, kind=kind,
                                                         language=language).first()
    if row is None:
        return
    audit_record(actor=actor, action=AuditAction.DELETE, obj=row, mission_id=actor.mission_id,
                 summary=f"SMS text {kind} ({language}) back to the default", changes={"text": [row.text, None]})
    row.delete()


# ---------------------------------------------------------------- partners' endpoints


def _require_partner_admin(actor) -> None:
    from passage.accounts.permissions import Action, user_can

    if not user_can(actor, Action.PARTNER_DELIVERY_MANAGE) or not actor.mission_id:
        raise ServiceError(_("You are not allowed to do this."))


def _endpoint_checks(url: str, events) -> tuple[str, list[str]]:
    from django.core.exceptions import ValidationError
    from django.core.validators import URLValidator

    from .enums import PartnerEvent

    url = (url or "").strip()
    errors = {}
    try:
        URLValidator(schemes=["https"] if settings.WEBHOOK_REQUIRE_HTTPS else ["http", "https"])(url)
    except ValidationError:
        errors["url"] = (_("Give the endpoint's https:// address.") if settings.WEBHOOK_REQUIRE_HTTPS
                         else _("Give the endpoint's http:// or https:// address."))
    events = sorted(set(events or []))
    if not events:
        errors["events"] = _("Choose at least one event.")
    elif unknown := [e for e in events if e not in PartnerEvent.values]:
        errors["events"] = _("Unknown events: %(events)s.") % {"events": ", ".join(unknown)}
    if errors:
        raise ServiceError(_("Please correct the marked fields."), field_errors=errors)
    return url, events


@transaction.atomic
def endpoint_create(*, actor, location, url: str, events) -> tuple:
    """A webhook endpoint for a partner location, with a fresh secret: returned once, for the partner."""
    from .gateways.webhook import new_secret
    from .models import WebhookEndpoint

    _require_partner_admin(actor)
    url, events = _endpoint_checks(url, events)
    secret = new_secret()
    endpoint = WebhookEndpoint.objects.create(location=location, mission_id=actor.mission_id, url=url,
                                              secret=secret, events=events, created_at=timezone.now())
    audit_record(actor=actor, action=AuditAction.CREATE, obj=endpoint, mission_id=actor.mission_id,
                 summary=f"webhook endpoint for {location}", changes={"url": [None, url], "events": [None, events]})
    return endpoint, secret


def _endpoint_locked(actor, endpoint):
    from .models import WebhookEndpoint

    locked = WebhookEndpoint.objects.select_for_update().filter(pk=endpoint.pk, mission_id=actor.mission_id).first()
    if locked is None:
        raise ServiceError(_("This endpoint does not exist or you may not see it."))
    return locked


@transaction.atomic
def endpoint_update(*, actor, endpoint, url: str, events, version: int):
    from passage.core.errors import ConcurrentEditError

    _require_partner_admin(actor)
    locked = _endpoint_locked(actor, endpoint)
    if version != locked.version:
        raise ConcurrentEditError()
    url, events = _endpoint_checks(url, events)
    before = {"url": locked.url, "events": locked.events}
    locked.url, locked.events, locked.version = url, events, locked.version + 1
    locked.save(update_fields=["url", "events", "version"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, mission_id=actor.mission_id,
                 summary=f"webhook endpoint of {locked.location}",
                 changes={"url": [before["url"], url], "events": [before["events"], events]})
    return locked


@transaction.atomic
def endpoint_rotate_secret(*, actor, endpoint) -> tuple:
    """A new secret; the previous one keeps signing beside it for ``WEBHOOK_ROTATION_DAYS`` so the partner can
    switch without losing a message. Returns the endpoint and the new secret (shown once). The secrets are not
    in the audit row."""
    import datetime

    from .gateways.webhook import new_secret

    _require_partner_admin(actor)
    locked = _endpoint_locked(actor, endpoint)
    secret = new_secret()
    until = timezone.now() + datetime.timedelta(days=settings.WEBHOOK_ROTATION_DAYS)
    locked.previous_secret, locked.previous_secret_until, locked.secret = locked.secret, until, secret
    locked.version += 1
    locked.save(update_fields=["previous_secret", "previous_secret_until", "secret", "version"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, mission_id=actor.mission_id,
                 summary=f"webhook secret rotated for {locked.location}",
                 changes={"previous_secret_until": [None, until.isoformat()]})
    return locked, secret


@transaction.atomic
def endpoint_set_active(*, actor, endpoint, active: bool):
    _require_partner_admin(actor)
    locked = _endpoint_locked(actor, endpoint)
    before = locked.active
    locked.active = active
    if active:
        locked.disabled_at, locked.disabled_reason = None, ""
    else:
        locked.disabled_at, locked.disabled_reason = timezone.now(), _("Switched off by %(who)s") % {"who": actor}
    locked.version += 1
    locked.save(update_fields=["active", "disabled_at", "disabled_reason", "version"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, mission_id=actor.mission_id,
                 summary=f"webhook endpoint {'enabled' if active else 'disabled'}", changes={"active": [before, active]})
    return locked


@transaction.atomic
def endpoint_test(*, actor, endpoint) -> Message:
    """A test event to the endpoint (``test.ping``, no data), so the partner sees a signed message arrive."""
    import uuid

    from .partners import cloudevent

    _require_partner_admin(actor)
    locked = _endpoint_locked(actor, endpoint)
    message_id = uuid.uuid4()
    return message_queue(id=message_id, channel=Channel.WEBHOOK, recipient=f"endpoint:{locked.pk}", kind="test.ping",
                         mission_id=actor.mission_id,
                         body=cloudevent(message_id=message_id, event_type="test.ping",
                                         mission_code=actor.mission.code, data={}))


@transaction.atomic
def location_email_set(*, actor, location, email: str):
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from passage.reference.models import PartnerLocation

    _require_partner_admin(actor)
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ServiceError(_("Please correct the marked fields."),
                               field_errors={"email": _("Give a valid e-mail address.")}) from None
    locked = PartnerLocation.objects.select_for_update().get(pk=location.pk)
    before = locked.email
    locked.email = email
    locked.save(update_fields=["email"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, mission_id=actor.mission_id,
                 summary=f"notification e-mail of {locked}", changes={"email": [before, email]})
    return locked
