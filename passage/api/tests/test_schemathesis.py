"""The partner API against its own OpenAPI document: schemathesis generates requests from the schema (valid and
invalid ones) and checks every answer — never a server error, only documented status codes, content types,
headers and bodies that match the schema, invalid input refused, and a request without the token refused."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks

from passage.api.models import PartnerToken

pytestmark = pytest.mark.django_db


# Loaded when the module is collected (schemathesis' lazy fixture loader does not run under pytest 9): the
# document itself needs no database.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: the end of a request must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_every_operation_answers_as_its_schema_says(case, service_token, agency_token, departures):
    PartnerToken.objects.update(rate_limit_per_minute=100_000)
    token = agency_token if case.path.startswith("/api/v1/departures") else service_token
    # Schemathesis sends a made-up bearer token, or none when a case tests the missing header: the made-up one
    # becomes the partner's real token, a missing one stays missing (and must be refused).
    headers = dict(case.headers or {})
    if "Authorization" in headers:
        headers["Authorization"] = f"Bearer {token.secret}"
    case.headers = headers
    # A referral that passes the schema may still be refused by the services (an unknown centre or language
    # id, a duplicate foreigner's number): 422 with the field, which positive_data_acceptance would call wrong.
    case.call_and_validate(excluded_checks=[checks.positive_data_acceptance])

