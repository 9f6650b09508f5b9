"""Personas of the partner API: the national return service (refers persons, intake at work post A by
counsellor_a), a reception agency with two centres and another reception agency with one, each with a token of
the host mission NL; residents of each who departed."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from passage.api.enums import TokenScope
from passage.api.services import token_create
from passage.movements.enums import BookingStatus, DeskStep
from passage.movements.models import DeskEvent
from passage.people.enums import ResidenceKind
from passage.reference.enums import PartnerKind
from passage.testing.factories import (
    BookingFactory,
    CaseFactory,
    ItineraryFactory,
    PartnerLocationFactory,
    PartnerOrganisationFactory,
    PersonFactory,
)


def fresh_minute() -> None:
    """Wait out the last seconds of a minute, so that a test's few requests fall in one rate-limit window."""
    import time

    now = timezone.now()
    if now.second >= 57:
        time.sleep(60 - now.second - now.microsecond / 1e6 + 0.05)


class Api:
    """A partner's HTTP client: JSON in and out, with its token."""

    def __init__(self, secret: str | None):
        self.client = Client()
        self.secret = secret

    def _headers(self, headers):
        out = {"HTTP_AUTHORIZATION": f"Bearer {self.secret}"} if self.secret else {}
        out.update({f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()})
        return out

    def get(self, path, params=None, headers=None):
        return self.client.get(f"/api/v1{path}", params or {}, **self._headers(headers))

    def post(self, path, body, headers=None):
        return self.client.post(f"/api/v1{path}", body, content_type="application/json", **self._headers(headers))


@pytest.fixture
def return_service(db):
    org = PartnerOrganisationFactory(name="National return service", kind=PartnerKind.RETURN_SERVICE)
    PartnerLocationFactory(organisation=org, name="DT&V Den Haag", kind="office", city="Den Haag",
                           email="dtv@example.org")
    return org


@pytest.fixture
def agency(db):
    return PartnerOrganisationFactory(name="Reception agency", kind=PartnerKind.RECEPTION_AGENCY)


@pytest.fixture
def other_agency(db):
    return PartnerOrganisationFactory(name="Other reception agency", kind=PartnerKind.RECEPTION_AGENCY)


@pytest.fixture
def ter_apel(agency):
    return PartnerLocationFactory(organisation=agency, name="AZC Ter Apel", city="Ter Apel")


@pytest.fixture
def budel(agency):
    return PartnerLocationFactory(organisation=agency, name="AZC Budel", city="Budel")


@pytest.fixture
def elsewhere(other_agency):
    return PartnerLocationFactory(organisation=other_agency, name="Opvang Elders", city="Zwolle")


@pytest.fixture
def service_token(admin_user, return_service, work_post_a, counsellor_a):
    token, secret = token_create(actor=admin_user, organisation=return_service, name="case system",
                                 scopes=[TokenScope.REFERRALS_WRITE, TokenScope.REFERRALS_READ,
                                         TokenScope.EVENTS_READ],
                                 intake_work_post=work_post_a, intake_counsellor=counsellor_a)
    token.secret = secret
    return token


@pytest.fixture
def agency_token(admin_user, agency):
    token, secret = token_create(actor=admin_user, organisation=agency, name="bed planning",
                                 scopes=[TokenScope.DEPARTURES_READ, TokenScope.EVENTS_READ])
    token.secret = secret
    return token


@pytest.fixture
def other_agency_token(admin_user, other_agency):
    token, secret = token_create(actor=admin_user, organisation=other_agency, name="planning",
                                 scopes=[TokenScope.DEPARTURES_READ, TokenScope.EVENTS_READ])
    token.secret = secret
    return token


@pytest.fixture
def service_api(service_token):
    return Api(service_token.secret)


@pytest.fixture
def agency_api(agency_token):
    return Api(agency_token.secret)


@pytest.fixture
def other_agency_api(other_agency_token):
    return Api(other_agency_token.secret)


def departed(*, mission, work_post, counsellor, location, departed_at, boarded=True, family_name="Resident"):
    """A case whose principal lived at ``location`` and left on a booking that departed at ``departed_at``
    (boarded, unless ``boarded`` is False: a passenger who did not board did not leave)."""
    person = PersonFactory(mission=mission, family_name=family_name, residence_kind=ResidenceKind.PARTNER_LOCATION,
                           residence_location=location)
    case = CaseFactory(work_post=work_post, counsellor=counsellor, principal=person)
    booking = BookingFactory(case=case, status=BookingStatus.DEPARTED, departed_at=departed_at)
    itinerary = ItineraryFactory(booking=booking)
    passenger = booking.passengers.get()
    if boarded:
        DeskEvent.objects.create(booking=booking, passenger=passenger, itinerary=itinerary, mission=mission,
                                 step=DeskStep.BOARDED, at=departed_at - datetime.timedelta(minutes=30),
                                 by=counsellor)
    return passenger


@pytest.fixture
def departures(mission, work_post_a, counsellor_a, ter_apel, budel, elsewhere):
    """Three residents of the agency (two at Ter Apel, one at Budel), one of the other agency, one who never
    boarded, one who left before the window."""
    now = timezone.now().replace(microsecond=0)  # departures are recorded to the minute; JSON carries ms
    make = dict(mission=mission, work_post=work_post_a, counsellor=counsellor_a)
    return {
        "old": departed(**make, location=ter_apel, departed_at=now - datetime.timedelta(days=30), family_name="Old"),
        "first": departed(**make, location=ter_apel, departed_at=now - datetime.timedelta(days=2), family_name="One"),
        "second": departed(**make, location=budel, departed_at=now - datetime.timedelta(days=1), family_name="Two"),
        "third": departed(**make, location=ter_apel, departed_at=now - datetime.timedelta(hours=1),
                          family_name="Three"),
        "other": departed(**make, location=elsewhere, departed_at=now - datetime.timedelta(hours=2),
                          family_name="Elsewhere"),
        "stayed": departed(**make, location=budel, departed_at=now - datetime.timedelta(hours=3), boarded=False,
                           family_name="Stayed"),
    }
