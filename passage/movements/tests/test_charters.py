"""A charter flight moves its bookings: its departure confirms the departure of every booking with someone on
board and lists who did not board; its cancellation cancels its bookings and releases their cases. Seats are
never given twice."""

import datetime

import pytest
from django.utils import timezone

from passage.audit.models import AuditEvent
from passage.cases.enums import CaseStatus
from passage.cases.models import StatusChange
from passage.core.errors import ServiceError, TransitionRefused
from passage.messaging.models import OutboxEvent
from passage.movements import services
from passage.movements.enums import BookingStatus as B
from passage.movements.enums import CharterStatus as C
from passage.movements.enums import DeskStep as S
from passage.movements.models import BookingStatusChange, CharterStatusChange, DeskEvent, Itinerary
from passage.movements.tests.conftest import approve_cash, journey, ready_household, travel_day
from passage.movements.tests.test_services_bookings import fresh, ticket_all

pytestmark = pytest.mark.django_db


def new_charter(actor, *, seats=10, reference="CH-2026-01", days=7):
    day = travel_day(days)
    return services.charter_create(actor=actor, reference=reference, airline="KL", flight_number="KL9001",
                                   origin="AMS", destination="TBS",
                                   departs=datetime.datetime.combine(day, datetime.time(9)),
                                   arrives=datetime.datetime.combine(day, datetime.time(16)), seats=seats)


def on_charter(actor, case, charter, *, to=B.TICKETED, pnr="CH0001", first_ticket=2351234567890):
    """The case's household on the charter, moved as far as ``to`` (requested, booked or ticketed)."""
    booking = services.booking_request(actor=actor, case=case, charter=charter)
    if to == B.REQUESTED:
        return booking
    services.booking_update(actor=actor, booking=booking, version=fresh(booking).version, reference=pnr)
    booking = services.booking_transition(actor=actor, booking=booking.pk, to_status=B.BOOKED)
    if to == B.BOOKED:
        return booking
    ticket_all(actor, booking, first=str(first_ticket))
    return services.booking_transition(actor=actor, booking=booking.pk, to_status=B.TICKETED)


def desk(actor, booking, *steps_per_passenger):
    for passenger, steps in zip(booking.passengers.order_by("pk"), steps_per_passenger, strict=True):
        for step in steps:
            services.desk_step_record(actor=actor, passenger=passenger, step=step)


BOARDED = (S.REPORTED, S.CHECKED_IN, S.BOARDED)
CHECKED_IN = (S.REPORTED, S.CHECKED_IN)


@pytest.fixture
def households(counsellor_a, work_post_a, ready_case):
    return {
        "beridze": ready_case,
        "kapanadze": ready_household(counsellor_a, work_post_a, family_name="Kapanadze"),
        "lomidze": ready_household(counsellor_a, work_post_a, family_name="Lomidze"),
        "tsereteli": ready_household(counsellor_a, work_post_a, family_name="Tsereteli"),
    }


@pytest.fixture
def flight(movements_officer, households):
    """A confirmed charter: Beridze all on board, Kapanadze one of two on board, Lomidze ticketed (nobody came),
    Tsereteli still only requested."""
    charter = new_charter(movements_officer)
    bookings = {
        "beridze": on_charter(movements_officer, households["beridze"], charter, pnr="CH0001"),
        "kapanadze": on_charter(movements_officer, households["kapanadze"], charter, pnr="CH0002",
                                first_ticket=2351234567900),
        "lomidze": on_charter(movements_officer, households["lomidze"], charter, pnr="CH0003",
                              first_ticket=2351234567910),
        "tsereteli": on_charter(movements_officer, households["tsereteli"], charter, to=B.REQUESTED),
    }
    desk(movements_officer, bookings["beridze"], BOARDED, BOARDED)
    desk(movements_officer, bookings["kapanadze"], BOARDED, CHECKED_IN)
    services.charter_transition(actor=movements_officer, charter=charter, to_status=C.CONFIRMED)
    return fresh(charter), bookings


