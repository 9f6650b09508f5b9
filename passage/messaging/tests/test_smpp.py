"""The SMPP connector against a real SMSC (the ``smpp34`` server on 127.0.0.1, ``tests/smsc.py``): it binds,
sends GSM-7 and multi-part UCS-2 messages that reassemble at the SMSC, records each as sent with the SMSC's id,
applies delivery receipts, is retried after throttling and dead after a permanent refusal, keeps to its rate,
and — as a real process — rebinds after the SMSC went down and drains the backlog without losing a message."""

import datetime
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import smpp34
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from passage.messaging import delivery, smpp
from passage.messaging.encoding import UCS2, parts
from passage.messaging.enums import MessageStatus as S
from passage.messaging.models import Message, MessageAttempt
from passage.messaging.services import message_queue

from .smsc import Link, Smsc, TlsFront

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]
ARABIC = ("رحلتك إلى بغداد يوم الثلاثاء 8 ديسمبر الساعة 10:00 من مطار سخيبول. يرجى الحضور قبل ثلاث ساعات "
          "إلى المكتب في قاعة المغادرة. للمساعدة عند الوصول اتصل بالرقم المذكور.")


@pytest.fixture
def smsc():
    peer = Smsc().start()
    yield peer
    peer.close()


@pytest.fixture
def smpp_settings(settings, smsc):
    settings.MESSAGING_CONNECTOR_CHANNELS = {"sms"}
    settings.MESSAGING_GATEWAYS = {**settings.MESSAGING_GATEWAYS, "sms": "passage.messaging.smpp.SmppGateway"}
    settings.MESSAGING_BACKOFF_BASE_SECONDS = 0  # a retry is due at once, for the test
    settings.SMPP_HOST, settings.SMPP_PORT = "127.0.0.1", smsc.port
    settings.SMPP_SYSTEM_ID, settings.SMPP_PASSWORD = "passage", "secret"
    settings.SMPP_RATE = 500
    settings.SMPP_POLL_SECONDS = 0.05
    settings.SMPP_RESPONSE_TIMEOUT_SECONDS = 2.0
    settings.SMPP_RECONNECT_SECONDS = (0.05, 0.2)
    settings.SMPP_THROTTLE_SECONDS = (0.05, 0.2)
    delivery.gateway_for.cache_clear()
    yield settings
    delivery.gateway_for.cache_clear()


@pytest.fixture
def connector(smpp_settings):
    """The connector's loop in a thread of the test process (its own database connection), stopped at the end."""
    started = []

    def start():
        stop = threading.Event()
        worker = smpp.Connector(smpp.Config.from_settings(), stop=stop)

        def run():
            try:
                worker.run()
            finally:
                connections.close_all()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        started.append((stop, thread))
        return worker

    yield start
    for stop, thread in started:
        stop.set()
        thread.join(10)
        assert not thread.is_alive(), "the connector did not stop"


def queue(mission, bodies, *, first_number=31612000001) -> list[Message]:
    with transaction.atomic():
        return [message_queue(channel="sms", recipient=f"+{first_number + i}", kind="flight_booked",
                              mission_id=mission.pk, body=body, language="en") for i, body in enumerate(bodies)]


def wait_for(predicate, seconds=10.0, what="the condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"{what} not reached in {seconds} s: "
                         f"{list(Message.objects.values_list('status', 'attempts', 'last_error'))}")


def statuses() -> set:
    return set(Message.objects.values_list("status", flat=True))


def test_the_celery_workers_and_the_sweep_leave_sms_to_the_connector(mission, smpp_settings):
    smpp_settings.MESSAGING_GATEWAYS = {**smpp_settings.MESSAGING_GATEWAYS,
                                        "webhook": "passage.messaging.gateways.console.ConsoleGateway"}
    [sms] = queue(mission, ["TK1952 AMS 10:00"])  # its task ran (eager) and did not claim it
    with transaction.atomic():
        hook = message_queue(channel="webhook", recipient="endpoint:1", kind="person.departed",
                             mission_id=mission.pk)
    assert Message.objects.get(pk=sms.pk).status == S.QUEUED and Message.objects.get(pk=sms.pk).attempts == 0
    assert Message.objects.get(pk=hook.pk).status == S.SENT  # the console gateway, through the worker
    assert delivery.deliver(sms.pk) == "" and delivery.due_ids() == [] and delivery.sweep() == 0
    assert delivery.due_ids(channel="sms") == [sms.pk]
    assert delivery.claim(sms.pk, by_connector=True).status == S.SENDING


