"""A booking from the advance booking notification to departure, and what it does to the case."""

import datetime

import pytest
from django.utils import timezone

from passage.audit.models import AuditEvent
from passage.cases.enums import CaseStatus
from passage.cases.models import Case, StatusChange
from passage.core.errors import ConcurrentEditError, ServiceError, TransitionRefused
from passage.movements import services
from passage.movements.enums import BookingStatus as B
from passage.movements.models import Booking, BookingStatusChange, Passenger, Segment
from passage.movements.tests.conftest import journey, ready_household
from passage.testing.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def ticket_all(actor, booking, first="2351234567890"):
    for i, passenger in enumerate(booking.passengers.order_by("id")):
        services.passenger_ticket_record(actor=actor, passenger=passenger, ticket_number=str(int(first) + i),
                                         fare="245.50", taxes="61.20", currency="EUR", baggage_pieces=1,
                                         baggage_kg=23)


def booked(actor, case, *, reference="K7Q2XB"):
    """A case's household requested, given flights and a PNR, and booked."""
    booking = services.booking_request(actor=actor, case=case)
    services.itinerary_set(actor=actor, booking=booking, segments=journey())
    booking = services.booking_update(actor=actor, booking=booking, version=fresh(booking).version,
                                      reference=reference)
    return services.booking_transition(actor=actor, booking=booking, to_status=B.BOOKED)


def test_a_counsellor_requests_a_booking_for_the_whole_household(counsellor_a, ready_case):
    project = ProjectFactory(mission=ready_case.mission, code="AVRR-NL-2026")
    booking = services.booking_request(actor=counsellor_a, case=ready_case, project_code="avrr-nl-2026",
                                       remarks="Family prefers a morning flight")

    stored = fresh(booking)
    assert (stored.status, stored.case_id, stored.mission_id, stored.requested_by, stored.project_code,
            stored.remarks, stored.version) == (B.REQUESTED, ready_case.pk, ready_case.mission_id, counsellor_a,
                                                "AVRR-NL-2026", "Family prefers a morning flight", 1)
    assert stored.project == project
    assert sorted(Passenger.objects.filter(booking=booking).values_list("person__given_names", flat=True)) == [
        "Luka", "Nino"]
    assert list(BookingStatusChange.objects.filter(booking=booking).values_list("from_status", "to_status")) == [
        ("", B.REQUESTED)]
    [event] = AuditEvent.objects.filter(object_type="movements.booking", action="create")
    assert (event.case_id, event.mission_id, event.actor) == (ready_case.pk, ready_case.mission_id, counsellor_a)
    assert fresh(ready_case).status == CaseStatus.READY_TO_DEPART  # a request does not book the case yet


def test_a_request_for_some_of_the_household_only(counsellor_a, ready_case):
    nino = ready_case.members.get(relationship="principal").person
    booking = services.booking_request(actor=counsellor_a, case=ready_case, persons=[nino])
    assert list(booking.passengers.values_list("person_id", flat=True)) == [nino.pk]


def test_a_request_refuses_a_person_outside_the_household(counsellor_a, ready_case, case_a):
    stranger = case_a.members.get().person
    with pytest.raises(ServiceError) as exc:
        services.booking_request(actor=counsellor_a, case=ready_case, persons=[stranger])
    assert exc.value.field_errors == {"persons": "ALPHA Ana is not a member of the household of this case."}
    assert not Booking.objects.exists()


@pytest.mark.parametrize("status", [CaseStatus.CONTACT, CaseStatus.PREPARATION, CaseStatus.ON_HOLD,
                                    CaseStatus.BOOKED])
def test_no_booking_before_the_case_is_ready_to_depart(counsellor_a, ready_case, status):
    Case.objects.filter(pk=ready_case.pk).update(status=status)
    with pytest.raises(ServiceError) as exc:
        services.booking_request(actor=counsellor_a, case=ready_case)
    assert exc.value.message == (f"The case is “{CaseStatus(status).label}”: a departure is booked only for a case "
                                 "that is ready to depart.")
    assert not Booking.objects.exists()


def test_one_booking_in_progress_per_case(counsellor_a, ready_case):
    services.booking_request(actor=counsellor_a, case=ready_case)
    with pytest.raises(ServiceError) as exc:
        services.booking_request(actor=counsellor_a, case=ready_case)
    assert exc.value.message == "This case already has a booking in progress: change or cancel that one."
    assert Booking.objects.count() == 1


