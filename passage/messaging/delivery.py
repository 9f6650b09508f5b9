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
"""

import datetime
import logging
import random

from django.conf import settings
from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from .enums import AttemptOutcome, MessageStatus
from .gateways import PermanentError, TemporaryError, gateway_for
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


def claim(message_id) -> Message | None:
    """The message, now ``sending`` under this worker's lease, or None if it is not due (someone else holds it,
    it was sent, it waits for its next attempt)."""
    now = timezone.now()
    claimed = Message.objects.filter(_due(now), pk=message_id).update(
        status=S.SENDING, lease_until=now + lease(), attempts=F("attempts") + 1)
    if not claimed:
        return None
    return Message.objects.get(pk=message_id)


def deliver(message_id) -> str:
    """Claim the message, send it, record the outcome. Returns the status it was left in ("" if not claimed)."""
    message = claim(message_id)
    if message is None:
        return ""
    started = timezone.now()
    try:
        sent = gateway_for(message.channel).send(message)
    except PermanentError as exc:
        return _finish(message, started, AttemptOutcome.DEAD, error=str(exc))
    except TemporaryError as exc:
        return _finish(message, started, AttemptOutcome.RETRY, error=str(exc), retry_after=exc.retry_after)
    except Exception as exc:  # an unexpected failure of a gateway is retried like a temporary one
        log.exception("gateway %s failed on message %s", message.channel, message.pk)
        return _finish(message, started, AttemptOutcome.RETRY, error=f"{type(exc).__name__}: {exc}")
    return _finish(message, started, AttemptOutcome.SENT, provider_ref=sent.provider_ref)


@transaction.atomic
def _finish(message: Message, started, outcome: str, *, error: str = "", provider_ref: str = "",
            retry_after: float | None = None) -> str:
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
    MessageAttempt.objects.create(message_id=message.pk, number=message.attempts, started_at=started,
                                  finished_at=now, outcome=outcome, error=error)
    return fields["status"] if ours else ""


def due_ids(limit: int = 1000) -> list:
    return list(Message.objects.filter(_due(timezone.now())).order_by("next_attempt_at")
                .values_list("pk", flat=True)[:limit])


def sweep(limit: int = 1000) -> int:
    """Hand every due message to a worker (a task each). Returns how many."""
    from .tasks import deliver_message

    ids = due_ids(limit)
    for pk in ids:
        deliver_message.apply_async(args=[str(pk)], queue=settings.MESSAGING_QUEUE)
    return len(ids)


def backlog_age(now=None) -> float:
    """Seconds the oldest message still waiting to go out has waited (0 when none waits)."""
    now = now or timezone.now()
    oldest = Message.objects.filter(status__in=[S.QUEUED, S.SENDING]).aggregate(m=Min("created_at"))["m"]
    return max((now - oldest).total_seconds(), 0.0) if oldest else 0.0
