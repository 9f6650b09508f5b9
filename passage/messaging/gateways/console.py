"""The quick start's gateway for every channel: the message is logged and kept as sent, so the outbox page shows
what would have gone out. Nothing leaves the machine."""

import logging

from . import Gateway, Sent

log = logging.getLogger("passage.messaging.console")


class ConsoleGateway(Gateway):
    def send(self, message) -> Sent:
        # The id and the kind only: numbers and texts stay in the database, not in log files.
        log.info("%s %s (%s) kept as sent", message.channel, message.id, message.kind)
        return Sent(provider_ref=f"console:{message.id}")
