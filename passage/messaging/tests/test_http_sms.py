"""SMS through a provider's HTTP API, against a real HTTP peer (pytest-httpserver as the provider): posted as JSON
with the token, the provider's id kept; 5xx retried, 429's Retry-After waited, a refused number dead with the
provider's reason, a hanging provider timed out; delivery receipts signed per Standard Webhooks (signed here by the
`standardwebhooks` library, an implementation independent of ours) — applied once, refused unsigned or stale
without a query; and end to end: a real Celery worker sends, the provider posts the receipt back to Passage's live
server, the message ends delivered."""

import datetime
import json
import socket
import threading
import time
import uuid

import httpx
import pytest
import standardwebhooks
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from werkzeug import Response

from passage.accounts.enums import Role
from passage.audit.models import AuditEvent
from passage.messaging import delivery
from passage.messaging.enums import MessageStatus as S
from passage.messaging.gateways.webhook import new_secret
from passage.messaging.models import Message, MessageAttempt
from passage.messaging.services import message_queue
from passage.testing.factories import UserFactory

from .test_worker import start_worker, stop

pytestmark = pytest.mark.django_db

GATEWAY = "passage.messaging.gateways.http.HttpSmsGateway"
TOKEN = "mb-live-7f3a9c"
SECRET = new_secret()
RECEIPT_URL = "https://passage.example.org/messages/receipts/http/"


@pytest.fixture
def provider(httpserver, settings):
    """The provider's API on 127.0.0.1, and Passage configured for it."""
    settings.MESSAGING_GATEWAYS = {**settings.MESSAGING_GATEWAYS, "sms": GATEWAY}
    settings.SMS_HTTP_URL = httpserver.url_for("/messages")
    settings.SMS_HTTP_TOKEN = TOKEN
    settings.SMS_HTTP_SENDER = "IOM NL"
    settings.SMS_HTTP_RECEIPT_URL = RECEIPT_URL
    settings.SMS_HTTP_RECEIPT_SECRET = SECRET
    settings.SMS_HTTP_TIMEOUT_SECONDS = 0.5
    settings.SMS_HTTP_CONNECT_TIMEOUT_SECONDS = 0.5
    delivery.gateway_for.cache_clear()
    yield httpserver
    delivery.gateway_for.cache_clear()


def queue(mission, body="Vlucht TK1952 op 08-12-2026 om 10:00 vanaf AMS.", recipient="+31612345678"):
    with transaction.atomic():
        return message_queue(channel="sms", recipient=recipient, kind="flight_booked", mission_id=mission.pk,
                             body=body, language="nl", case_id=7)


def sent_through(provider, mission, answer=None, **kwargs):
    """A message queued and carried out once; the provider answers ``answer`` (a werkzeug Response)."""
    provider.expect_oneshot_request("/messages", method="POST").respond_with_response(
        answer or Response(json.dumps({"id": "mb-1"}), status=201, content_type="application/json"))
    message = queue(mission, **kwargs)
    delivery.deliver(message.pk)
    return Message.objects.get(pk=message.pk)


def due_now(message):
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))


def history(message):
    return list(MessageAttempt.objects.filter(message=message).values_list("outcome", "error"))


def test_an_sms_is_posted_as_json_with_the_token_and_the_providers_id_is_kept(provider, mission):
    message = queue(mission)
    provider.expect_oneshot_request(
        "/messages", method="POST", headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        json={"originator": "IOM NL", "recipients": ["+31612345678"],
              "body": "Vlucht TK1952 op 08-12-2026 om 10:00 vanaf AMS.", "datacoding": "plain",
              "reference": str(message.pk), "reportUrl": RECEIPT_URL},
    ).respond_with_json({"id": "f8a2c7e0b1d94e5f", "recipients": {"totalCount": 1}}, status=201)
    assert delivery.deliver(message.pk) == S.SENT
    provider.check_assertions()
    message.refresh_from_db()
    assert (message.status, message.provider_ref, message.attempts, message.last_error) == (
        S.SENT, "f8a2c7e0b1d94e5f", 1, "")
    assert history(message) == [("sent", "")]


