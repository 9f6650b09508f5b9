"""The board of the airport's day: per flight and local time, departures, transits and arrivals, in a fixed
number of queries whatever the number of passengers; local days across DST changes."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from passage.movements import services
from passage.movements.enums import BookingStatus as B
from passage.movements.enums import CustodyParty, MovementKind, MovementProgramme, SpecialService
from passage.movements.enums import DeskStep as S
from passage.movements.selectors import airport_day, day_bounds
from passage.movements.services import FlightInput
from passage.movements.tests.conftest import approve_cash, local, ready_household
from passage.testing.factories import ItineraryFactory, SegmentFactory

pytestmark = pytest.mark.django_db

AMS = "Europe/Amsterdam"


def departing(booking_case, movements_officer, departs_at, flight="TK1952"):
    """A booked departure whose first flight leaves AMS at ``departs_at`` (UTC), made through the services."""
    booking = services.booking_request(actor=movements_officer, case=booking_case)
    itinerary = ItineraryFactory(booking=booking, created_by=movements_officer)
    SegmentFactory(itinerary=itinerary, flight_number=flight, departs_at=departs_at)
    return booking


def test_the_board_shows_a_departure_with_its_passengers_assistance_documents_cash_and_open_steps(
    movements_officer, operations_officer, ready_case
):
    day = timezone.localdate() + datetime.timedelta(days=1)
    departs = datetime.datetime.combine(day, datetime.time(10, 5), tzinfo=datetime.UTC)
    booking = departing(ready_case, movements_officer, departs)
    nino, luka = booking.passengers.order_by("pk")
    services.special_assistance_add(actor=movements_officer, passenger=nino, code=SpecialService.WCHR)
    doc = nino.person.documents.get()
    services.document_receive(actor=movements_officer, document=doc, party=CustodyParty.HOLDER,
                              held_at="Airport desk safe")
    approve_cash(operations_officer, ready_case, "300")
    board = airport_day(movements_officer, day, "AMS")
    [flight] = board.departures
    assert (flight.flight_number, flight.local_time.strftime("%H:%M"), flight.other_airport) == (
        "TK1952", departs.astimezone(zoneinfo.ZoneInfo(AMS)).strftime("%H:%M"), "IST")
    [row] = flight.bookings
    assert row.cash_to_hand_over == (300, "EUR")
    first, second = row.passengers
    assert first.name == "BERIDZE Nino"
    assert first.assistance == ["WCHR: Wheelchair to the aircraft door (can climb stairs and walk in the cabin)"]
    assert first.documents == [f"Passport {doc.number} (Airport desk safe)"]
    assert first.open == ["Reported at the desk", "Checked in", "Boarded", "Documents handed over"]
    assert (second.name, second.assistance, second.documents) == ("BERIDZE Luka", [], [])
    assert board.arrivals == [] and board.transits == []


def test_a_counsellor_or_another_mission_sees_no_departures(movements_officer, movements_ge, ready_case,
                                                            counsellor_b):
    day = timezone.localdate() + datetime.timedelta(days=1)
    departing(ready_case, movements_officer, datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC))
    assert airport_day(movements_ge, day, "AMS").departures == []
    assert airport_day(counsellor_b, day, "AMS").departures == []
    assert len(airport_day(movements_officer, day, "AMS").departures) == 1


def test_a_cancelled_booking_is_not_on_the_board(movements_officer, ready_case):
    day = timezone.localdate() + datetime.timedelta(days=1)
    booking = departing(ready_case, movements_officer,
                        datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC))
    services.booking_transition(actor=movements_officer, booking=booking, to_status=B.CANCELLED, reason="Withdrew")
    assert airport_day(movements_officer, day, "AMS").departures == []


def test_the_local_day_has_25_hours_when_the_clocks_go_back_and_a_0130_flight_is_on_it(
    movements_officer, ready_case
):
    # 25 October 2026: Amsterdam goes from CEST (UTC+2) to CET (UTC+1) at 03:00.
    day = datetime.date(2026, 10, 25)
    start, end = day_bounds(day, AMS)
    assert (start, end - start) == (datetime.datetime(2026, 10, 24, 22, 0, tzinfo=datetime.UTC),
                                    datetime.timedelta(hours=25))
    at_0130 = datetime.datetime(2026, 10, 24, 23, 30, tzinfo=datetime.UTC)  # 01:30 CEST on the 25th
    departing(ready_case, movements_officer, at_0130)
    [flight] = airport_day(movements_officer, day, "AMS").departures
    assert flight.local_time.strftime("%Y-%m-%d %H:%M %Z") == "2026-10-25 01:30 CEST"
    assert airport_day(movements_officer, datetime.date(2026, 10, 24), "AMS").departures == []


def test_the_local_day_has_23_hours_when_the_clocks_go_forward(movements_officer, ready_case):
    # 28 March 2027: CET → CEST at 02:00; 01:30 is still CET (UTC+1).
    day = datetime.date(2027, 3, 28)
    start, end = day_bounds(day, AMS)
    assert end - start == datetime.timedelta(hours=23)
    departing(ready_case, movements_officer, datetime.datetime(2027, 3, 28, 0, 30, tzinfo=datetime.UTC))
    [flight] = airport_day(movements_officer, day, "AMS").departures
    assert flight.local_time.strftime("%H:%M %Z") == "01:30 CET"


def test_arrivals_and_transits_are_on_the_board_for_movements_staff_and_managers(movements_officer, manager,
                                                                                 counsellor_a):
    day = timezone.localdate() + datetime.timedelta(days=2)
    arrival = services.movement_create(
        actor=movements_officer, kind=MovementKind.ARRIVAL, programme=MovementProgramme.RESETTLEMENT,
        flight=FlightInput("TK", "TK1951", "IST", "AMS", local(day, 9, 0), local(day, 11, 50)))
    transit = services.movement_create(
        actor=movements_officer, kind=MovementKind.TRANSIT, programme=MovementProgramme.RETURN_TRANSIT,
        flight=FlightInput("KL", "KL1234", "LHR", "AMS", local(day, 7, 0), local(day, 9, 20)),
        onward=FlightInput("KL", "KL1385", "AMS", "TBS", local(day, 13, 15), local(day, 20, 0)))
    services.movement_passenger_add(actor=movements_officer, movement=arrival, family_name="Haddad", sex="F",
                                    birth_year=1988, nationality="SY")
    for user in (movements_officer, manager):
        board = airport_day(user, day, "AMS")
        assert [(f.flight_number, f.local_time.strftime("%H:%M"), [m.pk for m in f.movements])
                for f in board.arrivals] == [("KL1234", "09:20", [transit.pk]), ("TK1951", "11:50", [arrival.pk])]
        assert [(f.flight_number, f.local_time.strftime("%H:%M"), f.other_airport) for f in board.transits] == [
            ("KL1385", "13:15", "TBS")]
    assert airport_day(counsellor_a, day, "AMS").arrivals == []


def _day_with(n_households, movements_officer, counsellor, work_post, day):
    departs = datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)
    for i in range(n_households):
        case = ready_household(counsellor, work_post, family_name=f"Family{i}", children=("Luka", "Ana"))
        booking = departing(case, movements_officer, departs + datetime.timedelta(minutes=10 * (i % 5)),
                            flight=f"TK{1900 + i % 5}")
        first = booking.passengers.order_by("pk").first()
        services.special_assistance_add(actor=movements_officer, passenger=first, code=SpecialService.WCHR)
        services.document_receive(actor=movements_officer, document=first.person.documents.get(),
                                  party=CustodyParty.HOLDER, held_at="Safe")


def test_the_board_takes_the_same_number_of_queries_for_60_passengers_as_for_6(
    movements_officer, counsellor_a, work_post_a, django_assert_num_queries
):
    small, big = timezone.localdate() + datetime.timedelta(days=3), timezone.localdate() + datetime.timedelta(days=4)
    _day_with(2, movements_officer, counsellor_a, work_post_a, small)    # 6 passengers
    _day_with(20, movements_officer, counsellor_a, work_post_a, big)     # 60 passengers
    with CaptureQueriesContext(connection) as few:
        board = airport_day(movements_officer, small, "AMS")
    assert sum(f.passenger_count for f in board.departures) == 6
    with django_assert_num_queries(len(few)):
        board = airport_day(movements_officer, big, "AMS")
        rows = [(p.name, p.assistance, p.documents, p.open) for f in board.departures for b in f.bookings
                for p in b.passengers]
    assert len(rows) == 60
    assert len(few) == 11  # one more: return cases arriving or connecting (none here)


def test_desk_steps_show_on_the_board(movements_officer, ready_case):
    day = timezone.localdate() + datetime.timedelta(days=1)
    booking = departing(ready_case, movements_officer,
                        datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC))
    # a booking at the desk: booked and ticketed through the factory's shortcut
    type(booking).objects.filter(pk=booking.pk).update(status=B.TICKETED, reference="K7Q2XB")
    nino = booking.passengers.order_by("pk").first()
    services.desk_step_record(actor=movements_officer, passenger=nino, step=S.REPORTED)
    [flight] = airport_day(movements_officer, day, "AMS").departures
    first = flight.bookings[0].passengers[0]
    assert (first.state, first.open) == (S.REPORTED, ["Checked in", "Boarded"])


def test_another_work_posts_case_is_on_the_board_for_mission_wide_movements_staff(movements_officer, mission,
                                                                                  counsellor_b, work_post_b):
    day = timezone.localdate() + datetime.timedelta(days=1)
    case = ready_household(counsellor_b, work_post_b)
    departing(case, movements_officer, datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC))
    assert len(airport_day(movements_officer, day, "AMS").departures) == 1
