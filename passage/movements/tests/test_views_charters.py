"""The charter screens: the list, a new charter checked as the booking forms check flights, the charter's page
(seats, cases, moves with their reasons, manifest), a booking put on a charter; scoped to the mission."""

import datetime

import pytest
from django.urls import reverse

from passage.audit.models import AuditEvent
from passage.cases.enums import CaseStatus
from passage.movements import services
from passage.movements.enums import BookingStatus as B
from passage.movements.enums import CharterStatus as C
from passage.movements.models import Booking, Charter

from .conftest import ready_household, travel_day
from .test_charters import new_charter, on_charter

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client
    return login


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def charter_post(**overrides):
    day = travel_day(10)
    data = {"reference": "ch-2026-07", "airline": "KL", "flight_number": "KL9007", "origin": "AMS",
            "destination": "TBS", "departs": f"{day.isoformat()}T09:00", "arrives": f"{day.isoformat()}T16:30",
            "seats": "120"}
    return {**data, **overrides}


def test_movements_staff_plan_a_charter_and_land_on_its_page(as_user, movements_officer):
    client = as_user(movements_officer)
    assert client.get(reverse("charter-create")).status_code == 200
    response = client.post(reverse("charter-create"), charter_post())
    charter = Charter.objects.get()
    assert response.status_code == 302 and response.url == reverse("charter-detail", args=[charter.pk])
    assert (charter.reference, charter.seats, charter.status, charter.mission_id) == (
        "CH-2026-07", 120, C.PLANNED, movements_officer.mission_id)
    # 09:00 in Amsterdam (winter or summer time), stored in UTC.
    assert charter.departs_at.astimezone(datetime.UTC).hour in (7, 8)


@pytest.mark.parametrize("field, value, message", [
    ("origin", "ZZZ", "“ZZZ” is not a known IATA airport code."),
    ("flight_number", "TK1952", "The flight number TK1952 is not a flight of the airline KL."),
    ("arrives", f"{travel_day(10).isoformat()}T08:00", "The arrival is before the departure (both in local time)."),
    ("seats", "0", "Ensure this value is greater than or equal to 1."),
])
def test_a_bad_charter_is_refused_field_by_field_and_nothing_stored(as_user, movements_officer, field, value,
                                                                    message):
    response = as_user(movements_officer).post(reverse("charter-create"), charter_post(**{field: value}))
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert not Charter.objects.exists()


def test_a_charter_field_is_checked_as_the_user_leaves_it(as_user, movements_officer):
    new_charter(movements_officer, reference="CH-2026-07")
    client = as_user(movements_officer)
    response = client.post(reverse("charter-validate"), charter_post(), HTTP_HX_TRIGGER_NAME="reference")
    assert response.status_code == 200
    assert "A charter flight with this reference exists already." in response.content.decode()
    fine = client.post(reverse("charter-validate"), charter_post(), HTTP_HX_TRIGGER_NAME="origin")
    assert 'id="id_origin_live"' in fine.content.decode() and "invalid-feedback" in fine.content.decode()
    assert "<span" not in fine.content.decode()
    assert client.post(reverse("charter-validate"), charter_post(), HTTP_HX_TRIGGER_NAME="seats").status_code == 400


def test_the_list_shows_the_missions_charters_with_their_seats(as_user, movements_officer, movements_ge,
                                                               ready_case):
    ours = new_charter(movements_officer, seats=10)
    services.booking_request(actor=movements_officer, case=ready_case, charter=ours)
    new_charter(movements_ge, reference="GE-CH-1")
    response = as_user(movements_officer).get(reverse("charter-list"))
    assert response.status_code == 200
    assert [(r["charter"].reference, r["charter"].taken, r["free"]) for r in response.context["rows"]] == [
        ("CH-2026-01", 2, 8)]
    assert "GE-CH-1" not in response.content.decode()


def test_counsellors_have_no_charter_screens(as_user, counsellor_a, movements_officer):
    charter = new_charter(movements_officer)
    client = as_user(counsellor_a)
    assert client.get(reverse("charter-list")).status_code == 403
    assert client.get(reverse("charter-detail", args=[charter.pk])).status_code == 404
    assert client.get(reverse("charter-create")).status_code == 403


def test_a_charter_of_another_mission_is_404(as_user, movements_officer, movements_ge):
    charter = new_charter(movements_ge)
    client = as_user(movements_officer)
    assert client.get(reverse("charter-detail", args=[charter.pk])).status_code == 404
    assert client.post(reverse("charter-transition", args=[charter.pk]),
                       {"to_status": "confirmed", "version": "1"}).status_code == 404
    assert fresh(charter).status == C.PLANNED


