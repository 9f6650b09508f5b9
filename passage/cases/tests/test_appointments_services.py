"""Appointments: planned, moved, cancelled, held or missed — each step locked, checked per field, with its history
row, its audit row and the migrant's SMS in the same transaction; a stale edit and a clash refused."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from passage.audit.models import AuditEvent
from passage.cases import appointments as svc
from passage.cases.enums import AppointmentStatus as S
from passage.cases.enums import CaseStatus
from passage.cases.models import Appointment, AppointmentChange, Case
from passage.core.errors import ConcurrentEditError, ServiceError
from passage.messaging.models import Message
from passage.testing.factories import WorkPostFactory

pytestmark = pytest.mark.django_db
AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")


def at(days: int, hhmm: str = "10:00") -> datetime.datetime:
    """A moment ``days`` from today on the Dutch mission's clock."""
    hh, mm = map(int, hhmm.split(":"))
    day = timezone.now().astimezone(AMS).date() + datetime.timedelta(days=days)
    return datetime.datetime(day.year, day.month, day.day, hh, mm, tzinfo=AMS)


def plan(actor, case, starts_at=None, **kw):
    args = {"duration_minutes": 60, "purpose": "counselling", "place": "work_post", "work_post": case.work_post}
    args.update(kw)
    return svc.appointment_plan(actor=actor, case=case, starts_at=starts_at or at(3), **args)


def field_errors(call) -> dict:
    with pytest.raises(ServiceError) as caught:
        call()
    return caught.value.field_errors


def test_planning_writes_the_appointment_its_history_and_audit_rows(counsellor_a, case_a):
    appointment = plan(counsellor_a, case_a, at(3, "10:30"), purpose="intake", bring_documents=True)
    appointment.refresh_from_db()
    assert (appointment.status, appointment.counsellor, appointment.starts_at, appointment.ends_at,
            appointment.version, appointment.planned_by) == (
        S.PLANNED, counsellor_a, at(3, "10:30"), at(3, "11:30"), 1, counsellor_a)
    assert list(AppointmentChange.objects.values_list("kind", "from_status", "to_status", "starts_at", "where",
                                                      "by")) == [
        ("planned", "", "planned", at(3, "10:30"), "Work post A", counsellor_a.pk)]
    audit = AuditEvent.objects.get(object_type="cases.appointment", object_id=str(appointment.pk))
    assert (audit.action, audit.case_id, audit.actor_id) == ("create", case_a.pk, counsellor_a.pk)


def test_planning_refuses_a_time_that_has_passed_and_a_bad_duration_per_field(counsellor_a, case_a):
    errors = field_errors(lambda: plan(counsellor_a, case_a, timezone.now() - datetime.timedelta(minutes=1),
                                       duration_minutes=2))
    assert set(errors) == {"starts_at", "duration_minutes"}
    assert errors["starts_at"].startswith("This time has passed")
    assert Appointment.objects.count() == 0 and AppointmentChange.objects.count() == 0


def test_planning_refuses_a_clash_with_the_same_counsellors_appointment_but_not_a_colleagues(
        counsellor_a, counsellor_a2, case_a):
    plan(counsellor_a, case_a, at(3, "10:00"))
    errors = field_errors(lambda: plan(counsellor_a, case_a, at(3, "10:30"), duration_minutes=30))
    assert errors == {"starts_at": f"{counsellor_a.get_full_name()} already has an appointment then, from "
                                   f"{at(3, '10:00'):%m/%d/%Y} 10 a.m. to 11 a.m.: choose another time."}
    # Back to back is no clash; another counsellor at the same time is none either.
    plan(counsellor_a, case_a, at(3, "11:00"))
    plan(counsellor_a, case_a, at(3, "10:00"), counsellor=counsellor_a2)
    assert Appointment.objects.count() == 3


def test_a_cancelled_appointment_frees_its_time(counsellor_a, case_a):
    first = plan(counsellor_a, case_a, at(3, "10:00"))
    svc.appointment_cancel(actor=counsellor_a, appointment=first, version=1, reason="Moved to video")
    plan(counsellor_a, case_a, at(3, "10:00"))


