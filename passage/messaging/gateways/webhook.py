"""Webhooks to partner endpoints, signed per the Standard Webhooks specification: headers ``webhook-id`` (the
message's stable id: the receiver drops duplicates by it), ``webhook-timestamp`` (seconds, when sent) and
``webhook-signature`` (``v1,<base64 HMAC-SHA256 of "id.timestamp.body">``; during a secret's rotation both the new
and the previous secret sign). The body is the CloudEvents JSON written with the message.

2xx is sent. 410 Gone disables the endpoint and tells the mission's administrators (by e-mail); the message is
dead. 429 waits at least its Retry-After. Anything else (5xx, other 4xx, a timeout, no answer) is tried again
later. Short timeouts: a slow partner never holds a worker for long. No redirects followed."""

import base64
import email.utils
import hashlib
import hmac
import secrets as _secrets
import time

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import Gateway, PermanentError, Sent, TemporaryError, http_client

SECRET_PREFIX = "whsec_"
LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=10)  # per worker process, over all partners


def new_secret() -> str:
    """A fresh signing secret in the Standard Webhooks form: ``whsec_`` + base64 of 24 random bytes."""
    return SECRET_PREFIX + base64.b64encode(_secrets.token_bytes(24)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: str) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    content = f"{message_id}.{timestamp}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def signing_secrets(endpoint, now=None) -> list[str]:
    now = now or timezone.now()
    keys = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_until and endpoint.previous_secret_until > now:
        keys.append(endpoint.previous_secret)
    return keys


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (seconds or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max((when - timezone.now()).total_seconds(), 0.0)


def _disable(endpoint, reason: str) -> None:
    """The endpoint is gone: off, with the reason, and the mission's administrators told by e-mail."""
    from passage.accounts.enums import Role
    from passage.accounts.models import User
    from passage.audit.enums import AuditAction
    from passage.audit.services import audit_record

    from ..enums import Channel
    from ..services import message_queue

    with transaction.atomic():
        type(endpoint).objects.filter(pk=endpoint.pk, active=True).update(
            active=False, disabled_at=timezone.now(), disabled_reason=reason[:200])
        audit_record(actor=None, action=AuditAction.UPDATE, obj=endpoint, mission_id=endpoint.mission_id,
                     summary=f"webhook endpoint disabled: {reason}", changes={"active": [True, False]})
        for admin in User.objects.filter(mission_id=endpoint.mission_id, role=Role.ADMIN, is_active=True).exclude(
                email=""):
            message_queue(channel=Channel.EMAIL, recipient=admin.email, kind="endpoint.disabled",
                          mission_id=endpoint.mission_id, dedupe_key=f"endpoint.disabled:{endpoint.pk}",
                          body=f"Passage disabled the webhook endpoint {endpoint.url} of {endpoint.location}: "
                               f"{reason}. Messages to it are no longer sent. Check it with the partner, then "
                               f"enable it again in the partner administration.")


class HttpWebhookGateway(Gateway):
    channel = "webhook"

    def send(self, message) -> Sent:
        from ..models import WebhookEndpoint

        endpoint_id = message.recipient.removeprefix("endpoint:")
        endpoint = WebhookEndpoint.objects.select_related("location").filter(pk=endpoint_id).first()
        if endpoint is None:
            raise PermanentError("the endpoint no longer exists")
        if not endpoint.active:
            raise PermanentError(f"the endpoint is disabled: {endpoint.disabled_reason}")
        timestamp = int(time.time())
        signature = " ".join(sign(key, str(message.pk), timestamp, message.body) for key in signing_secrets(endpoint))
        headers = {"content-type": "application/cloudevents+json; charset=utf-8", "webhook-id": str(message.pk),
                   "webhook-timestamp": str(timestamp), "webhook-signature": signature,
                   "user-agent": "Passage-Webhooks/1"}
        timeout = httpx.Timeout(settings.WEBHOOK_TIMEOUT_SECONDS, connect=settings.WEBHOOK_CONNECT_TIMEOUT_SECONDS)
        try:
            answer = http_client("webhook", limits=LIMITS).post(endpoint.url, content=message.body.encode(),
                                                                headers=headers, timeout=timeout)
        except httpx.TimeoutException:
            raise TemporaryError(f"no answer within {settings.WEBHOOK_TIMEOUT_SECONDS:g} s") from None
        except httpx.HTTPError as exc:
            raise TemporaryError(f"unreachable: {type(exc).__name__}") from None
        code = answer.status_code
        if 200 <= code < 300:
            return Sent(provider_ref=f"HTTP {code}")
        if code == 410:
            _disable(endpoint, "HTTP 410 Gone")
            raise PermanentError("HTTP 410 Gone: the endpoint was disabled")
        if code == 429:
            raise TemporaryError("HTTP 429 Too Many Requests", retry_after=retry_after(answer.headers.get("retry-after")))
        raise TemporaryError(f"HTTP {code}")
