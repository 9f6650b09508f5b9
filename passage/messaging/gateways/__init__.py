"""The gateways messages leave through, one small layer per channel (``settings.MESSAGING_GATEWAYS``: channel →
class path). A gateway sends one message and answers ``Sent`` or raises ``TemporaryError`` (try again later,
perhaps after ``retry_after`` seconds) or ``PermanentError`` (trying again cannot help). Everything else —
claiming, retries, back-off, giving up, the history — is ``messaging.delivery``'s."""

import os
from dataclasses import dataclass
from functools import cache

import httpx
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


_http_clients: dict[tuple[int, str], httpx.Client] = {}


def http_client(name: str, **options) -> httpx.Client:
    """This process's HTTP client ``name`` (one per gateway): connections kept alive, TLS set up once — a new client
    per message cost more than the request. A worker forked after one was made gets its own; its parent's are
    forgotten, never used (their sockets are the parent's). Redirects are never followed; timeouts are given per
    request, so a changed setting applies at once."""
    key = (os.getpid(), name)
    if key not in _http_clients:
        for other in [k for k in _http_clients if k[0] != key[0]]:
            del _http_clients[other]
        _http_clients[key] = httpx.Client(follow_redirects=False, **options)
    return _http_clients[key]


@cache
def gateway_for(channel: str) -> Gateway:
    try:
        path = settings.MESSAGING_GATEWAYS[channel]
    except KeyError:
        raise PermanentError(f"no gateway configured for the channel {channel!r}") from None
    return import_string(path)()
