"""Partners are told: a departure booked or cancelled, a resident departed — one signed webhook per endpoint that
wants the event (checked here as a partner would: the Standard Webhooks library verifies the signature, the
CloudEvents SDK reads the envelope), or an e-mail to a location without one. 2xx is done; 429 honours
Retry-After; 410 disables the endpoint and tells an administrator; a hanging endpoint times out and is tried
again; a rotated secret still verifies. Thin payloads: ids and the event, no names."""

import datetime
import json

import pytest
from cloudevents.v1.http import from_http
from django.core import mail
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook
from werkzeug import Response

from passage.accounts.enums import Role
from passage.messaging import delivery
from passage.messaging.enums import MessageStatus as S
from passage.messaging.enums import PartnerEvent
from passage.messaging.gateways.webhook import new_secret, retry_after
from passage.messaging.models import Message, WebhookEndpoint
from passage.messaging.partners import partner_event
from passage.reference.enums import PartnerKind
from passage.testing.factories import PartnerLocationFactory, PartnerOrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre(mission):
    return PartnerLocationFactory(name="AZC Ter Apel", email="")


@pytest.fixture
def return_service(mission):
    org = PartnerOrganisationFactory(name="National return service", kind=PartnerKind.RETURN_SERVICE)
    return PartnerLocationFactory(organisation=org, name="DT&V Den Haag", email="dtv.denhaag@example.org")


def endpoint(location, mission, url, events=(PartnerEvent.PERSON_DEPARTED,), **kwargs):
    return WebhookEndpoint.objects.create(location=location, mission=mission, url=url, secret=new_secret(),
                                          events=list(events), created_at=timezone.now(), **kwargs)


def departed(mission, locations):
    with transaction.atomic():
        return partner_event(event_type=PartnerEvent.PERSON_DEPARTED, mission=mission, locations=locations,
                             data={"person_id": 41, "case_id": 7, "booking_id": 3, "departed_at": "2026-12-08T09:05"},
                             cause="person:41:booking:3", case_id=7, person_id=41, subject="person/41")


def test_a_departure_reaches_the_centre_by_a_signed_cloudevent_and_the_return_service_by_email(
    httpserver, mission, centre, return_service
):
    hook = endpoint(centre, mission, httpserver.url_for("/passage"))
    received = []

    def handler(request):
        received.append(request)
        return Response("", status=204)

    httpserver.expect_request("/passage", method="POST").respond_with_handler(handler)
    webhook, email = sorted(departed(mission, [centre, return_service]), key=lambda m: m.channel)[::-1]
    assert (webhook.channel, email.channel) == ("webhook", "email")
    assert delivery.deliver(webhook.pk) == S.SENT and delivery.deliver(email.pk) == S.SENT
    [request] = received
    body = request.get_data(as_text=True)
    # As the partner checks it: the signature with the endpoint's secret, then the envelope.
    payload = Webhook(hook.secret).verify(body, dict(request.headers))
    assert payload["data"] == {"person_id": 41, "case_id": 7, "booking_id": 3, "departed_at": "2026-12-08T09:05"}
    event = from_http(dict(request.headers), body)
    assert (event["type"], event["id"], event["source"], event["specversion"]) == (
        "org.passage.person.departed", str(webhook.pk), f"urn:passage:mission:{mission.code}", "1.0")
    assert request.headers["webhook-id"] == str(webhook.pk)
    [sent_mail] = mail.outbox
    assert sent_mail.to == ["dtv.denhaag@example.org"] and "person_id: 41" in sent_mail.body
    assert sent_mail.extra_headers["Message-ID"] == f"<{email.pk}@passage>"
    # Once per cause: the same departure told again sends nothing new.
    assert {m.pk for m in departed(mission, [centre, return_service])} == {webhook.pk, email.pk}
    assert Message.objects.count() == 2


def test_an_endpoint_that_does_not_want_the_event_gets_nothing_and_a_disabled_one_neither(httpserver, mission,
                                                                                          centre):
    endpoint(centre, mission, httpserver.url_for("/a"), events=[PartnerEvent.BOOKING_CREATED])
    endpoint(centre, mission, httpserver.url_for("/b"), active=False, disabled_at=timezone.now())
    assert departed(mission, [centre]) == []  # and no e-mail either: the location has endpoints


def test_429_waits_its_retry_after_then_succeeds(httpserver, mission, centre):
    endpoint(centre, mission, httpserver.url_for("/hook"))
    httpserver.expect_ordered_request("/hook").respond_with_data("slow down", status=429,
                                                                 headers={"Retry-After": "120"})
    httpserver.expect_ordered_request("/hook").respond_with_data("", status=200)
    [message] = departed(mission, [centre])
    before = timezone.now()
    assert delivery.deliver(message.pk) == S.QUEUED
    row = Message.objects.get()
    assert row.last_error == "HTTP 429 Too Many Requests"
    assert (row.next_attempt_at - before).total_seconds() >= 119
    Message.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert delivery.deliver(message.pk) == S.SENT


