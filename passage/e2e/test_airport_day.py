"""The airport's day in a real browser, in Dutch and in English.

The family of four of ``test_journey`` (AMS → IST → KBL, the father in a wheelchair to the aircraft door),
ticketed, on the board of the day: the desk marks them reported (one tap undone and made again) and checked in,
hands over the passports held in the office safe and the approved cash contribution (more than approved is
refused), everyone boards, the departure is confirmed and the case shows "departed".

A single traveller does not show: the desk records why, the booking becomes a no-show and the case is ready to
depart again; the journey is rebooked for the next day, booked and ticketed, and tomorrow's board shows him
with the desk's steps still to do.
"""

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone

from passage.accounts.enums import Role
from passage.cases.enums import CaseStatus
from passage.cases.models import Case
from passage.messaging.models import OutboxEvent
from passage.movements import services
from passage.movements.enums import BookingStatus, CustodyParty, DeskStep, SpecialService
from passage.movements.models import Booking, DeskEvent
from passage.movements.services import SegmentInput
from passage.movements.tests.conftest import approve_cash, ready_household
from passage.people.enums import Custody
from passage.people.models import TravelDocument
from passage.testing.factories import UserFactory

from .conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")

TEXT = {
    "nl": {"too_much": "Er is nog hoogstens 400.00 EUR over van de 400.00 EUR", "departed": "Vertrokken",
           "wchr": "Rolstoel tot de vliegtuigdeur", "cash": "Contant uit te reiken: 400,00 EUR",
           "no_show": "Niet verschenen (no-show)", "ready": "Klaar voor vertrek", "ticketed": "Ticket uitgegeven"},
    "en": {"too_much": "At most 400.00 EUR is left of the 400.00 EUR", "departed": "Departed",
           "wchr": "Wheelchair to the aircraft door", "cash": "Cash to hand over: 400.00 EUR",
           "no_show": "No-show", "ready": "Ready to depart", "ticketed": "Ticketed"},
}


@pytest.fixture
def desk_officer(mission):
    return UserFactory(username="desk_e2e", mission=mission, role=Role.MOVEMENTS)


@pytest.fixture
def operations(mission):
    return UserFactory(username="operations_e2e", mission=mission, role=Role.OPERATIONS)


def today_at_ams() -> datetime.date:
    return timezone.now().astimezone(AMS).date()


def at(day: datetime.date, hh: int, mm: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hh, mm))


def ticketed(actor, case, segments, *, reference: str, first_ticket: int):
    """The household requested, given its flights and PNR, booked and ticketed, as movements staff do."""
    booking = services.booking_request(actor=actor, case=case)
    services.itinerary_set(actor=actor, booking=booking, segments=segments)
    booking = services.booking_update(actor=actor, booking=booking, version=Booking.objects.get(pk=booking.pk).version,
                                      reference=reference)
    services.booking_transition(actor=actor, booking=booking, to_status=BookingStatus.BOOKED)
    for i, passenger in enumerate(booking.passengers.order_by("pk")):
        services.passenger_ticket_record(actor=actor, passenger=passenger, ticket_number=str(first_ticket + i),
                                         fare="310.00", taxes="74.50", currency="EUR")
    return services.booking_transition(actor=actor, booking=booking, to_status=BookingStatus.TICKETED)