def test_booking_moves_the_case_to_booked_in_the_same_transaction(movements_officer, ready_case):
    booking = booked(movements_officer, ready_case)

    stored, case = fresh(booking), fresh(ready_case)
    assert (stored.status, stored.booked_by, stored.reference) == (B.BOOKED, movements_officer, "K7Q2XB")
    assert case.status == CaseStatus.BOOKED
    [change] = StatusChange.objects.filter(case=ready_case, to_status=CaseStatus.BOOKED)
    assert (change.from_status, change.by, change.reason) == (CaseStatus.READY_TO_DEPART, movements_officer,
                                                              "Booking K7Q2XB")
    assert list(BookingStatusChange.objects.filter(booking=booking).values_list("to_status", flat=True)) == [
        B.REQUESTED, B.BOOKED]
    actions = list(AuditEvent.objects.filter(case_id=ready_case.pk, action="transition")
                   .order_by("id").values_list("object_type", "changes__status"))
    assert actions == [("movements.booking", [B.REQUESTED, B.BOOKED]),
                       ("cases.case", [CaseStatus.READY_TO_DEPART, CaseStatus.BOOKED])]


def test_the_full_journey_to_departed_moves_the_case_to_departed(movements_officer, ready_case):
    booking = booked(movements_officer, ready_case)
    ticket_all(movements_officer, booking)
    for status in (B.TICKETED, B.CHECKED_IN, B.DEPARTED):
        booking = services.booking_transition(actor=movements_officer, booking=booking, to_status=status)
    assert fresh(booking).status == B.DEPARTED
    assert list(StatusChange.objects.filter(case=ready_case).values_list("to_status", flat=True)) == [
        CaseStatus.READY_TO_DEPART, CaseStatus.BOOKED, CaseStatus.DEPARTED]
    assert list(BookingStatusChange.objects.filter(booking=booking).values_list("to_status", flat=True)) == [
        B.REQUESTED, B.BOOKED, B.TICKETED, B.CHECKED_IN, B.DEPARTED]


def test_ticketing_needs_every_ticket_number(movements_officer, ready_case):
    booking = booked(movements_officer, ready_case)
    nino = booking.passengers.get(person__given_names="Nino")
    services.passenger_ticket_record(actor=movements_officer, passenger=nino, ticket_number="235 1234567890")
    with pytest.raises(TransitionRefused) as exc:
        services.booking_transition(actor=movements_officer, booking=booking, to_status=B.TICKETED)
    assert exc.value.details == ["The ticket number of BERIDZE Luka."]
    assert fresh(nino).ticket_number == "2351234567890"


def test_cancelling_a_booked_booking_returns_the_case_to_ready_to_depart(movements_officer, ready_case):
    booking = booked(movements_officer, ready_case)
    services.booking_transition(actor=movements_officer, booking=booking, to_status=B.CANCELLED,
                                reason="Airline cancelled the route")
    assert (fresh(booking).status, fresh(ready_case).status) == (B.CANCELLED, CaseStatus.READY_TO_DEPART)
    # and the case can be booked again
    again = booked(movements_officer, ready_case, reference="ZZ9ABC")
    assert fresh(again).status == B.BOOKED


def test_cancelling_can_send_the_case_back_to_preparation(movements_officer, ready_case):
    booking = booked(movements_officer, ready_case)
    services.booking_transition(actor=movements_officer, booking=booking, to_status=B.CANCELLED,
                                reason="Passport seized", case_status=CaseStatus.PREPARATION)
    assert fresh(ready_case).status == CaseStatus.PREPARATION


def test_cancelling_with_the_case_on_hold_needs_a_review_date_and_resumes_at_ready_to_depart(
    movements_officer, ready_case
):
    booking = booked(movements_officer, ready_case)
    with pytest.raises(TransitionRefused) as exc:
        services.booking_transition(actor=movements_officer, booking=booking, to_status=B.CANCELLED,
                                    reason="Hospital stay", case_status=CaseStatus.ON_HOLD)
    assert exc.value.details == ["A review date."]
    assert (fresh(booking).status, fresh(ready_case).status) == (B.BOOKED, CaseStatus.BOOKED)
    review = datetime.date.today() + datetime.timedelta(days=20)
    services.booking_transition(actor=movements_officer, booking=booking, to_status=B.CANCELLED,
                                reason="Hospital stay", case_status=CaseStatus.ON_HOLD, review_on=review)
    case = fresh(ready_case)
    assert (case.status, case.on_hold_from, case.on_hold_review_on) == (CaseStatus.ON_HOLD,
                                                                         CaseStatus.READY_TO_DEPART, review)


