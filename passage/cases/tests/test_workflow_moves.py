"""The table of allowed moves, enforced by the one function that changes a case's status."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passage.accounts.enums import Role
from passage.audit.models import AuditEvent
from passage.cases import services, workflow
from passage.cases.enums import CaseStatus as S
from passage.cases.enums import GovernmentPosition
from passage.cases.models import Case, StatusChange
from passage.cases.tests.core_helpers import TODAY, complete_case, fresh, prepare_checklist
from passage.core.errors import TransitionRefused
from passage.testing.factories import UserFactory

pytestmark = pytest.mark.django_db

RESUMABLE = [S.CONTACT, S.APPLICATION, S.ELIGIBILITY, S.PREPARATION, S.READY_TO_DEPART]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def movements_officer(mission):
    return UserFactory(username="movements", mission=mission, role=Role.MOVEMENTS)


@pytest.fixture
def prepared_case(counsellor_a, work_post_a):
    """A case that meets every requirement of every move: a passing check and a complete checklist."""
    case = complete_case(counsellor_a, work_post_a)
    prepare_checklist(counsellor_a, case)
    services.eligibility_check_run(actor=counsellor_a, case=case)
    return fresh(case)


def _expected_allowed(status: str, target: str, on_hold_from: str, *, system: bool = False) -> bool:
    """Whether the move is in the table and belongs to the path tried: the case page (``case_transition``) or
    the movements services (``case_transition_by_movements``), which make exactly the moves of a booking."""
    if target not in workflow.ALLOWED_MOVES[status]:
        return False
    if workflow.is_system_move(status, target) != system:
        return False
    if status == S.ON_HOLD:
        return target in (on_hold_from, S.WITHDRAWN, S.CLOSED)
    return True


def _put_in(case: Case, status: str, on_hold_from: str) -> None:
    Case.objects.filter(pk=case.pk).update(
        status=status, on_hold_from=on_hold_from if status == S.ON_HOLD else "",
        on_hold_reason="Waiting for documents" if status == S.ON_HOLD else "",
        on_hold_review_on=TODAY() + datetime.timedelta(days=10) if status == S.ON_HOLD else None,
    )


def _fail_latest_check(actor, case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(government_position=GovernmentPosition.OBJECTION)
    assert not services.eligibility_check_run(actor=actor, case=case).passed


def _attempt(actor, case, status, target, on_hold_from, *, system=False):
    """Try one move from ``status``; return (succeeded, error). The caller rolls back."""
    _put_in(case, status, on_hold_from)
    if target == S.REJECTED and not system:  # never a move of a booking: refused before any check
        _fail_latest_check(actor, case)
    move = services.case_transition_by_movements if system else services.case_transition
    try:
        move(actor=actor, case=case, to_status=target, reason="Synthetic reason",
             review_on=TODAY() + datetime.timedelta(days=30))
    except TransitionRefused as exc:
        return False, exc
    return True, None


def _refusal(status, target, *, system=False):
    if not system and target in workflow.ALLOWED_MOVES[status] and workflow.is_system_move(status, target):
        if status == S.BOOKED:
            return "A booked case moves with its booking: cancel the booking or confirm the departure."
        return f"A case moves to “{S(target).label}” only through its booking, not by hand."
    return f"A case cannot move from “{S(status).label}” to “{S(target).label}”."


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(status=st.sampled_from(S.values), target=st.sampled_from(S.values), on_hold_from=st.sampled_from(RESUMABLE))
def test_a_move_succeeds_exactly_when_the_table_allows_it(counsellor_a, prepared_case, status, target, on_hold_from):
    with transaction.atomic():
        changes_before = StatusChange.objects.filter(case=prepared_case).count()
        ok, error = _attempt(counsellor_a, prepared_case, status, target, on_hold_from)
        expected = _expected_allowed(status, target, on_hold_from)
        after = fresh(prepared_case)
        if expected:
            assert ok, (status, target, error and error.details)
            assert after.status == target
            assert StatusChange.objects.filter(case=prepared_case).count() == changes_before + 1
        else:
            assert not ok
            assert error.details[0] == _refusal(status, target)
            assert after.status == status
            assert StatusChange.objects.filter(case=prepared_case).count() == changes_before
        transaction.set_rollback(True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(status=st.sampled_from(S.values), target=st.sampled_from(S.values), on_hold_from=st.sampled_from(RESUMABLE))
def test_the_movements_path_makes_exactly_the_booking_moves_of_the_table(
    movements_officer, counsellor_a, prepared_case, status, target, on_hold_from
):
    with transaction.atomic():
        changes_before = StatusChange.objects.filter(case=prepared_case).count()
        ok, error = _attempt(movements_officer, prepared_case, status, target, on_hold_from, system=True)
        expected = _expected_allowed(status, target, on_hold_from, system=True)
        after = fresh(prepared_case)
        if expected:
            assert ok, (status, target, error and error.details)
            assert after.status == target
            assert StatusChange.objects.filter(case=prepared_case).count() == changes_before + 1
        else:
            assert not ok
            assert error.details[0] == f"A case cannot move from “{S(status).label}” to “{S(target).label}”."
            assert after.status == status
            assert StatusChange.objects.filter(case=prepared_case).count() == changes_before
        transaction.set_rollback(True)


ALLOWED_PAIRS = [
    (status, target, from_)
    for status, targets in workflow.ALLOWED_MOVES.items()
    for target in sorted(targets)
    for from_ in ([target] if status == S.ON_HOLD and target in RESUMABLE else [S.PREPARATION])
]


def test_the_table_has_every_status_and_no_move_to_itself():
    assert set(workflow.ALLOWED_MOVES) == set(S.values)
    assert all(status not in targets for status, targets in workflow.ALLOWED_MOVES.items())
    assert workflow.ALLOWED_MOVES[S.CLOSED] == frozenset()


@pytest.mark.parametrize(("status", "target", "on_hold_from"), ALLOWED_PAIRS)
def test_every_allowed_move_writes_one_history_row_and_one_audit_row(
    counsellor_a, movements_officer, prepared_case, status, target, on_hold_from
):
    """Moves of the case page by the counsellor; the moves of a booking by movements staff, on their path."""
    system = workflow.is_system_move(status, target)
    actor = movements_officer if system else counsellor_a
    transition = services.case_transition_by_movements if system else services.case_transition
    _put_in(prepared_case, status, on_hold_from)
    if target == S.REJECTED:
        _fail_latest_check(counsellor_a, prepared_case)
    version = fresh(prepared_case).version
    history = set(StatusChange.objects.values_list("pk", flat=True))
    audits = set(AuditEvent.objects.values_list("pk", flat=True))
    reason = "Synthetic reason" if target in workflow.REASON_REQUIRED else ""
    review_on = TODAY() + datetime.timedelta(days=30) if target == S.ON_HOLD else None

    moved = transition(actor=actor, case=prepared_case, to_status=target, reason=reason, review_on=review_on)

    after = fresh(prepared_case)
    assert (moved.status, after.status, after.version) == (target, target, version + 1)
    [change] = StatusChange.objects.exclude(pk__in=history)
    assert (change.case_id, change.by, change.from_status, change.to_status, change.reason) == (
        prepared_case.pk, actor, status, target, reason)
    assert change.at == after.status_changed_at
    assert abs(change.at - timezone.now()) < datetime.timedelta(minutes=1)
    [event] = AuditEvent.objects.exclude(pk__in=audits)
    assert (event.action, event.actor, event.case_id, event.mission_id, event.object_type, event.object_id) == (
        "transition", actor, prepared_case.pk, prepared_case.mission_id, "cases.case", str(prepared_case.pk))
    assert event.changes["status"] == [status, target]
    if target == S.ON_HOLD:
        # A booked case put on hold has lost its booking: it resumes at ready to depart.
        resume_at = S.READY_TO_DEPART if status == S.BOOKED else status
        assert (after.on_hold_from, after.on_hold_reason, after.on_hold_review_on) == (resume_at, reason, review_on)
    elif status == S.ON_HOLD:
        assert (after.on_hold_from, after.on_hold_reason, after.on_hold_review_on) == ("", "", None)
    if target == S.CLOSED:
        assert after.closed_on == TODAY()


def test_a_failing_audit_write_leaves_the_status_unchanged(counsellor_a, prepared_case, monkeypatch):
    def broken_audit(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(services, "audit_record", broken_audit)
    before = fresh(prepared_case)
    with pytest.raises(RuntimeError):
        services.case_transition(actor=counsellor_a, case=prepared_case, to_status=S.APPLICATION)
    after = fresh(prepared_case)
    assert (after.status, after.version, after.status_changed_at, after.application_on) == (
        S.CONTACT, before.version, before.status_changed_at, before.application_on)
    assert list(StatusChange.objects.filter(case=prepared_case).values_list("to_status", flat=True)) == [S.CONTACT]
    assert not AuditEvent.objects.filter(action="transition").exists()


def test_a_failing_history_write_leaves_the_status_unchanged(counsellor_a, prepared_case, monkeypatch):
    def broken_create(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(StatusChange.objects, "create", broken_create)
    with pytest.raises(RuntimeError):
        services.case_transition(actor=counsellor_a, case=prepared_case, to_status=S.APPLICATION)
    assert fresh(prepared_case).status == S.CONTACT
    assert not AuditEvent.objects.filter(action="transition").exists()


def test_entering_application_records_the_application_date_once(counsellor_a, prepared_case):
    services.case_transition(actor=counsellor_a, case=prepared_case, to_status=S.APPLICATION)
    Case.objects.filter(pk=prepared_case.pk).update(application_on=TODAY() - datetime.timedelta(days=9))
    services.case_transition(actor=counsellor_a, case=prepared_case, to_status=S.ELIGIBILITY)
    services.case_transition(actor=counsellor_a, case=prepared_case, to_status=S.APPLICATION)
    assert fresh(prepared_case).application_on == TODAY() - datetime.timedelta(days=9)


def test_unknown_status_is_refused(counsellor_a, prepared_case):
    with pytest.raises(TransitionRefused) as exc:
        services.case_transition(actor=counsellor_a, case=prepared_case, to_status="boarded")
    assert exc.value.message == "Unknown status “boarded”."


@pytest.mark.parametrize("target", [S.BOOKED, S.DEPARTED, S.ARRIVED])
def test_the_case_page_cannot_move_a_case_into_a_status_of_its_booking(counsellor_a, prepared_case, target):
    source = {S.BOOKED: S.READY_TO_DEPART, S.DEPARTED: S.BOOKED, S.ARRIVED: S.DEPARTED}[target]
    _put_in(prepared_case, source, "")
    with pytest.raises(TransitionRefused) as exc:
        services.case_transition(actor=counsellor_a, case=prepared_case, to_status=target)
    expected = ("A booked case moves with its booking: cancel the booking or confirm the departure."
                if source == S.BOOKED else f"A case moves to “{S(target).label}” only through its booking, not by hand.")
    assert exc.value.details == [expected]
    assert fresh(prepared_case).status == source


def test_the_movements_path_refuses_a_move_of_the_case_page(movements_officer, prepared_case):
    with pytest.raises(TransitionRefused) as exc:
        services.case_transition_by_movements(actor=movements_officer, case=prepared_case, to_status=S.APPLICATION)
    assert exc.value.details == ["A case cannot move from “Contact” to “Application”."]
    assert fresh(prepared_case).status == S.CONTACT


def test_the_movements_path_needs_the_booking_right(counsellor_a, prepared_case):
    _put_in(prepared_case, S.READY_TO_DEPART, "")
    with pytest.raises(services.ServiceError) as exc:
        services.case_transition_by_movements(actor=counsellor_a, case=prepared_case, to_status=S.BOOKED)
    assert exc.value.message == "You are not allowed to do this."
    assert fresh(prepared_case).status == S.READY_TO_DEPART


@pytest.mark.parametrize("user", ["manager", "dpo", "admin_user"])
def test_roles_without_the_transition_right_are_refused(request, prepared_case, user):
    actor = request.getfixturevalue(user)
    with pytest.raises(services.ServiceError) as exc:
        services.case_transition(actor=actor, case=prepared_case, to_status=S.APPLICATION)
    assert exc.value.message == "You are not allowed to do this."
    assert fresh(prepared_case).status == S.CONTACT
