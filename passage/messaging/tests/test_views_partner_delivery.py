"""Partner delivery administration: endpoints added (secret shown once), changed over the version one started
from, switched off and on, the secret rotated (the old one still signs for a while), a test event delivered to a
real receiver, the e-mail address; administrators only, another mission's endpoint 404; audited, secrets never."""

import json

import pytest
from django.core import mail
from django.urls import reverse
from standardwebhooks import Webhook

from passage.accounts.enums import Role
from passage.audit.models import AuditEvent
from passage.messaging import delivery
from passage.messaging.models import Message, WebhookEndpoint
from passage.testing.factories import PartnerLocationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(mission):
    return UserFactory(username="admin", mission=mission, role=Role.ADMIN)


@pytest.fixture
def centre(db):
    return PartnerLocationFactory(name="AZC Ter Apel")


def test_an_endpoint_is_added_with_its_secret_shown_once_and_a_test_event_verifies_at_the_partner(
    client, admin, centre, httpserver, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    assert client.get(reverse("partner-delivery")).status_code == 200
    url = reverse("endpoint-create", args=[centre.pk])
    refused = client.post(url, {"url": "ftp://coa.example.org", "events": []})
    assert refused.status_code == 400 and not WebhookEndpoint.objects.exists()
    answer = client.post(url, {"url": httpserver.url_for("/passage"), "events": ["person.departed"]})
    endpoint = WebhookEndpoint.objects.get()
    html = answer.content.decode()
    assert answer.status_code == 200 and f'id="secret-value">{endpoint.secret}<' in html
    assert endpoint.secret not in client.get(reverse("partner-location", args=[centre.pk])).content.decode()
    assert all(endpoint.secret not in json.dumps(a.changes) for a in AuditEvent.objects.all())

    seen = []
    from werkzeug import Response

    httpserver.expect_request("/passage").respond_with_handler(lambda r: seen.append(r) or Response("", status=200))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("endpoint-test", args=[centre.pk, endpoint.pk]))
    [request] = seen
    assert Webhook(endpoint.secret).verify(request.get_data(as_text=True), dict(request.headers))["type"] == \
        "org.passage.test.ping"
    history = client.get(reverse("partner-location", args=[centre.pk])).content.decode()
    assert "test.ping" in history and "Sent" in history


def test_an_endpoint_is_changed_rotated_switched_off_and_on(client, admin, centre, mission):
    client.force_login(admin)
    client.post(reverse("endpoint-create", args=[centre.pk]),
                {"url": "https://coa.example.org/hook", "events": ["person.departed"]})
    endpoint = WebhookEndpoint.objects.get()
    edit = reverse("endpoint-update", args=[centre.pk, endpoint.pk])
    prefix = f"e{endpoint.pk}-"
    assert client.post(edit, {prefix + "url": "https://coa.example.org/v2", prefix + "events": [
        "person.departed", "booking.created"], prefix + "version": 1}).status_code == 302
    stale = client.post(edit, {prefix + "url": "https://x.example.org", prefix + "events": ["person.departed"],
                               prefix + "version": 1})
    assert stale.status_code == 409
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events, endpoint.version) == (
        "https://coa.example.org/v2", ["booking.created", "person.departed"], 2)
    old = endpoint.secret
    rotated = client.post(reverse("endpoint-rotate", args=[centre.pk, endpoint.pk])).content.decode()
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.previous_secret == old and endpoint.secret in rotated
    client.post(reverse("endpoint-active", args=[centre.pk, endpoint.pk]), {"active": "0"})
    endpoint.refresh_from_db()
    assert endpoint.active is False and endpoint.disabled_reason.startswith("Switched off by")
    client.post(reverse("endpoint-active", args=[centre.pk, endpoint.pk]), {"active": "1"})
    endpoint.refresh_from_db()
    assert (endpoint.active, endpoint.disabled_reason) == (True, "")
    assert client.post(reverse("partner-location-email", args=[centre.pk]), {"email": "not-an-address"}
                       ).status_code == 400
    client.post(reverse("partner-location-email", args=[centre.pk]), {"email": "coa.terapel@example.org"})
    centre.refresh_from_db()
    assert centre.email == "coa.terapel@example.org"
    assert AuditEvent.objects.filter(object_type="messaging.webhookendpoint").count() == 5


def test_only_administrators_and_only_their_missions_endpoints(client, admin, centre, mission_ge, manager,
                                                               operations_officer):
    client.force_login(admin)
    client.post(reverse("endpoint-create", args=[centre.pk]),
                {"url": "https://coa.example.org/hook", "events": ["person.departed"]})
    endpoint = WebhookEndpoint.objects.get()
    for user in (manager, operations_officer):
        client.force_login(user)
        assert client.get(reverse("partner-delivery")).status_code == 403
        assert client.post(reverse("endpoint-rotate", args=[centre.pk, endpoint.pk])).status_code == 403
    client.force_login(UserFactory(mission=mission_ge, role=Role.ADMIN))
    assert client.post(reverse("endpoint-rotate", args=[centre.pk, endpoint.pk])).status_code == 404
    assert client.post(reverse("endpoint-test", args=[centre.pk, endpoint.pk])).status_code == 404
    assert endpoint.secret == WebhookEndpoint.objects.get().secret and not Message.objects.exists()
    assert delivery.due_ids() == [] and mail.outbox == []