def test_a_charters_departure_departs_every_booking_with_someone_on_board_and_lists_who_did_not(
        movements_officer, households, flight):
    charter, bookings = flight
    move = services.charter_transition(actor=movements_officer, charter=charter, to_status=C.DEPARTED)

    assert fresh(charter).status == C.DEPARTED
    assert [b.pk for b in move.departed] == [bookings["beridze"].pk, bookings["kapanadze"].pk]
    assert [b.pk for b in move.no_show] == [bookings["lomidze"].pk]
    assert [b.pk for b in move.cancelled] == [bookings["tsereteli"].pk]
    assert move.did_not_board == [
        f"KAPANADZE Luka ({households['kapanadze'].number})",
        f"LOMIDZE Nino ({households['lomidze'].number})", f"LOMIDZE Luka ({households['lomidze'].number})",
        f"TSERETELI Nino ({households['tsereteli'].number})", f"TSERETELI Luka ({households['tsereteli'].number})"]
    statuses = {name: (fresh(b).status, fresh(households[name]).status) for name, b in bookings.items()}
    assert statuses == {
        "beridze": (B.DEPARTED, CaseStatus.DEPARTED),
        "kapanadze": (B.DEPARTED, CaseStatus.DEPARTED),
        "lomidze": (B.NO_SHOW, CaseStatus.READY_TO_DEPART),   # released: the case can be rebooked
        "tsereteli": (B.CANCELLED, CaseStatus.READY_TO_DEPART),
    }
    # Each departed case has its outbox event, written by the departure confirmation itself.
    assert sorted(OutboxEvent.objects.filter(event_type="case.departed").values_list("case_id", flat=True)) == sorted(
        [households["beridze"].pk, households["kapanadze"].pk])
    luka = bookings["kapanadze"].passengers.order_by("pk").last()
    [no_show] = DeskEvent.objects.filter(passenger=luka, step=S.NO_SHOW)
    assert (no_show.reason, no_show.by) == ("Did not board the charter flight CH-2026-01", movements_officer)
    assert list(BookingStatusChange.objects.filter(booking=bookings["lomidze"]).values_list(
        "to_status", "reason")).pop() == (B.NO_SHOW, "Did not board the charter flight CH-2026-01")
    assert StatusChange.objects.filter(case=households["lomidze"], from_status=CaseStatus.BOOKED,
                                       to_status=CaseStatus.READY_TO_DEPART).count() == 1
    assert list(CharterStatusChange.objects.filter(charter=charter).values_list("from_status", "to_status")) == [
        ("", C.PLANNED), (C.PLANNED, C.CONFIRMED), (C.CONFIRMED, C.DEPARTED)]
    [audit] = AuditEvent.objects.filter(object_type="movements.charter", action="transition",
                                        summary="charter confirmed → departed")
    assert audit.changes["bookings"] == {"departed": [bookings["beridze"].pk, bookings["kapanadze"].pk],
                                         "no_show": [bookings["lomidze"].pk],
                                         "cancelled": [bookings["tsereteli"].pk]}


def test_a_charters_departure_moves_nothing_while_one_booking_cannot_depart(
        movements_officer, operations_officer, households, flight):
    charter, bookings = flight
    approve_cash(operations_officer, households["beridze"], "300")
    with pytest.raises(TransitionRefused) as exc:
        services.charter_transition(actor=movements_officer, charter=charter, to_status=C.DEPARTED)
    assert exc.value.details == [
        f"{households['beridze'].number}: The cash contribution of 300.00 EUR approved for the case has not been "
        "handed over (to BERIDZE Nino, BERIDZE Luka)."]
    assert fresh(charter).status == C.CONFIRMED
    assert {fresh(b).status for b in bookings.values()} == {B.TICKETED, B.CHECKED_IN, B.REQUESTED}
    assert not DeskEvent.objects.filter(step=S.NO_SHOW).exists()
    assert not OutboxEvent.objects.exists()


def test_a_charters_departure_is_the_airports_to_confirm(operations_officer, flight):
    charter, _bookings = flight
    with pytest.raises(TransitionRefused) as exc:
        services.charter_transition(actor=operations_officer, charter=charter, to_status=C.DEPARTED)
    assert exc.value.details == ["The departure is confirmed by the movements staff at the airport."]


def test_a_planned_charter_cannot_depart(movements_officer):
    charter = new_charter(movements_officer)
    with pytest.raises(TransitionRefused) as exc:
        services.charter_transition(actor=movements_officer, charter=charter, to_status=C.DEPARTED)
    assert exc.value.details == ["A charter flight cannot move from “Planned” to “Departed”."]