def test_the_charter_page_shows_seats_cases_moves_and_the_manifest(as_user, movements_officer, ready_case):
    charter = new_charter(movements_officer, seats=5)
    booking = on_charter(movements_officer, ready_case, charter, to=B.BOOKED)
    response = as_user(movements_officer).get(reverse("charter-detail", args=[charter.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert (response.context["taken"], response.context["free"]) == (2, 3)
    assert [r["booking"] for r in response.context["rows"]] == [booking]
    assert [(m["status"], m["blockers"]) for m in response.context["moves"]] == [("confirmed", []), ("cancelled", [])]
    day = charter.departs_at.astimezone(datetime.UTC).date().isoformat()
    assert reverse("manifest-flight-pdf", args=["AMS", day, "KL9001"]) in page
    assert ready_case.number in page


def test_the_departure_waits_for_the_airport_and_says_so(as_user, operations_officer, movements_officer, ready_case):
    charter = new_charter(movements_officer)
    services.charter_transition(actor=movements_officer, charter=charter, to_status=C.CONFIRMED)
    response = as_user(operations_officer).get(reverse("charter-detail", args=[charter.pk]))
    assert [(m["status"], m["blockers"]) for m in response.context["moves"]] == [
        ("departed", ["The departure is confirmed by the movements staff at the airport."]), ("cancelled", [])]


def test_cancelling_from_the_page_needs_a_reason_then_releases_the_cases(as_user, movements_officer, ready_case):
    charter = new_charter(movements_officer)
    booking = on_charter(movements_officer, ready_case, charter, to=B.BOOKED)
    client = as_user(movements_officer)
    url = reverse("charter-transition", args=[charter.pk])
    refused = client.post(url, {"to_status": "cancelled", "version": str(charter.version), "reason": ""})
    assert refused.status_code == 400
    assert refused.context["transition_error"]["details"] == ["A reason."]
    assert fresh(charter).status == C.PLANNED
    stale = client.post(url, {"to_status": "cancelled", "version": str(charter.version + 5), "reason": "No plane"})
    assert stale.status_code == 409 and fresh(booking).status == B.BOOKED
    done = client.post(url, {"to_status": "cancelled", "version": str(charter.version), "reason": "No plane"})
    assert done.status_code == 302
    assert (fresh(charter).status, fresh(booking).status, fresh(ready_case).status) == (
        C.CANCELLED, B.CANCELLED, CaseStatus.READY_TO_DEPART)


def test_a_page_listing_a_sensitive_case_is_audited_and_hidden_cases_only_counted(
        as_user, movements_officer, cleared_movements, sensitive_ready, ready_case):
    charter = new_charter(cleared_movements, seats=10)
    services.booking_request(actor=cleared_movements, case=sensitive_ready, charter=charter)
    services.booking_request(actor=movements_officer, case=ready_case, charter=charter)
    uncleared = as_user(movements_officer).get(reverse("charter-detail", args=[charter.pk]))
    assert [r["booking"].case for r in uncleared.context["rows"]] == [ready_case]
    assert (uncleared.context["taken"], uncleared.context["hidden_seats"]) == (3, 1)
    assert sensitive_ready.number not in uncleared.content.decode()
    assert not AuditEvent.objects.filter(action="read", object_type="movements.charter").exists()
    cleared = as_user(cleared_movements).get(reverse("charter-detail", args=[charter.pk]))
    assert sensitive_ready.number in cleared.content.decode()
    [read] = AuditEvent.objects.filter(action="read", object_type="movements.charter")
    assert (read.actor, read.changes["cases"]) == (cleared_movements, [None, [sensitive_ready.number]])


def test_a_booking_is_put_on_a_charter_from_its_journey(as_user, movements_officer, ready_case, counsellor_a,
                                                        work_post_a):
    charter = new_charter(movements_officer, seats=3)
    booking = services.booking_request(actor=movements_officer, case=ready_case)
    client = as_user(movements_officer)
    url = reverse("booking-charter", args=[ready_case.pk, booking.pk])
    journey = client.get(reverse("journey", args=[ready_case.pk])).content.decode()
    assert url in journey
    form = client.get(url)
    assert form.status_code == 200 and "CH-2026-01 · KL9001 AMS–TBS" in form.content.decode()
    assert client.post(url, {"charter": charter.pk, "version": booking.version, "seats": ""}).status_code == 302
    assert (fresh(booking).charter_id, fresh(booking).seats) == (charter.pk, 2)
    other = services.booking_request(actor=movements_officer,
                                     case=ready_household(counsellor_a, work_post_a, family_name="Kapanadze"))
    full = client.post(reverse("booking-charter", args=[other.case_id, other.pk]),
                       {"charter": charter.pk, "version": other.version})
    assert full.status_code == 400
    assert full.context["form"].errors["seats"] == ["Only 1 seat is left on the charter flight."]
    assert Booking.objects.get(pk=other.pk).charter_id is None


def test_the_nav_shows_charters_to_movements_staff(as_user, movements_officer, counsellor_a):
    assert reverse("charter-list") in as_user(movements_officer).get(reverse("booking-list")).content.decode()
    assert reverse("charter-list") not in as_user(counsellor_a).get(reverse("case-list")).content.decode()
