"""Itineraries: local times across DST, connections, rebooking that keeps history, time changes as rows."""

import datetime
from decimal import Decimal

import pytest

from passage.audit.models import AuditEvent
from passage.core.errors import ServiceError
from passage.movements import selectors, services
from passage.movements.models import Itinerary, MinimumConnectionTime, Segment, SegmentTimeChange
from passage.movements.services import SegmentInput
from passage.movements.tests.conftest import journey, local, travel_day

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


@pytest.fixture
def booking(movements_officer, ready_case):
    return services.booking_request(actor=movements_officer, case=ready_case)


def flights(itinerary):
    return [(s.flight_number, s.origin_id, s.destination_id, s.departs_at, s.arrives_at)
            for s in itinerary.segments.order_by("position")]


# --- time zones -----------------------------------------------------------------------------------------


def test_local_times_are_stored_as_utc_and_shown_in_each_airports_zone(movements_officer, booking):
    day = datetime.date(2027, 6, 15)  # summer: AMS +02:00, IST +03:00, TBS +04:00
    itinerary = services.itinerary_set(actor=movements_officer, booking=booking, segments=journey(day))
    assert flights(itinerary) == [
        ("TK1952", "AMS", "IST", datetime.datetime(2027, 6, 15, 8, 0, tzinfo=UTC),
         datetime.datetime(2027, 6, 15, 11, 35, tzinfo=UTC)),
        ("TK378", "IST", "TBS", datetime.datetime(2027, 6, 15, 13, 0, tzinfo=UTC),
         datetime.datetime(2027, 6, 15, 15, 40, tzinfo=UTC)),
    ]
    first, second = itinerary.segments.order_by("position")
    assert (first.departs_local.strftime("%H:%M %z"), first.arrives_local.strftime("%H:%M %z")) == (
        "10:00 +0200", "14:35 +0300")
    assert (second.departs_local.strftime("%H:%M %z"), second.arrives_local.strftime("%H:%M %z")) == (
        "16:00 +0300", "19:40 +0400")
    assert (second.connection_minutes, second.connection_below_minimum) == (85, False)


def test_ams_to_ist_on_the_morning_european_clocks_go_forward(movements_officer, booking):
    """29 March 2026: at 02:00 Amsterdam jumps to 03:00 (CET +01:00 → CEST +02:00); Istanbul stays +03:00."""
    day = datetime.date(2026, 3, 29)
    itinerary = services.itinerary_set(actor=movements_officer, booking=booking, segments=[
        SegmentInput("TK", "TK1958", "AMS", "IST", local(day, 6, 30), local(day, 11, 5))])
    [segment] = itinerary.segments.all()
    assert (segment.departs_at, segment.arrives_at) == (datetime.datetime(2026, 3, 29, 4, 30, tzinfo=UTC),
                                                         datetime.datetime(2026, 3, 29, 8, 5, tzinfo=UTC))
    assert segment.departs_local.strftime("%Y-%m-%d %H:%M %z") == "2026-03-29 06:30 +0200"
    assert segment.arrives_local.strftime("%Y-%m-%d %H:%M %z") == "2026-03-29 11:05 +0300"
    # the day before, the same local departure is an hour later in UTC
    services.itinerary_set(actor=movements_officer, booking=booking, reason="one day earlier", segments=[
        SegmentInput("TK", "TK1958", "AMS", "IST", local(day - datetime.timedelta(days=1), 6, 30),
                     local(day - datetime.timedelta(days=1), 11, 5))])
    before = Segment.objects.get(itinerary__version=2)
    assert before.departs_at == datetime.datetime(2026, 3, 28, 5, 30, tzinfo=UTC)
    assert before.departs_local.strftime("%H:%M %z") == "06:30 +0100"


