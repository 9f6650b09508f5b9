"""Soak: PostgreSQL restarted under load, no acknowledged message lost (issue 4 §4).

A producer commits messages as fast as it can (each ``message_queue`` in its own transaction; a message is
*acknowledged* once its commit returned). A real Celery worker (RabbitMQ, with the outbox sweep in its beat) sends
them through the console gateway (SMS). Midway the PostgreSQL server is restarted. Afterwards every acknowledged message
must end ``sent``; commits refused while the server was down were never acknowledged and are only counted.

Run through ``make soak`` (it restarts this machine's PostgreSQL: never while other work uses it). The suite runs it
against a PostgreSQL server of its own, crashed and restarted (passage/messaging/tests/test_db_restart.py):
``SOAK_DATABASE_URL`` names the server and ``SOAK_RESTART`` the command that restarts it.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
URL = os.environ.get("SOAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/passage_soak")
DB = URL.rsplit("/", 1)[1]
RESTART = os.environ.get("SOAK_RESTART", "")
BROKER = os.environ.get("SOAK_BROKER", "amqp://guest:guest@127.0.0.1:5672//")
SECONDS = float(os.environ.get("SOAK_SECONDS", "40"))
RATE = float(os.environ.get("SOAK_RATE", "40"))  # messages a second the producer commits: the "load"
QUEUE = f"passage-soak-{uuid.uuid4().hex[:8]}"
os.environ.update({"DJANGO_SETTINGS_MODULE": "passage.settings.test", "PASSAGE_TEST_WORKER": "1",
                   "DATABASE_URL": URL, "CELERY_BROKER_URL": BROKER, "PASSAGE_TEST_QUEUE": QUEUE,
                   "PASSAGE_TEST_DATABASE": DB,
                   # the worker keeps its connection, as production does: it must notice the restart and reconnect
                   "DB_CONN_MAX_AGE": "60"})

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.utils import Error as DatabaseError  # noqa: E402

from passage.accounts.models import Mission  # noqa: E402
from passage.messaging.models import Message  # noqa: E402
from passage.messaging.services import message_queue  # noqa: E402


def restart_postgres() -> None:
    if RESTART:
        subprocess.run(RESTART, shell=True, check=True, stdout=subprocess.DEVNULL)
        return
    version = sorted(os.listdir("/etc/postgresql"))[0]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True)


def main() -> int:
    import psycopg

    with psycopg.connect(URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone():
            admin.execute(f'CREATE DATABASE "{DB}"')
    call_command("migrate", verbosity=0)
    mission, _ = Mission.objects.get_or_create(code="SOAK", defaults={"name": "Soak mission", "country": "NL"})
    Message.objects.filter(mission=mission).delete()
    log = open(ROOT / "var" / "soak-worker.log", "w") if (ROOT / "var").exists() else subprocess.DEVNULL
    worker = subprocess.Popen([str(Path(sys.executable).with_name("celery")), "-A", "passage", "worker", "-B",
                               "-s", f"/tmp/passage-soak-beat-{QUEUE}", "--pool=solo", "-Q", QUEUE, "--loglevel=warning",
                               "-n", f"{QUEUE}@%h"],  # a name of its own: another worker on the broker is not us
                              cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT)
    acknowledged, refused, restarted = [], 0, False
    started = time.monotonic()
    try:
        while time.monotonic() - started < SECONDS:
            if not restarted and time.monotonic() - started > SECONDS / 3:
                restart_postgres()
                restarted = True
            time.sleep(max(0.0, started + len(acknowledged) / RATE - time.monotonic()))
            try:
                with transaction.atomic():
                    m = message_queue(channel="sms", recipient="+31600000000", kind="soak",
                                      mission_id=mission.pk)
                acknowledged.append(m.pk)
            except DatabaseError:
                refused += 1
                connection.close()
                time.sleep(0.2)
        produced = time.monotonic()
        deadline = produced + 300
        while time.monotonic() < deadline:
            try:
                left = Message.objects.filter(pk__in=acknowledged).exclude(status="sent").count()
            except DatabaseError:
                connection.close()
                left = -1
            if left == 0:
                break
            time.sleep(1)
        drained = time.monotonic() - produced
        stored = Message.objects.filter(pk__in=acknowledged).count()
        sent = Message.objects.filter(pk__in=acknowledged, status="sent").count()
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    lost, unsent = len(acknowledged) - stored, stored - sent
    print(f"soak: {len(acknowledged)} messages acknowledged at ~{RATE:g}/s over {SECONDS:g} s, {refused} commits "
          f"refused while the server restarted; {stored} stored, {sent} sent ({drained:.0f} s after the last one), "
          f"{lost} lost, {unsent} not sent")
    return 0 if lost == 0 and unsent == 0 and restarted and acknowledged else 1


if __name__ == "__main__":
    sys.exit(main())