def test_a_long_arabic_text_goes_whole_as_unicode(provider, mission):
    body = "رحلتك TK1952 يوم 08-12-2026 الساعة 10:00 من مطار أمستردام. " * 3  # three UCS-2 parts
    message = sent_through(provider, mission, body=body)
    sent = json.loads(provider.log[-1][0].get_data())
    assert (sent["body"], sent["datacoding"], message.status) == (body, "unicode", S.SENT)


def test_a_text_with_gsm_extension_characters_goes_as_plain(provider, mission):
    sent_through(provider, mission, body="Bagage: max 23 kg [1 stuk], toeslag 50 € bij balie ~3.")
    assert json.loads(provider.log[-1][0].get_data())["datacoding"] == "plain"


def test_the_provider_down_then_back_the_message_is_tried_again_and_sent(provider, mission):
    provider.expect_ordered_request("/messages", method="POST").respond_with_data("oops", status=500)
    provider.expect_ordered_request("/messages", method="POST").respond_with_json({"id": "mb-2"}, status=201)
    message = queue(mission)
    assert delivery.deliver(message.pk) == S.QUEUED
    message.refresh_from_db()
    assert (message.last_error, message.next_attempt_at > timezone.now()) == ("HTTP 500", True)
    due_now(message)
    assert delivery.deliver(message.pk) == S.SENT
    provider.check_assertions()
    message.refresh_from_db()
    assert (message.status, message.provider_ref, message.attempts) == (S.SENT, "mb-2", 2)
    assert history(message) == [("retry", "HTTP 500"), ("sent", "")]
    # Both attempts carried the same reference: the provider can drop the second if the first got through.
    references = {json.loads(request.get_data())["reference"] for request, _answer in provider.log}
    assert references == {str(message.pk)}


def test_a_throttling_provider_is_waited_for_at_least_its_retry_after(provider, mission, settings):
    settings.MESSAGING_BACKOFF_BASE_SECONDS = 30  # a back-off of at most 30 s after one attempt
    before = timezone.now()
    message = sent_through(provider, mission, Response("slow down", status=429, headers={"Retry-After": "600"}))
    assert (message.status, message.last_error) == (S.QUEUED, "HTTP 429 Too Many Requests")
    assert message.next_attempt_at >= before + datetime.timedelta(seconds=600)


def test_an_invalid_number_is_dead_at_once_with_the_providers_reason(provider, mission, client):
    refusal = {"errors": [{"code": 9, "description": "no (correct) recipients found", "parameter": "recipients"}]}
    message = sent_through(provider, mission, Response(json.dumps(refusal), status=422,
                                                       content_type="application/json"))
    reason = "HTTP 422: no (correct) recipients found (9, recipients)"
    assert (message.status, message.last_error, message.attempts) == (S.DEAD, reason, 1)
    assert history(message) == [("dead", reason)]
    client.force_login(UserFactory(mission=mission, role=Role.OPERATIONS))
    page = client.get(reverse("message-detail", args=[message.pk])).content.decode()
    assert reason in page  # staff see why


def test_a_bad_request_without_a_json_reason_is_dead_with_the_providers_text(provider, mission):
    message = sent_through(provider, mission, Response("Invalid originator", status=400))
    assert (message.status, message.last_error) == (S.DEAD, "HTTP 400: Invalid originator")


def test_a_number_not_in_international_form_is_dead_without_asking_the_provider(provider, mission):
    message = queue(mission, recipient="0612345678")
    assert delivery.deliver(message.pk) == S.DEAD
    assert Message.objects.get(pk=message.pk).last_error == "the number is not in the international form (E.164)"
    assert provider.log == []


def test_a_refused_token_keeps_the_message_waiting_for_the_settings_to_be_put_right(provider, mission):
    message = sent_through(provider, mission, Response(json.dumps({"errors": [
        {"code": 2, "description": "Request not allowed (incorrect access_key)"}]}), status=401,
        content_type="application/json"))
    assert (message.status, message.last_error) == (
        S.QUEUED, "HTTP 401: Request not allowed (incorrect access_key) (2) — check the gateway's settings")


