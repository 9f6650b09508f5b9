"""Carrying messages out: claimed once, sent, recorded; temporary errors retried after an exponential back-off
with jitter (and the receiver's Retry-After); dead after the last attempt or a permanent error, replayable by
hand; a worker that died mid-way is overtaken once its lease runs out; receipts; the sweep; the backlog's age."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from passage.audit.models import AuditEvent
from passage.core.errors import ServiceError
from passage.messaging import delivery
from passage.messaging.enums import MessageStatus as S
from passage.messaging.models import Message, MessageAttempt
from passage.messaging.services import message_queue, message_replay, receipt_record
from passage.testing.factories import MissionFactory, UserFactory

from .gateways import ScriptedGateway

pytestmark = pytest.mark.django_db

GATEWAY = "passage.messaging.tests.gateways.ScriptedGateway"


@pytest.fixture(autouse=True)
def scripted(settings):
    settings.MESSAGING_GATEWAYS = {"sms": GATEWAY, "webhook": GATEWAY, "email": GATEWAY}
    settings.MESSAGING_MAX_ATTEMPTS = 3
    settings.MESSAGING_BACKOFF_BASE_SECONDS = 30
    settings.MESSAGING_BACKOFF_CAP_SECONDS = 3600
    delivery.gateway_for.cache_clear()
    ScriptedGateway.script, ScriptedGateway.sent = [], []
    yield ScriptedGateway
    delivery.gateway_for.cache_clear()


def queue(mission, **kwargs):
    with transaction.atomic():
        return message_queue(channel="sms", recipient="+31612345678", kind="flight_booked", mission_id=mission.pk,
                             body="Vlucht TK1952 ...", language="nl", case_id=7, **kwargs)


def due_now(message):
    """Let the clock reach the message's next attempt."""
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))


@pytest.mark.django_db(transaction=True)
def test_a_message_outside_a_transaction_is_refused(mission):
    with pytest.raises(RuntimeError):
        message_queue(channel="sms", recipient="+31612345678", kind="x", mission_id=mission.pk)
    assert not Message.objects.exists()


