"""Every route that names a case or a person answers 404 to a user who may not see it — whatever the method,
whatever the sub-record — exactly as it does for a record that does not exist. New routes are covered
automatically: the test walks the URL configuration."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver
from django.utils import timezone

from passage.cases import services as case_services
from passage.cases.models import Appointment, Case, StatusChange
from passage.movements.models import AssistanceRequest, Booking, DeskEvent, SpecialAssistance
from passage.people.models import Person
from passage.testing.factories import BookingFactory, MissionFactory, SegmentFactory, TravelDocumentFactory

ROUTE_ARG = re.compile(r"<int:(\w+)>")


def routes():
    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern)

    return [r for r in walk(get_resolver().url_patterns) if r.startswith(("cases/<int:pk>", "people/<int:pk>"))]


@pytest.fixture
def case_b_full(case_b, counsellor_b):
    """case_b with one of every sub-record, so each sub-route has a real target."""
    person = case_b.members.get().person
    case_services.vulnerability_record(actor=counsellor_b, case=case_b, person=person, kind="elderly")
    consent = case_services.consent_record(actor=counsellor_b, case=case_b, kind="data_processing",
                                           given_on=datetime.date(2026, 1, 5))
    check = case_services.eligibility_check_run(actor=counsellor_b, case=case_b)
    attachment = case_services.attachment_add(
        actor=counsellor_b, case=case_b, kind="other",
        upload=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 synthetic", content_type="application/pdf"))
    document = TravelDocumentFactory(person=person)
    # A booking with a flight, a special assistance and a request to another mission (the journey routes).
    booking = BookingFactory(case=case_b)
    segment = SegmentFactory(itinerary__booking=booking)
    passenger = booking.passengers.get()
    assistance = SpecialAssistance.objects.create(passenger=passenger, mission_id=booking.mission_id, code="WCHR",
                                                  recorded_by=counsellor_b)
    other = MissionFactory(code="TR", name="Türkiye mission", country="TR", is_host=False)
    request_row = AssistanceRequest.objects.create(booking=booking, mission_id=booking.mission_id, kind="transit",
                                                   airport_id="IST", to_mission=other, requested_by=counsellor_b,
                                                   requested_at=booking.requested_at)
    # An appointment still to come (plan, new time, cancel) — held or missed is the same route.
    from passage.cases.appointments import appointment_plan

    starts = timezone.now() + datetime.timedelta(days=3)
    appointment = appointment_plan(actor=counsellor_b, case=case_b, starts_at=starts, duration_minutes=30,
                                   purpose="counselling", place="phone")
    # A step at the airport's desk (the undo route).
    desk_event = DeskEvent.objects.create(booking=booking, passenger=passenger, mission_id=booking.mission_id,
                                          itinerary=segment.itinerary, step="reported", at=timezone.now(),
                                          by=counsellor_b)
    return {
        "case": case_b, "person": person, "outcome_pk": check.outcomes.first().pk,
        "vulnerability_pk": case_b.vulnerabilities.get().pk, "consent_pk": consent.pk,
        "attachment_pk": attachment.pk, "document_pk": document.pk,
        "booking_pk": booking.pk, "segment_pk": segment.pk, "passenger_pk": passenger.pk,
        "assistance_pk": assistance.pk, "request_pk": request_row.pk, "event_pk": desk_event.pk,
        "appointment_pk": appointment.pk,
    }


def url_for(route: str, target: dict, missing: bool = False) -> str:
    def value(name):
        if name == "pk":
            if missing:
                return 999_999
            return target["case"].pk if route.startswith("cases/") else target["person"].pk
        return target[name]

    return "/" + ROUTE_ARG.sub(lambda m: str(value(m.group(1))), route)


def test_the_walk_finds_the_routes():
    found = routes()
    assert "cases/<int:pk>/" in found and "people/<int:pk>/documents/<int:document_pk>/edit/" in found
    assert "cases/<int:pk>/journey/bookings/<int:booking_pk>/passengers/<int:passenger_pk>/ticket/" in found
    assert "cases/<int:pk>/journey/bookings/<int:booking_pk>/desk/<int:event_pk>/undo/" in found
    assert "cases/<int:pk>/appointments/<int:appointment_pk>/reschedule/" in found
    assert len(found) >= 20


@pytest.mark.django_db
def test_every_case_and_person_route_is_404_outside_scope(client, counsellor_a, case_b_full, sensitive_a):
    client.force_login(counsellor_a)
    before = (Case.objects.count(), StatusChange.objects.count(), Person.objects.count(),
              list(Booking.objects.values_list("pk", "status", "version", "reference")),
              SpecialAssistance.objects.count(), AssistanceRequest.objects.count(),
              list(DeskEvent.objects.values_list("pk", "undone_at")),
              list(Appointment.objects.values_list("pk", "status", "version", "starts_at")))
    leaks = []
    for route in routes():
        for method in ("get", "post"):
            outside = getattr(client, method)(url_for(route, case_b_full), {"reason": "x", "to_status": "withdrawn"})
            missing = getattr(client, method)(url_for(route, case_b_full, missing=True), {"reason": "x"})
            # 405: the route does not take this method at all, for any record — nothing is revealed.
            if outside.status_code not in (404, 405):
                leaks.append(f"{method.upper()} {route}: {outside.status_code}")
            if outside.status_code != missing.status_code:
                leaks.append(f"{method.upper()} {route}: {outside.status_code} differs from missing "
                             f"{missing.status_code}")
    assert leaks == []
    assert (Case.objects.count(), StatusChange.objects.count(), Person.objects.count(),
            list(Booking.objects.values_list("pk", "status", "version", "reference")),
            SpecialAssistance.objects.count(), AssistanceRequest.objects.count(),
            list(DeskEvent.objects.values_list("pk", "undone_at")),
            list(Appointment.objects.values_list("pk", "status", "version", "starts_at"))) == before
    assert case_b_full["case"].status == Case.objects.get(pk=case_b_full["case"].pk).status


@pytest.mark.django_db
def test_unassigned_sensitive_case_of_ones_own_work_post_is_404_on_every_route(client, counsellor_a, sensitive_a):
    client.force_login(counsellor_a)
    target = {"case": sensitive_a, "person": sensitive_a.members.get().person, "outcome_pk": 1,
              "vulnerability_pk": 1, "consent_pk": 1, "attachment_pk": 1, "document_pk": 1,
              "booking_pk": 1, "segment_pk": 1, "passenger_pk": 1, "assistance_pk": 1, "request_pk": 1, "event_pk": 1,
              "appointment_pk": 1}
    for route in routes():
        for method in ("get", "post"):
            response = getattr(client, method)(url_for(route, target), {"reason": "x"})
            assert response.status_code in (404, 405), f"{method} {route}"


@pytest.mark.django_db
def test_finance_reaches_no_case_or_person_route_even_of_its_own_mission(client, case_b_full):
    """Finance decides on cash contributions from its own queue (docs/decisions/0009); it has no case scope."""
    from passage.testing.factories import UserFactory

    finance = UserFactory(username="finance_walk", mission=case_b_full["case"].mission, role="finance")
    client.force_login(finance)
    for route in routes():
        for method in ("get", "post"):
            response = getattr(client, method)(url_for(route, case_b_full), {"reason": "x"})
            assert response.status_code in (404, 405), f"{method} {route}: {response.status_code}"