def test_a_hanging_provider_times_out_and_the_message_is_tried_again_later(provider, mission):
    release = threading.Event()

    def hang(request):
        release.wait(10)
        return Response(json.dumps({"id": "too-late"}), status=201)

    provider.expect_oneshot_request("/messages", method="POST").respond_with_handler(hang)
    message = queue(mission)
    try:
        assert delivery.deliver(message.pk) == S.QUEUED
    finally:
        release.set()
    message.refresh_from_db()
    assert (message.status, message.last_error, message.provider_ref) == (
        S.QUEUED, "the SMS provider did not answer within 0.5 s", "")


def test_a_provider_that_cannot_be_reached_is_tried_again_later(provider, mission, settings):
    with socket.socket() as free:  # a port nothing listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{port}/messages"
    message = queue(mission)
    assert delivery.deliver(message.pk) == S.QUEUED
    assert Message.objects.get(pk=message.pk).last_error == "the SMS provider is unreachable: ConnectError"


# ---------------------------------------------------------------- receipts


def signed(payload: dict, *, secret=SECRET, when=None, receipt_id=None) -> tuple[bytes, dict]:
    """A receipt as the provider posts it: the body and its Standard Webhooks headers."""
    body = json.dumps(payload)
    when = when or datetime.datetime.now(datetime.UTC)
    receipt_id = receipt_id or f"msg_{uuid.uuid4().hex}"
    signature = standardwebhooks.Webhook(secret).sign(receipt_id, when, body)
    return body.encode(), {"webhook-id": receipt_id, "webhook-timestamp": str(int(when.timestamp())),
                           "webhook-signature": signature}


def post_receipt(body: bytes, headers: dict, client=None):
    client = client or Client(enforce_csrf_checks=True)  # no CSRF token: the signature is the proof
    return client.post(reverse("sms-receipt-http"), data=body, content_type="application/json",
                       headers=headers)


def report(message, status, **extra):
    return {"id": message.provider_ref, "reference": str(message.pk), "recipient": message.recipient,
            "status": status, "statusDatetime": "2026-12-01T10:00:05+00:00", **extra}


def test_a_signed_delivered_receipt_makes_the_message_delivered_with_a_history_row_and_an_audit_row(provider,
                                                                                                      mission):
    message = sent_through(provider, mission)
    answer = post_receipt(*signed(report(message, "delivered")))
    assert (answer.status_code, answer.json()) == (200, {"result": "delivered"})
    assert "sessionid" not in answer.cookies and "csrftoken" not in answer.cookies
    message.refresh_from_db()
    assert message.status == S.DELIVERED and message.delivered_at is not None
    assert history(message) == [("sent", ""), ("delivered", "")]
    audit = AuditEvent.objects.get(object_type="messaging.message", object_id=str(message.pk))
    assert (audit.actor, audit.action, audit.changes, audit.mission_id, audit.case_id) == (
        None, "transition", {"status": ["sent", "delivered"]}, mission.pk, 7)


def test_a_signed_failed_receipt_makes_the_message_failed_with_the_reason(provider, mission):
    message = sent_through(provider, mission)
    answer = post_receipt(*signed(report(message, "delivery_failed", statusReason="unknown subscriber",
                                         statusErrorCode=1)))
    assert (answer.status_code, answer.json()) == (200, {"result": "failed"})
    message.refresh_from_db()
    reason = "delivery_failed: unknown subscriber (error 1)"
    assert (message.status, message.last_error, message.delivered_at) == (S.FAILED, reason, None)
    assert history(message) == [("sent", ""), ("failed", reason)]


def test_a_repeated_receipt_changes_nothing_and_is_answered_200(provider, mission):
    message = sent_through(provider, mission)
    body, headers = signed(report(message, "delivered"))
    assert post_receipt(body, headers).json() == {"result": "delivered"}
    assert post_receipt(body, headers).json() == {"result": "duplicate"}  # the provider retried it
    later = post_receipt(*signed(report(message, "expired")))  # a contradicting one after the final state
    assert (later.status_code, later.json()) == (200, {"result": "duplicate"})
    message.refresh_from_db()
    assert message.status == S.DELIVERED
    assert history(message) == [("sent", ""), ("delivered", "")]
    assert AuditEvent.objects.filter(object_id=str(message.pk)).count() == 1


