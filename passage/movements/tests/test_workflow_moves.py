"""The table of allowed booking moves, enforced by the one function that changes a booking's status."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passage.audit.models import AuditEvent
from passage.cases.enums import CaseStatus
from passage.cases.models import Case
from passage.core.errors import TransitionRefused
from passage.movements import services, workflow
from passage.movements.enums import BookingStatus as B
from passage.movements.models import Booking, BookingStatusChange
from passage.movements.tests.conftest import journey

pytestmark = pytest.mark.django_db

# Where the case stands while its booking is in each status.
CASE_WITH = {B.REQUESTED: CaseStatus.READY_TO_DEPART, B.BOOKED: CaseStatus.BOOKED, B.TICKETED: CaseStatus.BOOKED,
             B.CHECKED_IN: CaseStatus.BOOKED, B.NO_SHOW: CaseStatus.READY_TO_DEPART,
             B.CANCELLED: CaseStatus.READY_TO_DEPART, B.DEPARTED: CaseStatus.DEPARTED}


@pytest.fixture
def ready_booking(movements_officer, ready_case):
    """A booking with everything every move needs: flights, a PNR, a ticket per passenger."""
    booking = services.booking_request(actor=movements_officer, case=ready_case)
    services.itinerary_set(actor=movements_officer, booking=booking, segments=journey())
    services.booking_update(actor=movements_officer, booking=booking, version=2, reference="K7Q2XB")
    for i, passenger in enumerate(booking.passengers.order_by("id")):
        services.passenger_ticket_record(actor=movements_officer, passenger=passenger,
                                         ticket_number=f"235123456789{i}")
    return booking


def _put_in(booking, status):
    Booking.objects.filter(pk=booking.pk).update(status=status)
    Case.objects.filter(pk=booking.case_id).update(status=CASE_WITH[status])


def test_the_table_has_every_status_and_no_move_to_itself():
    assert set(workflow.ALLOWED_MOVES) == set(B.values)
    assert all(status not in targets for status, targets in workflow.ALLOWED_MOVES.items())
    assert workflow.ALLOWED_MOVES[B.DEPARTED] == workflow.ALLOWED_MOVES[B.CANCELLED] == frozenset()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(status=st.sampled_from(B.values), target=st.sampled_from(B.values))
def test_a_booking_move_succeeds_exactly_when_the_table_allows_it(movements_officer, ready_booking, status, target):
    with transaction.atomic():
        _put_in(ready_booking, status)
        history = BookingStatusChange.objects.filter(booking=ready_booking).count()
        try:
            services.booking_transition(actor=movements_officer, booking=ready_booking, to_status=target,
                                        reason="Synthetic reason")
            ok, error = True, None
        except TransitionRefused as exc:
            ok, error = False, exc
        booking = Booking.objects.get(pk=ready_booking.pk)
        case = Case.objects.get(pk=ready_booking.case_id)
        if target in workflow.ALLOWED_MOVES[status]:
            assert ok, (status, target, error and error.details)
            assert booking.status == target
            assert BookingStatusChange.objects.filter(booking=booking).count() == history + 1
            # the case follows its booking
            expected_case = CASE_WITH[target]
            if target == B.CANCELLED and status == B.NO_SHOW:
                expected_case = CaseStatus.READY_TO_DEPART
            assert case.status == expected_case, (status, target)
        else:
            assert not ok
            if status == B.CANCELLED and target == B.CHECKED_IN:
                assert error.details == ["The booking is cancelled: BERIDZE Nino, BERIDZE Luka cannot be checked in."]
            else:
                assert error.details == [f"A booking cannot move from “{B(status).label}” to “{B(target).label}”."]
            assert (booking.status, case.status) == (status, CASE_WITH[status])
            assert BookingStatusChange.objects.filter(booking=booking).count() == history
        transaction.set_rollback(True)


ALLOWED_PAIRS = [(s, t) for s, targets in workflow.ALLOWED_MOVES.items() for t in sorted(targets)]


@pytest.mark.parametrize(("status", "target"), ALLOWED_PAIRS)
def test_every_allowed_move_writes_one_history_row_and_one_booking_audit_row(
    movements_officer, ready_booking, status, target
):
    _put_in(ready_booking, status)
    version = Booking.objects.get(pk=ready_booking.pk).version
    audits = set(AuditEvent.objects.values_list("pk", flat=True))
    reason = "Synthetic reason" if target in workflow.REASON_REQUIRED else ""

    moved = services.booking_transition(actor=movements_officer, booking=ready_booking, to_status=target,
                                        reason=reason, version=version)

    stored = Booking.objects.get(pk=ready_booking.pk)
    assert (moved.status, stored.status, stored.version) == (target, target, version + 1)
    change = BookingStatusChange.objects.filter(booking=stored).latest("id")
    assert (change.from_status, change.to_status, change.by, change.reason, change.at) == (
        status, target, movements_officer, reason, stored.status_changed_at)
    [event] = AuditEvent.objects.exclude(pk__in=audits).filter(object_type="movements.booking")
    assert (event.action, event.case_id, event.mission_id, event.changes["status"]) == (
        "transition", stored.case_id, stored.mission_id, [status, target])


def test_unknown_booking_status_is_refused(movements_officer, ready_booking):
    with pytest.raises(TransitionRefused) as exc:
        services.booking_transition(actor=movements_officer, booking=ready_booking, to_status="boarded")
    assert exc.value.message == "Unknown status “boarded”."