def test_planning_refuses_a_case_that_has_ended(counsellor_a, case_a):
    Case.objects.filter(pk=case_a.pk).update(status=CaseStatus.CLOSED)
    with pytest.raises(ServiceError) as caught:
        plan(counsellor_a, case_a)
    assert caught.value.message == "This case is Closed: it can have no new appointments or times."
    assert Appointment.objects.count() == 0


def test_planning_refuses_a_place_it_cannot_tell_the_migrant(counsellor_a, case_a, mission_ge):
    abroad = WorkPostFactory(mission=mission_ge, code="GE-X")
    assert set(field_errors(lambda: plan(counsellor_a, case_a, work_post=abroad))) == {"work_post"}
    assert set(field_errors(lambda: plan(counsellor_a, case_a, place="visit", work_post=None))) == {"location"}
    assert set(field_errors(lambda: plan(counsellor_a, case_a, purpose="other"))) == {"purpose_detail"}
    visit = plan(counsellor_a, case_a, place="visit", work_post=None,
                 location="Detentiecentrum Rotterdam, Portsingel 1")
    assert (visit.work_post, visit.where) == (None, "Detentiecentrum Rotterdam, Portsingel 1")
    phone = plan(counsellor_a, case_a, at(4), place="phone", work_post=None)
    assert phone.where == "By phone"


def test_planning_refuses_a_counsellor_who_does_not_see_the_case(counsellor_a, counsellor_b, case_a):
    assert set(field_errors(lambda: plan(counsellor_a, case_a, counsellor=counsellor_b))) == {"counsellor"}


def test_only_staff_who_manage_appointments_may_plan(manager, case_a):
    with pytest.raises(ServiceError):
        plan(manager, case_a)


def test_rescheduling_keeps_it_planned_and_records_the_time_before_and_after(counsellor_a, case_a):
    appointment = plan(counsellor_a, case_a, at(3, "10:00"))
    moved = svc.appointment_reschedule(actor=counsellor_a, appointment=appointment, version=1,
                                       starts_at=at(5, "14:00"), duration_minutes=45, place="phone",
                                       reason="The migrant asked")
    moved.refresh_from_db()
    assert (moved.status, moved.starts_at, moved.ends_at, moved.place, moved.work_post, moved.version) == (
        S.PLANNED, at(5, "14:00"), at(5, "14:45"), "phone", None, 2)
    change = AppointmentChange.objects.get(kind="rescheduled")
    assert (change.starts_at_before, change.starts_at, change.where_before, change.where, change.reason) == (
        at(3, "10:00"), at(5, "14:00"), "Work post A", "By phone", "The migrant asked")
    audit = AuditEvent.objects.get(object_type="cases.appointment", action="update")
    assert set(audit.changes) == {"starts_at", "duration_minutes", "place", "work_post_id", "reason"}


def test_a_stale_reschedule_is_refused_and_nothing_changes(counsellor_a, counsellor_a2, case_a):
    appointment = plan(counsellor_a, case_a, at(3, "10:00"))
    svc.appointment_reschedule(actor=counsellor_a2, appointment=appointment, version=1, starts_at=at(4),
                               duration_minutes=60, place="work_post", work_post=case_a.work_post)
    with pytest.raises(ConcurrentEditError):
        svc.appointment_reschedule(actor=counsellor_a, appointment=appointment, version=1, starts_at=at(6),
                                   duration_minutes=60, place="work_post", work_post=case_a.work_post)
    with pytest.raises(ConcurrentEditError):
        svc.appointment_cancel(actor=counsellor_a, appointment=appointment, version=1, reason="x")
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.status, appointment.version) == (at(4), S.PLANNED, 2)