def test_cancelling_a_charter_cancels_its_bookings_and_releases_their_cases(movements_officer, households):
    charter = new_charter(movements_officer)
    booked = on_charter(movements_officer, households["beridze"], charter, to=B.BOOKED)
    requested = on_charter(movements_officer, households["kapanadze"], charter, to=B.REQUESTED)

    move = services.charter_transition(actor=movements_officer, charter=charter, to_status=C.CANCELLED,
                                       reason="The airline withdrew the aircraft")

    why = "Charter flight CH-2026-01 cancelled: The airline withdrew the aircraft"
    assert [b.pk for b in move.cancelled] == [booked.pk, requested.pk]
    assert (fresh(charter).status, fresh(booked).status, fresh(requested).status) == (C.CANCELLED, B.CANCELLED,
                                                                                      B.CANCELLED)
    assert list(BookingStatusChange.objects.filter(booking=booked).values_list("from_status", "to_status",
                                                                               "reason")) == [
        ("", B.REQUESTED, ""), (B.REQUESTED, B.BOOKED, ""), (B.BOOKED, B.CANCELLED, why)]
    assert list(StatusChange.objects.filter(case=households["beridze"]).order_by("pk").values_list(
        "from_status", "to_status"))[-2:] == [(CaseStatus.READY_TO_DEPART, CaseStatus.BOOKED),
                                              (CaseStatus.BOOKED, CaseStatus.READY_TO_DEPART)]
    assert fresh(charter).status_changes.last().reason == "The airline withdrew the aircraft"
    # The case can be rebooked at once, on a scheduled flight.
    again = services.booking_request(actor=movements_officer, case=households["beridze"])
    assert fresh(again).status == B.REQUESTED


def test_cancelling_a_charter_needs_a_reason_and_nobody_on_board(movements_officer, flight):
    charter, _bookings = flight
    with pytest.raises(TransitionRefused) as exc:
        services.charter_transition(actor=movements_officer, charter=charter, to_status=C.CANCELLED, reason=" ")
    assert exc.value.details == ["A reason.",
                                 "3 passengers have boarded: the flight is leaving, it cannot be cancelled."]
    assert fresh(charter).status == C.CONFIRMED


def test_a_charter_with_a_booking_of_a_case_the_officer_may_not_see_is_moved_by_someone_cleared(
        movements_officer, cleared_movements, sensitive_ready):
    charter = new_charter(cleared_movements)
    booking = services.booking_request(actor=cleared_movements, case=sensitive_ready, charter=charter)
    with pytest.raises(TransitionRefused) as exc:
        services.charter_transition(actor=movements_officer, charter=charter, to_status=C.CANCELLED,
                                    reason="Too few passengers")
    assert exc.value.details == [
        "1 booking on it is of a case you may not see: a colleague cleared for it makes this move."]
    assert fresh(booking).status == B.REQUESTED
    services.charter_transition(actor=cleared_movements, charter=charter, to_status=C.CANCELLED,
                                reason="Too few passengers")
    assert fresh(booking).status == B.CANCELLED


def test_a_charter_of_another_mission_cannot_be_moved(movements_ge, movements_officer):
    charter = new_charter(movements_officer)
    with pytest.raises(ServiceError) as exc:
        services.charter_transition(actor=movements_ge, charter=charter, to_status=C.CONFIRMED)
    assert exc.value.message == "This charter flight does not exist or belongs to another mission."


# ---------------------------------------------------------------- seats


def test_seats_are_never_more_than_the_charter_has(movements_officer, households):
    charter = new_charter(movements_officer, seats=3)
    services.booking_request(actor=movements_officer, case=households["beridze"], charter=charter)
    with pytest.raises(ServiceError) as exc:
        services.booking_request(actor=movements_officer, case=households["kapanadze"], charter=charter)
    assert exc.value.field_errors == {"seats": "Only 1 seat is left on the charter flight."}
    with pytest.raises(ServiceError) as exc:
        services.booking_request(actor=movements_officer, case=households["kapanadze"], charter=charter, seats=1)
    assert exc.value.field_errors == {"seats": "Every passenger needs a seat: at least 2."}
    nino = households["kapanadze"].members.get(relationship="principal").person
    services.booking_request(actor=movements_officer, case=households["kapanadze"], persons=[nino],
                             charter=charter)
    with pytest.raises(ServiceError) as exc:
        services.booking_request(actor=movements_officer, case=households["lomidze"], charter=charter)
    assert exc.value.field_errors == {"seats": "The charter flight is full: all its 3 seats are taken."}
    assert services.seats_taken(charter) == 3


