"""Who may call the partner API: a live token of an active organisation (401 otherwise, before anything is
read), counted against its own rate limit per minute (429 with Retry-After once over it)."""

import datetime

import pytest
from django.utils import timezone

from passage.api import services
from passage.api.models import PartnerToken
from passage.api.services import rate_limit_take, token_revoke
from passage.audit.models import AuditEvent

from .conftest import Api, fresh_minute

pytestmark = pytest.mark.django_db

SINCE = {"since": "2026-01-01T00:00:00Z"}


@pytest.mark.parametrize("authorization", [None, "", "Bearer", "Bearer psg_unknown", "Basic dXNlcjpwdw==",
                                           "Token psg_x"])
def test_no_or_an_unknown_token_is_401(agency_token, authorization):
    api = Api(None)
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}
    response = api.client.get("/api/v1/departures", SINCE, **headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "Give a valid token: Authorization: Bearer <token>.", "errors": []}
    assert response["WWW-Authenticate"] == 'Bearer realm="passage"'
    assert not AuditEvent.objects.filter(action="read").exists()


def test_a_valid_token_is_let_in_and_its_last_use_stamped(agency_api, agency_token):
    assert agency_api.get("/departures", SINCE).status_code == 200
    agency_token.refresh_from_db()
    assert agency_token.last_used_at is not None


def test_a_revoked_token_is_401_from_the_next_request_on(agency_api, agency_token, admin_user):
    assert agency_api.get("/departures", SINCE).status_code == 200
    token_revoke(actor=admin_user, token=agency_token)
    assert agency_api.get("/departures", SINCE).status_code == 401


def test_a_token_of_an_organisation_no_longer_active_is_401(agency_api, agency):
    agency.active = False
    agency.save(update_fields=["active"])
    assert agency_api.get("/departures", SINCE).status_code == 401


def test_only_the_hash_of_the_secret_is_stored(agency_token):
    row = PartnerToken.objects.get(pk=agency_token.pk)
    assert agency_token.secret.startswith("psg_") and len(agency_token.secret) > 40
    assert row.secret_hash == services.secret_hash(agency_token.secret)
    assert agency_token.secret not in str(PartnerToken.objects.filter(pk=row.pk).values().get())
    assert row.prefix == agency_token.secret[:12]


def test_over_the_rate_limit_is_429_with_retry_after_and_other_tokens_are_not_counted(agency_api, agency_token,
                                                                                       other_agency_api):
    fresh_minute()
    PartnerToken.objects.filter(pk=agency_token.pk).update(rate_limit_per_minute=3)
    answers = [agency_api.get("/departures", SINCE) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    limited = answers[-1]
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert limited.json()["detail"] == f"Too many requests for this token: try again in {limited['Retry-After']} seconds."
    # The refused request read nothing, so audited nothing: three reads.
    assert AuditEvent.objects.filter(action="read", summary__contains=agency_token.prefix).count() == 3
    assert other_agency_api.get("/departures", SINCE).status_code == 200


def test_the_window_is_a_fixed_minute(agency_token):
    PartnerToken.objects.filter(pk=agency_token.pk).update(rate_limit_per_minute=2)
    agency_token.refresh_from_db()
    start = timezone.now().replace(second=10, microsecond=0)
    assert [rate_limit_take(agency_token, start + datetime.timedelta(seconds=s)) for s in (0, 1)] == [None, None]
    assert rate_limit_take(agency_token, start + datetime.timedelta(seconds=20)) == 30
    # The next minute starts afresh.
    assert rate_limit_take(agency_token, start + datetime.timedelta(seconds=50)) is None
    assert PartnerToken.objects.get(pk=agency_token.pk).window_count == 1


def test_the_api_answers_in_english_unless_the_caller_asks_for_dutch(agency_token):
    client = Api(None).client
    english = client.get("/api/v1/departures", SINCE).json()["detail"]
    dutch = client.get("/api/v1/departures", SINCE, HTTP_ACCEPT_LANGUAGE="nl-NL,nl;q=0.9").json()["detail"]
    assert english == "Give a valid token: Authorization: Bearer <token>."
    assert dutch == "Geef een geldig token: Authorization: Bearer <token>."