@pytest.fixture
def family_on_the_day(counsellor_a, work_post_a, desk_officer, operations):
    """The Rahimi family on TK1952 at 21:55 today (AMS) via Istanbul to Kabul; their passports in the office
    safe; 400 EUR cash contribution approved; the father needs a wheelchair to the aircraft door."""
    case = ready_household(counsellor_a, work_post_a, family_name="Rahimi", children=("Omid", "Sara", "Ali"))
    day = today_at_ams()
    segments = [SegmentInput("TK", "TK1952", "AMS", "IST", at(day, 21, 55), at(day + datetime.timedelta(days=1), 2, 30)),
                SegmentInput("TK", "TK706", "IST", "KBL", at(day + datetime.timedelta(days=1), 4, 0),
                             at(day + datetime.timedelta(days=1), 8, 35))]
    booking = ticketed(desk_officer, case, segments, reference="K7Q2XB", first_ticket=2351234567890)
    first = booking.passengers.order_by("pk").first()
    services.special_assistance_add(actor=desk_officer, passenger=first, code=SpecialService.WCHR)
    for passenger in booking.passengers.all():
        document = TravelDocument.objects.get(person_id=passenger.person_id)
        services.document_receive(actor=counsellor_a, document=document, party=CustodyParty.HOLDER,
                                  held_at="Office safe, Schiphol")
    approve_cash(operations, case, "400.00")  # proposed by operations, approved by finance
    return booking


@pytest.fixture
def single_traveller(counsellor_a, work_post_a, desk_officer):
    """Mr Karimi alone on KL1795 at 22:40 today (AMS) to Istanbul, ticketed."""
    case = ready_household(counsellor_a, work_post_a, family_name="Karimi", children=())
    day = today_at_ams()
    segments = [SegmentInput("KL", "KL1795", "AMS", "IST", at(day, 22, 40), at(day + datetime.timedelta(days=1), 3, 10))]
    return ticketed(desk_officer, case, segments, reference="ZX81PQ", first_ticket=7429000000017)


def choose_language(page, language):
    if language == "en":
        page.get_by_role("button", name="English", exact=True).click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == language


def board(page, day: datetime.date):
    page.goto(f"/movements/airport/?airport=AMS&day={day.isoformat()}")
    page.locator("#board-panel").wait_for()


