"""The journey screens: the panel, every form (happy path, bad input with nothing stored, who may), the list."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from passage.accounts.enums import Role
from passage.cases.enums import CaseStatus
from passage.cases.models import Case
from passage.movements import services
from passage.movements.enums import AssistanceStatus, BookingStatus
from passage.movements.models import (
    AssistanceRequest,
    Booking,
    Escort,
    Itinerary,
    Passenger,
    Segment,
    SegmentTimeChange,
    SpecialAssistance,
)
from passage.testing.factories import ProjectFactory, UserFactory

from .conftest import local, ready_household, travel_day

pytestmark = pytest.mark.django_db


def journey_url(case):
    return reverse("journey", args=[case.pk])


def url(name, booking, *args):
    return reverse(name, args=[booking.case_id, booking.pk, *args])


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client
    return login


@pytest.fixture
def family(counsellor_a, work_post_a):
    """A ready-to-depart family of four (mother and three children)."""
    return ready_household(counsellor_a, work_post_a, family_name="Rahimi", children=("Omid", "Sara", "Ali"))


@pytest.fixture
def requested(counsellor_a, family):
    return services.booking_request(actor=counsellor_a, case=family)


def kabul_segments(day=None, connection=(16, 0)):
    day = day or travel_day()
    return [
        services.SegmentInput("TK", "TK1952", "AMS", "IST", local(day, 10, 0), local(day, 14, 35)),
        services.SegmentInput("TK", "TK706", "IST", "KBL", local(day, *connection), local(day + datetime.timedelta(days=1), 0, 35)),
    ]


@pytest.fixture
def with_flights(movements_officer, requested):
    services.itinerary_set(actor=movements_officer, booking=requested, segments=kabul_segments())
    return fresh(requested)


def segment_post(rows, *, version, reason="", total=None):
    data = {"segments-TOTAL_FORMS": str(total or len(rows)), "segments-INITIAL_FORMS": "0",
            "segments-MIN_NUM_FORMS": "1", "segments-MAX_NUM_FORMS": "6", "version": str(version), "reason": reason}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"segments-{i}-{key}"] = value
    return data


def kabul_rows(day=None):
    day = day or travel_day()
    day, next_day = day.isoformat(), (day + datetime.timedelta(days=1)).isoformat()
    return [
        {"airline": "tk", "flight_number": "tk1952", "origin": "ams", "destination": "IST",
         "departs": f"{day}T10:00", "arrives": f"{day}T14:35"},
        {"airline": "TK", "flight_number": "TK706", "origin": "IST", "destination": "KBL",
         "departs": f"{day}T16:00", "arrives": f"{next_day}T00:35"},
    ]


# ---------------------------------------------------------------- the panel


def test_case_page_has_the_journey_panel_which_loads_from_the_journey_view(as_user, counsellor_a, family):
    html = as_user(counsellor_a).get(reverse("case-detail", args=[family.pk])).content.decode()
    assert 'id="journey"' in html and f'hx-get="{journey_url(family)}"' in html


def test_the_journey_panel_is_dutch_by_default(counsellor_a, family):
    from django.test import Client
    client = Client()
    client.force_login(counsellor_a)
    html = client.get(reverse("case-detail", args=[family.pk])).content.decode()
    assert ">Reis<" in html
    panel = client.get(journey_url(family)).content.decode()
    assert "Vertrek aanvragen" in panel


def test_panel_without_booking_offers_the_request_only_when_ready(as_user, counsellor_a, family, case_a):
    client = as_user(counsellor_a)
    html = client.get(journey_url(family), HTTP_HX_REQUEST="true").content.decode()
    assert 'id="journey-request"' in html
    html = client.get(journey_url(case_a), HTTP_HX_REQUEST="true").content.decode()
    assert 'id="journey-request"' not in html
    assert "a departure is requested only when the case is ready to depart" in html


def test_panel_shows_flights_in_local_time_connection_and_assistance(as_user, movements_officer, with_flights):
    booking = with_flights
    passenger = booking.passengers.order_by("pk").first()
    services.special_assistance_add(actor=movements_officer, passenger=passenger, code="WCHR")
    html = as_user(movements_officer).get(journey_url(booking.case), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html  # a fragment for htmx
    assert "TK1952" in html and "TK706" in html
    assert "Istanbul" in html and "Kabul" in html
    assert "Europe/Amsterdam" in html and "Asia/Kabul" in html
    assert "10:00" in html and "14:35" in html and "00:35" in html  # the local clocks, not UTC
    assert "Connection in" in html and "1 h 25 min" in html
    assert "WCHR" in html and "Wheelchair to the aircraft door" in html
    assert 'id="booking-move-booked"' in html and "The booking reference (PNR)." in html


def test_panel_warns_of_a_short_connection(as_user, movements_officer, requested):
    services.itinerary_set(actor=movements_officer, booking=requested, segments=kabul_segments(connection=(15, 0)))
    html = as_user(movements_officer).get(journey_url(requested.case)).content.decode()
    assert 'id="booking-warnings"' in html and "below the minimum" in html


def test_a_counsellor_sees_the_journey_without_the_booking_buttons(as_user, counsellor_a, with_flights):
    html = as_user(counsellor_a).get(journey_url(with_flights.case)).content.decode()
    assert "TK1952" in html
    assert 'id="booking-move-booked"' not in html and 'id="itinerary-set"' not in html


def test_a_user_without_booking_view_gets_403(as_user, mission, case_a):
    dpo = UserFactory(username="dpo_j", mission=mission, role=Role.DPO)
    # Every role that sees cases may see their journeys; the others do not see the case at all.
    assert as_user(dpo).get(journey_url(case_a)).status_code == 404


def test_case_page_stays_within_15_queries_with_a_family_of_four_on_two_flights(
    as_user, counsellor_a, with_flights, django_assert_max_num_queries
):
    client = as_user(counsellor_a)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("case-detail", args=[with_flights.case_id])).status_code == 200


def test_the_journey_fragment_costs_the_same_for_one_passenger_or_four(
    as_user, movements_officer, counsellor_a, work_post_a, with_flights
):
    single = ready_household(counsellor_a, work_post_a, family_name="Single", children=())
    one = services.booking_request(actor=counsellor_a, case=single)
    services.itinerary_set(actor=movements_officer, booking=one, segments=kabul_segments())
    client = as_user(movements_officer)

    def count(case):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(journey_url(case), HTTP_HX_REQUEST="true").status_code == 200
        return len(ctx)

    assert count(single) == count(with_flights.case)
    # 28 for the booking, then the cash contribution (approved, proposed) and the requested documents.
    assert count(with_flights.case) <= 31


# ---------------------------------------------------------------- request


def test_a_counsellor_requests_the_departure_of_some_of_the_household(as_user, counsellor_a, family):
    ProjectFactory(mission=family.mission, code="AVRR-2026")
    members = list(family.members.order_by("pk"))
    client = as_user(counsellor_a)
    assert client.get(reverse("booking-request", args=[family.pk])).status_code == 200
    response = client.post(reverse("booking-request", args=[family.pk]), {
        "persons": [str(m.person_id) for m in members[:3]], "project_code": "avrr-2026", "remarks": "Morning flight"})
    assert response.status_code == 302
    booking = Booking.objects.get(case=family)
    assert booking.status == BookingStatus.REQUESTED and booking.project_code == "AVRR-2026"
    assert sorted(booking.passengers.values_list("person_id", flat=True)) == sorted(m.person_id for m in members[:3])


@pytest.mark.parametrize("data, field", [
    ({"persons": []}, "persons"),
    ({"persons": ["999999"]}, "persons"),
    ({"project_code": "bad code!"}, "project_code"),
    ({"remarks": "x" * 301}, "remarks"),
])
def test_a_bad_request_stores_nothing(as_user, counsellor_a, family, data, field):
    post = {"persons": [str(m.person_id) for m in family.members.all()], **data}
    response = as_user(counsellor_a).post(reverse("booking-request", args=[family.pk]), post)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Booking.objects.filter(case=family).exists()


def test_a_request_for_a_case_not_ready_is_refused_with_the_reason(as_user, counsellor_a, case_a):
    response = as_user(counsellor_a).post(reverse("booking-request", args=[case_a.pk]), {
        "persons": [str(case_a.members.get().person_id)]})
    assert response.status_code == 400
    assert "ready to depart" in response.content.decode()
    assert not Booking.objects.filter(case=case_a).exists()


def test_a_manager_may_not_request(as_user, manager, family):
    client = as_user(manager)
    assert client.get(reverse("booking-request", args=[family.pk])).status_code == 403
    assert client.post(reverse("booking-request", args=[family.pk]), {}).status_code == 403
    assert not Booking.objects.exists()


# ---------------------------------------------------------------- itinerary


def test_movements_sets_the_flights_and_rebooks_keeping_the_version(as_user, movements_officer, requested):
    client = as_user(movements_officer)
    assert client.get(url("itinerary-set", requested)).status_code == 200
    response = client.post(url("itinerary-set", requested), segment_post(kabul_rows(), version=requested.version))
    assert response.status_code == 302, response.context["form"].errors
    itinerary = Itinerary.objects.get(booking=requested)
    segments = list(itinerary.segments.order_by("position"))
    assert [(s.flight_number, s.origin_id, s.destination_id) for s in segments] == [
        ("TK1952", "AMS", "IST"), ("TK706", "IST", "KBL")]
    assert segments[1].connection_minutes == 85
    # a rebooking needs a reason; then the first version is kept
    version = fresh(requested).version
    response = client.post(url("itinerary-set", requested), segment_post(kabul_rows(travel_day(8)), version=version))
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    response = client.post(url("itinerary-set", requested), segment_post(
        kabul_rows(travel_day(8)), version=version, reason="Passenger asked for a later day"))
    assert response.status_code == 302
    assert Itinerary.objects.filter(booking=requested).count() == 2
    html = client.get(journey_url(requested.case)).content.decode()
    assert 'id="earlier-itineraries"' in html


@pytest.mark.parametrize("index, field, value, message", [
    (1, "destination", "XQZ", "is not a known IATA airport code"),
    (0, "flight_number", "TK", "A flight number is"),
    (0, "airline", "11", "two-character IATA designator"),
    (1, "arrives", "2020-01-01T00:00", "before the departure"),
    (1, "origin", "SAW", "must leave from IST"),
    (0, "departs", "not a date", "Give the date and the local time"),
])
def test_bad_flights_are_refused_per_field_and_nothing_is_stored(as_user, movements_officer, requested, index,
                                                                 field, value, message):
    rows = kabul_rows()
    rows[index][field] = value
    response = as_user(movements_officer).post(url("itinerary-set", requested),
                                               segment_post(rows, version=requested.version))
    assert response.status_code == 400
    errors = response.context["formset"].forms[index].errors
    assert message in " ".join(errors.get(field, [])), errors
    assert not Itinerary.objects.filter(booking=requested).exists()


def test_a_stale_itinerary_version_is_a_conflict(as_user, movements_officer, requested):
    response = as_user(movements_officer).post(url("itinerary-set", requested),
                                               segment_post(kabul_rows(), version=requested.version + 5))
    assert response.status_code == 409
    assert "Someone else saved" in response.content.decode()
    assert not Itinerary.objects.filter(booking=requested).exists()


def test_a_counsellor_may_not_set_flights(as_user, counsellor_a, requested):
    client = as_user(counsellor_a)
    assert client.get(url("itinerary-set", requested)).status_code == 403
    assert client.post(url("itinerary-set", requested), segment_post(kabul_rows(), version=1)).status_code == 403


def test_live_validation_of_a_flight_number_and_an_airport(as_user, movements_officer, requested):
    client = as_user(movements_officer)
    data = segment_post(kabul_rows(), version=1)
    data["segments-0-flight_number"] = "KL12345"
    bad = client.post(url("itinerary-validate", requested), data, HTTP_HX_REQUEST="true",
                      HTTP_HX_TRIGGER_NAME="segments-0-flight_number")
    assert bad.status_code == 200 and "A flight number is" in bad.content.decode()
    assert 'id="id_segments-0-flight_number_live"' in bad.content.decode()
    good = client.post(url("itinerary-validate", requested), data, HTTP_HX_REQUEST="true",
                       HTTP_HX_TRIGGER_NAME="segments-1-origin")
    assert good.status_code == 200 and "_error" not in good.content.decode()
    data["segments-1-destination"] = "ZZZ"
    airport = client.post(url("itinerary-validate", requested), data, HTTP_HX_REQUEST="true",
                          HTTP_HX_TRIGGER_NAME="segments-1-destination")
    assert "not a known IATA airport code" in airport.content.decode()
    unknown = client.post(url("itinerary-validate", requested), data, HTTP_HX_TRIGGER_NAME="version")
    assert unknown.status_code == 400
    assert not Itinerary.objects.exists()


def test_a_time_change_is_recorded_with_its_reason(as_user, movements_officer, with_flights):
    segment = Segment.objects.get(itinerary__booking=with_flights, position=1)
    client = as_user(movements_officer)
    assert client.get(url("segment-time-change", with_flights, segment.pk)).status_code == 200
    day = travel_day().isoformat()
    response = client.post(url("segment-time-change", with_flights, segment.pk), {
        "departs": f"{day}T10:30", "arrives": f"{day}T15:05", "reason": ""})
    assert response.status_code == 400 and "reason" in response.context["form"].errors
    assert not SegmentTimeChange.objects.exists()
    response = client.post(url("segment-time-change", with_flights, segment.pk), {
        "departs": f"{day}T10:30", "arrives": f"{day}T15:05", "reason": "Airline schedule change"})
    assert response.status_code == 302
    change = SegmentTimeChange.objects.get()
    assert change.reason == "Airline schedule change"
    html = client.get(journey_url(with_flights.case)).content.decode()
    assert "Airline schedule change" in html and "time changed" in html


# ---------------------------------------------------------------- booking details and passengers


def test_pnr_is_saved_and_a_bad_one_refused(as_user, movements_officer, requested):
    client = as_user(movements_officer)
    assert client.get(url("booking-details", requested)).status_code == 200
    bad = client.post(url("booking-details", requested), {"version": requested.version, "reference": "AB1"})
    assert bad.status_code == 400 and "reference" in bad.context["form"].errors
    assert fresh(requested).reference == ""
    stale = client.post(url("booking-details", requested), {"version": requested.version + 1,
                                                            "reference": "K7Q2XB"})
    assert stale.status_code == 409 and fresh(requested).reference == ""
    ok = client.post(url("booking-details", requested), {"version": requested.version, "reference": "k7q2xb"})
    assert ok.status_code == 302 and fresh(requested).reference == "K7Q2XB"


def test_a_ticket_is_recorded_and_bad_input_refused_per_field(as_user, movements_officer, counsellor_a, requested):
    passenger = requested.passengers.order_by("pk").first()
    client = as_user(movements_officer)
    assert client.get(url("passenger-ticket", requested, passenger.pk)).status_code == 200
    for data, field in (({"ticket_number": "123"}, "ticket_number"),
                        ({"ticket_number": "2351234567890", "fare": "10", "currency": "XYZ"}, "currency"),
                        ({"ticket_number": "2351234567890", "fare": "-1", "currency": "EUR"}, "fare"),
                        ({"ticket_number": "2351234567890", "baggage_kg": "120"}, "baggage_kg")):
        response = client.post(url("passenger-ticket", requested, passenger.pk), data)
        assert response.status_code == 400 and field in response.context["form"].errors, (data, response.context["form"].errors)
        assert fresh(passenger).ticket_number == ""
    response = client.post(url("passenger-ticket", requested, passenger.pk), {
        "ticket_number": "235 1234567890", "fare": "245.50", "taxes": "80.25", "currency": "eur",
        "baggage_pieces": "1", "baggage_kg": "23"})
    assert response.status_code == 302
    p = fresh(passenger)
    assert (p.ticket_number, str(p.fare), p.currency, p.baggage_kg) == ("2351234567890", "245.50", "EUR", 23)
    html = client.get(journey_url(requested.case)).content.decode()
    assert "325.75" in html  # the costs per currency
    assert as_user(counsellor_a).post(url("passenger-ticket", requested, passenger.pk),
                                      {"ticket_number": "2351234567891"}).status_code == 403


def test_medif_sent_is_recorded_and_the_future_refused(as_user, movements_officer, requested):
    passenger = requested.passengers.order_by("pk").first()
    client = as_user(movements_officer)
    future = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url("passenger-medif", requested, passenger.pk), {"medif_sent_at": future})
    assert response.status_code == 400 and "medif_sent_at" in response.context["form"].errors
    assert fresh(passenger).medif_sent_at is None
    past = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert client.post(url("passenger-medif", requested, passenger.pk), {"medif_sent_at": past}).status_code == 302
    assert fresh(passenger).medif_sent_at is not None


def test_special_assistance_is_added_and_removed(as_user, movements_officer, counsellor_a, requested):
    passenger = requested.passengers.order_by("pk").first()
    client = as_user(counsellor_a)  # the counsellor may ask for it too
    assert client.post(url("special-assistance-add", requested, passenger.pk), {"code": "LANG"}).status_code == 400
    assert client.post(url("special-assistance-add", requested, passenger.pk), {"code": "XXXX"}).status_code == 400
    assert not SpecialAssistance.objects.exists()
    assert client.post(url("special-assistance-add", requested, passenger.pk), {"code": "WCHR"}).status_code == 302
    row = SpecialAssistance.objects.get()
    assert client.post(url("special-assistance-remove", requested, row.pk)).status_code == 403
    assert as_user(movements_officer).post(url("special-assistance-remove", requested, row.pk)).status_code == 302
    assert not SpecialAssistance.objects.exists()


def test_an_escort_is_added_and_bad_input_refused(as_user, movements_officer, requested):
    client = as_user(movements_officer)
    assert client.get(url("escort-add", requested)).status_code == 200
    response = client.post(url("escort-add", requested), {"kind": "medical", "travels_with_passengers": "on"})
    assert response.status_code == 400 and "external_name" in response.context["form"].errors
    response = client.post(url("escort-add", requested), {"kind": "medical", "external_name": "Dr. Jansen",
                                                         "cost": "400", "cost_currency": "EURO"})
    assert response.status_code == 400 and "cost_currency" in response.context["form"].errors
    assert not Escort.objects.exists()
    response = client.post(url("escort-add", requested), {"kind": "medical", "external_name": "Dr. Jansen",
                                                         "cost": "400", "cost_currency": "EUR",
                                                         "travels_with_passengers": "on"})
    assert response.status_code == 302
    assert Escort.objects.get().external_name == "Dr. Jansen"
    assert Passenger.objects.filter(booking=requested, escort__isnull=False).count() == 1


# ---------------------------------------------------------------- other missions


def test_meet_and_assist_is_requested_and_the_other_mission_answers(as_user, movements_officer, movements_ge,
                                                                    mission_ge, with_flights):
    client = as_user(movements_officer)
    assert client.get(url("assistance-request", with_flights)).status_code == 200
    wrong = client.post(url("assistance-request", with_flights), {"kind": "transit", "airport": "KBL",
                                                                 "to_mission": mission_ge.pk})
    assert wrong.status_code == 400 and "airport" in wrong.context["form"].errors
    assert not AssistanceRequest.objects.exists()
    ok = client.post(url("assistance-request", with_flights), {"kind": "meet_and_assist", "airport": "KBL",
                                                              "to_mission": mission_ge.pk, "note": "Wheelchair"})
    assert ok.status_code == 302
    row = AssistanceRequest.objects.get()
    # the sending mission's staff cannot answer it
    assert client.get(reverse("assistance-respond", args=[row.pk])).status_code == 404
    other = as_user(movements_ge)
    assert "Meet-and-assist" in other.get(reverse("assistance-inbox")).content.decode()
    assert other.get(reverse("assistance-respond", args=[row.pk])).status_code == 200
    declined = other.post(reverse("assistance-respond", args=[row.pk]), {"answer": "decline"})
    assert declined.status_code == 400 and "response_note" in declined.context["form"].errors
    assert fresh(row).status == AssistanceStatus.REQUESTED
    assert other.post(reverse("assistance-respond", args=[row.pk]), {"answer": "confirm"}).status_code == 302
    assert fresh(row).status == AssistanceStatus.CONFIRMED
    # the other mission's staff never see the case itself
    assert other.get(journey_url(with_flights.case)).status_code == 404


def test_a_request_is_withdrawn_with_a_reason(as_user, movements_officer, mission_ge, with_flights):
    row = services.assistance_request(actor=movements_officer, booking=with_flights, kind="meet_and_assist",
                                      airport="KBL", to_mission=mission_ge)
    client = as_user(movements_officer)
    assert client.post(url("assistance-withdraw", with_flights, row.pk), {"reason": ""}).status_code == 400
    assert client.post(url("assistance-withdraw", with_flights, row.pk), {"reason": "Rebooked"}).status_code == 302
    assert fresh(row).status == AssistanceStatus.WITHDRAWN


# ---------------------------------------------------------------- moves


def _book(booking, actor):
    services.booking_update(actor=actor, booking=booking, version=fresh(booking).version, reference="K7Q2XB")
    return fresh(booking)


def test_booking_moves_the_case_to_departure_booked(as_user, movements_officer, with_flights):
    booking = _book(with_flights, movements_officer)
    client = as_user(movements_officer)
    response = client.post(url("booking-transition", booking), {"to_status": "booked", "version": booking.version})
    assert response.status_code == 302
    assert fresh(booking).status == BookingStatus.BOOKED
    assert Case.objects.get(pk=booking.case_id).status == CaseStatus.BOOKED
    html = client.get(reverse("case-detail", args=[booking.case_id])).content.decode()
    assert "Departure booked" in html


def test_a_move_that_is_not_ready_shows_what_is_missing_and_changes_nothing(as_user, movements_officer, requested):
    response = as_user(movements_officer).post(url("booking-transition", requested),
                                               {"to_status": "booked", "version": requested.version})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="booking-transition-error"' in html and "The booking reference (PNR)." in html
    assert fresh(requested).status == BookingStatus.REQUESTED


def test_cancelling_needs_a_reason_and_sends_the_case_where_asked(as_user, movements_officer, with_flights):
    booking = _book(with_flights, movements_officer)
    services.booking_transition(actor=movements_officer, booking=booking, to_status="booked",
                                version=booking.version)
    booking = fresh(booking)
    client = as_user(movements_officer)
    response = client.post(url("booking-transition", booking), {"to_status": "cancelled", "version": booking.version})
    assert response.status_code == 400 and "A reason." in response.content.decode()
    assert fresh(booking).status == BookingStatus.BOOKED
    response = client.post(url("booking-transition", booking), {
        "to_status": "cancelled", "version": booking.version, "reason": "Passport expired",
        "case_status": "preparation"})
    assert response.status_code == 302
    assert fresh(booking).status == BookingStatus.CANCELLED
    assert Case.objects.get(pk=booking.case_id).status == CaseStatus.PREPARATION


def test_a_stale_move_is_a_conflict(as_user, movements_officer, requested):
    response = as_user(movements_officer).post(url("booking-transition", requested), {
        "to_status": "cancelled", "version": requested.version + 1, "reason": "x"})
    assert response.status_code == 409 and fresh(requested).status == BookingStatus.REQUESTED


def test_a_counsellor_may_not_move_a_booking(as_user, counsellor_a, requested):
    response = as_user(counsellor_a).post(url("booking-transition", requested), {
        "to_status": "cancelled", "version": requested.version, "reason": "x"})
    assert response.status_code == 403 and fresh(requested).status == BookingStatus.REQUESTED


# ---------------------------------------------------------------- the movements list


def test_the_movements_list_in_scope_by_first_departure(as_user, movements_officer, counsellor_a, counsellor_b,
                                                        work_post_a, work_post_b, mission_ge, with_flights):
    later = ready_household(counsellor_b, work_post_b, family_name="Later", children=())
    late = services.booking_request(actor=counsellor_b, case=later)
    services.itinerary_set(actor=movements_officer, booking=late, segments=kabul_segments(travel_day(12)))
    client = as_user(movements_officer)
    page = client.get(reverse("booking-list")).context["page"]
    assert [b.pk for b in page] == [with_flights.pk, late.pk]
    page = client.get(reverse("booking-list"), {"departs_from": travel_day(10).isoformat()}).context["page"]
    assert [b.pk for b in page] == [late.pk]
    page = client.get(reverse("booking-list"), {"status": "booked"}).context["page"]
    assert list(page) == []
    # a counsellor of work post A has no list, and sees no other work post's journey
    assert as_user(counsellor_a).get(reverse("booking-list")).status_code == 403
    assert as_user(counsellor_a).get(journey_url(later)).status_code == 404


def test_the_movements_entry_is_in_the_navigation_for_movements_and_managers(as_user, movements_officer, manager,
                                                                             counsellor_a):
    assert reverse("booking-list") in as_user(movements_officer).get(reverse("home"), follow=True).content.decode()
    assert reverse("booking-list") in as_user(manager).get(reverse("home"), follow=True).content.decode()
    assert reverse("booking-list") not in as_user(counsellor_a).get(reverse("home"), follow=True).content.decode()


def test_an_escorts_own_outbound_journey_is_set_apart_from_the_passengers(as_user, movements_officer, with_flights):
    escort = services.escort_add(actor=movements_officer, booking=with_flights, kind="medical",
                                 external_name="Dr. Jansen")
    client = as_user(movements_officer)
    target = url("itinerary-set", with_flights) + f"?escort={escort.pk}&leg=escort_out"
    assert client.get(target).status_code == 200
    day = (travel_day() - datetime.timedelta(days=1)).isoformat()
    rows = [{"airline": "KL", "flight_number": "KL1234", "origin": "AMS", "destination": "IST",
             "departs": f"{day}T08:00", "arrives": f"{day}T12:30"}]
    response = client.post(target, segment_post(rows, version=fresh(with_flights).version))
    assert response.status_code == 302
    own = Itinerary.objects.get(escort=escort)
    assert own.leg == "escort_out" and own.segments.get().flight_number == "KL1234"
    assert Itinerary.objects.filter(booking=with_flights, escort__isnull=True).count() == 1
    html = client.get(journey_url(with_flights.case)).content.decode()
    assert "KL1234" in html and "Escort&#x27;s outbound journey" in html
    assert client.get(url("itinerary-set", with_flights) + f"?escort={escort.pk}&leg=main").status_code == 404


def test_a_request_takes_seats_on_a_charter(as_user, movements_officer, family):
    day = travel_day(9)
    charter = services.charter_create(actor=movements_officer, reference="CH-KBL-1", airline="TK",
                                      flight_number="TK9001", origin="AMS", destination="KBL",
                                      departs=local(day, 9, 0), arrives=local(day, 19, 0), seats=100)
    client = as_user(movements_officer)
    html = client.get(reverse("booking-request", args=[family.pk])).content.decode()
    assert "CH-KBL-1" in html
    persons = [str(m.person_id) for m in family.members.all()]
    bad = client.post(reverse("booking-request", args=[family.pk]), {"persons": persons, "charter": charter.pk,
                                                                     "seats": "2"})
    assert bad.status_code == 400 and "seats" in bad.context["form"].errors
    assert not Booking.objects.exists()
    ok = client.post(reverse("booking-request", args=[family.pk]), {"persons": persons, "charter": charter.pk})
    assert ok.status_code == 302
    booking = Booking.objects.get()
    assert (booking.charter_id, booking.seats) == (charter.pk, 4)
    assert booking.itineraries.get().segments.get().flight_number == "TK9001"


def test_a_cancellation_sends_the_case_back_to_ready_to_depart_unless_told_otherwise(as_user, movements_officer,
                                                                                    with_flights):
    booking = _book(with_flights, movements_officer)
    services.booking_transition(actor=movements_officer, booking=booking, to_status="booked",
                                version=booking.version)
    booking = fresh(booking)
    html = as_user(movements_officer).get(journey_url(booking.case)).content.decode()
    assert '<option value="ready_to_depart" selected>' in html
    response = as_user(movements_officer).post(url("booking-transition", booking), {
        "to_status": "cancelled", "version": booking.version, "reason": "Flight cancelled by the airline"})
    assert response.status_code == 302
    assert Case.objects.get(pk=booking.case_id).status == CaseStatus.READY_TO_DEPART


def test_reading_the_journey_of_a_sensitive_case_is_audited(as_user, counsellor_a2, sensitive_a):
    from passage.audit.models import AuditEvent
    assert as_user(counsellor_a2).get(journey_url(sensitive_a), HTTP_HX_REQUEST="true").status_code == 200
    assert AuditEvent.objects.filter(action="read", case_id=sensitive_a.pk, actor=counsellor_a2).count() == 1


def test_the_movements_list_refuses_an_inverted_period_and_shows_every_status_on_request(
    as_user, movements_officer, with_flights
):
    client = as_user(movements_officer)
    services.booking_transition(actor=movements_officer, booking=with_flights, to_status="cancelled",
                                reason="Not needed", version=fresh(with_flights).version)
    assert list(client.get(reverse("booking-list")).context["page"]) == []
    assert [b.pk for b in client.get(reverse("booking-list"), {"status": "all"}).context["page"]] == [with_flights.pk]
    response = client.get(reverse("booking-list"), {"departs_from": travel_day(5).isoformat(),
                                                    "departs_until": travel_day(2).isoformat()})
    assert "departs_until" in response.context["form"].errors and list(response.context["page"]) == []
