"""SMS through a provider's HTTP API (``SMS_GATEWAY=http``), sent by the Celery workers like any message. The
contract is modelled on MessageBird's REST SMS API (docs/decisions/0018):

- **Send**: ``POST SMS_HTTP_URL`` with ``Authorization: <SMS_HTTP_AUTH_SCHEME> <SMS_HTTP_TOKEN>`` and the JSON
  ``{"originator", "recipients": ["+E164"], "body", "datacoding": "plain" | "unicode", "reference": <our message
  id>, "reportUrl": SMS_HTTP_RECEIPT_URL}``. The body goes whole; the provider cuts it into parts. The reference is
  the message's stable id: the same on every attempt, so the provider can drop a duplicate, and it comes back in
  the receipt.
- **Answers**: 2xx with the provider's ``id`` → ``Sent(id)``. 400 / 413 / 422 (the provider refuses this message:
  an invalid number, a text too long) → ``PermanentError`` with the provider's reason from ``{"errors": [{"code",
  "description", "parameter"}]}``. 429, 5xx, 401 / 403 / 404 (our configuration is wrong: the messages wait for
  it to be put right rather than die), any other answer, a timeout, no connection → ``TemporaryError``, waiting at
  least the Retry-After. Short timeouts; no redirects followed. A number that is not E.164 is refused before it
  is sent.
- **Receipts** (``receipt_verify``, ``receipt_parse``; the view ``views_receipts.http_receipt``): the provider
  POSTs ``{"id", "reference", "recipient", "status", "statusReason", "statusErrorCode", "statusDatetime"}`` to the
  receipt URL, signed per Standard Webhooks (``webhook-id``, ``webhook-timestamp``, ``webhook-signature``:
  ``v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` with ``SMS_HTTP_RECEIPT_SECRET``) — the scheme Passage's own
  webhooks use (decision 0014). ``delivered`` → delivered; ``delivery_failed`` / ``expired`` / ``rejected`` →
  failed with the reason; ``scheduled`` / ``sent`` / ``buffered`` are not final and change nothing.

Numbers and texts never go to the log; the message's id does."""

import base64
import dataclasses
import hashlib
import hmac
import json
import logging
import re
import time

import httpx
from django.conf import settings

from .. import encoding
from . import Gateway, PermanentError, Sent, TemporaryError, http_client
from .webhook import SECRET_PREFIX, retry_after

log = logging.getLogger("passage.messaging.http")

E164 = re.compile(r"\+[1-9][0-9]{6,14}")
# The provider refuses this very message: trying again cannot help. Any other refusal is ours to fix, or passes.
PERMANENT = {400, 413, 422}
DATACODING = {encoding.GSM7: "plain", encoding.UCS2: "unicode"}
FINAL = {"delivered": True, "delivery_failed": False, "expired": False, "rejected": False}
NOT_FINAL = {"scheduled", "sent", "buffered"}


def request_body(message) -> dict:
    """What the provider is asked to send: the text whole, in the encoding it needs (GSM-7 "plain" or UCS-2
    "unicode", as ``encoding`` decides for the SMPP connector and the template editor's part counter)."""
    return {"originator": settings.SMS_HTTP_SENDER, "recipients": [message.recipient], "body": message.body,
            "datacoding": DATACODING[encoding.encoding_of(message.body)], "reference": str(message.pk),
            "reportUrl": settings.SMS_HTTP_RECEIPT_URL}


def _reason(answer: httpx.Response) -> str:
    """The provider's own words for a refusal: its first error's description (code, parameter), else the text."""
    try:
        errors = answer.json().get("errors") or []
        first = errors[0]
        words = str(first.get("description") or first.get("message") or "").strip()
        details = ", ".join(str(first[k]) for k in ("code", "parameter") if first.get(k) not in (None, ""))
        if words:
            return f"{words} ({details})" if details else words
    except (ValueError, AttributeError, IndexError, KeyError, TypeError):
        pass
    return answer.text.strip()[:200] or answer.reason_phrase


def _provider_id(answer: httpx.Response) -> str:
    try:
        found = answer.json().get("id")
    except (ValueError, AttributeError):
        return ""
    return str(found) if isinstance(found, str | int) and str(found) else ""


class HttpSmsGateway(Gateway):
    channel = "sms"

    def send(self, message) -> Sent:
        if not E164.fullmatch(message.recipient):
            raise PermanentError("the number is not in the international form (E.164)")
        headers = {"authorization": f"{settings.SMS_HTTP_AUTH_SCHEME} {settings.SMS_HTTP_TOKEN}",
                   "content-type": "application/json", "accept": "application/json"}
        try:
            answer = http_client("sms", headers={"user-agent": "Passage-SMS/1"}).post(
                settings.SMS_HTTP_URL, headers=headers, content=json.dumps(request_body(message)).encode(),
                timeout=httpx.Timeout(settings.SMS_HTTP_TIMEOUT_SECONDS,
                                      connect=settings.SMS_HTTP_CONNECT_TIMEOUT_SECONDS))
        except httpx.TimeoutException:
            raise TemporaryError(f"the SMS provider did not answer within {settings.SMS_HTTP_TIMEOUT_SECONDS:g} s"
                                 ) from None
        except httpx.HTTPError as exc:
            raise TemporaryError(f"the SMS provider is unreachable: {type(exc).__name__}") from None
        code = answer.status_code
        if 200 <= code < 300:
            # Taken. Without an id of its own the message's id stands for it: the receipt carries it as the
            # reference anyway, and an empty reference would match every other message without one.
            return Sent(provider_ref=_provider_id(answer) or f"http:{message.pk}")
        wait = retry_after(answer.headers.get("retry-after"))
        if code in PERMANENT:
            raise PermanentError(f"HTTP {code}: {_reason(answer)}")
        if code in (401, 403, 404):
            log.error("the SMS provider refuses Passage's requests (HTTP %s): check SMS_HTTP_URL and "
                      "SMS_HTTP_TOKEN; message %s waits", code, message.pk)
            raise TemporaryError(f"HTTP {code}: {_reason(answer)} — check the gateway's settings", retry_after=wait)
        if code == 429:
            raise TemporaryError("HTTP 429 Too Many Requests", retry_after=wait)
        if 300 <= code < 400:
            raise TemporaryError(f"HTTP {code}: a redirect, not followed — check SMS_HTTP_URL")
        raise TemporaryError(f"HTTP {code}", retry_after=wait)