def tap(page, passenger_pk: int, step: str):
    """One tap at the desk; htmx swaps the board, the tapped button gives way to a tick."""
    button = page.locator(f"#step-{passenger_pk}-{step}")
    button.click()
    button.wait_for(state="detached")
    assert page.locator("#desk-error").count() == 0, page.locator("#desk-error").inner_text()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_desk_takes_a_family_from_reported_to_departed(page, language, desk_officer, family_on_the_day):
    words = TEXT[language]
    booking = family_on_the_day
    passengers = list(booking.passengers.order_by("pk"))
    sign_in(page, "desk_e2e")
    choose_language(page, language)
    board(page, today_at_ams())

    card = page.locator(f"#booking-{booking.pk}")
    assert "K7Q2XB" in card.inner_text() and words["cash"] in card.inner_text()
    assert words["wchr"] in page.locator(f"#passenger-{passengers[0].pk}").inner_text()
    flight = page.locator("section[id^='departure-TK1952-2155']")
    assert "21:55" in flight.inner_text() and "IST" in flight.inner_text()

    # Reported, undone at once (the wrong child was tapped), reported again.
    tap(page, passengers[1].pk, "reported")
    undo = page.locator(f"#passenger-{passengers[1].pk} button[id^='undo-']")
    assert undo.count() == 1
    undo.click()
    undo.wait_for(state="detached")
    page.locator(f"#step-{passengers[1].pk}-reported").wait_for()
    assert DeskEvent.objects.filter(passenger=passengers[1], step=DeskStep.UNDO).count() == 1

    for p in passengers:
        tap(page, p.pk, "reported")
        tap(page, p.pk, "checked_in")
        tap(page, p.pk, "documents")
    assert not TravelDocument.objects.filter(person__in=[p.person_id for p in passengers],
                                             custody=Custody.WITH_ORGANISATION).exists()

    # The cash contribution: more than approved is refused with the service's message, the approved amount goes.
    principal = passengers[0].pk
    page.locator(f"#cash-{principal}").fill("450.00")
    page.locator(f"#step-{principal}-cash").click()
    error = page.locator("#desk-error")
    error.wait_for()
    assert words["too_much"] in error.inner_text()
    assert not DeskEvent.objects.filter(booking=booking, step=DeskStep.CASH).exists()
    page.locator(f"#cash-{principal}").fill("400.00")
    tap(page, principal, "cash")

    for p in passengers:
        tap(page, p.pk, "boarded")
    depart = page.locator(f"#depart-{booking.pk}")
    depart.click()
    depart.wait_for(state="detached")
    assert page.locator("#desk-error").count() == 0
    assert words["departed"] in page.locator(f"#booking-{booking.pk} .badge").first.inner_text()

    page.goto(f"/cases/{booking.case_id}/")
    assert words["departed"] in page.locator("#case-header .status-badge").inner_text()
    stored = Booking.objects.get(pk=booking.pk)
    assert stored.status == BookingStatus.DEPARTED and stored.departed_at is not None
    assert Case.objects.get(pk=booking.case_id).status == CaseStatus.DEPARTED
    assert list(OutboxEvent.objects.filter(booking_id=booking.pk).values_list("event_type", flat=True)) == [
        "case.departed"]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_traveller_who_does_not_show_is_rebooked_for_the_next_day(page, language, desk_officer,
                                                                    single_traveller):
    words = TEXT[language]
    booking = single_traveller
    passenger = booking.passengers.get()
    today = today_at_ams()
    tomorrow = today + datetime.timedelta(days=1)
    sign_in(page, "desk_e2e")
    choose_language(page, language)
    board(page, today)

    # The desk records why he did not come; nobody of the booking showed, so the booking is a no-show.
    page.locator(f"#reason-{passenger.pk}").fill("Missed the train from Ter Apel")
    tap(page, passenger.pk, "no_show")
    reason = page.locator(f"#no-show-reason-{booking.pk}")
    assert reason.input_value() == "Missed the train from Ter Apel"
    record = page.locator(f"#booking-no-show-{booking.pk}")
    record.click()
    record.wait_for(state="detached")
    assert page.locator("#desk-error").count() == 0
    assert words["no_show"] in page.locator(f"#booking-{booking.pk} .badge").first.inner_text()
    page.goto(f"/cases/{booking.case_id}/")
    assert words["ready"] in page.locator("#case-header .status-badge").inner_text()

    # Rebooked on the same flight tomorrow, with the reason; booked and ticketed again.
    page.goto(f"/cases/{booking.case_id}/journey/")
    page.locator("#itinerary-set").click()
    page.wait_for_load_state()
    page.locator("#id_segments-0-departs").fill(f"{tomorrow}T22:40")
    page.locator("#id_segments-0-arrives").fill(f"{tomorrow + datetime.timedelta(days=1)}T03:10")
    page.locator("#id_reason").fill("No-show: rebooked for the next day")
    page.locator("#itinerary-form button[type=submit]").click()
    page.wait_for_load_state()
    assert re.search(rf"/cases/{booking.case_id}/journey/$", page.url)
    assert page.locator("#earlier-itineraries").count() == 1
    for move in ("booked", "ticketed"):
        page.locator(f"#booking-move-{move} button[type=submit]").click()
        page.wait_for_load_state()
    assert words["ticketed"] in page.locator("#booking-summary").inner_text()

    # Today's board no longer lists him; tomorrow's does, with the desk's steps to do.
    board(page, today)
    assert page.locator(f"#booking-{booking.pk}").count() == 0
    board(page, tomorrow)
    card = page.locator(f"#booking-{booking.pk}")
    assert "KARIMI Nino" in card.inner_text() and "ZX81PQ" in card.inner_text()
    assert "22:40" in page.locator("section[id^='departure-KL1795-2240']").inner_text()
    page.locator(f"#step-{passenger.pk}-reported").wait_for()
    stored = Booking.objects.get(pk=booking.pk)
    assert stored.status == BookingStatus.TICKETED
    assert list(stored.status_changes.values_list("to_status", flat=True)) == [
        "requested", "booked", "ticketed", "no_show", "booked", "ticketed"]
    assert stored.itineraries.count() == 2
    assert Case.objects.get(pk=booking.case_id).status == CaseStatus.BOOKED
