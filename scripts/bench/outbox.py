"""The outbox under a charter's departure (issue 4 §6), end to end through the real parts on this machine.

A charter of BENCH_CHARTER_PASSENGERS (default 250) passengers — households of one to four, each passenger with
their own mobile (consent recorded) in one of the migrants' languages, living in one of five reception centres —
is built through the services (booked, ticketed, everyone reported, checked in and boarded). Then, with

- two Celery workers (one ``celery worker --concurrency=2``, prefork, as production runs it) on RabbitMQ,
- the SMPP connector (``manage.py smpp_connector``) bound to a real SMSC (the ``smpp34`` server, this process),
- a webhook receiver (this process, HTTP/1.1) as the reception centres' and the national return service's
  endpoints,

the movements officer confirms the charter's departure (one transaction: every booking and case departed, a
"departed" SMS per passenger, a signed webhook per passenger to the return service and to their centre). The
clock runs from the moment the officer's request starts until the SMSC has accepted every part of every SMS and
the receiver has had every webhook (by its id); target ≤ 30 s.

Then the drain: BENCH_DRAIN_MESSAGES (default 3,000) SMS committed at once in the migrants' languages (a third
of them two-part UCS-2), drained by the connector to the SMSC; target ≥ 100 messages a second.

Its own database (BENCH_OUTBOX_DATABASE, default ``passage_bench_outbox``), rebuilt every run; prints markdown.
Run through ``scripts/bench.sh`` (``make bench``; ``BENCH_ONLY=outbox make bench`` runs only this).
"""

import os
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
DB = os.environ.get("BENCH_OUTBOX_DATABASE", "passage_bench_outbox")
BROKER = os.environ.get("BENCH_BROKER", "amqp://guest:guest@127.0.0.1:5672//")
PASSENGERS = int(os.environ.get("BENCH_CHARTER_PASSENGERS") or 250)
DRAIN = int(os.environ.get("BENCH_DRAIN_MESSAGES") or 3000)
SMPP_RATE, SMPP_WINDOW, SMPP_BATCH = (os.environ.get("BENCH_SMPP_RATE", "1000"),
                                      os.environ.get("BENCH_SMPP_WINDOW", "20"), os.environ.get("BENCH_SMPP_BATCH", "100"))
WORKER_CONCURRENCY = os.environ.get("BENCH_WORKERS", "2")
TIMEOUT = 180.0
QUEUE = f"passage-bench-{uuid.uuid4().hex[:8]}"

sys.path.insert(0, str(ROOT / "passage" / "messaging" / "tests"))
from smsc import Smsc  # noqa: E402  (the SMSC of the tests: smpp34's server)

SMSC = Smsc().start()
SMSC.receipts = "DELIVRD"

os.environ.update({
    "DJANGO_SETTINGS_MODULE": "passage.settings.test", "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
    # the workers', the connector's and this process's settings: a real broker, SMS left to the connector
    "PASSAGE_TEST_WORKER": "1", "CELERY_BROKER_URL": BROKER, "PASSAGE_TEST_QUEUE": QUEUE,
    "PASSAGE_TEST_DATABASE": DB, "PASSAGE_TEST_SMSC_PORT": str(SMSC.port), "PASSAGE_TEST_SMPP_RATE": SMPP_RATE,
    "PASSAGE_TEST_SMPP_WINDOW": SMPP_WINDOW, "PASSAGE_TEST_SMPP_BATCH": SMPP_BATCH, "DB_CONN_MAX_AGE": "60"})

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

LANGUAGES = ["ar", "ka", "ru", "fa", "en", "ti", "sq", "tr", "mn", "fr"]


class Receiver(BaseHTTPRequestHandler):
    """A partner's endpoint: takes every webhook, remembers its id (``webhook-id``), answers 204."""

    protocol_version = "HTTP/1.1"
    seen: set[str] = set()
    requests = 0
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("content-length") or 0))
        with Receiver.lock:
            Receiver.requests += 1
            Receiver.seen.add(self.headers.get("webhook-id", ""))
        self.send_response(204)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def recreate_database() -> None:
    import psycopg

    connection.close()
    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DB}"')
    call_command("migrate", verbosity=0)


