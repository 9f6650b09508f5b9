"""The gateways messages leave through, one small layer per channel (``settings.MESSAGING_GATEWAYS``: channel →
class path). A gateway sends one message and answers ``Sent`` or raises ``TemporaryError`` (try again later,
perhaps after ``retry_after`` seconds) or ``PermanentError`` (trying again cannot help). Everything else —
claiming, retries, back-off, giving up, the history — is ``messaging.delivery``'s."""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass
class Sent:
    """The gateway or the receiver took the message; ``provider_ref`` is its own id for it (for receipts)."""

    provider_ref: str = ""


class GatewayError(Exception):
    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class TemporaryError(GatewayError):
    """Down, throttled, timed out, 5xx: the message goes back to the queue."""


class PermanentError(GatewayError):
    """Refused for good (an invalid number, an endpoint that is gone): the message is dead at once."""


class Gateway:
    channel = ""

    def send(self, message) -> Sent:  # pragma: no cover - the interface
        raise NotImplementedError


@cache
def gateway_for(channel: str) -> Gateway:
    try:
        path = settings.MESSAGING_GATEWAYS[channel]
    except KeyError:
        raise PermanentError(f"no gateway configured for the channel {channel!r}") from None
    return import_string(path)()
