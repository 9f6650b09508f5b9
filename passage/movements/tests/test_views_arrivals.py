"""The screens of arrivals and transits outside return cases: recording the flight (checked per field, nothing
stored on a refusal), adding passengers, the steps at the airport in order, care for stranded passengers;
movements staff change, managers read, counsellors are refused, another mission's answer 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from passage.accounts.enums import Role
from passage.movements.enums import MovementOutcome as OC
from passage.movements.models import Movement, MovementPassenger, StrandedCare
from passage.testing.factories import PartnerLocationFactory, UserFactory

pytestmark = pytest.mark.django_db


def day() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=2)


def at(hh, mm=0) -> str:
    return f"{day().isoformat()}T{hh:02d}:{mm:02d}"


ARRIVAL = {"kind": "arrival", "programme": "family_reunification", "reference": "FR-2026-118", "airline": "tk",
           "flight_number": "tk1951", "origin": "ist", "airport": "AMS", "departs": at(9), "arrives": at(11, 50)}


@pytest.fixture
def officer_client(client, movements_officer):
    client.force_login(movements_officer)
    return client


def test_a_movements_officer_records_an_arrival_adds_passengers_and_hands_them_over(officer_client, manager):
    assert officer_client.get(reverse("movement-create")).status_code == 200
    answer = officer_client.post(reverse("movement-create"), ARRIVAL)
    movement = Movement.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("movement-detail", args=[movement.pk])
    assert (movement.flight_number, movement.origin_id, movement.arrives_local.strftime("%H:%M")) == (
        "TK1951", "IST", "11:50")
    add = reverse("movement-passenger-add", args=[movement.pk])
    refused = officer_client.post(add, {"family_name": "", "sex": "F", "birth_year": "1850", "nationality": "XX"})
    assert refused.status_code == 400 and not MovementPassenger.objects.exists()
    assert officer_client.post(add, {"family_name": "Haddad", "given_names": "Rania", "sex": "F",
                                     "birth_year": "1988", "nationality": "SY"}).status_code == 302
    rania = MovementPassenger.objects.get()
    page = officer_client.get(reverse("movement-detail", args=[movement.pk])).content.decode()
    assert "HADDAD Rania" in page and f'id="outcome-{rania.pk}-received"' in page
    assert f'id="outcome-{rania.pk}-to_reception"' not in page  # received first

    step = reverse("movement-outcome", args=[movement.pk, rania.pk])
    panel = officer_client.post(step, {"outcome": "received"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="movement-passengers"' in panel and "<html" not in panel
    assert f'id="outcome-{rania.pk}-to_family"' in panel
    # Handed over to the reception agency needs the location: refused with the reason, nothing changed.
    refused = officer_client.post(step, {"outcome": "to_reception"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Choose the reception location." in refused
    assert MovementPassenger.objects.get().outcome == OC.RECEIVED
    ter_apel = PartnerLocationFactory(name="AZC Ter Apel")
    officer_client.post(step, {"outcome": "to_reception", "location": ter_apel.pk}, HTTP_HX_REQUEST="true")
    rania.refresh_from_db()
    assert (rania.outcome, rania.handed_to_location) == (OC.TO_RECEPTION, ter_apel)
    # Once handed over, nothing further is offered, and a replay is refused.
    replay = officer_client.post(step, {"outcome": "to_family", "family_name": "Omar"}, HTTP_HX_REQUEST="true")
    assert "they cannot be" in replay.content.decode()

    officer_client.force_login(manager)
    page = officer_client.get(reverse("movement-detail", args=[movement.pk])).content.decode()
    assert "AZC Ter Apel" in page and "outcome-" in page and f'id="care-{rania.pk}"' not in page
    assert officer_client.post(step, {"outcome": "received"}).status_code == 403


def test_a_transit_needs_its_connecting_flight_and_its_passengers_are_directed_to_it(officer_client):
    transit = {**ARRIVAL, "kind": "transit", "programme": "return_transit", "flight_number": "TK1957"}
    refused = officer_client.post(reverse("movement-create"), transit)
    assert refused.status_code == 400 and "A transit needs its connecting flight." in refused.content.decode()
    late = {**transit, "onward_airline": "KL", "onward_flight_number": "KL1385", "onward_destination": "TBS",
            "onward_departs": at(10)}
    refused = officer_client.post(reverse("movement-create"), late)
    assert "The connecting flight must leave after the arrival." in refused.content.decode()
    assert not Movement.objects.exists()
    officer_client.post(reverse("movement-create"), {**late, "onward_departs": at(13, 15)})
    movement = Movement.objects.get()
    officer_client.post(reverse("movement-passenger-add", args=[movement.pk]),
                        {"family_name": "Kapanadze", "sex": "M", "nationality": "GE"})
    giorgi = MovementPassenger.objects.get()
    step = reverse("movement-outcome", args=[movement.pk, giorgi.pk])
    officer_client.post(step, {"outcome": "received"})
    assert f'id="outcome-{giorgi.pk}-to_connection"' in officer_client.get(
        reverse("movement-detail", args=[movement.pk])).content.decode()
    officer_client.post(step, {"outcome": "to_connection"})
    assert MovementPassenger.objects.get().outcome == OC.TO_CONNECTION
    board = officer_client.get(reverse("airport-board"), {"airport": "AMS", "day": day().isoformat()})
    assert reverse("movement-detail", args=[movement.pk]) in board.content.decode()


def test_care_for_a_stranded_passenger_is_recorded_with_its_cost(officer_client):
    officer_client.post(reverse("movement-create"), ARRIVAL)
    movement = Movement.objects.get()
    officer_client.post(reverse("movement-passenger-add", args=[movement.pk]), {"family_name": "Haddad", "sex": "F"})
    rania = MovementPassenger.objects.get()
    care = reverse("stranded-care", args=[movement.pk, rania.pk])
    refused = officer_client.post(care, {"kind": "hotel", "cost": "-5", "currency": "EURO"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200 and 'id="step-error"' in refused.content.decode()
    assert not StrandedCare.objects.exists()
    panel = officer_client.post(care, {"kind": "hotel", "cost": "89.00", "currency": "eur", "note": "Flight missed"},
                                HTTP_HX_REQUEST="true").content.decode()
    row = StrandedCare.objects.get()
    assert (row.kind, str(row.cost), row.currency) == ("hotel", "89.00", "EUR")
    assert "Hotel night: 89.00 EUR (Flight missed)" in panel


def test_the_list_shows_what_is_still_open_and_scope_is_the_mission(officer_client, movements_ge, counsellor_a):
    officer_client.post(reverse("movement-create"), ARRIVAL)
    movement = Movement.objects.get()
    for name in ("Haddad", "Omar"):
        officer_client.post(reverse("movement-passenger-add", args=[movement.pk]), {"family_name": name, "sex": "F"})
    html = officer_client.get(reverse("movement-list")).content.decode()
    assert reverse("movement-detail", args=[movement.pk]) in html and "FR-2026-118" in html
    assert officer_client.get(reverse("movement-list"), {"day_from": "nonsense"}).status_code == 200

    officer_client.force_login(movements_ge)
    assert officer_client.get(reverse("movement-detail", args=[movement.pk])).status_code == 404
    passenger = MovementPassenger.objects.first()
    assert officer_client.post(reverse("movement-outcome", args=[movement.pk, passenger.pk]),
                               {"outcome": "received"}).status_code == 404
    assert reverse("movement-detail", args=[movement.pk]) not in officer_client.get(
        reverse("movement-list")).content.decode()
    officer_client.force_login(counsellor_a)
    assert officer_client.get(reverse("movement-list")).status_code == 403
    assert officer_client.get(reverse("movement-create")).status_code == 403
    assert MovementPassenger.objects.filter(outcome=OC.EXPECTED).count() == 2


def test_a_reintegration_officer_abroad_gets_the_board_but_not_the_arrivals_pages(client, mission_ge):
    staff = UserFactory(mission=mission_ge, role=Role.REINTEGRATION)
    client.force_login(staff)
    assert client.get(reverse("airport-board")).status_code == 200
    assert client.get(reverse("movement-list")).status_code == 403