def test_a_connectors_batch_claims_only_due_messages_of_its_channel_once(mission, smpp_settings, monkeypatch):
    monkeypatch.setattr("passage.messaging.services._hand_to_worker", lambda *args: None)
    first, second, later = queue(mission, ["one", "two", "three"])
    Message.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now() + datetime.timedelta(minutes=5))
    with transaction.atomic():
        hook = message_queue(channel="webhook", recipient="endpoint:1", kind="person.departed",
                             mission_id=mission.pk)
    assert delivery.due_ids() == [hook.pk]  # due, but not the connector's
    claimed = delivery.claim_due("sms", 10)
    assert [m.pk for m in claimed] == [first.pk, second.pk]
    assert [(m.status, m.attempts) for m in claimed] == [(S.SENDING, 1), (S.SENDING, 1)]
    assert delivery.claim_due("sms", 10) == []  # held under their lease: nobody takes them again
    assert delivery.release(claimed[0], not_before=timezone.now())
    assert Message.objects.filter(pk=first.pk).values_list("status", "attempts").get() == (S.QUEUED, 0)
    assert [m.pk for m in delivery.claim_due("sms", 10)] == [first.pk]


def test_a_gsm7_message_is_bound_submitted_and_recorded_sent_with_the_smscs_id(mission, smsc, connector):
    [message] = queue(mission, ["Your flight TK1952 to Istanbul leaves Schiphol on 8 Dec at 10:00. Report at "
                                "desk 12 in the departure hall 3 hours before. Costs: 0 €"])
    worker = connector()
    wait_for(lambda: statuses() == {S.SENT}, what="sent")
    message.refresh_from_db()
    [submit] = smsc.submits
    assert (submit.destination, submit.source, submit.data_coding, submit.esm_class) == ("31612000001", "IOM", 0, 0)
    assert submit.registered_delivery == 1
    assert smsc.texts() == [("31612000001", message.body)]
    assert (message.provider_ref, message.attempts, message.last_error) == ("smsc-1", 1, "")
    assert list(message.history.values_list("number", "outcome")) == [(1, "sent")]
    assert smsc.binds == 1 and worker.binds == 1


def test_a_long_arabic_message_goes_in_ucs2_parts_that_reassemble_to_the_text(mission, smsc, connector):
    assert parts(ARABIC) == (UCS2, 3)
    [message] = queue(mission, [ARABIC])
    connector()
    wait_for(lambda: statuses() == {S.SENT}, what="sent")
    # in flight together (the window): the SMSC may take them in another order; the header numbers them
    assert sorted((s.data_coding, s.esm_class, s.udh[1:]) for s in smsc.submits) == [
        (8, 0x40, (3, 1)), (8, 0x40, (3, 2)), (8, 0x40, (3, 3))]
    assert len({s.udh[0] for s in smsc.submits}) == 1  # one reference for the three parts
    assert smsc.texts() == [("31612000001", ARABIC)]
    message.refresh_from_db()
    [first] = [s for s in smsc.submits if s.udh[2] == 1]
    assert message.provider_ref == first.message_id  # the first part's id names the message


@pytest.mark.parametrize(("stat", "status", "error"), [("DELIVRD", S.DELIVERED, ""),
                                                        ("UNDELIV", S.FAILED, "UNDELIV (err:001)"),
                                                        ("EXPIRED", S.FAILED, "EXPIRED (err:001)")])
def test_a_delivery_receipt_makes_the_message_delivered_or_failed_with_the_reason(mission, smsc, connector, stat,
                                                                                  status, error):
    smsc.receipts = stat
    messages = queue(mission, ["Reminder: your flight leaves tomorrow at 10:00.", ARABIC])
    connector()
    wait_for(lambda: statuses() == {status}, what=status)
    for message in Message.objects.filter(pk__in=[m.pk for m in messages]):
        assert message.last_error == error
        assert (message.delivered_at is not None) == (status == S.DELIVERED)


