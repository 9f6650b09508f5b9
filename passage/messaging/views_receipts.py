"""Delivery receipts the SMS provider posts (``SMS_GATEWAY=http``, docs/decisions/0018). No staff sign-in, no
session, no CSRF token: the provider proves itself by the Standard Webhooks signature over the body with the
shared ``SMS_HTTP_RECEIPT_SECRET`` and a fresh timestamp. Checked in this order, and nothing is read from the
database before the signature holds:

- the receipts are not configured here (no secret) → 404;
- a body over ``SMS_HTTP_RECEIPT_MAX_BYTES`` → 413, unread;
- a missing or wrong signature, or a timestamp more than ``SMS_HTTP_RECEIPT_TOLERANCE_SECONDS`` away → 401;
- signed but no receipt (not JSON, an unknown status) → 400;
- the message is still being sent (the worker has not recorded the send) → 503 with Retry-After: the provider
  retries, and the receipt is not lost;
- otherwise 200 — also for a receipt of a message we do not know or that is no longer ``sent`` (a repeated
  receipt): nothing changes, and the provider is told to stop retrying a receipt that can never apply.

Floods of unsigned requests cost one HMAC each and never touch the database; the rate is limited in front
(nginx ``limit_req``, docs/deploy.md)."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .gateways.http import ReceiptRefused, receipt_apply, receipt_parse, receipt_verify

log = logging.getLogger("passage.messaging.http")

RETRY_EARLY_SECONDS = 10


def _too_large(request) -> bool:
    limit = settings.SMS_HTTP_RECEIPT_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return declared > limit


@login_not_required
@csrf_exempt
@require_POST
def http_receipt(request):
    secret = settings.SMS_HTTP_RECEIPT_SECRET
    if not secret:
        raise Http404
    if _too_large(request):
        return JsonResponse({"error": "body too large"}, status=413)
    body = request.body
    if len(body) > settings.SMS_HTTP_RECEIPT_MAX_BYTES:  # a body longer than it said
        return JsonResponse({"error": "body too large"}, status=413)
    try:
        receipt_verify(secret=secret, headers=request.headers, body=body)
    except ReceiptRefused as exc:
        log.warning("SMS receipt refused: %s", exc)
        return JsonResponse({"error": str(exc)}, status=401)
    try:
        receipt = receipt_parse(body)
    except (ValueError, UnicodeDecodeError) as exc:
        return JsonResponse({"error": f"not a receipt: {exc}"[:200]}, status=400)
    result = receipt_apply(receipt)
    if result == "early":
        answer = JsonResponse({"result": result}, status=503)
        answer["Retry-After"] = str(RETRY_EARLY_SECONDS)
        return answer
    if result in ("unknown", "duplicate"):
        log.info("SMS receipt changed nothing (%s): provider id %s", result, receipt.provider_ref[:80])
    return JsonResponse({"result": result})
