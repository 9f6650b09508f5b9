"""Two people moving one booking at once: exactly one wins (row locks on PostgreSQL; SQLite's IMMEDIATE
transactions serialise the two writers anyway). Real transactions and threads, each with its own connection."""

import pytest
from django.db import connection

from passage.audit.models import AuditEvent
from passage.cases.enums import CaseStatus
from passage.cases.models import Case, StatusChange
from passage.cases.tests.test_concurrency import run_together
from passage.core.errors import ConcurrentEditError, TransitionRefused
from passage.movements import services
from passage.movements.enums import BookingStatus as B
from passage.movements.models import Booking, BookingStatusChange
from passage.movements.tests.conftest import journey
from passage.testing.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks (SELECT ... FOR UPDATE) need PostgreSQL"),
]


@pytest.fixture
def ready_to_book(movements_officer, ready_case):
    booking = services.booking_request(actor=movements_officer, case=ready_case)
    services.itinerary_set(actor=movements_officer, booking=booking, segments=journey())
    return services.booking_update(actor=movements_officer, booking=booking, version=2, reference="K7Q2XB")


@pytest.fixture
def second_officer(mission):
    return UserFactory(username="movements2", mission=mission, role="movements")


def test_two_simultaneous_bookings_of_one_booking_exactly_one_wins(movements_officer, second_officer, ready_to_book):
    results = run_together(
        lambda: services.booking_transition(actor=movements_officer, booking=ready_to_book.pk, to_status=B.BOOKED),
        lambda: services.booking_transition(actor=second_officer, booking=ready_to_book.pk, to_status=B.BOOKED),
    )
    assert sorted(kind for kind, _value in results) == ["error", "ok"]
    [error] = [value for kind, value in results if kind == "error"]
    assert isinstance(error, TransitionRefused)
    assert error.details == ["A booking cannot move from “Booked” to “Booked”."]
    assert Booking.objects.get(pk=ready_to_book.pk).status == B.BOOKED
    assert list(BookingStatusChange.objects.filter(booking=ready_to_book).values_list("to_status", flat=True)) == [
        B.REQUESTED, B.BOOKED]
    # the case moved once
    assert Case.objects.get(pk=ready_to_book.case_id).status == CaseStatus.BOOKED
    assert StatusChange.objects.filter(case_id=ready_to_book.case_id, to_status=CaseStatus.BOOKED).count() == 1
    assert AuditEvent.objects.filter(object_type="movements.booking", action="transition").count() == 1


def test_a_cancellation_and_a_booking_from_the_same_page_exactly_one_wins(
    movements_officer, second_officer, ready_to_book
):
    seen = Booking.objects.get(pk=ready_to_book.pk)
    results = run_together(
        lambda: services.booking_transition(actor=movements_officer, booking=seen.pk, to_status=B.CANCELLED,
                                            reason="Family withdrew", version=seen.version),
        lambda: services.booking_transition(actor=second_officer, booking=seen.pk, to_status=B.BOOKED,
                                            version=seen.version),
    )
    assert sorted(kind for kind, _value in results) == ["error", "ok"]
    [(_ok, winner)] = [r for r in results if r[0] == "ok"]
    [(_err, error)] = [r for r in results if r[0] == "error"]
    assert isinstance(error, ConcurrentEditError)
    assert Booking.objects.get(pk=seen.pk).status == winner.status
    assert BookingStatusChange.objects.filter(booking=seen).count() == 2


def test_two_simultaneous_departure_confirmations_exactly_one_wins(movements_officer, second_officer, ready_to_book):
    from passage.messaging.models import OutboxEvent
    from passage.movements.enums import DeskStep

    booking = services.booking_transition(actor=movements_officer, booking=ready_to_book.pk, to_status=B.BOOKED)
    for i, passenger in enumerate(booking.passengers.order_by("pk")):
        services.passenger_ticket_record(actor=movements_officer, passenger=passenger,
                                         ticket_number=str(2351234567890 + i))
    services.booking_transition(actor=movements_officer, booking=booking.pk, to_status=B.TICKETED)
    for passenger in booking.passengers.order_by("pk"):
        for step in (DeskStep.REPORTED, DeskStep.CHECKED_IN, DeskStep.BOARDED):
            services.desk_step_record(actor=movements_officer, passenger=passenger, step=step)
    results = run_together(
        lambda: services.departure_confirm(actor=movements_officer, booking=booking.pk),
        lambda: services.departure_confirm(actor=second_officer, booking=booking.pk),
    )
    assert sorted(kind for kind, _value in results) == ["error", "ok"]
    [error] = [value for kind, value in results if kind == "error"]
    assert isinstance(error, TransitionRefused)
    assert error.message == "The departure of this booking is already confirmed."
    assert Booking.objects.get(pk=booking.pk).status == B.DEPARTED
    assert StatusChange.objects.filter(case_id=booking.case_id, to_status=CaseStatus.DEPARTED).count() == 1
    assert OutboxEvent.objects.filter(event_type="case.departed", booking_id=booking.pk).count() == 1


