"""Two people acting on one case at once: one status move wins, and a stale edit is refused, never merged silently.

These run with real transactions and real threads (each with its own database connection): on PostgreSQL the
row lock (SELECT ... FOR UPDATE) serialises the two calls; on SQLite the IMMEDIATE transaction mode does.
"""

import threading

import pytest
from django.db import connection
from django.utils import translation

from passage.audit.models import AuditEvent
from passage.cases import services
from passage.cases.enums import CaseStatus as S
from passage.cases.models import Case, StatusChange
from passage.cases.tests.core_helpers import complete_case, fresh
from passage.core.errors import ConcurrentEditError, ServiceError, TransitionRefused

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls):
    """Run each call in its own thread, released together; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(i, call):
        try:
            with translation.override("en"):
                barrier.wait(timeout=30)
                results[i] = ("ok", call())
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"
    return results


@pytest.fixture
def case(counsellor_a, work_post_a):
    return complete_case(counsellor_a, work_post_a)


def test_two_simultaneous_moves_of_one_case_exactly_one_wins(counsellor_a, counsellor_a2, case):
    results = run_together(
        lambda: services.case_transition(actor=counsellor_a, case=case.pk, to_status=S.APPLICATION),
        lambda: services.case_transition(actor=counsellor_a2, case=case.pk, to_status=S.APPLICATION),
    )
    outcomes = sorted(kind for kind, _value in results)
    assert outcomes == ["error", "ok"]
    [error] = [value for kind, value in results if kind == "error"]
    assert isinstance(error, TransitionRefused)
    assert error.details == ["A case cannot move from “Application” to “Application”."]
    assert fresh(case).status == S.APPLICATION
    assert list(StatusChange.objects.filter(case=case).values_list("from_status", "to_status")) == [
        ("", S.CONTACT), (S.CONTACT, S.APPLICATION)]
    assert AuditEvent.objects.filter(action="transition", case_id=case.pk).count() == 1


def test_two_simultaneous_different_moves_from_a_stale_view_exactly_one_wins(counsellor_a, counsellor_a2, case):
    """Both counsellors saw the case in "application" (the page carries its version); one withdraws it, the other
    asks for eligibility. Either move would be allowed after the other, so only the version tells them apart."""
    services.case_transition(actor=counsellor_a, case=case, to_status=S.APPLICATION)
    seen = fresh(case)
    results = run_together(
        lambda: services.case_transition(actor=counsellor_a, case=seen, to_status=S.WITHDRAWN, reason="Changed mind",
                                         version=seen.version),
        lambda: services.case_transition(actor=counsellor_a2, case=seen, to_status=S.ELIGIBILITY,
                                         version=seen.version),
    )
    assert sorted(kind for kind, _value in results) == ["error", "ok"]
    [(_ok, winner)] = [r for r in results if r[0] == "ok"]
    [(_err, error)] = [r for r in results if r[0] == "error"]
    assert isinstance(error, ConcurrentEditError)
    assert fresh(case).status == winner.status
    assert StatusChange.objects.filter(case=case).count() == 3  # contact, application, and the winner's move


def test_two_simultaneous_edits_with_the_same_version_the_second_is_refused(counsellor_a, counsellor_a2, case):
    version = fresh(case).version
    results = run_together(
        lambda: services.case_update(actor=counsellor_a, case=case, version=version, intended_destination="AM"),
        lambda: services.case_update(actor=counsellor_a2, case=case, version=version, intended_destination="AZ"),
    )
    assert sorted(kind for kind, _value in results) == ["error", "ok"]
    [(_ok, saved)] = [r for r in results if r[0] == "ok"]
    [(_err, error)] = [r for r in results if r[0] == "error"]
    assert isinstance(error, ConcurrentEditError)
    stored = fresh(case)
    assert (stored.intended_destination, stored.version) == (saved.intended_destination, version + 1)
    assert AuditEvent.objects.filter(action="update", case_id=case.pk).count() == 1


def test_a_save_on_top_of_someone_elses_is_refused_and_keeps_their_data(counsellor_a, counsellor_a2, case):
    opened_version = fresh(case).version  # both open the edit form
    services.case_update(actor=counsellor_a, case=case, version=opened_version, intended_destination="AM",
                         residence_procedure_none=False)
    with pytest.raises(ConcurrentEditError) as exc:
        services.case_update(actor=counsellor_a2, case=case, version=opened_version, intended_destination="AZ")
    with translation.override("en"):
        assert str(exc.value.message).startswith("Someone else saved this record after you opened it.")
    stored = fresh(case)
    assert (stored.intended_destination, stored.residence_procedure_none, stored.version) == (
        "AM", False, opened_version + 1)
    assert isinstance(exc.value, ServiceError)
    assert Case.objects.count() == 1


def test_two_simultaneous_plans_for_one_counsellor_at_one_time_exactly_one_wins(counsellor_a, counsellor_a2,
                                                                                 work_post_a):
    """Two cases, so no case lock is shared: the counsellor's row lock makes the clash checks one after the other."""
    import datetime

    from django.utils import timezone

    from passage.cases import appointments
    from passage.cases.models import Appointment
    from passage.testing.factories import CaseFactory

    first, second = (CaseFactory(work_post=work_post_a, counsellor=counsellor_a) for _ in range(2))
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)

    def plan(case, actor):
        return lambda: appointments.appointment_plan(actor=actor, case=Case.objects.get(pk=case.pk),
                                                     starts_at=starts, duration_minutes=60, purpose="counselling",
                                                     place="phone", counsellor=counsellor_a)

    results = run_together(plan(first, counsellor_a), plan(second, counsellor_a2))
    assert sorted(kind for kind, _value in results) == ["error", "ok"]
    [error] = [value for kind, value in results if kind == "error"]
    assert isinstance(error, ServiceError) and "already has an appointment then" in error.field_errors["starts_at"]
    assert Appointment.objects.count() == 1