def test_an_escort_travelling_on_a_charter_takes_a_seat_of_their_own(movements_officer, households):
    charter = new_charter(movements_officer, seats=3)
    booking = services.booking_request(actor=movements_officer, case=households["beridze"], charter=charter)
    services.escort_add(actor=movements_officer, booking=booking, kind="medical", external_name="Dr. Jansen")
    assert (fresh(booking).seats, services.seats_taken(charter)) == (3, 3)
    with pytest.raises(ServiceError) as exc:
        services.escort_add(actor=movements_officer, booking=booking, kind="social", external_name="M. de Vries")
    assert exc.value.field_errors == {
        "travels_with_passengers": "No seat for the escort: The charter flight is full: all its 3 seats are taken."}
    assert booking.passengers.count() == 3
    # An escort who does not travel with the passengers needs no seat.
    services.escort_add(actor=movements_officer, booking=booking, kind="social", external_name="M. de Vries",
                        travels_with_passengers=False)
    assert fresh(booking).seats == 3


def test_a_booking_is_put_on_a_charter_as_a_rebooking(movements_officer, households):
    booking = services.booking_request(actor=movements_officer, case=households["beridze"])
    services.itinerary_set(actor=movements_officer, booking=booking, segments=journey())
    charter = new_charter(movements_officer, seats=4)
    with pytest.raises(ServiceError) as exc:
        services.booking_charter_set(actor=movements_officer, booking=booking, charter=charter)
    assert exc.value.field_errors == {"reason": "Give the reason for the rebooking."}
    moved = services.booking_charter_set(actor=movements_officer, booking=booking, charter=charter,
                                         reason="Charter to Tbilisi")
    assert (moved.charter_id, moved.seats, services.seats_taken(charter)) == (charter.pk, 2, 2)
    itineraries = list(Itinerary.objects.filter(booking=booking).order_by("version"))
    assert [(i.version, i.superseded_at is None, i.reason) for i in itineraries] == [
        (1, False, ""), (2, True, "Charter to Tbilisi")]
    assert [(s.flight_number, s.departs_at) for s in itineraries[1].segments.all()] == [
        ("KL9001", charter.departs_at)]
    # More seats on the same charter (e.g. a cot), never more than it has.
    assert services.booking_charter_set(actor=movements_officer, booking=booking, charter=charter, seats=4).seats == 4
    with pytest.raises(ServiceError) as exc:
        services.booking_charter_set(actor=movements_officer, booking=booking, charter=charter, seats=5)
    assert exc.value.field_errors == {"seats": "Only 4 seats are left on the charter flight."}
    [audit] = AuditEvent.objects.filter(object_type="movements.booking", summary="on charter CH-2026-01",
                                        changes__seats=[2, 4])
    assert audit.changes["charter"] == ["CH-2026-01", "CH-2026-01"]


def test_a_booking_cannot_go_on_a_cancelled_or_departed_charter(movements_officer, households):
    charter = new_charter(movements_officer)
    services.charter_transition(actor=movements_officer, charter=charter, to_status=C.CANCELLED, reason="No plane")
    booking = services.booking_request(actor=movements_officer, case=households["beridze"])
    with pytest.raises(ServiceError) as exc:
        services.booking_charter_set(actor=movements_officer, booking=booking, charter=charter)
    assert exc.value.field_errors == {"charter": "This charter flight is “Cancelled”: no more seats can be booked on it."}
    assert fresh(booking).charter_id is None


def test_a_charter_is_planned_with_its_flight_checked(movements_officer):
    day = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ServiceError) as exc:
        services.charter_create(actor=movements_officer, reference="", airline="K", flight_number="12345",
                                origin="AMS", destination="ZZZ", departs=datetime.datetime.combine(day, datetime.time(9)),
                                arrives=datetime.datetime.combine(day, datetime.time(8)), seats=0)
    assert exc.value.field_errors == {
        "reference": "This field is required.",
        "seats": "Give the number of seats, from 1 to 999.",
        "airline": "An airline is its two-character IATA designator, e.g. KL or TK.",
        "flight_number": "A flight number is the airline's designator, 1 to 4 digits and at most one letter, "
                         "e.g. KL1385.",
        "destination": "“ZZZ” is not a known IATA airport code.",
    }
    with pytest.raises(ServiceError) as exc:
        services.charter_create(actor=movements_officer, reference="CH-OLD", airline="KL", flight_number="KL9001",
                                origin="AMS", destination="TBS",
                                departs=datetime.datetime.combine(day, datetime.time(9)),
                                arrives=datetime.datetime.combine(day, datetime.time(16)), seats=10)
    assert exc.value.field_errors == {
        "departs": "A charter flight is planned ahead: its departure cannot be in the past."}