def test_a_receipt_with_a_wrong_signature_is_refused_without_touching_anything(provider, mission,
                                                                               django_assert_num_queries):
    message = sent_through(provider, mission)
    body, headers = signed(report(message, "delivered"), secret=new_secret())
    tampered_body, good_headers = signed(report(message, "delivered"))
    with django_assert_num_queries(0):
        answer = post_receipt(body, headers)
        tampered = post_receipt(tampered_body.replace(b"delivered", b"delivery_failed"), good_headers)
        unsigned = post_receipt(*signed(report(message, "delivered"))[:1], {})
    assert (answer.status_code, answer.json()) == (401, {"error": "no matching signature"})
    assert (tampered.status_code, unsigned.status_code) == (401, 401)
    message.refresh_from_db()
    assert message.status == S.SENT and history(message) == [("sent", "")]
    assert not AuditEvent.objects.filter(object_id=str(message.pk)).exists()


def test_a_stale_or_future_receipt_is_refused_even_correctly_signed(provider, mission):
    message = sent_through(provider, mission)
    now = datetime.datetime.now(datetime.UTC)
    stale = post_receipt(*signed(report(message, "delivered"), when=now - datetime.timedelta(minutes=6)))
    ahead = post_receipt(*signed(report(message, "delivered"), when=now + datetime.timedelta(minutes=6)))
    assert (stale.status_code, stale.json()) == (401, {"error": "webhook-timestamp is too old or too far ahead"})
    assert ahead.status_code == 401
    assert Message.objects.get(pk=message.pk).status == S.SENT


def test_a_receipt_for_a_message_we_do_not_know_is_answered_200_and_changes_nothing(provider, mission):
    answer = post_receipt(*signed({"id": "mb-404", "reference": str(uuid.uuid4()), "status": "delivered"}))
    assert (answer.status_code, answer.json()) == (200, {"result": "unknown"})
    assert not MessageAttempt.objects.exists()


def test_a_receipt_found_by_the_providers_id_when_the_reference_is_missing(provider, mission):
    message = sent_through(provider, mission)
    answer = post_receipt(*signed({"id": "mb-1", "status": "delivered"}))
    assert answer.json() == {"result": "delivered"}
    assert Message.objects.get(pk=message.pk).status == S.DELIVERED


def test_an_intermediate_state_changes_nothing(provider, mission):
    message = sent_through(provider, mission)
    answer = post_receipt(*signed(report(message, "buffered")))
    assert (answer.status_code, answer.json()) == (200, {"result": "not-final"})
    assert Message.objects.get(pk=message.pk).status == S.SENT


def test_a_receipt_before_the_send_is_recorded_asks_the_provider_to_come_back(provider, mission):
    message = queue(mission)
    Message.objects.filter(pk=message.pk).update(status=S.SENDING)  # a worker holds it, not yet recorded
    answer = post_receipt(*signed({"id": "mb-1", "reference": str(message.pk), "status": "delivered"}))
    assert (answer.status_code, answer["Retry-After"]) == (503, "10")
    assert Message.objects.get(pk=message.pk).status == S.SENDING


def test_a_signed_body_that_is_no_receipt_is_a_bad_request(provider, mission):
    assert post_receipt(*signed({"id": "mb-1", "status": "lost in space"})).status_code == 400
    body = b"not json"
    headers = signed({})[1]
    headers["webhook-signature"] = standardwebhooks.Webhook(SECRET).sign(
        headers["webhook-id"], datetime.datetime.now(datetime.UTC), body.decode())
    assert post_receipt(body, headers).status_code == 400


def test_a_body_too_large_is_refused_unread(provider, mission, settings, django_assert_num_queries):
    settings.SMS_HTTP_RECEIPT_MAX_BYTES = 4096
    body, headers = signed({"id": "mb-1", "status": "delivered", "padding": "x" * 5000})
    with django_assert_num_queries(0):
        assert post_receipt(body, headers).status_code == 413


def test_receipts_are_not_there_without_a_secret_and_only_posted(provider, settings):
    assert Client().get(reverse("sms-receipt-http")).status_code == 405
    settings.SMS_HTTP_RECEIPT_SECRET = ""
    assert post_receipt(*signed({"id": "mb-1", "status": "delivered"})).status_code == 404


# ---------------------------------------------------------------- end to end