def test_cancelling_to_a_status_the_case_cannot_take_is_refused(movements_officer, ready_case):
    booking = booked(movements_officer, ready_case)
    with pytest.raises(TransitionRefused) as exc:
        services.booking_transition(actor=movements_officer, booking=booking, to_status=B.CANCELLED,
                                    reason="x", case_status=CaseStatus.CLOSED)
    assert exc.value.details == ["Where the case goes next: ready to depart, preparation, on hold or withdrawn."]


def test_a_no_show_returns_the_case_and_the_booking_is_rebooked(movements_officer, ready_case):
    booking = booked(movements_officer, ready_case)
    ticket_all(movements_officer, booking)
    services.booking_transition(actor=movements_officer, booking=booking, to_status=B.TICKETED)
    with pytest.raises(TransitionRefused) as exc:
        services.booking_transition(actor=movements_officer, booking=booking, to_status=B.NO_SHOW)
    assert exc.value.details == ["A reason."]
    services.booking_transition(actor=movements_officer, booking=booking, to_status=B.NO_SHOW,
                                reason="Did not report at the desk")
    assert fresh(ready_case).status == CaseStatus.READY_TO_DEPART
    tomorrow = datetime.date.today() + datetime.timedelta(days=8)
    services.itinerary_set(actor=movements_officer, booking=booking, segments=journey(tomorrow),
                           reason="Rebooked after no-show")
    services.booking_transition(actor=movements_officer, booking=booking, to_status=B.BOOKED)
    assert (fresh(booking).status, fresh(ready_case).status) == (B.BOOKED, CaseStatus.BOOKED)


def test_checking_in_a_cancelled_booking_is_refused_naming_the_passengers(movements_officer, ready_case):
    booking = booked(movements_officer, ready_case)
    services.booking_transition(actor=movements_officer, booking=booking, to_status=B.CANCELLED, reason="Ill")
    with pytest.raises(TransitionRefused) as exc:
        services.booking_transition(actor=movements_officer, booking=booking, to_status=B.CHECKED_IN)
    assert exc.value.message == "The booking cannot move to “Checked in” yet. Missing:"
    assert exc.value.details == ["The booking is cancelled: BERIDZE Nino, BERIDZE Luka cannot be checked in."]


def test_booking_needs_a_pnr_and_flights(movements_officer, ready_case):
    booking = services.booking_request(actor=movements_officer, case=ready_case)
    with pytest.raises(TransitionRefused) as exc:
        services.booking_transition(actor=movements_officer, booking=booking, to_status=B.BOOKED)
    assert exc.value.details == ["The booking reference (PNR).", "The flights of the journey."]
    assert fresh(ready_case).status == CaseStatus.READY_TO_DEPART


def test_a_stale_version_is_refused(movements_officer, ready_case):
    booking = services.booking_request(actor=movements_officer, case=ready_case)
    services.booking_update(actor=movements_officer, booking=booking, version=1, reference="K7Q2XB")
    with pytest.raises(ConcurrentEditError):
        services.booking_update(actor=movements_officer, booking=booking, version=1, reference="ABC123")
    assert (fresh(booking).reference, fresh(booking).version) == ("K7Q2XB", 2)


def test_a_failing_audit_write_leaves_booking_and_case_unchanged(movements_officer, ready_case, monkeypatch):
    booking = services.booking_request(actor=movements_officer, case=ready_case)
    services.itinerary_set(actor=movements_officer, booking=booking, segments=journey())
    services.booking_update(actor=movements_officer, booking=booking, version=fresh(booking).version,
                            reference="K7Q2XB")
    from passage.cases import services as case_services

    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(case_services, "audit_record", broken)  # the case's audit row fails, after the booking's
    with pytest.raises(RuntimeError):
        services.booking_transition(actor=movements_officer, booking=booking, to_status=B.BOOKED)
    assert (fresh(booking).status, fresh(ready_case).status) == (B.REQUESTED, CaseStatus.READY_TO_DEPART)
    assert BookingStatusChange.objects.filter(booking=booking).count() == 1