def test_a_message_is_sent_once_its_transaction_commits(
    mission, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(mission)
    row = Message.objects.get()
    assert (row.pk, row.status, row.attempts, row.provider_ref, row.lease_until) == (
        message.pk, S.SENT, 1, "ref-1", None)
    [attempt] = MessageAttempt.objects.all()
    assert (attempt.number, attempt.outcome, attempt.error) == (1, "sent", "")
    assert delivery.deliver(message.pk) == ""  # sent already: nothing to claim
    assert ScriptedGateway.sent == [message.pk]


def test_a_rolled_back_change_leaves_no_message_and_sends_nothing(mission, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ZeroDivisionError), transaction.atomic():
        message_queue(channel="sms", recipient="+31612345678", kind="x", mission_id=mission.pk)
        1 / 0  # noqa: B018 - the change fails after the message was written
    assert not Message.objects.exists() and ScriptedGateway.sent == []


def test_a_temporary_error_waits_an_exponential_back_off_with_jitter_then_succeeds(mission, scripted):
    message = queue(mission)
    scripted.script = ["temporary", "temporary"]
    before = timezone.now()
    assert delivery.deliver(message.pk) == S.QUEUED
    row = Message.objects.get()
    assert row.last_error == "SMSC throttled (ESME_RTHROTTLED)" and row.attempts == 1
    wait = (row.next_attempt_at - before).total_seconds()
    assert 15 <= wait <= 31  # base 30 s, equal jitter: between half and all of it
    assert delivery.deliver(message.pk) == ""  # not due yet: no worker may take it
    due_now(row)
    assert delivery.deliver(message.pk) == S.QUEUED
    wait = (Message.objects.get().next_attempt_at - timezone.now()).total_seconds()
    assert 29 <= wait <= 61  # the second wait doubles
    due_now(row)
    assert delivery.deliver(message.pk) == S.SENT
    assert list(MessageAttempt.objects.values_list("number", "outcome")) == [(1, "retry"), (2, "retry"), (3, "sent")]


def test_retry_after_from_the_receiver_is_honoured(mission, scripted):
    message = queue(mission)
    scripted.script = [("temporary", 900)]
    delivery.deliver(message.pk)
    assert (Message.objects.get().next_attempt_at - timezone.now()).total_seconds() > 890


def test_after_the_last_attempt_a_message_is_dead_with_its_error_and_staff_replay_it(mission, scripted,
                                                                                     mission_ge):
    message = queue(mission)
    scripted.script = ["temporary"] * 3
    for _ in range(3):
        due_now(message)
        delivery.deliver(message.pk)
    row = Message.objects.get()
    assert (row.status, row.attempts, row.last_error) == (S.DEAD, 3, "SMSC throttled (ESME_RTHROTTLED)")
    assert delivery.deliver(message.pk) == ""  # dead is not due
    stranger = UserFactory(mission=mission_ge, role="movements")
    with pytest.raises(ServiceError):
        message_replay(actor=stranger, message=row)
    officer = UserFactory(mission=mission, role="movements")
    replayed = message_replay(actor=officer, message=row)
    assert (replayed.status, replayed.attempts) == (S.QUEUED, 0)
    assert AuditEvent.objects.get(object_type="messaging.message").changes == {"status": ["dead", "queued"]}
    assert delivery.deliver(message.pk) == S.SENT
    assert MessageAttempt.objects.filter(message=row).count() == 4  # the history keeps every round
    with pytest.raises(ServiceError) as exc:
        message_replay(actor=officer, message=row)
    assert "this one is “Sent”" in exc.value.message


def test_a_permanent_error_is_dead_at_once(mission, scripted):
    message = queue(mission)
    scripted.script = ["permanent"]
    assert delivery.deliver(message.pk) == S.DEAD
    assert Message.objects.get().last_error == "invalid destination address"


def test_an_unexpected_gateway_failure_is_retried_not_lost(mission, scripted):
    message = queue(mission)
    scripted.script = [ConnectionResetError("peer reset")]
    assert delivery.deliver(message.pk) == S.QUEUED
    assert Message.objects.get().last_error == "ConnectionResetError: peer reset"


def test_a_worker_that_died_after_claiming_is_overtaken_once_its_lease_runs_out(mission):
    message = queue(mission)
    first = delivery.claim(message.pk)  # this worker then dies: nothing recorded
    assert first.status == S.SENDING and delivery.claim(message.pk) is None  # held: nobody else takes it
    Message.objects.filter(pk=message.pk).update(lease_until=timezone.now() - datetime.timedelta(seconds=1))
    assert delivery.due_ids() == [message.pk]
    assert delivery.deliver(message.pk) == S.SENT
    row = Message.objects.get()
    assert (row.status, row.attempts) == (S.SENT, 2)
    # The overtaken worker comes back late: what it records changes nothing.
    assert delivery._finish(first, timezone.now(), "retry", error="late") == ""
    assert Message.objects.get().status == S.SENT


def test_the_sweep_hands_every_due_message_to_a_worker(mission, scripted):
    waiting = [queue(mission) for _ in range(3)]
    later = queue(mission)
    Message.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + datetime.timedelta(hours=1))
    assert delivery.sweep() == 3  # eager tasks in the tests: delivered here
    assert sorted(map(str, scripted.sent)) == sorted(str(m.pk) for m in waiting)
    assert Message.objects.get(pk=later.pk).status == S.QUEUED


def test_the_back_off_grows_to_its_cap_and_never_below_half(settings):
    class Fixed:
        def __init__(self, x):
            self.x = x

        def uniform(self, a, b):
            return a + (b - a) * self.x

    for attempt, ceiling in [(1, 30), (2, 60), (5, 480), (8, 3600), (20, 3600)]:
        assert delivery.backoff(attempt, rng=Fixed(0)) == ceiling / 2
        assert delivery.backoff(attempt, rng=Fixed(1)) == ceiling


def test_a_receipt_marks_a_sent_message_delivered_or_failed(mission):
    first, second = queue(mission), queue(mission)
    delivery.deliver(first.pk)
    delivery.deliver(second.pk)
    ref1, ref2 = (Message.objects.get(pk=m.pk).provider_ref for m in (first, second))
    assert receipt_record(channel="sms", provider_ref=ref1, delivered=True).status == S.DELIVERED
    assert receipt_record(channel="sms", provider_ref=ref2, delivered=False, error="UNDELIV").status == S.FAILED
    assert Message.objects.get(pk=second.pk).last_error == "UNDELIV"
    assert receipt_record(channel="sms", provider_ref="nobody", delivered=True) is None
    assert receipt_record(channel="sms", provider_ref=ref1, delivered=False) is None  # delivered stays delivered
    # Each receipt that changed a message is in its history (numbered as the attempt it answers) and audited;
    # the ones that changed nothing wrote nothing.
    assert list(MessageAttempt.objects.filter(message=first).values_list("number", "outcome", "error")) == [
        (1, "sent", ""), (1, "delivered", "")]
    assert list(MessageAttempt.objects.filter(message=second).values_list("number", "outcome", "error")) == [
        (1, "sent", ""), (1, "failed", "UNDELIV")]
    assert sorted(AuditEvent.objects.filter(object_type="messaging.message").values_list("summary", flat=True)) == [
        "delivery receipt for sms message flight_booked", "delivery receipt for sms message flight_booked: UNDELIV"]