def build_charter(receiver_url: str):
    """The charter and everyone on it, boarded (the charter tests' steps); returns (officer, charter, households)."""
    from passage.accounts.enums import Role
    from passage.messaging.enums import PartnerEvent
    from passage.messaging.gateways.webhook import new_secret
    from passage.messaging.models import WebhookEndpoint
    from passage.movements import services
    from passage.movements.enums import CharterStatus as C
    from passage.movements.tests.conftest import ready_household
    from passage.movements.tests.test_charters import BOARDED, desk, new_charter, on_charter
    from passage.people.models import Person, Phone
    from passage.reference.enums import PartnerKind
    from passage.reference.models import Language
    from passage.testing.factories import (
        MissionFactory,
        PartnerLocationFactory,
        PartnerOrganisationFactory,
        UserFactory,
        WorkPostFactory,
    )

    for code in LANGUAGES:
        Language.objects.get_or_create(code=code, defaults={"name": code})
    mission = MissionFactory(code="NL", name="Netherlands mission", country="NL")
    post = WorkPostFactory(mission=mission)
    counsellor = UserFactory(mission=mission, role=Role.COUNSELLOR, work_posts=[post])
    officer = UserFactory(mission=mission, role=Role.MOVEMENTS)
    service = PartnerLocationFactory(organisation=PartnerOrganisationFactory(
        name="National return service", kind=PartnerKind.RETURN_SERVICE), name="Return service, The Hague")
    centres = [PartnerLocationFactory(name=f"Reception centre {i}") for i in range(5)]
    for location in [service, *centres]:
        WebhookEndpoint.objects.create(location=location, mission=mission, url=f"{receiver_url}/{location.pk}",
                                       secret=new_secret(), events=[PartnerEvent.PERSON_DEPARTED],
                                       created_at=timezone.now())
    charter = new_charter(officer, seats=PASSENGERS + 10, reference="CH-BENCH", days=1)
    placed, household = 0, 0
    while placed < PASSENGERS:  # the tests' households and charter steps, with a phone, a language, a centre each
        size = min(1 + household % 4, PASSENGERS - placed)
        case = ready_household(counsellor, post, family_name=f"Family{household}",
                               children=tuple(f"Member{i}" for i in range(1, size)))
        for i, member in enumerate(case.members.select_related("person").order_by("pk")):
            Person.objects.filter(pk=member.person_id).update(
                preferred_language_id=LANGUAGES[(placed + i) % len(LANGUAGES)],
                residence_location=centres[household % len(centres)])
            Phone.objects.create(person=member.person, mission=mission, number=f"+3161{placed + i:07d}",
                                 sms_consent=True, sms_consent_at=timezone.now())
        booking = on_charter(officer, case, charter, pnr=f"CH{household:04d}", first_ticket=2350000000000 + placed)
        desk(officer, booking, *[BOARDED] * size)
        placed += size
        household += 1
    services.charter_transition(actor=officer, charter=charter, to_status=C.CONFIRMED)
    return officer, charter, household


def start(args, log_name):
    log = open(ROOT / "var" / log_name, "w")
    return subprocess.Popen(args, cwd=ROOT, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT)


def wait_until(done, what: str) -> float:
    deadline = time.monotonic() + TIMEOUT
    while not done():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench outbox: {what} not done within {TIMEOUT:g} s")
        time.sleep(0.05)  # a look costs the database little; more often would take the CPU from what is measured
    return time.monotonic()


