"""Administrators make, list and revoke the API tokens of their mission's partners: the secret is shown once
and never again, a token outside the organisation's kind or without an intake for referrals is refused per field,
every change is audited, and nobody else reaches these screens."""

import re

import pytest
from django.urls import reverse

from passage.api.models import PartnerToken
from passage.api.services import secret_hash, token_create
from passage.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _post(client, user, **data):
    client.force_login(user)
    return client.post(reverse("api-token-create"), data)


def test_an_administrator_makes_a_token_and_sees_its_secret_once(client, admin_user, return_service, work_post_a,
                                                                 counsellor_a):
    response = _post(client, admin_user, organisation=return_service.pk, name="case system",
                     scopes=["referrals:write", "referrals:read"], rate_limit_per_minute=120,
                     intake_work_post=work_post_a.pk, intake_counsellor=counsellor_a.pk)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = re.search(r'data-testid="api-token-secret">(psg_[^<]+)<', response.content.decode()).group(1)
    token = PartnerToken.objects.get()
    assert (token.secret_hash, token.scopes, token.rate_limit_per_minute, token.intake_counsellor, token.mission) == (
        secret_hash(secret), ["referrals:read", "referrals:write"], 120, counsellor_a, admin_user.mission)
    [created] = AuditEvent.objects.filter(object_type="api.partnertoken", action="create")
    assert created.actor == admin_user and secret not in str(created.changes) and secret not in created.summary
    listing = client.get(reverse("api-token-list")).content.decode()
    assert token.prefix in listing and secret not in listing


def test_a_scope_the_organisations_kind_may_not_hold_is_refused_on_the_field(client, admin_user, agency):
    response = _post(client, admin_user, organisation=agency.pk, name="x", scopes=["referrals:write"],
                     rate_limit_per_minute=60)
    assert response.status_code == 200
    assert "A Reception agency cannot hold: Refer persons (opens a case)." in response.content.decode()
    assert PartnerToken.objects.count() == 0


def test_a_referring_token_needs_a_counsellor_of_the_intake_work_post(client, admin_user, return_service,
                                                                      work_post_a, counsellor_b):
    response = _post(client, admin_user, organisation=return_service.pk, name="x", scopes=["referrals:write"],
                     rate_limit_per_minute=60, intake_work_post=work_post_a.pk, intake_counsellor=counsellor_b.pk)
    assert "Choose a counsellor who works at that work post." in response.content.decode()
    assert PartnerToken.objects.count() == 0


def test_revoking_a_token_is_audited_and_it_stops_working(client, admin_user, agency):
    token, secret = token_create(actor=admin_user, organisation=agency, name="x", scopes=["departures:read"])
    client.force_login(admin_user)
    response = client.post(reverse("api-token-revoke", args=[token.pk]), follow=True)
    assert "was revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == admin_user
    assert AuditEvent.objects.filter(object_type="api.partnertoken", action="revoke", actor=admin_user).count() == 1
    again = client.post(reverse("api-token-revoke", args=[token.pk]), follow=True)
    assert "This token was already revoked." in again.content.decode()
    api = client.__class__()
    assert api.get("/api/v1/departures", {"since": "2026-01-01T00:00:00Z"},
                   HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_other_roles_get_403_and_another_missions_token_is_404(client, admin_user, counsellor_a, manager, agency,
                                                               mission_ge):
    from passage.accounts.enums import Role
    from passage.testing.factories import UserFactory

    token, _ = token_create(actor=admin_user, organisation=agency, name="x", scopes=["departures:read"])
    for user in (counsellor_a, manager):
        client.force_login(user)
        assert client.get(reverse("api-token-list")).status_code == 403
        assert client.get(reverse("api-token-create")).status_code == 403
        assert client.post(reverse("api-token-revoke", args=[token.pk])).status_code == 403
    client.force_login(UserFactory(username="ge_admin", mission=mission_ge, role=Role.ADMIN))
    assert client.post(reverse("api-token-revoke", args=[token.pk])).status_code == 404
    assert token.prefix not in client.get(reverse("api-token-list")).content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