class Provider:
    """The provider, as one: it takes each SMS (201 with its id) and then, from its own thread, posts the signed
    receipt to the ``reportUrl`` it was given — again while Passage answers 503 (not recorded yet), as providers
    retry receipts that were not taken."""

    def __init__(self, httpserver):
        self.taken: list[dict] = []
        self.answers: list[int] = []
        self.threads: list[threading.Thread] = []
        httpserver.expect_request("/messages", method="POST",
                                  headers={"Authorization": "Bearer test-provider-token"}  # passage.settings.test
                                  ).respond_with_handler(self.take)

    def take(self, request):
        sent = json.loads(request.get_data())
        self.taken.append(sent)
        provider_id = f"mb-{len(self.taken)}"
        thread = threading.Thread(target=self.report, args=(sent, provider_id), daemon=True)
        self.threads.append(thread)
        thread.start()
        return Response(json.dumps({"id": provider_id}), status=201, content_type="application/json")

    def report(self, sent, provider_id):
        for _try in range(100):
            body, headers = signed({"id": provider_id, "reference": sent["reference"],
                                    "recipient": sent["recipients"][0], "status": "delivered",
                                    "statusDatetime": datetime.datetime.now(datetime.UTC).isoformat()})
            answer = httpx.post(sent["reportUrl"], content=body, timeout=5,
                                headers={**headers, "content-type": "application/json"})
            self.answers.append(answer.status_code)
            if answer.status_code != 503:
                return
            time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_through_the_provider_whose_receipt_makes_the_message_delivered(
        mission, httpserver, live_server, settings, broker, queue_name, tmp_path, monkeypatch):
    settings.SMS_HTTP_RECEIPT_SECRET = SECRET  # the live server (this process) verifies the receipts
    provider = Provider(httpserver)
    monkeypatch.setenv("PASSAGE_TEST_SMS_HTTP_URL", httpserver.url_for("/messages"))
    monkeypatch.setenv("PASSAGE_TEST_SMS_RECEIPT_URL", live_server.url + reverse("sms-receipt-http"))
    # The task of a message committed here would run eagerly in this process: the worker's sweep finds them.
    monkeypatch.setattr("passage.messaging.services._hand_to_worker", lambda *args: None)
    with transaction.atomic():
        ids = [message_queue(channel="sms", recipient=f"+3161234567{i}", kind="flight_booked", mission_id=mission.pk,
                             body=f"Vlucht TK195{i} op 08-12-2026 om 10:00 vanaf AMS.", language="nl").pk
               for i in range(3)]
    log = tmp_path / "worker.log"
    worker = start_worker(broker, queue_name, beat=True, log=log)
    try:
        deadline = time.monotonic() + 90
        while set(Message.objects.filter(pk__in=ids).values_list("status", flat=True)) != {S.DELIVERED}:
            assert time.monotonic() < deadline, f"not delivered: {list(Message.objects.values('status'))}\n" \
                                                f"{log.read_text()[-3000:]}"
            assert worker.poll() is None, f"the worker stopped:\n{log.read_text()[-3000:]}"
            time.sleep(0.3)
    finally:
        stop(worker)
    for thread in provider.threads:
        thread.join(10)
    assert sorted(sent["reference"] for sent in provider.taken) == sorted(str(pk) for pk in ids)
    assert 200 in provider.answers and set(provider.answers) <= {200, 503}
    messages = Message.objects.filter(pk__in=ids).order_by("recipient")
    assert sorted(m.provider_ref for m in messages) == ["mb-1", "mb-2", "mb-3"]
    assert {tuple(history(m)) for m in messages} == {(("sent", ""), ("delivered", ""))}


def test_each_gateway_keeps_one_http_client_per_process_and_a_forked_worker_makes_its_own(monkeypatch):
    from passage.messaging import gateways

    sms, webhook = gateways.http_client("sms"), gateways.http_client("webhook")
    assert gateways.http_client("sms") is sms and sms is not webhook
    parent = gateways.os.getpid()
    monkeypatch.setattr(gateways.os, "getpid", lambda: parent + 1)  # the worker forked after they were made
    child = gateways.http_client("sms")
    assert child is not sms and gateways.http_client("sms") is child
    assert all(pid == parent + 1 for pid, _name in gateways._http_clients)  # the parent's are never used again
