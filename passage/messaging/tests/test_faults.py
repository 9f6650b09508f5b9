"""Faults the outbox survives, with real processes and a real HTTP receiver: a worker killed between sending and
recording, 100 times over — every message arrives at least once and the receiver drops the duplicates by id; the
receiver down for a while — the work goes on, the backlog drains once it is back, nothing lost."""

import os
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connections, transaction

from passage.messaging import delivery
from passage.messaging.enums import MessageStatus as S
from passage.messaging.models import Message, MessageAttempt
from passage.messaging.services import message_queue

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver:
    """A partner's endpoint on 127.0.0.1: records the ``webhook-id`` of every POST; answers ``status``."""

    def __init__(self):
        self.ids: list[str] = []
        self.status = 200
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                self.rfile.read(int(self.headers.get("content-length") or 0))
                if outer.status == 200:
                    outer.ids.append(self.headers["webhook-id"])
                self.send_response(outer.status)
                self.send_header("x-receipt", f"r{len(outer.ids)}")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    r = Receiver()
    gateway = "passage.messaging.tests.gateways.ReceiverGateway"
    settings.MESSAGING_GATEWAYS = {"sms": gateway, "webhook": gateway, "email": gateway}
    settings.MESSAGING_TEST_RECEIVER = r.url
    delivery.gateway_for.cache_clear()
    yield r
    r.close()
    delivery.gateway_for.cache_clear()


@pytest.fixture
def lost_tasks(monkeypatch):
    """Committed messages whose tasks were lost (the broker never got them): only the sweep finds them."""
    monkeypatch.setattr("passage.messaging.services._hand_to_worker", lambda *args: None)

    def write(mission, n):
        with transaction.atomic():
            return [message_queue(channel="webhook", recipient="endpoint:1", kind="person.departed",
                                  mission_id=mission.pk, case_id=i) for i in range(n)]

    return write


def killed_after_sending(message_id) -> int:
    """A worker process that claims the message, sends it, and is killed before it records the send."""
    connections.close_all()  # the child opens its own connection; it must not share ours
    pid = os.fork()
    if pid == 0:  # the worker
        try:
            delivery._finish = lambda *args, **kwargs: os.kill(os.getpid(), signal.SIGKILL)
            delivery.deliver(message_id)
        finally:
            os._exit(3)  # not reached: killed while recording
    _pid, status = os.waitpid(pid, 0)
    return os.WTERMSIG(status) if os.WIFSIGNALED(status) else -os.WEXITSTATUS(status)


def test_a_worker_killed_between_sending_and_recording_100_times_loses_nothing(mission, receiver, settings,
                                                                             lost_tasks):
    settings.MESSAGING_LEASE_SECONDS = 0  # a dead worker's claim runs out at once
    messages = lost_tasks(mission, 100)
    for message in messages:
        assert killed_after_sending(message.pk) == signal.SIGKILL
    assert len(receiver.ids) == 100  # each went out once, and nothing recorded it
    assert set(Message.objects.values_list("status", flat=True)) == {S.SENDING}
    assert delivery.sweep() == 100  # the sweep overtakes the dead workers' claims
    assert set(Message.objects.values_list("status", flat=True)) == {S.SENT}
    assert set(Message.objects.values_list("attempts", flat=True)) == {2}
    # At least once: every message arrived, each exactly twice; by its id the receiver keeps one.
    sent = {str(m.pk) for m in messages}
    assert set(receiver.ids) == sent and len(receiver.ids) == 200
    assert all(receiver.ids.count(pk) == 2 for pk in sent)
    assert MessageAttempt.objects.filter(outcome="sent").count() == 100  # the killed attempts wrote nothing


def test_the_receiver_down_for_a_while_the_backlog_drains_once_it_is_back(mission, receiver, settings, lost_tasks):
    settings.MESSAGING_BACKOFF_BASE_SECONDS = 0  # retry at once, for the test
    settings.MESSAGING_SWEEP_GRACE_SECONDS = 0  # and sweep again at once
    receiver.status = 503
    messages = lost_tasks(mission, 20)
    for _round in range(3):
        delivery.sweep()
    assert set(Message.objects.values_list("status", flat=True)) == {S.QUEUED}
    assert receiver.ids == [] and delivery.backlog_age() > 0
    assert set(Message.objects.values_list("last_error", flat=True)) == {"HTTP 503"}
    receiver.status = 200
    assert delivery.sweep() == 20
    assert set(Message.objects.values_list("status", flat=True)) == {S.SENT}
    assert sorted(receiver.ids) == sorted(str(m.pk) for m in messages)
    assert delivery.backlog_age() == 0.0