def main() -> int:
    from passage.messaging.encoding import segments
    from passage.messaging.enums import Channel
    from passage.messaging.enums import MessageStatus as MS
    from passage.messaging.models import Message
    from passage.messaging.services import message_queue
    from passage.messaging.sms_texts import DEFAULTS
    from passage.movements import services
    from passage.movements.enums import CharterStatus as C

    (ROOT / "var").mkdir(exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    receiver_url = f"http://127.0.0.1:{server.server_address[1]}/hooks"

    began = time.monotonic()
    recreate_database()
    officer, charter, households = build_charter(receiver_url)
    # What the bookings said on the way (flight booked, …) is not what is measured: out of the way, as sent.
    Message.objects.exclude(status=MS.SENT).update(status=MS.SENT, sent_at=timezone.now())
    before = set(Message.objects.values_list("pk", flat=True))
    built = time.monotonic() - began

    celery = str(Path(sys.executable).with_name("celery"))
    workers = start([celery, "-A", "passage", "worker", "--pool=prefork", f"--concurrency={WORKER_CONCURRENCY}",
                     "-Q", QUEUE, "--loglevel=warning", "-n", f"bench-{QUEUE}@%h"], "bench-outbox-workers.log")
    connector = start([sys.executable, "manage.py", "smpp_connector"], "bench-outbox-connector.log")
    try:
        wait_until(lambda: SMSC.binds >= 1, "the connector's bind")
        time.sleep(3)  # the workers' start-up (forking, the broker's consumer) is not part of the departure
        submits_before = len(SMSC.accepted())

        # ---- the charter departs
        profile = None
        if os.environ.get("BENCH_PROFILE"):  # where the officer's request spends its time: var/bench-departure.prof
            import cProfile
            profile = cProfile.Profile()
        t0 = time.monotonic()
        if profile:
            profile.enable()
        move = services.charter_transition(actor=officer, charter=charter, to_status=C.DEPARTED)
        committed = time.monotonic()
        if profile:
            profile.disable()
            profile.dump_stats(ROOT / "var" / "bench-departure.prof")
        new = Message.objects.exclude(pk__in=before)
        sms = list(new.filter(channel=Channel.SMS).values_list("pk", "body"))
        hooks = set(str(pk) for pk in new.filter(channel=Channel.WEBHOOK).values_list("pk", flat=True))
        sms_ids = [pk for pk, _ in sms]
        expected_parts = submits_before + sum(len(segments(body).chunks) for _, body in sms)
        t_sms = wait_until(lambda: len(SMSC.accepted()) >= expected_parts and not Message.objects.filter(
            pk__in=sms_ids).exclude(status__in=[MS.SENT, MS.DELIVERED]).exists(), "the departure's SMS")
        t_hooks = wait_until(lambda: hooks <= Receiver.seen, "the departure's webhooks")
        end = max(t_sms, t_hooks)
        # The receiver has them all; the workers may still be writing down the last answers.
        wait_until(lambda: not Message.objects.filter(channel=Channel.WEBHOOK, status__in=[MS.QUEUED, MS.SENDING])
                   .exists(), "recording the webhooks")
        duplicates = Receiver.requests - len(Receiver.seen)
        hook_states = dict.fromkeys(MS.values, 0)
        for status in Message.objects.filter(pk__in=[uuid.UUID(h) for h in hooks]).values_list("status", flat=True):
            hook_states[status] += 1

        # ---- the drain
        texts = [DEFAULTS["flight_booked"][lang] for lang in LANGUAGES]
        with transaction.atomic():
            drained = [message_queue(channel=Channel.SMS, recipient=f"+3162{i:07d}", kind="flight_booked",
                                     mission_id=officer.mission_id, body=texts[i % len(texts)], language="",
                                     dedupe_key=f"bench-drain:{i}").pk for i in range(DRAIN)]
        d0 = time.monotonic()
        # nothing else is on its way now: "none queued or sending" is the drain's end (a cheap look, not 3,000 ids)
        wait_until(lambda: not Message.objects.filter(status__in=[MS.QUEUED, MS.SENDING]).exists(), "the drain")
        d1 = time.monotonic()
        time.sleep(2)  # the last receipts
        drain_states = list(Message.objects.filter(pk__in=drained).values_list("status", flat=True))
        drain_delivered = sum(1 for s in drain_states if s == MS.DELIVERED)
        drain_sent = sum(1 for s in drain_states if s in (MS.SENT, MS.DELIVERED))
        drain_parts = sum(len(segments(texts[i % len(texts)]).chunks) for i in range(DRAIN))
    finally:
        for process in (workers, connector):
            process.terminate()
        for process in (workers, connector):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        server.shutdown()
        SMSC.close()

    total = end - t0
    rate = DRAIN / (d1 - d0)
    print(f"outbox bench: charter of {PASSENGERS} passengers in {households} households built in {built:.0f} s; "
          f"workers: celery --concurrency={WORKER_CONCURRENCY} on RabbitMQ; connector: SMPP_RATE={SMPP_RATE} "
          f"window={SMPP_WINDOW} batch={SMPP_BATCH}")
    print()
    print("| what | figure | target |")
    print("|---|---|---|")
    print(f"| charter departure: the officer's request (the transaction, {len(move.departed)} bookings) | "
          f"{committed - t0:.2f} s | |")
    print(f"| … every SMS accepted by the SMSC ({len(sms)} SMS, {expected_parts - submits_before} parts) | "
          f"{t_sms - t0:.2f} s | |")
    print(f"| … every webhook at the receiver ({len(hooks)}; {duplicates} duplicates) | {t_hooks - t0:.2f} s | |")
    print(f"| **charter departure, end to end** | **{total:.2f} s** | ≤ 30 s |")
    print(f"| outbox drain to the SMSC ({DRAIN} SMS, {drain_parts} parts; {drain_sent} sent, {drain_delivered} "
          f"delivered by receipt) | **{rate:.0f} msg/s** ({drain_parts / (d1 - d0):.0f} parts/s) | ≥ 100 msg/s |")
    if SMSC.receipt_errors:
        print(f"\n(the SMSC's receipts not taken by the connector in time: {SMSC.receipt_errors})")
    ok = (total <= 30 and rate >= 100 and drain_sent == DRAIN and hook_states[MS.SENT] == len(hooks)
          and len(sms) == PASSENGERS)
    if not ok:
        print(f"outbox bench: a target was missed or a message was not sent (webhooks by status: {hook_states}; "
              f"SMS {len(sms)} of {PASSENGERS})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
