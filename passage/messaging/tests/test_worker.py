"""A real Celery worker process on the test's database and a real broker — RabbitMQ with PostgreSQL (production's
pair), the SQLite broker with SQLite (the quick start's): a message committed by a change reaches the worker
through the broker; one whose task was lost is found by the worker's own periodic sweep (Celery beat)."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection, transaction

from passage.messaging.enums import MessageStatus as S
from passage.messaging.models import Message
from passage.messaging.services import message_queue

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]


def worker_env(broker: str, queue: str) -> dict:
    """The settings of a process of this test: the test's database, the real broker, the test's own queue."""
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "passage.settings.test", "PASSAGE_TEST_WORKER": "1",
            "CELERY_BROKER_URL": broker, "PASSAGE_TEST_QUEUE": queue,
            "PASSAGE_TEST_DATABASE": connection.settings_dict["NAME"]}


def start_worker(broker: str, queue: str, *, beat: bool, log: Path) -> subprocess.Popen:
    env = worker_env(broker, queue)
    command = [str(Path(sys.executable).with_name("celery")), "-A", "passage", "worker", "--pool=solo",
               "--concurrency=1", "--loglevel=info", "-Q", queue, "--without-gossip", "--without-mingle",
               # A node name of its own: two runs on one RabbitMQ (another worktree's, CI's) otherwise both claim
               # the exclusive pidbox queue "celery@<host>.celery.pidbox" and the second worker dies at start.
               "-n", f"{queue}@%h"]
    if beat:
        command += ["-B", "-s", str(log.with_suffix(".beat"))]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


def wait_until_sent(ids, worker, log: Path, seconds=90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if set(Message.objects.filter(pk__in=ids).values_list("status", flat=True)) == {S.SENT}:
            return
        assert worker.poll() is None, f"the worker stopped:\n{log.read_text()[-3000:]}"
        time.sleep(0.3)
    raise AssertionError(f"not sent in {seconds} s: {list(Message.objects.values_list('status', flat=True))}\n"
                         f"{log.read_text()[-3000:]}")


def stop(worker):
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def test_a_committed_message_reaches_a_real_worker_through_the_broker(mission, broker, queue_name, tmp_path):
    """Two processes as in production: one commits a change with its message (``message_queue``: the task goes to
    the broker after the commit), the worker carries it out."""
    log = tmp_path / "worker.log"
    worker = start_worker(broker, queue_name, beat=False, log=log)
    try:
        code = ("from django.db import transaction\n"
                "from passage.messaging.services import message_queue\n"
                "with transaction.atomic():\n"
                f"    m = message_queue(channel='sms', recipient='+31612345678', kind='flight_booked', "
                f"mission_id={mission.pk}, body='TK1952 AMS 10:00')\n"
                "print(m.pk)\n")
        web = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, capture_output=True,
                             text=True, timeout=120, env=worker_env(broker, queue_name))
        assert web.returncode == 0, web.stderr
        message_id = uuid.UUID(web.stdout.strip().splitlines()[-1])
        wait_until_sent([message_id], worker, log)
        assert Message.objects.get().provider_ref == f"console:{message_id}"
    finally:
        stop(worker)


def test_a_message_whose_task_was_lost_is_found_by_the_workers_sweep(mission, broker, queue_name, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setattr("passage.messaging.services._hand_to_worker", lambda *args: None)
    with transaction.atomic():
        ids = [message_queue(channel="sms", recipient="+31612345678", kind="reminder", mission_id=mission.pk).pk
               for _ in range(5)]
    assert set(Message.objects.values_list("status", flat=True)) == {S.QUEUED}
    worker = start_worker(broker, queue_name, beat=True, log=tmp_path / "worker.log")
    try:
        wait_until_sent(ids, worker, tmp_path / "worker.log")
    finally:
        stop(worker)


