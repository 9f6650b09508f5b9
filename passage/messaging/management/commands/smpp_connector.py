"""``manage.py smpp_connector``: the SMS channel's one long-running process, holding one bind to the SMSC
(``messaging.smpp``). Run exactly one per SMSC account; SIGTERM / SIGINT stop it cleanly (what it holds is
recorded or given back, then it unbinds)."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from passage.messaging import smpp


class Command(BaseCommand):
    help = "Send the outbox's SMS through one SMPP 3.4 bind to the SMSC, with receipts, until stopped."

    def handle(self, *args, **options):
        if smpp.CHANNEL not in settings.MESSAGING_CONNECTOR_CHANNELS:
            raise CommandError("The SMS channel is not the connector's: set MESSAGING_CONNECTOR_CHANNELS to "
                               "include 'sms' (production: PASSAGE_SMS_GATEWAY=smpp), or the Celery workers "
                               "would send SMS too.")
        if not settings.SMPP_SYSTEM_ID:
            raise CommandError("SMPP_SYSTEM_ID is empty: the SMSC account to bind as is needed.")
        stop = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stop.set())
        self.stdout.write(f"SMPP connector for {settings.SMPP_HOST}:{settings.SMPP_PORT} "
                          f"as {settings.SMPP_SYSTEM_ID}, at most {settings.SMPP_RATE:g} submit_sm/s")
        connector = smpp.run(stop=stop)
        self.stdout.write(f"stopped after {connector.binds} bind(s)")