# ---------------------------------------------------------------- receipts


class ReceiptRefused(Exception):
    """The request is not a receipt signed by the provider (or no longer fresh): answered 401, nothing read."""


def receipt_signature(secret: str, receipt_id: str, timestamp: str, body: bytes) -> str:
    """Standard Webhooks' ``v1,<base64 HMAC-SHA256 of "id.timestamp.body">`` over the body's bytes as received."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    content = f"{receipt_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def receipt_verify(*, secret: str, headers, body: bytes, now: float | None = None) -> None:
    """Raise ``ReceiptRefused`` unless one of the ``webhook-signature``'s signatures is ours over this body and
    its ``webhook-timestamp`` is within ``SMS_HTTP_RECEIPT_TOLERANCE_SECONDS`` of now (either way: a replay of
    an old receipt, or a clock far off, is refused). Constant-time comparison."""
    receipt_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "")
    signatures = headers.get("webhook-signature", "")
    if not (receipt_id and timestamp and signatures) or len(receipt_id) > 200 or len(signatures) > 2000:
        raise ReceiptRefused("missing webhook-id, webhook-timestamp or webhook-signature")
    if not timestamp.isdigit():
        raise ReceiptRefused("webhook-timestamp is not a number of seconds")
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > settings.SMS_HTTP_RECEIPT_TOLERANCE_SECONDS:
        raise ReceiptRefused("webhook-timestamp is too old or too far ahead")
    expected = receipt_signature(secret, receipt_id, timestamp, body).encode()
    if not any(hmac.compare_digest(expected, given.encode()) for given in signatures.split(" ") if given):
        raise ReceiptRefused("no matching signature")


@dataclasses.dataclass(frozen=True)
class Receipt:
    provider_ref: str
    reference: str  # our message's id, as we sent it
    final: bool
    delivered: bool = False
    error: str = ""


def receipt_parse(body: bytes) -> Receipt:
    """The receipt a (verified) body carries; ``ValueError`` with the reason if it is not one."""
    data = json.loads(body.decode())
    if not isinstance(data, dict):
        raise ValueError("the body is not a JSON object")
    provider_ref, reference, status = (str(data.get(k) or "").strip() for k in ("id", "reference", "status"))
    if not (provider_ref or reference):
        raise ValueError("neither id nor reference is given")
    if status in NOT_FINAL:
        return Receipt(provider_ref, reference, final=False)
    if status not in FINAL:
        raise ValueError(f"unknown status {status[:40]!r}")
    error = ""
    if not FINAL[status]:
        reason = str(data.get("statusReason") or "").strip()[:200]
        code = data.get("statusErrorCode")
        error = status + (f": {reason}" if reason else "") + (f" (error {code})" if code not in (None, "") else "")
    return Receipt(provider_ref, reference, final=True, delivered=FINAL[status], error=error)


def receipt_apply(receipt: Receipt) -> str:
    """Record a verified receipt; returns what became of it: ``delivered`` / ``failed`` (the message changed),
    ``not-final`` (an intermediate state), ``unknown`` (no such SMS), ``duplicate`` (the message is no longer
    ``sent``: an earlier receipt, or staff replayed it), or ``early`` — the message is still ``queued`` /
    ``sending`` (the worker has not recorded the send yet, or is about to try again): the provider is asked to
    come back (503), so the receipt is not lost.

    The message is found by the reference (our id, the same on every attempt), else by the provider's id: a
    receipt for an earlier copy of a message sent twice (decision 0010) still counts for the message."""
    import uuid

    from ..enums import Channel, MessageStatus
    from ..models import Message
    from ..services import receipt_record

    if not receipt.final:
        return "not-final"
    found = Message.objects.filter(channel=Channel.SMS)
    try:
        message = found.filter(pk=uuid.UUID(receipt.reference)).first()
    except ValueError:
        message = None
    if message is None and receipt.provider_ref:
        message = found.filter(provider_ref=receipt.provider_ref[:80]).first()
    if message is None:
        return "unknown"
    if message.status in (MessageStatus.QUEUED, MessageStatus.SENDING):
        return "early"
    done = receipt_record(channel=Channel.SMS, provider_ref=message.provider_ref, delivered=receipt.delivered,
                          error=receipt.error) if message.provider_ref else None
    if done is None:
        return "duplicate"
    return done.status
