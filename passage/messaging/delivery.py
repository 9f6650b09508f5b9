"""Carrying messages out: claim, send through the channel's gateway, record — at least once, never lost.

- **Claim** (``claim``): one conditional UPDATE moves a due message (``queued`` and ``next_attempt_at`` passed, or
  ``sending`` whose lease ran out) to ``sending`` with a lease and one more attempt. Two workers racing for one
  message: exactly one UPDATE matches (the row lock on PostgreSQL, the single writer on SQLite).
- **Send** outside any transaction: a slow gateway holds no lock.
- **Record** (``_finish``): only if the message is still ours (``sending`` at the attempt we claimed), with one
  history row. A worker that dies after sending and before recording leaves the message ``sending``; once the
  lease runs out the sweep claims it again and it is sent a second time, with the same ``id``: receivers drop
  duplicates by it. At least once, never silently lost.
- **Retry**: a temporary error puts it back to ``queued`` after an exponential back-off with jitter (at least the
  gateway's Retry-After); after ``MESSAGING_MAX_ATTEMPTS`` attempts, or on a permanent error, it is ``dead``.
- **Sweep** (``sweep``, every ``MESSAGING_SWEEP_SECONDS`` from Celery beat): hands every due message to a worker —
  what a lost task, a restarted broker or a dead worker left behind.
- A channel in ``MESSAGING_CONNECTOR_CHANNELS`` (``sms`` with the SMPP gateway) has its own long-running process
  (``messaging.smpp``) that claims and records its messages through the same ``claim_due`` / ``outcome_record``;
  the Celery tasks and the sweep leave them to it.
"""

import datetime
import logging
import random

from django.conf import settings
from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from .enums import AttemptOutcome, MessageStatus
from .gateways import PermanentError, Sent, TemporaryError, gateway_for
from .models import Message, MessageAttempt

log = logging.getLogger(__name__)
S = MessageStatus


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.MESSAGING_LEASE_SECONDS)


def backoff(attempt: int, *, rng=random) -> float:
    """Seconds to wait after the ``attempt``-th failed try: base × 2^(attempt-1), at most the cap, of which a random
    half ("equal jitter": retries of many messages spread out, none comes back at once)."""
    ceiling = min(settings.MESSAGING_BACKOFF_CAP_SECONDS,
                  settings.MESSAGING_BACKOFF_BASE_SECONDS * 2 ** max(attempt - 1, 0))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def _due(now) -> Q:
    return Q(status=S.QUEUED, next_attempt_at__lte=now) | Q(status=S.SENDING, lease_until__lt=now)


def _connector_channels() -> Q:
    """The messages a connector process carries out itself (not the Celery workers)."""
    return Q(channel__in=sorted(settings.MESSAGING_CONNECTOR_CHANNELS))


def claim(message_id, *, by_connector: bool = False) -> Message | None:
    """The message, now ``sending`` under this worker's lease, or None if it is not due (someone else holds it,
    it was sent, it waits for its next attempt) — or belongs to the other kind of worker: a Celery worker
    (``by_connector=False``) never claims a message of a connector's channel."""
    now = timezone.now()
    mine = _connector_channels() if by_connector else ~_connector_channels()
    claimed = Message.objects.filter(_due(now), mine, pk=message_id).update(
        status=S.SENDING, lease_until=now + lease(), attempts=F("attempts") + 1)
    if not claimed:
        return None
    return Message.objects.get(pk=message_id)


def claim_due(channel: str, limit: int) -> list[Message]:
    """A connector's batch: up to ``limit`` due messages of its ``channel``, claimed together like ``claim`` (one
    UPDATE for the batch; the lease's end, unique to this claim, tells which rows this UPDATE took)."""
    now = timezone.now()
    until = now + lease()
    ids = due_ids(limit, channel=channel)
    if not ids:
        return []
    Message.objects.filter(_due(now), _connector_channels(), pk__in=ids).update(
        status=S.SENDING, lease_until=until, attempts=F("attempts") + 1)
    return list(Message.objects.filter(pk__in=ids, status=S.SENDING, lease_until=until)
                .order_by("next_attempt_at", "created_at"))


def deliver(message_id) -> str:
    """Claim the message, send it, record the outcome. Returns the status it was left in ("" if not claimed)."""
    message = claim(message_id)
    if message is None:
        return ""
    started = timezone.now()
    try:
        result = gateway_for(message.channel).send(message)
    except Exception as exc:
        result = exc
    return outcome_record(message, started, result)


