"""The airport's day board and the desk through the views: the board per flight and local time, polled as a
fragment in a fixed number of queries; each desk tap (happy, refused with the service's message and nothing
stored), the undo window, the departure confirmation; who may."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from passage.cases.enums import CaseStatus
from passage.cases.models import Case
from passage.messaging.models import OutboxEvent
from passage.movements import services
from passage.movements.enums import BookingStatus as B
from passage.movements.enums import CustodyParty
from passage.movements.enums import DeskStep as S
from passage.movements.models import Booking, DeskEvent
from passage.movements.services import desk
from passage.movements.tests.conftest import approve_cash
from passage.people.enums import Custody
from passage.people.models import TravelDocument

from .conftest import travel_day
from .test_airport_day import _day_with
from .test_services_bookings import booked, ticket_all

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def ticketed(movements_officer, ready_case):
    """BERIDZE Nino and Luka on TK1952 AMS 10:00 (local) a week from now, ticketed."""
    booking = booked(movements_officer, ready_case)
    ticket_all(movements_officer, booking)
    return services.booking_transition(actor=movements_officer, booking=booking, to_status=B.TICKETED)


@pytest.fixture
def desk_client(client, movements_officer):
    client.force_login(movements_officer)
    return client


def passengers(booking):
    return list(booking.passengers.order_by("pk"))


def board_url(day=None, airport="AMS"):
    return reverse("airport-board") + f"?airport={airport}&day={(day or travel_day()).isoformat()}"


def where(day=None):
    return {"airport": "AMS", "day": (day or travel_day()).isoformat()}


def tap(client, passenger, step, htmx=True, **data):
    url = reverse("desk-step", args=[passenger.booking.case_id, passenger.booking_id, passenger.pk])
    return client.post(url, {"step": step, **where(), **data}, **(HTMX if htmx else {}))


def active(passenger):
    return sorted(DeskEvent.objects.filter(passenger=passenger, undone_at__isnull=True).exclude(step=S.UNDO)
                  .values_list("step", flat=True))


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_board_lists_the_days_flights_in_local_time_with_passengers_and_the_cash(
    desk_client, ticketed, operations_officer
):
    approve_cash(operations_officer, ticketed.case_id, "300")
    response = desk_client.get(board_url())
    assert response.status_code == 200
    page = text(response)
    assert "Airport’s day · AMS" in page and 'hx-trigger="every 15s"' in page
    assert re.search(r'<span class="fs-4 fw-semibold font-monospace">10:00</span> '
                     r'<span class="fs-5 font-monospace">TK1952</span> <span>→ IST</span>', page)
    assert "BERIDZE Nino" in page and "BERIDZE Luka" in page and "K7Q2XB" in page
    assert "Cash to hand over: 300.00 EUR" in page
    nino = passengers(ticketed)[0]
    assert f'id="step-{nino.pk}-reported"' in page and f'id="step-{nino.pk}-cash"' in page
    # The day before: nothing; the fragment alone for the poll.
    assert "No departures this day." in text(desk_client.get(board_url(travel_day() - datetime.timedelta(days=1))))
    fragment = desk_client.get(board_url(), **HTMX)
    assert text(fragment).strip().startswith('<div id="board-panel"') and "<html" not in text(fragment)


def test_the_board_in_english_and_dutch_and_an_unknown_airport_falls_back(desk_client, ticketed):
    desk_client.cookies["django_language"] = "nl"
    page = text(desk_client.get(board_url(), HTTP_ACCEPT_LANGUAGE="nl"))
    assert "Vertrekken" in page and "Gemeld bij de balie" in page
    page = text(desk_client.get(board_url(airport="ZZZ")))
    assert "Onbekende luchthaven “ZZZ”." in page and "BERIDZE Nino" in page


def test_each_desk_step_through_the_view_and_the_booking_is_checked_in(desk_client, ticketed, movements_officer):
    nino, luka = passengers(ticketed)
    services.document_receive(actor=movements_officer, document=nino.person.documents.get(),
                              party=CustodyParty.HOLDER, held_at="Desk safe")
    for step in (S.REPORTED, S.CHECKED_IN, S.DOCUMENTS, S.BOARDED):
        response = tap(desk_client, nino, step)
        assert response.status_code == 200 and 'id="desk-error"' not in text(response)
    assert active(nino) == sorted([S.BOARDED, S.CHECKED_IN, S.DOCUMENTS, S.REPORTED])
    assert Booking.objects.get(pk=ticketed.pk).status == B.CHECKED_IN
    assert TravelDocument.objects.get(person_id=nino.person_id).custody != Custody.WITH_ORGANISATION
    # Without htmx: back to the board with a message.
    response = tap(desk_client, luka, S.REPORTED, htmx=False)
    assert response.status_code == 302 and response.url == board_url()
    assert active(luka) == [S.REPORTED]
    page = text(desk_client.get(response.url))
    assert "“Reported at the desk” recorded." in page
    assert "Undo “Reported at the desk”" in page


def test_a_refused_step_shows_the_services_message_and_stores_nothing(desk_client, ticketed):
    nino = passengers(ticketed)[0]
    response = tap(desk_client, nino, S.CHECKED_IN)
    assert response.status_code == 200
    assert "Record “Reported at the desk” for BERIDZE Nino first." in text(response)
    assert active(nino) == []
    response = tap(desk_client, nino, S.NO_SHOW)
    assert "Give the reason the passenger did not show." in text(response)
    assert active(nino) == []
    response = tap(desk_client, nino, S.NO_SHOW, reason="Did not come to the airport")
    assert active(nino) == [S.NO_SHOW]
    assert DeskEvent.objects.get(passenger=nino, step=S.NO_SHOW).reason == "Did not come to the airport"
    response = tap(desk_client, nino, S.REPORTED, htmx=False)
    assert response.status_code == 302 and active(nino) == [S.NO_SHOW]


def test_cash_above_the_approved_amount_is_refused_with_the_services_message(
    desk_client, ticketed, operations_officer
):
    approve_cash(operations_officer, ticketed.case_id, "300")
    nino = passengers(ticketed)[0]
    tap(desk_client, nino, S.REPORTED)
    tap(desk_client, nino, S.CHECKED_IN)
    response = tap(desk_client, nino, S.CASH, amount="350", currency="EUR")
    assert "At most 300.00 EUR is left of the 300.00 EUR approved for this case." in text(response)
    assert active(nino) == [S.CHECKED_IN, S.REPORTED]
    response = tap(desk_client, nino, S.CASH, amount="300", currency="EUR")
    assert 'id="desk-error"' not in text(response)
    assert DeskEvent.objects.get(passenger=nino, step=S.CASH).amount == 300
    assert "Cash to hand over" not in text(response)


def test_an_undo_within_the_window_and_refused_after_it(desk_client, ticketed, monkeypatch):
    nino = passengers(ticketed)[0]
    t0 = timezone.now()
    monkeypatch.setattr(desk, "_now", lambda: t0)
    tap(desk_client, nino, S.REPORTED)
    event = DeskEvent.objects.get(passenger=nino, step=S.REPORTED)
    undo = reverse("desk-undo", args=[ticketed.case_id, ticketed.pk, event.pk])
    t1 = t0 + datetime.timedelta(minutes=4, seconds=59)
    monkeypatch.setattr(desk, "_now", lambda: t1)
    response = desk_client.post(undo, {**where(), "reason": "Wrong passenger"}, **HTMX)
    assert response.status_code == 200 and 'id="desk-error"' not in text(response)
    assert active(nino) == [] and DeskEvent.objects.get(undoes=event).reason == "Wrong passenger"
    tap(desk_client, nino, S.REPORTED)
    again = DeskEvent.objects.get(passenger=nino, step=S.REPORTED, undone_at__isnull=True)
    monkeypatch.setattr(desk, "_now", lambda: t1 + datetime.timedelta(minutes=5, seconds=1))
    response = desk_client.post(reverse("desk-undo", args=[ticketed.case_id, ticketed.pk, again.pk]), where(),
                                **HTMX)
    assert ("“Reported at the desk” for BERIDZE Nino was recorded more than 5 minutes ago and can no longer be "
            "undone.") in text(response)
    assert active(nino) == [S.REPORTED]


def test_the_undo_button_goes_when_the_window_has_passed(desk_client, ticketed, movements_officer):
    nino = passengers(ticketed)[0]
    event = services.desk_step_record(actor=movements_officer, passenger=nino, step=S.REPORTED)
    assert f'id="undo-{event.pk}"' in text(desk_client.get(board_url(), **HTMX))
    DeskEvent.objects.filter(pk=event.pk).update(at=timezone.now() - datetime.timedelta(minutes=6))
    page = text(desk_client.get(board_url(), **HTMX))
    assert f'id="undo-{event.pk}"' not in page and "✓ Reported at the desk" in page


def test_departure_confirmed_from_the_board_and_refused_naming_the_passengers(
    desk_client, ticketed, movements_officer
):
    nino, luka = passengers(ticketed)
    for p in (nino, luka):
        tap(desk_client, p, S.REPORTED)
        tap(desk_client, p, S.CHECKED_IN)
    tap(desk_client, nino, S.BOARDED)
    url = reverse("departure-confirm", args=[ticketed.case_id, ticketed.pk])
    response = desk_client.post(url, where(), **HTMX)
    page = text(response)
    assert "The departure cannot be confirmed yet. Missing:" in page and "BERIDZE Luka has not boarded." in page
    assert Booking.objects.get(pk=ticketed.pk).status == B.CHECKED_IN and not OutboxEvent.objects.exists()
    tap(desk_client, luka, S.BOARDED)
    left = timezone.localtime(timezone.now() - datetime.timedelta(minutes=3)).replace(second=0, microsecond=0)
    response = desk_client.post(url, {**where(), "departed_at": left.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    booking = Booking.objects.get(pk=ticketed.pk)
    assert (booking.status, booking.departed_at) == (B.DEPARTED, left)
    assert Case.objects.get(pk=ticketed.case_id).status == CaseStatus.DEPARTED
    assert OutboxEvent.objects.count() == 1


def test_a_counsellor_gets_403_on_the_board_and_404_on_anothers_desk(client, counsellor_a, counsellor_b, ticketed):
    nino = passengers(ticketed)[0]
    client.force_login(counsellor_a)    # counsellor of the case: sees it, but is no desk
    assert client.get(board_url()).status_code == 403
    assert tap(client, nino, S.REPORTED).status_code == 403
    client.force_login(counsellor_b)    # another work post: the case does not exist for them
    assert tap(client, nino, S.REPORTED).status_code == 404
    assert client.post(reverse("departure-confirm", args=[ticketed.case_id, ticketed.pk]), where()).status_code == 404
    assert active(nino) == []


def test_another_missions_movements_staff_see_no_departure_and_get_404(client, movements_ge, ticketed):
    client.force_login(movements_ge)
    assert "No departures this day." in text(client.get(board_url()))
    assert tap(client, passengers(ticketed)[0], S.REPORTED).status_code == 404


def test_the_board_fragment_takes_as_many_queries_for_60_passengers_as_for_6(
    desk_client, movements_officer, counsellor_a, work_post_a
):
    small, big = timezone.localdate() + datetime.timedelta(days=3), timezone.localdate() + datetime.timedelta(days=4)
    _day_with(2, movements_officer, counsellor_a, work_post_a, small)    # 6 passengers
    _day_with(20, movements_officer, counsellor_a, work_post_a, big)     # 60 passengers
    with CaptureQueriesContext(connection) as few:
        assert desk_client.get(board_url(small), **HTMX).status_code == 200
    with CaptureQueriesContext(connection) as many:
        response = desk_client.get(board_url(big), **HTMX)
    assert text(response).count("FAMILY19") >= 3
    assert len(many) == len(few)


def test_nobody_showed_the_booking_is_recorded_a_no_show_on_the_board_and_can_be_rebooked(
    desk_client, ticketed
):
    nino, luka = passengers(ticketed)
    url = reverse("booking-no-show", args=[ticketed.case_id, ticketed.pk])
    tap(desk_client, nino, S.NO_SHOW, reason="Ill at home")
    assert f'id="no-show-{ticketed.pk}"' not in text(desk_client.get(board_url(), **HTMX))
    # Refused while Luka is not recorded as absent: the service's message, nothing stored.
    page = text(desk_client.post(url, {**where(), "reason": "Ill at home"}, **HTMX))
    assert "BERIDZE Luka is not recorded at the desk as not showing." in page
    assert Booking.objects.get(pk=ticketed.pk).status == B.TICKETED
    page = text(tap(desk_client, luka, S.NO_SHOW, reason="Ill at home"))
    # Offered once nobody showed, with the desk's reason filled in and the case back to ready to depart.
    assert f'id="no-show-{ticketed.pk}"' in page and f'id="depart-{ticketed.pk}"' not in page
    assert f'id="no-show-reason-{ticketed.pk}" name="reason" maxlength="300" value="Ill at home"' in page
    page = text(desk_client.post(url, {**where(), "reason": " ", "case_status": "ready_to_depart"}, **HTMX))
    assert "The booking cannot move to “No-show” yet. Missing:" in page and "A reason." in page
    assert Booking.objects.get(pk=ticketed.pk).status == B.TICKETED
    response = desk_client.post(url, {**where(), "reason": "Ill at home", "case_status": "ready_to_depart"})
    assert response.status_code == 302 and response.url == board_url()
    assert "Booking K7Q2XB recorded as a no-show." in text(desk_client.get(response.url))
    booking = Booking.objects.get(pk=ticketed.pk)
    assert (booking.status, booking.status_changes.last().reason) == (B.NO_SHOW, "Ill at home")
    assert Case.objects.get(pk=ticketed.case_id).status == CaseStatus.READY_TO_DEPART
    # The journey offers the rebooking: new flights, then booked again.
    journey = text(desk_client.get(reverse("journey", args=[ticketed.case_id])))
    assert 'id="itinerary-set"' in journey and 'id="booking-move-booked"' in journey


def test_a_no_show_on_hold_needs_a_review_date_and_a_bad_date_is_refused(desk_client, ticketed):
    for p in passengers(ticketed):
        tap(desk_client, p, S.NO_SHOW, reason="Hospitalised")
    url = reverse("booking-no-show", args=[ticketed.case_id, ticketed.pk])
    page = text(desk_client.post(url, {**where(), "reason": "Hospitalised", "case_status": "on_hold",
                                       "review_on": "31-31-2026"}, **HTMX))
    assert 'id="desk-error"' in page and "Enter a valid date." in page
    assert Booking.objects.get(pk=ticketed.pk).status == B.TICKETED
    review = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    desk_client.post(url, {**where(), "reason": "Hospitalised", "case_status": "on_hold", "review_on": review},
                     **HTMX)
    case = Case.objects.get(pk=ticketed.case_id)
    assert (case.status, case.on_hold_review_on.isoformat()) == (CaseStatus.ON_HOLD, review)


def test_a_manager_sees_no_no_show_form_and_is_refused(client, ticketed, movements_officer, mission):
    from passage.testing.factories import UserFactory

    for p in passengers(ticketed):
        services.desk_step_record(actor=movements_officer, passenger=p, step=S.NO_SHOW, reason="Did not come")
    manager = UserFactory(mission=mission, role="manager")
    client.force_login(manager)
    assert f'id="no-show-{ticketed.pk}"' not in text(client.get(board_url()))
    response = client.post(reverse("booking-no-show", args=[ticketed.case_id, ticketed.pk]),
                           {**where(), "reason": "Did not come"})
    assert response.status_code == 403
    assert Booking.objects.get(pk=ticketed.pk).status == B.TICKETED


def test_the_dutch_desk_gets_the_amount_to_hand_over_as_a_number_it_can_send_back_and_may_type_a_comma(
    desk_client, ticketed, operations_officer
):
    approve_cash(operations_officer, ticketed.case_id, "300.50")
    nino = passengers(ticketed)[0]
    tap(desk_client, nino, S.REPORTED)
    tap(desk_client, nino, S.CHECKED_IN)
    desk_client.cookies["django_language"] = "nl"
    page = text(desk_client.get(board_url(), HTTP_ACCEPT_LANGUAGE="nl"))
    assert "Contant uit te reiken: 300,50 EUR" in page
    assert f'id="cash-{nino.pk}" name="amount" inputmode="decimal" value="300.50"' in page
    response = tap(desk_client, nino, S.CASH, amount="300,50", currency="EUR")
    assert 'id="desk-error"' not in text(response)
    assert DeskEvent.objects.get(passenger=nino, step=S.CASH).amount == Decimal("300.50")