def test_ams_to_ist_on_the_night_european_clocks_go_back(movements_officer, booking):
    """25 October 2026: at 03:00 Amsterdam goes back to 02:00; a 06:30 departure is at +01:00 again."""
    day = datetime.date(2026, 10, 25)
    itinerary = services.itinerary_set(actor=movements_officer, booking=booking, segments=[
        SegmentInput("TK", "TK1958", "AMS", "IST", local(day, 6, 30), local(day, 12, 5))])
    [segment] = itinerary.segments.all()
    assert segment.departs_at == datetime.datetime(2026, 10, 25, 5, 30, tzinfo=UTC)
    assert segment.arrives_at == datetime.datetime(2026, 10, 25, 9, 5, tzinfo=UTC)
    assert segment.departs_local.strftime("%H:%M %z") == "06:30 +0100"


def test_a_local_time_in_the_skipped_hour_is_refused(movements_officer, booking):
    day = datetime.date(2026, 3, 29)
    with pytest.raises(ServiceError) as exc:
        services.itinerary_set(actor=movements_officer, booking=booking, segments=[
            SegmentInput("KL", "KL1385", "AMS", "IST", local(day, 2, 30), local(day, 7, 0))])
    assert exc.value.field_errors == {
        "segments-0-departs": "2026-03-29 02:30 does not exist in Europe/Amsterdam: the clocks go forward then."}