def test_rescheduling_refuses_a_clash_but_not_with_itself_and_refuses_nothing_changed(counsellor_a, case_a):
    first = plan(counsellor_a, case_a, at(3, "10:00"))
    plan(counsellor_a, case_a, at(3, "12:00"))
    # Half an hour later overlaps its own old time: no clash with itself.
    svc.appointment_reschedule(actor=counsellor_a, appointment=first, version=1, starts_at=at(3, "10:30"),
                               duration_minutes=60, place="work_post", work_post=case_a.work_post)
    errors = field_errors(lambda: svc.appointment_reschedule(
        actor=counsellor_a, appointment=first, version=2, starts_at=at(3, "11:30"), duration_minutes=60,
        place="work_post", work_post=case_a.work_post))
    assert set(errors) == {"starts_at"}
    with pytest.raises(ServiceError) as caught:
        svc.appointment_reschedule(actor=counsellor_a, appointment=first, version=2, starts_at=at(3, "10:30"),
                                   duration_minutes=60, place="work_post", work_post=case_a.work_post)
    assert caught.value.message == "Nothing changed: give a new time, length or place."


def test_cancelling_needs_a_reason_and_is_a_move_of_the_table(counsellor_a, case_a):
    appointment = plan(counsellor_a, case_a)
    assert set(field_errors(lambda: svc.appointment_cancel(actor=counsellor_a, appointment=appointment, version=1,
                                                           reason=" "))) == {"reason"}
    cancelled = svc.appointment_cancel(actor=counsellor_a, appointment=appointment, version=1, reason="Ill")
    assert (cancelled.status, cancelled.status_reason) == (S.CANCELLED, "Ill")
    assert list(AppointmentChange.objects.values_list("kind", "from_status", "to_status", "reason")) == [
        ("planned", "", "planned", ""), ("cancelled", "planned", "cancelled", "Ill")]
    assert AuditEvent.objects.filter(object_type="cases.appointment", action="transition").count() == 1
    with pytest.raises(ServiceError) as caught:
        svc.appointment_record_outcome(actor=counsellor_a, appointment=appointment, version=2, outcome="held")
    assert caught.value.message == "This appointment is “Cancelled”: it cannot become “Held”."
    with pytest.raises(ServiceError):
        svc.appointment_reschedule(actor=counsellor_a, appointment=appointment, version=2, starts_at=at(9),
                                   duration_minutes=60, place="phone")


def test_held_or_missed_is_recorded_once_it_has_begun_and_only_once(counsellor_a, case_a):
    appointment = plan(counsellor_a, case_a, at(1))
    with pytest.raises(ServiceError) as caught:
        svc.appointment_record_outcome(actor=counsellor_a, appointment=appointment, version=1, outcome="held")
    assert caught.value.message.startswith("This appointment has not begun yet")
    Appointment.objects.filter(pk=appointment.pk).update(starts_at=at(-1), ends_at=at(-1, "11:00"))
    assert set(field_errors(lambda: svc.appointment_record_outcome(
        actor=counsellor_a, appointment=appointment, version=1, outcome="planned"))) == {"outcome"}
    missed = svc.appointment_record_outcome(actor=counsellor_a, appointment=appointment, version=1,
                                            outcome="missed", note="Did not come; phoned, train strike")
    assert (missed.status, missed.status_reason) == (S.MISSED, "Did not come; phoned, train strike")
    with pytest.raises(ServiceError):
        svc.appointment_record_outcome(actor=counsellor_a, appointment=appointment, version=2, outcome="held")
    assert AppointmentChange.objects.filter(kind="missed").count() == 1


def test_a_refused_step_leaves_no_history_audit_or_sms(counsellor_a, case_a):
    from passage.people.models import Phone

    person = case_a.members.get().person
    Phone.objects.create(person=person, mission_id=person.mission_id, number="+31612345678", sms_consent=True)
    plan(counsellor_a, case_a, at(3, "10:00"))
    counts = (AppointmentChange.objects.count(), AuditEvent.objects.count(), Message.objects.count())
    with pytest.raises(ServiceError):
        plan(counsellor_a, case_a, at(3, "10:15"))
    assert (AppointmentChange.objects.count(), AuditEvent.objects.count(), Message.objects.count()) == counts