def test_the_backlog_age_is_the_oldest_waiting_message(mission):
    assert delivery.backlog_age() == 0.0
    message = queue(mission)
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=5))
    assert 299 <= delivery.backlog_age() <= 302
    delivery.deliver(message.pk)
    assert delivery.backlog_age() == 0.0


def test_a_message_of_another_mission_is_not_replayed(mission):
    other = MissionFactory(code="MA", name="Morocco", country="MA")
    with transaction.atomic():
        message = message_queue(channel="sms", recipient="+212600000000", kind="x", mission_id=other.pk)
    Message.objects.filter(pk=message.pk).update(status=S.DEAD)
    with pytest.raises(ServiceError):
        message_replay(actor=UserFactory(mission=mission, role="movements"), message=message)
    assert Message.objects.get().status == S.DEAD


def test_a_channel_its_connector_carries_gets_no_task(mission, settings, django_capture_on_commit_callbacks):
    settings.MESSAGING_CONNECTOR_CHANNELS = {"sms"}
    with django_capture_on_commit_callbacks() as callbacks:
        queue(mission)
        with transaction.atomic():
            message_queue(channel="email", recipient="coa@example.org", kind="x", mission_id=mission.pk)
    assert len(callbacks) == 1  # the e-mail's task only: the SMPP connector claims SMS from the table


def test_the_sweep_leaves_a_message_whose_task_is_on_its_way_then_hands_it_over_again(mission, settings):
    settings.MESSAGING_SWEEP_GRACE_SECONDS = 60
    message = queue(mission)
    Message.objects.filter(pk=message.pk).update(enqueued_at=timezone.now())  # its task went to the broker
    assert delivery.sweep() == 0
    Message.objects.filter(pk=message.pk).update(enqueued_at=timezone.now() - datetime.timedelta(seconds=61))
    assert delivery.sweep() == 1  # the task was lost: handed over again (and sent, eager in the tests)
    assert Message.objects.get().status == S.SENT


def test_a_transactions_messages_go_to_the_broker_together_once_it_commits(mission, django_capture_on_commit_callbacks):
    def email(n):
        return message_queue(channel="email", recipient=f"coa{n}@example.org", kind="x", mission_id=mission.pk)

    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            kept = [email(1), email(2)]
            with pytest.raises(ZeroDivisionError), transaction.atomic():  # a savepoint rolled back: its message too
                email(3)
                1 / 0  # noqa: B018
            kept.append(email(4))
            assert ScriptedGateway.sent == []  # nothing before the commit
    assert sorted(ScriptedGateway.sent) == sorted(m.pk for m in kept)
    assert Message.objects.filter(enqueued_at__isnull=False).count() == 3 and Message.objects.count() == 3
    stamps = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "enqueued_at" in q["sql"]]
    assert len(stamps) == 1  # the transaction's messages stamped together, not one UPDATE each
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            later = email(5)
    assert ScriptedGateway.sent[3:] == [later.pk]  # the next transaction hands over only its own


def test_a_batch_of_receipts_writes_its_history_and_audit_rows_in_as_many_queries_whatever_its_size(mission):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from passage.messaging.services import receipts_record

    def batch(n):
        messages = [queue(mission) for _ in range(n)]
        for message in messages:
            delivery.deliver(message.pk)
        refs = [Message.objects.get(pk=m.pk).provider_ref for m in messages]
        receipts = [(ref, i % 2 == 0, "" if i % 2 == 0 else "UNDELIV") for i, ref in enumerate(refs)]
        with CaptureQueriesContext(connection) as queries:
            changed = receipts_record(channel="sms", receipts=[*receipts, receipts[0]])  # one repeated
        return messages, changed, len(queries)

    small, changed_small, queries_small = batch(2)
    large, changed_large, queries_large = batch(6)
    assert (len(changed_small), len(changed_large), queries_small) == (2, 6, queries_large)
    outcomes = MessageAttempt.objects.filter(message__in=large).exclude(outcome="sent")
    assert sorted(outcomes.values_list("outcome", "error")) == [("delivered", "")] * 3 + [("failed", "UNDELIV")] * 3
    assert AuditEvent.objects.filter(object_id__in=[str(m.pk) for m in large]).count() == 6