def _charter(actor, seats):
    import datetime

    from passage.movements.tests.conftest import travel_day

    day = travel_day()
    return services.charter_create(actor=actor, reference="CH-RACE", airline="KL", flight_number="KL9001",
                                   origin="AMS", destination="TBS",
                                   departs=datetime.datetime.combine(day, datetime.time(9)),
                                   arrives=datetime.datetime.combine(day, datetime.time(16)), seats=seats)


def _single(counsellor, work_post, family_name):
    from passage.movements.tests.conftest import ready_household

    return ready_household(counsellor, work_post, family_name=family_name, children=())


def test_two_bookings_for_the_last_seat_of_a_charter_exactly_one_gets_it(
    movements_officer, second_officer, counsellor_a, work_post_a
):
    charter = _charter(movements_officer, seats=2)
    services.booking_request(actor=movements_officer, case=_single(counsellor_a, work_post_a, "First"),
                             charter=charter)
    one, two = (_single(counsellor_a, work_post_a, name) for name in ("Second", "Third"))
    results = run_together(
        lambda: services.booking_request(actor=movements_officer, case=one.pk, charter=charter.pk),
        lambda: services.booking_request(actor=second_officer, case=two.pk, charter=charter.pk),
    )
    assert sorted(kind for kind, _value in results) == ["error", "ok"]
    [error] = [value for kind, value in results if kind == "error"]
    assert error.field_errors == {"seats": "The charter flight is full: all its 2 seats are taken."}
    assert services.seats_taken(charter) == 2
    assert Booking.objects.filter(charter=charter).count() == 2


def test_two_bookings_moved_onto_the_last_seat_of_a_charter_exactly_one_gets_it(
    movements_officer, second_officer, counsellor_a, work_post_a
):
    charter = _charter(movements_officer, seats=1)
    one, two = (services.booking_request(actor=movements_officer, case=_single(counsellor_a, work_post_a, name))
                for name in ("Second", "Third"))
    results = run_together(
        lambda: services.booking_charter_set(actor=movements_officer, booking=one.pk, charter=charter),
        lambda: services.booking_charter_set(actor=second_officer, booking=two.pk, charter=charter),
    )
    assert sorted(kind for kind, _value in results) == ["error", "ok"]
    [error] = [value for kind, value in results if kind == "error"]
    assert error.field_errors == {"seats": "The charter flight is full: its only seat is taken."}
    assert list(Booking.objects.filter(charter=charter).values_list("seats", flat=True)) == [1]


def test_a_charter_cancelled_while_a_booking_takes_a_seat_leaves_no_live_booking_on_it(
    movements_officer, second_officer, counsellor_a, work_post_a
):
    from passage.movements.enums import CharterStatus

    charter = _charter(movements_officer, seats=5)
    services.booking_request(actor=movements_officer, case=_single(counsellor_a, work_post_a, "First"),
                             charter=charter)
    late = _single(counsellor_a, work_post_a, "Late")
    results = run_together(
        lambda: services.charter_transition(actor=movements_officer, charter=charter.pk,
                                            to_status=CharterStatus.CANCELLED, reason="No aircraft"),
        lambda: services.booking_request(actor=second_officer, case=late.pk, charter=charter.pk),
    )
    kinds = [kind for kind, _value in results]
    # Either the booking came first and the cancellation is refused as a concurrent change (or cancels it too),
    # or the cancellation came first and the booking is refused: never a live booking on a cancelled charter.
    assert "ok" in kinds
    charter.refresh_from_db()
    live = Booking.objects.filter(charter=charter, status__in=["requested", "booked", "ticketed", "checked_in"])
    if charter.status == CharterStatus.CANCELLED:
        assert not live.exists()
    else:
        assert live.count() == 2
        [error] = [value for kind, value in results if kind == "error"]
        assert isinstance(error, ConcurrentEditError)