def test_a_long_message_is_delivered_once_every_part_is_and_failed_when_one_part_fails(mission, smsc, connector):
    def stat(submit):
        if submit.udh is None:
            return "DELIVRD"
        number = submit.udh[2]
        if submit.destination.endswith("1"):  # the first long message: its third part never confirmed
            return None if number == 3 else "DELIVRD"
        return "UNDELIV" if number == 2 else "DELIVRD"  # the second: its middle part undeliverable

    smsc.receipts = stat
    waiting, failing, short = queue(mission, [ARABIC, ARABIC, "Reminder: your flight leaves tomorrow at 10:00."])
    connector()
    wait_for(lambda: Message.objects.get(pk=short.pk).status == S.DELIVERED, what="the short one delivered")
    wait_for(lambda: Message.objects.get(pk=failing.pk).status == S.FAILED, what="the second failed")
    assert Message.objects.get(pk=failing.pk).last_error == "UNDELIV (err:001)"
    assert len(smsc.accepted()) == 7  # 3 + 3 + 1 parts, every receipt pushed and answered
    time.sleep(0.3)  # the loop has applied what came in
    waiting = Message.objects.get(pk=waiting.pk)
    assert (waiting.status, waiting.delivered_at) == (S.SENT, None)  # two of three parts are not the message


@pytest.fixture
def smsc_ca(tmp_path):
    """The SMSC's certificate authority, and the file the connector is told to trust."""
    import trustme

    ca = trustme.CA()
    path = tmp_path / "smsc-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return ca, str(path)


def test_over_tls_the_connector_checks_the_smscs_certificate_and_sends(mission, smsc, smsc_ca, smpp_settings,
                                                                      connector):
    ca, ca_file = smsc_ca
    front = TlsFront(smsc.port, ca.issue_cert("localhost"))
    smpp_settings.SMPP_HOST, smpp_settings.SMPP_PORT = "localhost", front.port
    smpp_settings.SMPP_TLS, smpp_settings.SMPP_TLS_CA_FILE = True, ca_file
    try:
        [message] = queue(mission, [ARABIC])
        connector()
        wait_for(lambda: statuses() == {S.SENT}, what="sent over TLS")
        assert smsc.texts() == [("31612000001", ARABIC)] and front.connections == 1
    finally:
        front.close()


@pytest.mark.parametrize("wrong", ["an authority the connector does not trust", "a certificate for another host"])
def test_an_smsc_whose_certificate_fails_the_check_is_never_bound_and_nothing_leaves(mission, smsc, smsc_ca,
                                                                                    smpp_settings, connector, wrong,
                                                                                    caplog):
    import trustme

    ca, ca_file = smsc_ca
    cert = trustme.CA().issue_cert("localhost") if wrong.startswith("an authority") else ca.issue_cert(
        "smsc.example.net")
    front = TlsFront(smsc.port, cert)
    smpp_settings.SMPP_HOST, smpp_settings.SMPP_PORT = "localhost", front.port
    smpp_settings.SMPP_TLS, smpp_settings.SMPP_TLS_CA_FILE = True, ca_file
    try:
        [message] = queue(mission, ["Reminder: your flight leaves tomorrow at 10:00."])
        worker = connector()
        refusals = lambda: [r for r in caplog.records if "TLS refused" in r.getMessage()]  # noqa: E731
        wait_for(lambda: len(refusals()) >= 2, what="the connector trying again")  # refused, tried again later
        assert "certificate verify failed" in refusals()[0].getMessage()
        assert worker.binds == 0 and front.connections == 0 and smsc.binds == 0 and smsc.submits == []
        message.refresh_from_db()
        assert (message.status, message.attempts) == (S.QUEUED, 0)  # waits in the outbox, no clear-text fall-back
    finally:
        front.close()