def test_410_disables_the_endpoint_and_tells_an_administrator(httpserver, mission, centre,
                                                              django_capture_on_commit_callbacks):
    admin = UserFactory(username="admin", mission=mission, role=Role.ADMIN, email="admin@example.org")
    hook = endpoint(centre, mission, httpserver.url_for("/gone"))
    httpserver.expect_request("/gone").respond_with_data("", status=410)
    [message] = departed(mission, [centre])
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery.deliver(message.pk) == S.DEAD
    hook.refresh_from_db()
    assert (hook.active, hook.disabled_reason) == (False, "HTTP 410 Gone")
    assert Message.objects.get(pk=message.pk).last_error == "HTTP 410 Gone: the endpoint was disabled"
    told = Message.objects.get(kind="endpoint.disabled")
    assert (told.recipient, told.status) == (admin.email, S.SENT)
    assert mail.outbox[0].to == ["admin@example.org"] and hook.url in mail.outbox[0].body


def test_a_hanging_endpoint_times_out_and_is_tried_again(httpserver, mission, centre, settings):
    import time

    settings.WEBHOOK_TIMEOUT_SECONDS = 0.5
    endpoint(centre, mission, httpserver.url_for("/hang"))

    def hang(request):
        time.sleep(2)
        return Response("", status=200)

    httpserver.expect_request("/hang").respond_with_handler(hang)
    [message] = departed(mission, [centre])
    assert delivery.deliver(message.pk) == S.QUEUED
    assert Message.objects.get().last_error == "no answer within 0.5 s"


def test_during_a_secret_rotation_both_secrets_verify(httpserver, mission, centre):
    old = new_secret()
    hook = endpoint(centre, mission, httpserver.url_for("/hook"), previous_secret=old,
                    previous_secret_until=timezone.now() + datetime.timedelta(days=1))
    seen = []
    httpserver.expect_request("/hook").respond_with_handler(lambda r: seen.append(r) or Response("", status=200))
    [message] = departed(mission, [centre])
    delivery.deliver(message.pk)
    [request] = seen
    body = request.get_data(as_text=True)
    for secret in (hook.secret, old):
        assert Webhook(secret).verify(body, dict(request.headers))["id"] == str(message.pk)


def test_the_payload_is_thin_and_retry_after_reads_dates():
    assert retry_after("30") == 30.0 and retry_after(None) is None and retry_after("soon") is None
    later = (timezone.now() + datetime.timedelta(minutes=2)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert 100 < retry_after(later) <= 121


def test_a_booked_departure_tells_the_return_service_and_a_departure_the_centre(
    mission, movements_officer, ready_case, centre, return_service, httpserver
):
    from passage.movements import services
    from passage.movements.enums import BookingStatus as B
    from passage.movements.tests.test_desk import ready_to_board
    from passage.movements.tests.test_services_bookings import booked, ticket_all

    nino = ready_case.members.get(relationship="principal").person
    nino.residence_location = centre
    nino.save(update_fields=["residence_location"])
    endpoint(centre, mission, httpserver.url_for("/coa"), events=[PartnerEvent.PERSON_DEPARTED])
    booking = booked(movements_officer, ready_case)
    told = Message.objects.filter(kind=PartnerEvent.BOOKING_CREATED)
    assert [(m.channel, m.recipient) for m in told] == [("email", "dtv.denhaag@example.org")]
    ticket_all(movements_officer, booking)
    booking = services.booking_transition(actor=movements_officer, booking=booking, to_status=B.TICKETED)
    ready_to_board(movements_officer, booking, cash=False)
    services.departure_confirm(actor=movements_officer, booking=booking)
    gone = Message.objects.filter(kind=PartnerEvent.PERSON_DEPARTED).order_by("channel", "person_id")
    people = sorted(p.person_id for p in booking.passengers.all() if p.person_id)
    assert sorted((m.channel, m.person_id) for m in gone) == sorted(
        [("email", pid) for pid in people] + [("webhook", nino.pk)])
    body = json.loads(Message.objects.get(kind=PartnerEvent.PERSON_DEPARTED, channel="webhook").body)
    assert set(body["data"]) == {"person_id", "case_id", "booking_id", "departed_at"}
    assert "Beridze" not in json.dumps(body) and "BERIDZE" not in json.dumps(body)