def test_a_charter_takes_bookings_up_to_its_seats(movements_officer, ready_case, counsellor_a, work_post_a):
    from passage.movements.enums import CharterStatus

    day = journey()[0].departs.date()
    charter = services.charter_create(actor=movements_officer, reference="CH-2026-01", airline="KL",
                                      flight_number="KL9001", origin="AMS", destination="TBS",
                                      departs=datetime.datetime.combine(day, datetime.time(9)),
                                      arrives=datetime.datetime.combine(day, datetime.time(16)), seats=3)
    first = services.booking_request(actor=movements_officer, case=ready_case, charter=charter)
    assert fresh(first).seats == 2
    [segment] = Segment.objects.filter(itinerary__booking=first)
    assert (segment.flight_number, segment.origin_id, segment.destination_id, segment.departs_at,
            segment.itinerary.version) == ("KL9001", "AMS", "TBS", charter.departs_at, 1)
    other = ready_household(counsellor_a, work_post_a, family_name="Kapanadze")
    with pytest.raises(ServiceError) as exc:
        services.booking_request(actor=movements_officer, case=other, charter=charter)
    assert exc.value.field_errors == {"seats": "Only 1 seat is left on the charter flight."}
    services.charter_transition(actor=movements_officer, charter=charter, to_status=CharterStatus.CONFIRMED)
    assert list(charter.status_changes.values_list("to_status", flat=True)) == ["planned", "confirmed"]


def test_a_booking_on_a_charter_is_booked_on_the_charters_flight(movements_officer, ready_case):
    day = journey()[0].departs.date()
    charter = services.charter_create(actor=movements_officer, reference="CH-2026-02", airline="KL",
                                      flight_number="KL9002", origin="AMS", destination="TBS",
                                      departs=datetime.datetime.combine(day, datetime.time(9)),
                                      arrives=datetime.datetime.combine(day, datetime.time(16)), seats=150)
    booking = services.booking_request(actor=movements_officer, case=ready_case, charter=charter, seats=3)
    services.booking_update(actor=movements_officer, booking=booking, version=1, reference="CH0002")
    services.booking_transition(actor=movements_officer, booking=booking, to_status=B.BOOKED)
    assert (fresh(booking).status, fresh(booking).seats, fresh(ready_case).status) == (B.BOOKED, 3, CaseStatus.BOOKED)


def test_a_cancelled_booking_cannot_be_changed_or_rebooked(movements_officer, ready_case):
    booking = booked(movements_officer, ready_case)
    services.booking_transition(actor=movements_officer, booking=booking, to_status=B.CANCELLED, reason="Ill")
    version = fresh(booking).version
    calls = {
        "This booking is “Cancelled” and can no longer be changed.": [
            lambda: services.booking_update(actor=movements_officer, booking=booking, version=version,
                                            reference="ABC123"),
            lambda: services.escort_add(actor=movements_officer, booking=booking, kind="medical",
                                        external_name="Dr. Jansen"),
            lambda: services.passenger_ticket_record(actor=movements_officer, passenger=booking.passengers.first(),
                                                     ticket_number="2351234567890"),
        ],
        "A booking that is “Cancelled” cannot be rebooked.": [
            lambda: services.itinerary_set(actor=movements_officer, booking=booking, segments=journey(),
                                           reason="again"),
        ],
    }
    for message, attempts in calls.items():
        for attempt in attempts:
            with pytest.raises(ServiceError) as exc:
                attempt()
            assert exc.value.message == message
    assert fresh(booking).version == version


def test_a_medif_cannot_be_sent_in_the_future(movements_officer, ready_case):
    booking = services.booking_request(actor=movements_officer, case=ready_case)
    with pytest.raises(ServiceError) as exc:
        services.passenger_medif_sent(actor=movements_officer, passenger=booking.passengers.first(),
                                      sent_at=timezone.now() + datetime.timedelta(hours=1))
    assert exc.value.field_errors == {"medif_sent_at": "Give when it was sent; it cannot be in the future."}


def test_special_assistance_is_removed_with_an_audit_row(movements_officer, ready_case):
    booking = services.booking_request(actor=movements_officer, case=ready_case)
    row = services.special_assistance_add(actor=movements_officer, passenger=booking.passengers.first(),
                                          code="wchr", text="Own wheelchair, folds")
    assert (row.code, row.text, row.get_code_display()) == (
        "WCHR", "Own wheelchair, folds", "Wheelchair to the aircraft door (can climb stairs and walk in the cabin)")
    services.special_assistance_remove(actor=movements_officer, assistance=row)
    assert not booking.passengers.first().assistance.exists()
    assert AuditEvent.objects.filter(object_type="movements.specialassistance", action="delete").count() == 1