def test_throttling_answers_are_retried_later_and_nothing_is_lost(mission, smsc, connector):
    smsc.answers = [smpp34.ESME_RTHROTTLED, smpp34.ESME_RMSGQFUL, smpp34.ESME_RTHROTTLED]
    messages = queue(mission, [f"Appointment {i} on 9 Dec at 14:00" for i in range(5)])
    worker = connector()
    wait_for(lambda: statuses() == {S.SENT}, what="all sent")
    refused = [s for s in smsc.submits if s.answer != smpp34.ESME_ROK]
    assert len(refused) == 3
    # Every message went out once accepted; those refused went again in a later attempt.
    assert sorted(d for d, _t in smsc.texts()) == sorted(m.recipient.lstrip("+") for m in messages)
    retries = list(MessageAttempt.objects.filter(outcome="retry").values_list("error", flat=True))
    assert sorted(retries) == sorted(["SMSC refused: ESME_RTHROTTLED (0x00000058)"] * 2
                                     + ["SMSC refused: ESME_RMSGQFUL (0x00000014)"])
    assert MessageAttempt.objects.filter(outcome="sent").count() == 5
    assert sum(Message.objects.values_list("attempts", flat=True)) == 8  # 5 sent + 3 refused, nothing else counted
    assert worker.binds == 1  # throttling is not a broken link


def test_a_permanent_refusal_makes_the_message_dead_with_the_smscs_reason(mission, smsc, connector):
    smsc.answers = [smpp34.ESME_RINVDSTADR]
    [message] = queue(mission, ["Your flight is cancelled. We will call you."])
    connector()
    wait_for(lambda: statuses() == {S.DEAD}, what="dead")
    message.refresh_from_db()
    assert message.last_error == "SMSC refused: ESME_RINVDSTADR (0x0000000B)" and message.attempts == 1


def test_a_number_that_is_no_international_number_is_dead_without_reaching_the_smsc(mission, smsc, connector):
    with transaction.atomic():
        message_queue(channel="sms", recipient="06-not-a-number", kind="reminder", mission_id=mission.pk,
                      body="Reminder")
    connector()
    wait_for(lambda: statuses() == {S.DEAD}, what="dead")
    assert Message.objects.get().last_error == "not a valid international number" and smsc.submits == []


def test_the_connector_keeps_to_its_rate(mission, smsc, smpp_settings, connector):
    smpp_settings.SMPP_RATE = 20  # one submit_sm each 50 ms at most
    queue(mission, [f"Reminder {i}" for i in range(8)])
    connector()
    wait_for(lambda: statuses() == {S.SENT}, what="sent")
    arrivals = [s.at for s in smsc.submits]
    assert len(arrivals) == 8
    assert arrivals[-1] - arrivals[0] >= 7 / 20 * 0.9  # never faster than the rate (slower is allowed)


def test_enquire_link_keeps_an_idle_bind_alive(mission, smsc, smpp_settings, connector):
    smpp_settings.SMPP_ENQUIRE_LINK_SECONDS = 0.1
    worker = connector()
    wait_for(lambda: smsc.binds == 1, what="bound")
    time.sleep(1.0)  # ten enquire_link rounds, each answered by the SMSC, none missed
    queue(mission, ["Still there"])
    wait_for(lambda: statuses() == {S.SENT}, what="sent")
    assert worker.binds == 1 and smsc.binds == 1


def test_a_silent_link_is_found_by_enquire_link_and_rebound(mission, smsc, smpp_settings, connector):
    """Half-open: the connection stays up but nothing comes back. The unanswered enquire_link gives it away."""
    link = Link(smsc.port)
    smpp_settings.SMPP_PORT = link.port
    smpp_settings.SMPP_ENQUIRE_LINK_SECONDS = 0.2
    smpp_settings.SMPP_RESPONSE_TIMEOUT_SECONDS = 0.5
    try:
        worker = connector()
        wait_for(lambda: smsc.binds == 1, what="bound")
        link.silence()
        queue(mission, ["Your flight is tomorrow"])
        time.sleep(1.2)  # an enquire_link goes unanswered; the submit too
        link.restore_traffic()
        wait_for(lambda: statuses() == {S.SENT}, what="sent after rebinding")
        assert worker.binds >= 2
    finally:
        link.close()