def outcome_record(message: Message, started, result: "Sent | Exception", *, history: list | None = None) -> str:
    """Record what the gateway answered for a claimed message — ``Sent``, or the exception it raised — the one way
    both the Celery workers and a connector process record an attempt. Returns the status it was left in ("" if
    the message was no longer ours). A caller recording a batch in one transaction passes ``history``: the
    attempt rows are added to it, for one ``bulk_create``, instead of written one by one."""
    kwargs = {"history": history}
    if isinstance(result, Sent):
        return _finish(message, started, AttemptOutcome.SENT, provider_ref=result.provider_ref, **kwargs)
    if isinstance(result, PermanentError):
        return _finish(message, started, AttemptOutcome.DEAD, error=str(result), **kwargs)
    if isinstance(result, TemporaryError):
        return _finish(message, started, AttemptOutcome.RETRY, error=str(result), retry_after=result.retry_after,
                       **kwargs)
    # An unexpected failure of a gateway is retried like a temporary one.
    log.error("gateway %s failed on message %s", message.channel, message.pk, exc_info=result)
    return _finish(message, started, AttemptOutcome.RETRY, error=f"{type(result).__name__}: {result}", **kwargs)


def release(message: Message, *, not_before: datetime.datetime) -> bool:
    """Give a claimed message back untried (a connector that stops, or pauses for a throttling SMSC, before it
    sends it): ``queued`` again from ``not_before``, its attempt not counted, no history row. Only while ours."""
    return bool(Message.objects.filter(pk=message.pk, status=S.SENDING, attempts=message.attempts).update(
        status=S.QUEUED, lease_until=None, attempts=F("attempts") - 1, next_attempt_at=not_before))


@transaction.atomic(savepoint=False)  # in a connector's batch transaction: no savepoint per message
def _finish(message: Message, started, outcome: str, *, error: str = "", provider_ref: str = "",
            retry_after: float | None = None, history: list | None = None) -> str:
    now = timezone.now()
    error = error[:300]
    if outcome == AttemptOutcome.SENT:
        fields = {"status": S.SENT, "sent_at": now, "provider_ref": provider_ref[:80], "last_error": ""}
    elif outcome == AttemptOutcome.RETRY and message.attempts < settings.MESSAGING_MAX_ATTEMPTS:
        wait = max(backoff(message.attempts), retry_after or 0)
        fields = {"status": S.QUEUED, "next_attempt_at": now + datetime.timedelta(seconds=wait), "last_error": error}
    else:
        outcome = AttemptOutcome.DEAD
        fields = {"status": S.DEAD, "last_error": error}
    # Only while the message is still ours: a worker whose lease ran out and was overtaken records nothing.
    ours = Message.objects.filter(pk=message.pk, status=S.SENDING, attempts=message.attempts).update(
        lease_until=None, **fields)
    attempt = MessageAttempt(message_id=message.pk, number=message.attempts, started_at=started, finished_at=now,
                             outcome=outcome, error=error)
    if history is None:
        attempt.save(force_insert=True)
    else:
        history.append(attempt)
    return fields["status"] if ours else ""


def due_ids(limit: int = 1000, *, channel: str | None = None) -> list:
    """The ids of due messages, oldest due first: of one ``channel`` (a connector's), or else of every channel the
    Celery workers carry out."""
    mine = Q(channel=channel) if channel else ~_connector_channels()
    return list(Message.objects.filter(_due(timezone.now()), mine).order_by("next_attempt_at")
                .values_list("pk", flat=True)[:limit])


def sweep(limit: int = 1000) -> int:
    """Hand every due message to a worker (a task each), except those of a connector's channel and those handed
    to the broker less than ``MESSAGING_SWEEP_GRACE_SECONDS`` ago (their task is still on its way: re-sending it
    every sweep would flood the queue under a backlog). Returns how many."""
    from .tasks import deliver_message

    now = timezone.now()
    grace = now - datetime.timedelta(seconds=settings.MESSAGING_SWEEP_GRACE_SECONDS)
    ids = list(Message.objects.filter(_due(now), ~_connector_channels())
               .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=grace))
               .order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    if ids:
        Message.objects.filter(pk__in=ids).update(enqueued_at=now)
    for pk in ids:
        deliver_message.apply_async(args=[str(pk)], queue=settings.MESSAGING_QUEUE)
    return len(ids)


def backlog_age(now=None) -> float:
    """Seconds the oldest message still waiting to go out has waited (0 when none waits)."""
    now = now or timezone.now()
    oldest = Message.objects.filter(status__in=[S.QUEUED, S.SENDING]).aggregate(m=Min("created_at"))["m"]
    return max((now - oldest).total_seconds(), 0.0) if oldest else 0.0
