"""Partners calling at once, with real transactions and threads (each its own connection): two requests with
one Idempotency-Key make one case and get one answer; the rate limit counts every request exactly. PostgreSQL:
the second insert of a key waits on the unique index for the first to commit (SQLite serialises all writers)."""

import pytest
from django.db import connection
from django.test import Client

from passage.api.models import PartnerToken, Referral
from passage.cases.models import Case
from passage.cases.tests.test_concurrency import run_together
from passage.people.models import Person

from .conftest import fresh_minute
from .test_referrals import body

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
]


def _post(secret, key, payload):
    def call():
        response = Client().post("/api/v1/referrals", payload, content_type="application/json",
                                 HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_IDEMPOTENCY_KEY=key)
        return response.status_code, response.json()
    return call


def test_concurrent_requests_with_one_key_make_one_case_and_give_one_answer(service_token):
    results = run_together(*[_post(service_token.secret, "same-key", body()) for _ in range(4)])
    assert [kind for kind, _ in results] == ["ok"] * 4, results
    answers = [value for _, value in results]
    assert {status for status, _ in answers} == {201}
    assert all(answer == answers[0][1] for _, answer in answers)
    assert (Case.objects.count(), Person.objects.count(), Referral.objects.count()) == (1, 1, 1)


def test_concurrent_requests_with_one_key_and_two_bodies_make_one_case(service_token):
    results = run_together(_post(service_token.secret, "k", body()),
                           _post(service_token.secret, "k", body(family_name="Other")))
    assert sorted(value[0] for _, value in results) == [201, 422]
    assert Case.objects.count() == 1


def test_the_rate_limit_counts_concurrent_requests_exactly(agency_token):
    fresh_minute()
    PartnerToken.objects.filter(pk=agency_token.pk).update(rate_limit_per_minute=3)

    def call():
        return Client().get("/api/v1/departures", {"since": "2026-01-01T00:00:00Z"},
                            HTTP_AUTHORIZATION=f"Bearer {agency_token.secret}").status_code

    statuses = sorted(value for _, value in run_together(*[call] * 6))
    assert statuses == [200, 200, 200, 429, 429, 429]
