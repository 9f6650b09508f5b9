"""Return cases at the other end of the journey: the mission in the country of return sees the passengers
arriving at its airport on its board and confirms their arrival there; a mission asked for transit assistance
sees them connecting; the host mission follows its own cases and may confirm on behalf, with a reason.
Other missions' passengers on a board are an audited read; a mission not involved sees nothing (404)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from passage.accounts.enums import Role
from passage.audit.models import AuditEvent
from passage.cases.enums import CaseStatus
from passage.cases.models import Case
from passage.movements import services
from passage.movements.enums import AssistanceKind, SpecialService
from passage.movements.selectors import airport_day
from passage.movements.tests.conftest import ready_household, travel_day
from passage.movements.tests.test_desk import ready_to_board
from passage.movements.tests.test_services_bookings import booked, ticket_all
from passage.testing.factories import MissionFactory, UserFactory

pytestmark = pytest.mark.django_db


def departed(officer, case):
    """A booking of ``case`` (AMS → IST → TBS a week from now) ticketed, boarded and its departure confirmed."""
    booking = booked(officer, case)
    ticket_all(officer, booking)
    booking = services.booking_transition(actor=officer, booking=booking, to_status="ticketed")
    ready_to_board(officer, booking, cash=False)
    return services.departure_confirm(actor=officer, booking=booking)


@pytest.fixture
def tbilisi(mission_ge):
    mission_ge.airport_id = "TBS"
    mission_ge.save(update_fields=["airport"])
    return UserFactory(username="ge_reintegration", mission=mission_ge, role=Role.REINTEGRATION)


@pytest.fixture
def stranger(db):
    return UserFactory(username="ma_movements", mission=MissionFactory(code="MA", name="Morocco mission",
                                                                       country="MA"), role=Role.MOVEMENTS)


def test_the_mission_in_the_country_of_return_sees_the_arrival_with_names_and_assistance(
    movements_officer, ready_case, tbilisi, stranger
):
    booking = booked(movements_officer, ready_case)
    services.special_assistance_add(actor=movements_officer, passenger=booking.passengers.order_by("pk")[0],
                                    code=SpecialService.WCHR)
    board = airport_day(tbilisi, travel_day(), "TBS")
    [flight] = board.arrivals
    assert (flight.flight_number, flight.local_time.strftime("%H:%M"), flight.other_airport) == ("TK378", "19:40",
                                                                                                  "IST")
    [row] = flight.returns
    assert (row.booking.pk, row.own, row.journey_from) == (booking.pk, False, "AMS")
    assert [(p.name, p.assistance) for p in row.passengers] == [
        ("BERIDZE Nino", ["WCHR: Wheelchair to the aircraft door (can climb stairs and walk in the cabin)"]),
        ("BERIDZE Luka", [])]
    assert board.departures == [] and board.transits == []
    # The host mission follows its own case there; a mission with no part in it sees nothing.
    [own] = airport_day(movements_officer, travel_day(), "TBS").arrivals
    assert own.returns[0].own is True
    assert airport_day(stranger, travel_day(), "TBS").arrivals == []
    # Cancelled: off the board.
    services.booking_transition(actor=movements_officer, booking=booking, to_status="cancelled", reason="Withdrew")
    assert airport_day(tbilisi, travel_day(), "TBS").arrivals == []


def test_a_mission_asked_for_transit_assistance_sees_the_connection_and_a_meet_and_assist_request_the_arrival(
    movements_officer, ready_case, stranger
):
    istanbul = MissionFactory(code="TR", name="Türkiye mission", country="TR")
    transit_staff = UserFactory(username="tr_movements", mission=istanbul, role=Role.MOVEMENTS)
    booking = booked(movements_officer, ready_case)
    assert airport_day(transit_staff, travel_day(), "IST").transits == []
    services.assistance_request(actor=movements_officer, booking=booking, kind=AssistanceKind.TRANSIT, airport="IST",
                                to_mission=istanbul, note="Wheelchair to the connecting gate")
    [flight] = airport_day(transit_staff, travel_day(), "IST").transits
    assert (flight.flight_number, flight.other_airport, [r.booking.pk for r in flight.returns]) == (
        "TK378", "TBS", [booking.pk])
    # Meet-and-assist makes the receiving mission see the arrival even when the country is not its own.
    assert airport_day(stranger, travel_day(), "TBS").arrivals == []
    services.assistance_request(actor=movements_officer, booking=booking, kind=AssistanceKind.MEET_AND_ASSIST,
                                airport="TBS", to_mission=stranger.mission)
    [flight] = airport_day(stranger, travel_day(), "TBS").arrivals
    assert [r.booking.pk for r in flight.returns] == [booking.pk]


def test_arrivals_of_return_cases_take_a_fixed_number_of_queries(movements_officer, counsellor_a, work_post_a,
                                                                 tbilisi):
    booked(movements_officer, ready_household(counsellor_a, work_post_a, family_name="First"), reference="AAAAAA")
    airport_day(tbilisi, travel_day(), "TBS")  # the user's mission, loaded once
    with CaptureQueriesContext(connection) as one:
        airport_day(tbilisi, travel_day(), "TBS")
    for i, name in enumerate(("Second", "Third", "Fourth")):
        booked(movements_officer, ready_household(counsellor_a, work_post_a, family_name=name, children=("A", "B")),
               reference=f"BBBBB{i}")
    with CaptureQueriesContext(connection) as four:
        board = airport_day(tbilisi, travel_day(), "TBS")
    assert sum(f.passenger_count for f in board.arrivals) == 2 + 3 * 3
    assert len(four) == len(one)


def test_the_destination_mission_confirms_the_arrival_on_its_board_and_the_read_is_audited(
    client, movements_officer, ready_case, tbilisi
):
    booking = booked(movements_officer, ready_case)
    client.force_login(tbilisi)
    day = travel_day().isoformat()
    page = client.get(reverse("airport-board"), {"day": day})  # the mission's own airport by default
    html = page.content.decode()
    assert page.status_code == 200 and "Airport’s day · TBS" in html
    assert "BERIDZE Nino" in html and "Return from the Netherlands mission" in html
    assert f'id="arrive-{booking.pk}"' not in html  # not departed yet
    assert "manifest.pdf" not in html  # the destination mission prints no departure manifest of ours
    read = AuditEvent.objects.get(object_type="movements.board")
    assert (read.action, read.actor, read.object_id, read.changes) == ("read", tbilisi, f"TBS/{day}",
                                                                       {"bookings": [booking.pk]})

    # Ticketed, through the desk, departed: now the arrival can be confirmed.
    ticket_all(movements_officer, booking)
    booking = services.booking_transition(actor=movements_officer, booking=booking, to_status="ticketed")
    ready_to_board(movements_officer, booking, cash=False)
    services.departure_confirm(actor=movements_officer, booking=booking)
    html = client.get(reverse("airport-board"), {"airport": "TBS", "day": day}).content.decode()
    assert f'id="arrive-{booking.pk}"' in html and "arrival-reason" not in html

    url = reverse("arrival-confirm", args=[booking.pk])
    future = (timezone.now() + datetime.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(url, {"airport": "TBS", "day": day, "arrived_at": future}, HTTP_HX_REQUEST="true")
    assert "Give the actual time; it cannot be in the future." in refused.content.decode()
    assert Case.objects.get(pk=ready_case.pk).status == CaseStatus.DEPARTED
    answer = client.post(url, {"airport": "TBS", "day": day}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and "Arrived" in answer.content.decode()
    assert Case.objects.get(pk=ready_case.pk).status == CaseStatus.ARRIVED
    booking.refresh_from_db()
    assert (booking.arrival_confirmed_by, booking.arrival_reason) == (tbilisi, "")


def test_the_host_mission_confirms_on_behalf_only_with_a_reason_and_others_get_404(
    client, movements_officer, ready_case, stranger, counsellor_a
):
    booking = departed(movements_officer, ready_case)
    client.force_login(movements_officer)
    day = travel_day().isoformat()
    html = client.get(reverse("airport-board"), {"airport": "TBS", "day": day}).content.decode()
    assert f'id="arrive-{booking.pk}"' in html and f'id="arrival-reason-{booking.pk}"' in html
    url = reverse("arrival-confirm", args=[booking.pk])
    refused = client.post(url, {"airport": "TBS", "day": day}, HTTP_HX_REQUEST="true").content.decode()
    assert "Say why the host mission confirms the arrival" in refused
    assert Case.objects.get(pk=ready_case.pk).status == CaseStatus.DEPARTED
    assert not AuditEvent.objects.filter(object_type="movements.board").exists()  # own cases: no cross-read

    client.force_login(stranger)
    assert client.post(url, {"airport": "TBS", "day": day}).status_code == 404
    client.force_login(counsellor_a)
    assert client.get(reverse("airport-board")).status_code == 403
    assert client.post(url, {"airport": "TBS", "day": day}).status_code == 403
    assert Case.objects.get(pk=ready_case.pk).status == CaseStatus.DEPARTED

    client.force_login(movements_officer)
    answer = client.post(url, {"airport": "TBS", "day": day, "reason": "The Tbilisi office phoned"})
    assert answer.status_code == 302
    assert Case.objects.get(pk=ready_case.pk).status == CaseStatus.ARRIVED


def test_the_board_offers_the_missions_and_the_bookings_airports_and_links_the_manifests(
    client, movements_officer, ready_case, mission, mission_ge
):
    from django.core.cache import cache

    cache.clear()  # the board keeps its airport suggestions for a while
    mission.airport_id, mission_ge.airport_id = "AMS", "TBS"
    mission.save(update_fields=["airport"])
    mission_ge.save(update_fields=["airport"])
    booked(movements_officer, ready_case)
    client.force_login(movements_officer)
    day = travel_day().isoformat()
    html = client.get(reverse("airport-board"), {"day": day}).content.decode()
    assert "Airport’s day · AMS" in html
    options = [line for line in html.split("<option") if 'value="' in line][1:]
    assert {o.split('value="')[1][:3] for o in options} >= {"AMS", "IST", "TBS"}
    assert reverse("manifest-day-pdf", args=["AMS", day]) in html
    assert reverse("manifest-flight-xlsx", args=["AMS", day, "TK1952"]) in html