def test_a_local_time_in_the_repeated_hour_needs_its_offset(movements_officer, booking):
    day = datetime.date(2026, 10, 25)
    with pytest.raises(ServiceError) as exc:
        services.itinerary_set(actor=movements_officer, booking=booking, segments=[
            SegmentInput("KL", "KL1385", "AMS", "IST", local(day, 2, 30), local(day, 7, 0))])
    assert exc.value.field_errors == {
        "segments-0-departs": "2026-10-25 02:30 happens twice in Europe/Amsterdam (the clocks go back): give the "
                              "UTC offset."}
    aware = datetime.datetime(2026, 10, 25, 2, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    itinerary = services.itinerary_set(actor=movements_officer, booking=booking, segments=[
        SegmentInput("KL", "KL1385", "AMS", "IST", aware, local(day, 7, 0))])
    assert itinerary.segments.get().departs_at == datetime.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


# --- connections ----------------------------------------------------------------------------------------


def test_a_connection_below_the_minimum_is_flagged_not_refused(movements_officer, booking):
    assert MinimumConnectionTime.objects.get(airport_id="IST").minutes == 60
    itinerary = services.itinerary_set(actor=movements_officer, booking=booking,
                                       segments=journey(connection_departs=(15, 20)))
    second = itinerary.segments.get(position=2)
    assert (second.connection_minutes, second.connection_below_minimum) == (45, True)
    assert selectors.booking_warnings(booking) == [
        "The connection at IST to TK378 is 45 minutes, below the minimum of 60."]


def test_a_connection_at_an_airport_without_a_row_uses_the_default(movements_officer, booking):
    day = travel_day()
    itinerary = services.itinerary_set(actor=movements_officer, booking=booking, segments=[
        SegmentInput("LH", "LH993", "AMS", "FRA", local(day, 7, 0), local(day, 8, 10)),
        SegmentInput("LH", "LH2556", "FRA", "TBS", local(day, 9, 5), local(day, 15, 30)),
    ])
    assert not MinimumConnectionTime.objects.filter(airport_id="FRA").exists()
    second = itinerary.segments.get(position=2)
    assert (second.connection_minutes, second.connection_below_minimum) == (55, True)
    assert selectors.booking_warnings(booking) == [
        "The connection at FRA to LH2556 is 55 minutes, below the minimum of 60."]


def test_an_exact_minimum_connection_is_not_flagged(movements_officer, booking):
    services.itinerary_set(actor=movements_officer, booking=booking, segments=journey(connection_departs=(15, 35)))
    assert selectors.booking_warnings(booking) == []


@pytest.mark.parametrize(("segments", "errors"), [
    ([SegmentInput("TK", "TK1952", "AMS", "IST", local(travel_day(), 10), local(travel_day(), 14, 35)),
      SegmentInput("TK", "TK378", "SAW", "TBS", local(travel_day(), 16), local(travel_day(), 19, 40))],
     {"segments-1-origin": "Flight 2 must leave from IST, where flight 1 arrives."}),
    ([SegmentInput("TK", "TK1952", "AMS", "IST", local(travel_day(), 10), local(travel_day(), 14, 35)),
      SegmentInput("TK", "TK378", "IST", "TBS", local(travel_day(), 14, 0), local(travel_day(), 19, 40))],
     {"segments-1-departs": "Flight 2 leaves before flight 1 has arrived."}),
], ids=["different-airport", "leaves-before-arrival"])
def test_flights_that_do_not_chain_are_refused(movements_officer, booking, segments, errors):
    with pytest.raises(ServiceError) as exc:
        services.itinerary_set(actor=movements_officer, booking=booking, segments=segments)
    assert exc.value.field_errors == errors
    assert not Itinerary.objects.exists()


# --- rebooking keeps history ----------------------------------------------------------------------------


def test_a_rebooking_makes_a_new_version_and_keeps_every_earlier_one(movements_officer, booking):
    first = services.itinerary_set(actor=movements_officer, booking=booking, segments=journey())
    with pytest.raises(ServiceError) as exc:
        services.itinerary_set(actor=movements_officer, booking=booking, segments=journey(travel_day(8)))
    assert exc.value.field_errors == {"reason": "Give the reason for the rebooking."}
    second = services.itinerary_set(actor=movements_officer, booking=booking, segments=journey(travel_day(8)),
                                    reason="Flight full")
    third = services.itinerary_set(actor=movements_officer, booking=booking, segments=journey(travel_day(9)),
                                   reason="Family asked for Thursday")

    versions = [(i.version, i.reason, i.superseded_at is None)
                for i in Itinerary.objects.filter(booking=booking).order_by("version")]
    assert versions == [(1, "", False), (2, "Flight full", False), (3, "Family asked for Thursday", True)]
    assert [s[3].date() for s in flights(Itinerary.objects.get(pk=first.pk))] == [travel_day()] * 2
    assert flights(Itinerary.objects.get(pk=second.pk))[0][3].date() == travel_day(8)
    assert Segment.objects.filter(itinerary__booking=booking).count() == 6
    assert Itinerary.objects.get(pk=third.pk).superseded_at is None
    assert list(AuditEvent.objects.filter(object_type="movements.itinerary").order_by("id").values_list(
        "action", "summary")) == [("create", "itinerary v1"), ("update", "itinerary v2 (rebooking)"),
                                  ("update", "itinerary v3 (rebooking)")]


def test_an_escorts_return_journey_has_its_own_versions(movements_officer, booking):
    escort = services.escort_add(actor=movements_officer, booking=booking, kind="medical",
                                 external_name="Dr. Jansen", cost="850.00", cost_currency="eur")
    services.itinerary_set(actor=movements_officer, booking=booking, segments=journey())
    back_day = travel_day(9)
    back = [SegmentInput("TK", "TK379", "TBS", "IST", local(back_day, 4, 30), local(back_day, 6, 0)),
            SegmentInput("TK", "TK1951", "IST", "AMS", local(back_day, 8, 0), local(back_day, 11, 0))]
    services.itinerary_set(actor=movements_officer, booking=booking, segments=back, leg="escort_back",
                           escort=escort)
    services.itinerary_set(actor=movements_officer, booking=booking, segments=back, leg="escort_back",
                           escort=escort, reason="Escort stays a day longer")
    assert list(Itinerary.objects.filter(booking=booking).order_by("leg", "version").values_list(
        "leg", "escort_id", "version")) == [("escort_back", escort.pk, 1), ("escort_back", escort.pk, 2),
                                            ("main", None, 1)]
    assert (escort.cost, escort.cost_currency, escort.passenger.booking_id) == (Decimal("850.00"), "EUR", booking.pk)


# --- time changes ---------------------------------------------------------------------------------------


def test_a_change_of_flight_time_is_a_row_not_an_overwrite(movements_officer, booking):
    itinerary = services.itinerary_set(actor=movements_officer, booking=booking, segments=journey())
    first = itinerary.segments.get(position=1)
    booked_departure, booked_arrival = first.departs_at, first.arrives_at
    day = travel_day()

    changed = services.segment_time_change(actor=movements_officer, segment=first, departs=local(day, 10, 40),
                                           arrives=local(day, 15, 5), reason="Airline schedule change")

    [change] = SegmentTimeChange.objects.filter(segment=first)
    assert (change.old_departs_at, change.new_departs_at, change.old_arrives_at, change.new_arrives_at) == (
        booked_departure, booked_departure + datetime.timedelta(minutes=40), booked_arrival,
        booked_arrival + datetime.timedelta(minutes=30))
    assert (change.by, change.reason) == (movements_officer, "Airline schedule change")
    stored = Segment.objects.get(pk=first.pk)
    assert (stored.scheduled_departs_at, stored.departs_at) == (booked_departure, change.new_departs_at)
    assert changed.departs_local.strftime("%H:%M") == "10:40"
    # the connection in Istanbul shrank from 85 to 55 minutes: flagged
    second = Segment.objects.get(itinerary=itinerary, position=2)
    assert (second.connection_minutes, second.connection_below_minimum) == (55, True)
    [event] = AuditEvent.objects.filter(object_type="movements.segmenttimechange")
    assert event.changes["reason"] == [None, "Airline schedule change"]


def test_a_time_change_that_breaks_the_chain_is_refused(movements_officer, booking):
    itinerary = services.itinerary_set(actor=movements_officer, booking=booking, segments=journey())
    first = itinerary.segments.get(position=1)
    day = travel_day()
    with pytest.raises(ServiceError) as exc:
        services.segment_time_change(actor=movements_officer, segment=first, departs=local(day, 12, 0),
                                     arrives=local(day, 16, 35), reason="Delay")
    assert exc.value.field_errors == {"segments-1-departs": "Flight 2 leaves before flight 1 has arrived."}
    assert not SegmentTimeChange.objects.exists()


def test_a_time_change_needs_a_reason_and_a_later_arrival(movements_officer, booking):
    itinerary = services.itinerary_set(actor=movements_officer, booking=booking, segments=journey())
    first = itinerary.segments.get(position=1)
    day = travel_day()
    with pytest.raises(ServiceError) as exc:
        services.segment_time_change(actor=movements_officer, segment=first, departs=local(day, 10, 0),
                                     arrives=local(day, 9, 0), reason="")
    assert exc.value.field_errors == {"reason": "Give the reason for the change (e.g. the airline's schedule change)."}
    with pytest.raises(ServiceError) as exc:
        services.segment_time_change(actor=movements_officer, segment=first, departs=local(day, 10, 0),
                                     arrives=local(day, 9, 0), reason="Typo")
    assert exc.value.field_errors == {"arrives": "The arrival is before the departure (both in local time)."}


def test_a_flight_of_an_earlier_version_cannot_change_time(movements_officer, booking):
    first = services.itinerary_set(actor=movements_officer, booking=booking, segments=journey())
    services.itinerary_set(actor=movements_officer, booking=booking, segments=journey(travel_day(8)),
                           reason="Flight full")
    with pytest.raises(ServiceError) as exc:
        services.segment_time_change(actor=movements_officer, segment=first.segments.get(position=1),
                                     departs=local(travel_day(), 11), arrives=local(travel_day(), 15),
                                     reason="Delay")
    assert exc.value.message == "This flight belongs to an earlier version of the itinerary; change the current one."
