"""The airport desk: steps per passenger, the undo window, cash within the approved amount, departure and
arrival confirmed with one outbox event each."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from passage.cases.enums import CaseStatus
from passage.cases.models import Case
from passage.core.errors import ServiceError, TransitionRefused
from passage.messaging.models import OutboxEvent
from passage.movements import services
from passage.movements.enums import BookingStatus as B
from passage.movements.enums import CustodyParty
from passage.movements.enums import DeskStep as S
from passage.movements.models import Booking, DeskEvent
from passage.movements.services import desk
from passage.movements.tests.conftest import approve_cash
from passage.movements.tests.test_services_bookings import booked, fresh, ticket_all
from passage.people.enums import Custody
from passage.people.models import TravelDocument
from passage.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticketed(movements_officer, ready_case):
    booking = booked(movements_officer, ready_case)
    ticket_all(movements_officer, booking)
    return services.booking_transition(actor=movements_officer, booking=booking, to_status=B.TICKETED)


def passengers(booking):
    return list(booking.passengers.order_by("pk"))


def ready_to_board(actor, booking, *, cash=True):
    """Every passenger reported, checked in, documents handed over, boarded; the cash handed over."""
    for p in passengers(booking):
        for step in (S.REPORTED, S.CHECKED_IN):
            services.desk_step_record(actor=actor, passenger=p, step=step)
        if TravelDocument.objects.filter(person_id=p.person_id, custody=Custody.WITH_ORGANISATION).exists():
            services.desk_step_record(actor=actor, passenger=p, step=S.DOCUMENTS)
        services.desk_step_record(actor=actor, passenger=p, step=S.BOARDED)
    if cash:
        services.desk_step_record(actor=actor, passenger=passengers(booking)[0], step=S.CASH, amount="300.00",
                                  currency="EUR")


@pytest.fixture
def approved(operations_officer, ticketed):
    return approve_cash(operations_officer, ticketed.case_id, "300.00")


def test_checking_in_the_first_passenger_checks_in_the_booking(movements_officer, ticketed):
    first = passengers(ticketed)[0]
    services.desk_step_record(actor=movements_officer, passenger=first, step=S.REPORTED)
    event = services.desk_step_record(actor=movements_officer, passenger=first, step=S.CHECKED_IN)
    assert (event.step, event.by, event.undone_at) == (S.CHECKED_IN, movements_officer, None)
    assert fresh(ticketed).status == B.CHECKED_IN


def test_checking_in_needs_the_passenger_reported_first(movements_officer, ticketed):
    with pytest.raises(ServiceError) as exc:
        services.desk_step_record(actor=movements_officer, passenger=passengers(ticketed)[0], step=S.CHECKED_IN)
    assert exc.value.message == "Record “Reported at the desk” for BERIDZE Nino first."


def test_checking_in_a_passenger_of_a_cancelled_booking_is_refused(movements_officer, ticketed):
    services.booking_transition(actor=movements_officer, booking=ticketed, to_status=B.CANCELLED,
                                reason="Family withdrew")
    with pytest.raises(TransitionRefused) as exc:
        services.desk_step_record(actor=movements_officer, passenger=passengers(ticketed)[0], step=S.CHECKED_IN)
    assert exc.value.details == ["The booking is cancelled: BERIDZE Nino, BERIDZE Luka cannot be checked in."]


def test_a_counsellor_cannot_record_desk_steps(counsellor_a, ticketed):
    with pytest.raises(ServiceError) as exc:
        services.desk_step_record(actor=counsellor_a, passenger=passengers(ticketed)[0], step=S.REPORTED)
    assert exc.value.message == "You are not allowed to do this."
    assert not DeskEvent.objects.exists()


def test_another_missions_movements_staff_see_nothing(movements_ge, ticketed):
    with pytest.raises(ServiceError) as exc:
        services.desk_step_record(actor=movements_ge, passenger=passengers(ticketed)[0], step=S.REPORTED)
    assert exc.value.message == "This booking does not exist or you may not see it."


def test_a_step_is_undone_within_the_window_and_the_undo_is_recorded(movements_officer, ticketed, monkeypatch):
    t0 = timezone.now()
    monkeypatch.setattr(desk, "_now", lambda: t0)
    event = services.desk_step_record(actor=movements_officer, passenger=passengers(ticketed)[0], step=S.REPORTED)
    monkeypatch.setattr(desk, "_now", lambda: t0 + datetime.timedelta(minutes=4, seconds=59))
    undo = services.desk_step_undo(actor=movements_officer, event=event, reason="Wrong passenger")
    assert (undo.step, undo.undoes_id, undo.reason) == (S.UNDO, event.pk, "Wrong passenger")
    assert fresh(event).undone_at == t0 + datetime.timedelta(minutes=4, seconds=59)
    assert DeskEvent.objects.count() == 2  # nothing deleted
    # and the step may be recorded again
    services.desk_step_record(actor=movements_officer, passenger=passengers(ticketed)[0], step=S.REPORTED)


def test_an_undo_after_the_window_is_refused(movements_officer, ticketed, monkeypatch):
    t0 = timezone.now()
    monkeypatch.setattr(desk, "_now", lambda: t0)
    event = services.desk_step_record(actor=movements_officer, passenger=passengers(ticketed)[0], step=S.REPORTED)
    monkeypatch.setattr(desk, "_now", lambda: t0 + datetime.timedelta(minutes=5, seconds=1))
    with pytest.raises(ServiceError) as exc:
        services.desk_step_undo(actor=movements_officer, event=event)
    assert exc.value.message == ("“Reported at the desk” for BERIDZE Nino was recorded more than 5 minutes ago "
                                 "and can no longer be undone.")
    assert fresh(event).undone_at is None


def test_a_step_cannot_be_undone_while_a_later_step_stands(movements_officer, ticketed):
    first = passengers(ticketed)[0]
    reported = services.desk_step_record(actor=movements_officer, passenger=first, step=S.REPORTED)
    services.desk_step_record(actor=movements_officer, passenger=first, step=S.CHECKED_IN)
    with pytest.raises(ServiceError) as exc:
        services.desk_step_undo(actor=movements_officer, event=reported)
    assert exc.value.message == "Undo “Checked in” for BERIDZE Nino first."


def test_documents_are_handed_over_at_the_gate_and_an_undo_puts_them_back_in_the_safe(movements_officer, ticketed):
    first = passengers(ticketed)[0]
    doc = TravelDocument.objects.get(person_id=first.person_id)
    services.document_receive(actor=movements_officer, document=doc, party=CustodyParty.HOLDER,
                              held_at="Airport desk safe")
    services.desk_step_record(actor=movements_officer, passenger=first, step=S.REPORTED)
    services.desk_step_record(actor=movements_officer, passenger=first, step=S.CHECKED_IN)
    with pytest.raises(ServiceError) as exc:
        services.desk_step_record(actor=movements_officer, passenger=first, step=S.BOARDED)
    assert exc.value.message == "Hand over the documents of BERIDZE Nino first: they are in our custody."
    handed = services.desk_step_record(actor=movements_officer, passenger=first, step=S.DOCUMENTS)
    assert TravelDocument.objects.get(pk=doc.pk).custody == Custody.HANDED_OVER
    services.desk_step_undo(actor=movements_officer, event=handed)
    assert TravelDocument.objects.get(pk=doc.pk).custody == Custody.WITH_ORGANISATION
    assert list(doc.custody_events.order_by("pk").values_list("kind", "held_at")) == [
        ("received", "Airport desk safe"), ("handed_over", ""), ("undone", "Airport desk safe")]


def test_documents_step_needs_a_document_in_custody(movements_officer, ticketed):
    first = passengers(ticketed)[0]
    services.desk_step_record(actor=movements_officer, passenger=first, step=S.REPORTED)
    services.desk_step_record(actor=movements_officer, passenger=first, step=S.CHECKED_IN)
    with pytest.raises(ServiceError) as exc:
        services.desk_step_record(actor=movements_officer, passenger=first, step=S.DOCUMENTS)
    assert exc.value.message == "No document of BERIDZE Nino is in our custody: there is nothing to hand over."


def test_cash_above_the_approved_amount_or_in_another_currency_is_refused(movements_officer, ticketed, approved):
    first, second = passengers(ticketed)
    for p in (first, second):
        services.desk_step_record(actor=movements_officer, passenger=p, step=S.REPORTED)
        services.desk_step_record(actor=movements_officer, passenger=p, step=S.CHECKED_IN)
    with pytest.raises(ServiceError) as exc:
        services.desk_step_record(actor=movements_officer, passenger=first, step=S.CASH, amount="300.01",
                                  currency="EUR")
    assert exc.value.field_errors == {
        "amount": "At most 300.00 EUR is left of the 300.00 EUR approved for this case."}
    with pytest.raises(ServiceError) as exc:
        services.desk_step_record(actor=movements_officer, passenger=first, step=S.CASH, amount="100", currency="USD")
    assert exc.value.field_errors == {"currency": "The contribution is approved in EUR."}
    services.desk_step_record(actor=movements_officer, passenger=first, step=S.CASH, amount="200", currency="EUR")
    with pytest.raises(ServiceError) as exc:
        services.desk_step_record(actor=movements_officer, passenger=second, step=S.CASH, amount="150",
                                  currency="EUR")
    assert exc.value.field_errors == {"amount": "At most 100.00 EUR is left of the 300.00 EUR approved for this case."}


def test_cash_without_an_approval_is_refused(movements_officer, ticketed):
    first = passengers(ticketed)[0]
    services.desk_step_record(actor=movements_officer, passenger=first, step=S.REPORTED)
    services.desk_step_record(actor=movements_officer, passenger=first, step=S.CHECKED_IN)
    with pytest.raises(ServiceError) as exc:
        services.desk_step_record(actor=movements_officer, passenger=first, step=S.CASH, amount="10", currency="EUR")
    assert exc.value.message == "No cash contribution is approved for this case."


def test_a_new_approval_supersedes_the_previous_one(operations_officer, ticketed):
    first = approve_cash(operations_officer, ticketed.case_id, "300")
    second = approve_cash(operations_officer, ticketed.case_id, "250")
    assert fresh(first).superseded_at is not None
    assert desk.cash_approved(ticketed.case_id) == second
    assert second.amount == Decimal("250")


def test_a_no_show_needs_a_reason_and_the_booking_is_rebooked_or_closed(movements_officer, ticketed):
    first, second = passengers(ticketed)
    with pytest.raises(ServiceError) as exc:
        services.desk_step_record(actor=movements_officer, passenger=first, step=S.NO_SHOW)
    assert exc.value.field_errors == {"reason": "Give the reason the passenger did not show."}
    for p in (first, second):
        services.desk_step_record(actor=movements_officer, passenger=p, step=S.NO_SHOW, reason="Did not come")
    services.booking_transition(actor=movements_officer, booking=ticketed, to_status=B.NO_SHOW,
                                reason="Family did not come")
    assert Case.objects.get(pk=ticketed.case_id).status == CaseStatus.READY_TO_DEPART


def test_departure_confirmed_moves_booking_and_case_and_writes_one_outbox_event(
    movements_officer, ticketed, approved
):
    ready_to_board(movements_officer, ticketed)
    left = timezone.now() - datetime.timedelta(minutes=3)
    booking = services.departure_confirm(actor=movements_officer, booking=ticketed, departed_at=left)
    assert (booking.status, fresh(booking).departed_at) == (B.DEPARTED, left)
    assert Case.objects.get(pk=ticketed.case_id).status == CaseStatus.DEPARTED
    [event] = OutboxEvent.objects.all()
    assert (event.event_type, event.case_id, event.booking_id, event.status, event.attempts) == (
        "case.departed", ticketed.case_id, ticketed.pk, "pending", 0)
    assert event.payload == {"case_id": ticketed.case_id, "booking_id": ticketed.pk,
                             "departed_at": left.isoformat()}
    with pytest.raises(TransitionRefused) as exc:
        services.departure_confirm(actor=movements_officer, booking=ticketed)
    assert exc.value.message == "The departure of this booking is already confirmed."
    assert OutboxEvent.objects.count() == 1


def test_a_refused_departure_names_who_has_not_boarded_and_writes_nothing(movements_officer, ticketed, approved):
    first, second = passengers(ticketed)
    doc = TravelDocument.objects.get(person_id=second.person_id)
    services.document_receive(actor=movements_officer, document=doc, party=CustodyParty.HOLDER, held_at="Safe")
    for p in (first, second):
        services.desk_step_record(actor=movements_officer, passenger=p, step=S.REPORTED)
        services.desk_step_record(actor=movements_officer, passenger=p, step=S.CHECKED_IN)
    services.desk_step_record(actor=movements_officer, passenger=first, step=S.BOARDED)
    with pytest.raises(TransitionRefused) as exc:
        services.departure_confirm(actor=movements_officer, booking=ticketed)
    assert exc.value.details == [
        "BERIDZE Luka has not boarded.",
        f"The documents of BERIDZE Luka are still in our custody: Passport {doc.number}.",
        "The cash contribution of 300.00 EUR approved for the case has not been handed over (to BERIDZE Nino, "
        "BERIDZE Luka).",
    ]
    assert fresh(ticketed).status == B.CHECKED_IN
    assert Case.objects.get(pk=ticketed.case_id).status == CaseStatus.BOOKED
    assert not OutboxEvent.objects.exists()


def test_a_failing_case_move_rolls_back_the_departure_and_its_outbox_event(
    movements_officer, ticketed, monkeypatch
):
    ready_to_board(movements_officer, ticketed, cash=False)

    def broken(**kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr("passage.movements.services.departures.outbox_write", broken)
    with pytest.raises(RuntimeError):
        services.departure_confirm(actor=movements_officer, booking=ticketed)
    assert fresh(ticketed).status == B.CHECKED_IN
    assert Case.objects.get(pk=ticketed.case_id).status == CaseStatus.BOOKED
    assert not OutboxEvent.objects.exists()


def test_the_destination_mission_confirms_the_arrival(movements_officer, ticketed, other_mission_staff):
    ready_to_board(movements_officer, ticketed, cash=False)
    services.departure_confirm(actor=movements_officer, booking=ticketed)
    booking = services.arrival_confirm(actor=other_mission_staff, booking=ticketed.pk)
    assert (booking.arrival_confirmed_by, booking.arrival_reason) == (other_mission_staff, "")
    assert Case.objects.get(pk=ticketed.case_id).status == CaseStatus.ARRIVED
    assert list(OutboxEvent.objects.order_by("created_at").values_list("event_type", flat=True)) == [
        "case.departed", "case.arrived"]
    with pytest.raises(ServiceError):
        services.arrival_confirm(actor=other_mission_staff, booking=ticketed.pk)
    assert OutboxEvent.objects.count() == 2


def test_the_host_mission_confirms_an_arrival_on_behalf_only_with_a_reason(movements_officer, ticketed):
    ready_to_board(movements_officer, ticketed, cash=False)
    services.departure_confirm(actor=movements_officer, booking=ticketed)
    with pytest.raises(ServiceError) as exc:
        services.arrival_confirm(actor=movements_officer, booking=ticketed.pk)
    assert list(exc.value.field_errors) == ["reason"]
    services.arrival_confirm(actor=movements_officer, booking=ticketed.pk, reason="Tbilisi office phoned")
    assert Case.objects.get(pk=ticketed.case_id).status == CaseStatus.ARRIVED


def test_an_arrival_before_departure_is_refused_and_a_third_mission_sees_nothing(movements_officer, ticketed,
                                                                                   mission_ge):
    ready_to_board(movements_officer, ticketed, cash=False)
    services.departure_confirm(actor=movements_officer, booking=ticketed)
    from passage.testing.factories import MissionFactory

    stranger = UserFactory(mission=MissionFactory(code="MA", name="Morocco", country="MA"), role="reintegration")
    with pytest.raises(ServiceError) as exc:
        services.arrival_confirm(actor=stranger, booking=ticketed.pk)
    assert exc.value.message == "This booking does not exist or you may not see it."
    with pytest.raises(ServiceError) as exc:
        services.arrival_confirm(actor=movements_officer, booking=ticketed.pk, reason="Phoned",
                                 arrived_at=fresh(ticketed).departed_at - datetime.timedelta(minutes=1))
    assert list(exc.value.field_errors) == ["arrived_at"]
    assert Booking.objects.get(pk=ticketed.pk).arrived_at is None


def test_a_passenger_who_reported_but_did_not_board_is_a_no_show_and_the_others_depart(
    movements_officer, ticketed
):
    first, second = passengers(ticketed)
    for step in (S.REPORTED, S.CHECKED_IN, S.BOARDED):
        services.desk_step_record(actor=movements_officer, passenger=first, step=step)
    services.desk_step_record(actor=movements_officer, passenger=second, step=S.REPORTED)
    services.desk_step_record(actor=movements_officer, passenger=second, step=S.NO_SHOW, reason="Left the hall")
    with pytest.raises(ServiceError) as exc:
        services.desk_step_record(actor=movements_officer, passenger=first, step=S.NO_SHOW, reason="?")
    assert exc.value.message == "BERIDZE Nino is recorded as “Boarded”: undo that first."
    with pytest.raises(ServiceError) as exc:
        services.desk_step_record(actor=movements_officer, passenger=second, step=S.CHECKED_IN)
    assert exc.value.message == "BERIDZE Luka is recorded as not showing: undo that first."
    services.departure_confirm(actor=movements_officer, booking=ticketed)
    assert Case.objects.get(pk=ticketed.case_id).status == CaseStatus.DEPARTED


def test_factories_build_the_airport_days_rows(db):
    from passage.testing.factories import (
        CashContributionFactory,
        CustodyEventFactory,
        MovementPassengerFactory,
    )

    assert CustodyEventFactory().custody == Custody.WITH_ORGANISATION
    assert str(CashContributionFactory()) == "300 EUR"
    assert MovementPassengerFactory().movement.kind == "arrival"


def test_a_booking_is_a_no_show_only_when_nobody_showed_and_the_case_is_free_to_rebook(movements_officer, ticketed):
    nino, luka = passengers(ticketed)
    services.desk_step_record(actor=movements_officer, passenger=nino, step=S.NO_SHOW, reason="Ill at home")
    with pytest.raises(TransitionRefused) as exc:
        services.booking_no_show(actor=movements_officer, booking=ticketed, reason="Family did not come")
    assert (exc.value.message, exc.value.details) == (
        "The booking cannot be recorded as a no-show. Missing:",
        ["BERIDZE Luka is not recorded at the desk as not showing."])
    assert fresh(ticketed).status == B.TICKETED
    services.desk_step_record(actor=movements_officer, passenger=luka, step=S.NO_SHOW, reason="Ill at home")
    with pytest.raises(TransitionRefused) as exc:
        services.booking_no_show(actor=movements_officer, booking=ticketed, reason="")
    assert exc.value.details == ["A reason."]
    booking = services.booking_no_show(actor=movements_officer, booking=ticketed, reason="Ill at home")
    assert booking.status == B.NO_SHOW
    assert list(booking.status_changes.values_list("from_status", "to_status", "reason"))[-1] == (
        B.TICKETED, B.NO_SHOW, "Ill at home")
    assert Case.objects.get(pk=ticketed.case_id).status == CaseStatus.READY_TO_DEPART
    with pytest.raises(TransitionRefused) as exc:
        services.booking_no_show(actor=movements_officer, booking=ticketed, reason="Again")
    assert exc.value.details == ["The booking is “No-show”: a no-show is recorded for a booking that is ticketed "
                                 "or checked in."]


def test_a_no_show_can_close_the_case_and_needs_the_right_to_book(movements_officer, ticketed, counsellor_a):
    for p in passengers(ticketed):
        services.desk_step_record(actor=movements_officer, passenger=p, step=S.NO_SHOW, reason="Left the country")
    with pytest.raises(ServiceError) as exc:
        services.booking_no_show(actor=counsellor_a, booking=ticketed, reason="Left the country")
    assert exc.value.message == "You are not allowed to do this."
    services.booking_no_show(actor=movements_officer, booking=ticketed, reason="Left the country",
                             case_status=CaseStatus.WITHDRAWN)
    assert Case.objects.get(pk=ticketed.case_id).status == CaseStatus.WITHDRAWN


def test_after_a_no_show_the_rebooked_flights_start_the_desk_afresh(movements_officer, ticketed):
    from passage.movements.selectors import airport_day
    from passage.movements.tests.conftest import journey, travel_day

    nino, luka = passengers(ticketed)
    for p in (nino, luka):
        services.desk_step_record(actor=movements_officer, passenger=p, step=S.REPORTED)
        services.desk_step_record(actor=movements_officer, passenger=p, step=S.NO_SHOW, reason="Missed the train")
    missed = list(DeskEvent.objects.filter(booking=ticketed).values_list("pk", "itinerary_id", "step"))
    services.booking_no_show(actor=movements_officer, booking=ticketed, reason="Missed the train")
    old = ticketed.itineraries.get()
    new = services.itinerary_set(actor=movements_officer, booking=ticketed, segments=journey(travel_day(8)),
                                 reason="Rebooked after the no-show")
    services.booking_transition(actor=movements_officer, booking=ticketed, to_status=B.BOOKED)
    services.booking_transition(actor=movements_officer, booking=ticketed, to_status=B.TICKETED)
    # The missed day's steps stay as they were, on the old flights; the new flights have none yet.
    assert list(DeskEvent.objects.filter(booking=ticketed).values_list("pk", "itinerary_id", "step")) == missed
    assert {i for _, i, _ in missed} == {old.pk}
    assert desk.active_steps(nino, new.pk) == {}
    services.desk_step_record(actor=movements_officer, passenger=nino, step=S.REPORTED)
    event = services.desk_step_record(actor=movements_officer, passenger=nino, step=S.CHECKED_IN)
    assert event.itinerary_id == new.pk and fresh(ticketed).status == B.CHECKED_IN
    # The board of the missed day no longer lists them; the new day's board does, with the new steps only.
    assert airport_day(movements_officer, travel_day(), "AMS").departures == []
    [flight] = airport_day(movements_officer, travel_day(8), "AMS").departures
    [row] = flight.bookings
    assert [sorted(p.steps) for p in row.passengers] == [[S.CHECKED_IN, S.REPORTED], []]


def test_a_step_of_an_earlier_version_of_the_flights_cannot_be_undone(movements_officer, ticketed):
    from passage.movements.tests.conftest import journey, travel_day

    nino = passengers(ticketed)[0]
    reported = services.desk_step_record(actor=movements_officer, passenger=nino, step=S.REPORTED)
    services.itinerary_set(actor=movements_officer, booking=ticketed, segments=journey(travel_day(9)),
                           reason="Airline cancelled the flight")
    with pytest.raises(ServiceError) as exc:
        services.desk_step_undo(actor=movements_officer, event=reported)
    assert exc.value.message == ("This step was recorded for an earlier version of the flights and can no longer "
                                 "be undone.")
    assert DeskEvent.objects.get(pk=reported.pk).undone_at is None