@pytest.mark.skipif(not os.environ.get("DATABASE_URL"), reason="terminates PostgreSQL backends")
def test_the_database_dropping_the_connectors_connection_keeps_the_bind_and_loses_nothing(mission, smsc,
                                                                                         connector, caplog):
    """As a database restart looks to the connector: its connection is gone mid-work. The bind stays, the
    connector reconnects to the database, and every message still goes out and is recorded."""
    worker = connector()
    messages = queue(mission, ["before"], first_number=31614000000)
    wait_for(lambda: statuses() == {S.SENT}, what="sent")
    for round_ in range(3):
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            assert cursor.fetchone()[0] >= 1  # the connector's connection
        messages += queue(mission, [f"round {round_} {i}" for i in range(5)],
                          first_number=31614000100 + 100 * round_)
        wait_for(lambda: statuses() == {S.SENT}, what=f"round {round_} sent")
    assert caplog.text.count("database unavailable") >= 3  # each round, the connector found its connection gone
    assert worker.binds == 1 and smsc.binds == 1
    assert sorted(d for d, _t in smsc.texts()) == sorted(m.recipient.lstrip("+") for m in messages)


def test_the_connector_refuses_to_start_while_the_workers_own_sms(settings):
    """The quick start (console gateway, SMS through the Celery workers): a connector would send every SMS twice."""
    settings.MESSAGING_CONNECTOR_CHANNELS = set()
    with pytest.raises(CommandError, match="The SMS channel is not the connector's"):
        call_command("smpp_connector")


# -- a real connector process --------------------------------------------------------------------------------

def start_connector_process(port: int, log: Path, *, rate: int = 200) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "passage.settings.test", "PASSAGE_TEST_SMSC_PORT": str(port),
           "PASSAGE_TEST_SMPP_RATE": str(rate), "PASSAGE_TEST_DATABASE": connection.settings_dict["NAME"]}
    return subprocess.Popen([sys.executable, "manage.py", "smpp_connector"], cwd=ROOT, env=env,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)


@pytest.mark.parametrize("how", ["unbinds", "crashes"])
def test_the_smsc_down_mid_run_the_connector_rebinds_and_the_backlog_drains_nothing_lost(mission, smsc, tmp_path,
                                                                                       settings, how):
    """The SMSC goes down while messages flow — it unbinds and stops (a maintenance), or its connections drop
    without a word (its host died: the link between is cut) — stays down a while, and comes back."""
    settings.MESSAGING_CONNECTOR_CHANNELS = {"sms"}  # the test process's own tasks leave SMS alone too
    link = Link(smsc.port)
    log = tmp_path / "connector.log"
    process = start_connector_process(link.port, log, rate=40)
    try:
        first = queue(mission, [f"Flight booked {i}" for i in range(30)])
        wait_for(lambda: len(smsc.accepted()) >= 5, what="the first messages accepted")
        if how == "unbinds":
            smsc.stop()  # mid-run: the link drops with messages in flight and more waiting
        else:
            link.cut()
        during = queue(mission, [f"Flight changed {i}" for i in range(10)], first_number=31613000001)
        time.sleep(1.0)  # the SMSC stays down a while; case work goes on, the messages wait
        assert S.DEAD not in statuses() and S.QUEUED in statuses()
        assert process.poll() is None, log.read_text()
        if how == "unbinds":
            smsc.start()  # back on the same port
        else:
            link.restore()
        wait_for(lambda: statuses() == {S.SENT}, seconds=20, what="the backlog drained")
        assert process.poll() is None, log.read_text()
    finally:
        process.terminate()
        process.wait(10)
        link.close()
    assert process.returncode == 0, log.read_text()
    assert smsc.binds >= 2 and "stopped after" in log.read_text()
    # Nothing lost: every message reached the SMSC at least once (a part in flight when it went down may twice).
    reached = [d for d, _t in smsc.texts()]
    assert set(reached) == {m.recipient.lstrip("+") for m in first + during}
    assert not Message.objects.filter(status__in=[S.QUEUED, S.SENDING]).exists()
