"""Appointments with the migrant: planned, moved to a new time or place, cancelled, recorded as held or missed.

Each function is one transaction that locks what it changes (the case, the appointment, and the counsellor whose
agenda must stay free of clashes — always in that order), refuses with a message per field, and writes the new
state, a history row (``AppointmentChange``), an audit row and the migrant's SMS (``cases.notify``) together.
The status moves are the table ``APPOINTMENT_MOVES``; a new time keeps the appointment planned
(docs/decisions/0019). The appointment returned carries the SMS written for the step (``.sms``), for the screen
to say whether the migrant was told; None where none was due."""

import datetime

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from passage.accounts.models import User, WorkPost
from passage.accounts.permissions import Action, user_can
from passage.audit.enums import AuditAction
from passage.audit.services import audit_record
from passage.core.errors import ConcurrentEditError, ServiceError
from passage.reference.models import Language

from . import notify
from .enums import APPOINTMENT_MOVES, AppointmentPlace, AppointmentPurpose, AppointmentStatus, CaseStatus
from .models import Appointment, AppointmentChange, Case

S = AppointmentStatus
MIN_MINUTES, MAX_MINUTES = 5, 480
# No new appointments, and no new times, for a case that has ended.
ENDED = frozenset({CaseStatus.CLOSED, CaseStatus.REJECTED, CaseStatus.WITHDRAWN})


def _require(actor) -> None:
    if not user_can(actor, Action.APPOINTMENT_MANAGE):
        raise ServiceError(_("You are not allowed to do this."))


def _refuse(errors: dict) -> None:
    if errors:
        raise ServiceError(_("Please correct the marked fields."), field_errors=errors)


def _lock_case(case_or_id) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("mission__airport").get(
        pk=getattr(case_or_id, "pk", case_or_id))


def _lock_appointment(appointment: Appointment, version: int | None) -> Appointment:
    locked = Appointment.objects.select_for_update(of=("self",)).select_related("work_post").get(pk=appointment.pk)
    if version is not None and locked.version != version:
        raise ConcurrentEditError(_("Someone else changed this appointment after you opened it. Nothing was saved: "
                                    "look at the appointment as it is now, then make your change again."))
    return locked


def _refuse_ended(case: Case) -> None:
    if case.status in ENDED:
        raise ServiceError(_("This case is %(status)s: it can have no new appointments or times.")
                           % {"status": CaseStatus(case.status).label})


def _local(moment: datetime.datetime, case: Case) -> str:
    return formats.date_format(moment.astimezone(case.mission.tzinfo), "SHORT_DATETIME_FORMAT")


def _when_errors(case: Case, starts_at, duration_minutes, now) -> dict:
    errors = {}
    if not isinstance(starts_at, datetime.datetime) or timezone.is_naive(starts_at):
        raise ValueError("starts_at must be an aware datetime")  # the form makes it on the mission's clock
    if starts_at <= now:
        errors["starts_at"] = _("This time has passed: choose a time from now on (it is %(now)s).") % {
            "now": _local(now, case)}
    if not isinstance(duration_minutes, int) or not MIN_MINUTES <= duration_minutes <= MAX_MINUTES:
        errors["duration_minutes"] = _("Between %(min)s and %(max)s minutes.") % {"min": MIN_MINUTES,
                                                                                  "max": MAX_MINUTES}
    return errors


def _where(case: Case, place: str, work_post, location: str) -> tuple[WorkPost | None, str, dict]:
    """(work post, location, errors) for a place: a work post of the case's mission, a visit's location (its name
    and public address, which the SMS carries), or none at all by phone or video."""
    location = (location or "").strip()
    if place not in AppointmentPlace.values:
        return None, "", {"place": _("Choose where the appointment is.")}
    if place == AppointmentPlace.WORK_POST:
        post = WorkPost.objects.filter(pk=getattr(work_post, "pk", work_post), mission_id=case.mission_id,
                                       active=True).first() if work_post else None
        if post is None:
            return None, "", {"work_post": _("Choose an active work post of this case's mission.")}
        return post, "", {}
    if place == AppointmentPlace.VISIT:
        if not location:
            return None, "", {"location": _("Give the place as the migrant will find it: its name and address.")}
        limit = Appointment._meta.get_field("location").max_length
        if len(location) > limit:
            return None, "", {"location": _("At most %(n)s characters.") % {"n": limit}}
        return None, location, {}
    return None, "", {}


def _lock_counsellor(case: Case, counsellor) -> tuple[User | None, dict]:
    """The counsellor, locked (two plans for one counsellor at once check for a clash one after the other), if
    they hold appointments and see this case — else an error: an appointment they could not open is no use."""
    from .selectors import cases_visible_to

    person = User.objects.select_for_update().filter(pk=getattr(counsellor, "pk", counsellor),
                                                     mission_id=case.mission_id, is_active=True).first()
    if person is None or not user_can(person, Action.APPOINTMENT_MANAGE) or not cases_visible_to(person).filter(
            pk=case.pk).exists():
        return None, {"counsellor": _("Choose a counsellor who works on this case's work post.")}
    return person, {}


def _clash_errors(case: Case, counsellor: User, starts_at, ends_at, exclude_pk=None) -> dict:
    clash = (Appointment.objects.filter(counsellor=counsellor, status__in=[S.PLANNED, S.HELD], starts_at__lt=ends_at,
                                        ends_at__gt=starts_at).exclude(pk=exclude_pk).order_by("starts_at").first())
    if clash is None:
        return {}
    tz = case.mission.tzinfo
    return {"starts_at": _("%(name)s already has an appointment then, from %(start)s to %(end)s: choose another "
                           "time.") % {"name": counsellor.get_full_name() or counsellor.username,
                                       "start": _local(clash.starts_at, case),
                                       "end": formats.time_format(clash.ends_at.astimezone(tz), "TIME_FORMAT")}}


def _history(appointment: Appointment, *, kind: str, by, at, from_status: str, starts_at_before=None,
             where_before: str = "", reason: str = "") -> AppointmentChange:
    return AppointmentChange.objects.create(
        appointment=appointment, case_id=appointment.case_id, mission_id=appointment.mission_id, kind=kind,
        from_status=from_status, to_status=appointment.status, starts_at_before=starts_at_before,
        starts_at=appointment.starts_at, where_before=where_before[:160], where=appointment.where[:160],
        reason=reason, at=at, by=by)


def _audit(actor, action, appointment: Appointment, summary: str, changes: dict) -> None:
    audit_record(actor=actor, action=action, obj=appointment, case_id=appointment.case_id,
                 mission_id=appointment.mission_id, summary=summary, changes=changes)


def _reason(reason: str, *, required: bool) -> tuple[str, dict]:
    reason = (reason or "").strip()
    if required and not reason:
        return reason, {"reason": _("Give the reason.")}
    limit = AppointmentChange._meta.get_field("reason").max_length
    if len(reason) > limit:
        return reason, {"reason": _("At most %(n)s characters.") % {"n": limit}}
    return reason, {}


@transaction.atomic
def appointment_plan(
    *,
    actor,
    case: Case,
    starts_at: datetime.datetime,
    duration_minutes: int,
    purpose: str,
    place: str,
    counsellor: User | None = None,
    work_post: WorkPost | None = None,
    location: str = "",
    interpreter_language: Language | None = None,
    purpose_detail: str = "",
    bring_documents: bool = False,
) -> Appointment:
    """Plan an appointment of the case with ``counsellor`` (default: the case's own) from ``starts_at`` for
    ``duration_minutes``.

    Refused, per field: a time that has passed, a duration out of bounds, a clash with another planned
    appointment of the same counsellor, a work post of another mission, a visit without its place, "other"
    without what about, a counsellor who does not see the case; and, as a whole, a case that has ended.

    Side effects: the appointment (planned); a history row (planned); a CREATE audit row; the "appointment set"
    SMS to the principal applicant's numbers (blocked where no SMS consent is recorded)."""
    _require(actor)
    locked = _lock_case(case)
    _refuse_ended(locked)
    now = timezone.now()
    errors = _when_errors(locked, starts_at, duration_minutes, now)
    if purpose not in AppointmentPurpose.values:
        errors["purpose"] = _("Choose the purpose.")
    purpose_detail = (purpose_detail or "").strip()
    if purpose == AppointmentPurpose.OTHER and not purpose_detail:
        errors["purpose_detail"] = _("Say what the appointment is about.")
    elif len(purpose_detail) > Appointment._meta.get_field("purpose_detail").max_length:
        errors["purpose_detail"] = _("At most %(n)s characters.") % {
            "n": Appointment._meta.get_field("purpose_detail").max_length}
    post, location, where_errors = _where(locked, place, work_post, location)
    errors |= where_errors
    person, who_errors = _lock_counsellor(locked, counsellor or locked.counsellor)
    errors |= who_errors
    if person is not None and "starts_at" not in errors and "duration_minutes" not in errors:
        errors |= _clash_errors(locked, person, starts_at, starts_at + datetime.timedelta(minutes=duration_minutes))
    _refuse(errors)
    appointment = Appointment.objects.create(
        case=locked, mission_id=locked.mission_id, counsellor=person, purpose=purpose, purpose_detail=purpose_detail,
        place=place, work_post=post, location=location, starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=duration_minutes), duration_minutes=duration_minutes,
        interpreter_language=interpreter_language, bring_documents=bring_documents, status=S.PLANNED,
        status_changed_at=now, planned_by=actor, planned_at=now)
    appointment.mission = locked.mission
    _history(appointment, kind=AppointmentChange.Kind.PLANNED, by=actor, at=now, from_status="")
    _audit(actor, AuditAction.CREATE, appointment, f"planned appointment ({purpose}) of case {locked.number}", {
        "starts_at": [None, starts_at.isoformat()], "duration_minutes": [None, duration_minutes],
        "place": [None, place], "where": [None, appointment.where], "counsellor": [None, person.pk]})
    appointment.sms = notify.appointment_set(appointment)
    return appointment


@transaction.atomic
def appointment_reschedule(
    *,
    actor,
    appointment: Appointment,
    version: int,
    starts_at: datetime.datetime,
    duration_minutes: int,
    place: str,
    work_post: WorkPost | None = None,
    location: str = "",
    reason: str = "",
) -> Appointment:
    """A planned appointment at a new time (or place, or length), saved over the ``version`` the counsellor
    started from. Refused as planning is (a time that has passed, a clash — other than with itself —, a case
    that has ended); and an appointment no longer planned, or nothing changed.

    Side effects: the new time on the appointment (still planned); a history row with the time and place before
    and after; an UPDATE audit row; the "appointment changed" SMS when the time or the place changed (once per
    change)."""
    _require(actor)
    case = _lock_case(appointment.case_id)
    locked = _lock_appointment(appointment, version)
    locked.mission = case.mission
    _refuse_ended(case)
    if locked.status != S.PLANNED:
        raise ServiceError(_("This appointment is “%(status)s”: only a planned appointment gets a new time.")
                           % {"status": S(locked.status).label})
    now = timezone.now()
    errors = _when_errors(case, starts_at, duration_minutes, now)
    post, location, where_errors = _where(case, place, work_post, location)
    errors |= where_errors
    reason, reason_errors = _reason(reason, required=False)
    errors |= reason_errors
    person, who_errors = _lock_counsellor(case, locked.counsellor_id)
    errors |= who_errors
    if person is not None and "starts_at" not in errors and "duration_minutes" not in errors:
        errors |= _clash_errors(case, person, starts_at, starts_at + datetime.timedelta(minutes=duration_minutes),
                                exclude_pk=locked.pk)
    _refuse(errors)
    before = {"starts_at": locked.starts_at, "duration_minutes": locked.duration_minutes, "place": locked.place,
              "work_post_id": locked.work_post_id, "location": locked.location}
    after = {"starts_at": starts_at, "duration_minutes": duration_minutes, "place": place,
             "work_post_id": post.pk if post else None, "location": location}
    if before == after:
        raise ServiceError(_("Nothing changed: give a new time, length or place."))
    where_before = locked.where
    locked.starts_at, locked.duration_minutes, locked.place = starts_at, duration_minutes, place
    locked.ends_at = starts_at + datetime.timedelta(minutes=duration_minutes)
    locked.work_post, locked.location, locked.version = post, location, locked.version + 1
    locked.save(update_fields=["starts_at", "ends_at", "duration_minutes", "place", "work_post", "location",
                               "version", "updated_at"])
    change = _history(locked, kind=AppointmentChange.Kind.RESCHEDULED, by=actor, at=now, from_status=S.PLANNED,
                      starts_at_before=before["starts_at"], where_before=where_before, reason=reason)
    _audit(actor, AuditAction.UPDATE, locked, f"rescheduled appointment of case {case.number}", {
        name: [str(before[name]) if before[name] is not None else None,
               str(after[name]) if after[name] is not None else None]
        for name in before if before[name] != after[name]} | ({"reason": [None, reason]} if reason else {}))
    locked.sms = None  # no SMS due: the migrant's facts did not change
    if before["starts_at"] != starts_at or where_before != locked.where:
        locked.sms = notify.appointment_changed(locked, change.pk)
    return locked


def _move(*, actor, appointment: Appointment, version: int, to_status: str, reason: str,
          reason_required: bool) -> tuple[Appointment, str]:
    """One move of the status table, on a locked appointment: the one place where ``Appointment.status`` leaves
    "planned"."""
    case = _lock_case(appointment.case_id)
    locked = _lock_appointment(appointment, version)
    locked.mission = case.mission
    if to_status not in APPOINTMENT_MOVES.get(locked.status, ()):
        raise ServiceError(_("This appointment is “%(from)s”: it cannot become “%(to)s”.")
                           % {"from": S(locked.status).label, "to": S(to_status).label})
    reason, errors = _reason(reason, required=reason_required)
    _refuse(errors)
    now = timezone.now()
    if to_status in (S.HELD, S.MISSED) and locked.starts_at > now:
        raise ServiceError(_("This appointment has not begun yet (%(start)s): record whether it was held once it "
                             "has.") % {"start": _local(locked.starts_at, case)})
    from_status = locked.status
    locked.status, locked.status_changed_at, locked.status_reason = to_status, now, reason
    locked.version += 1
    locked.save(update_fields=["status", "status_changed_at", "status_reason", "version", "updated_at"])
    _history(locked, kind=to_status, by=actor, at=now, from_status=from_status, reason=reason)
    _audit(actor, AuditAction.TRANSITION, locked, f"appointment of case {case.number}: {from_status} → {to_status}",
           {"status": [from_status, to_status]} | ({"reason": [None, reason]} if reason else {}))
    return locked, from_status


@transaction.atomic
def appointment_cancel(*, actor, appointment: Appointment, version: int, reason: str) -> Appointment:
    """Cancel a planned appointment, with the reason (for staff; the SMS does not carry it). Allowed on a case that
    has ended, so its open appointments can be cleared.

    Side effects: status "cancelled"; a history row; a TRANSITION audit row; the "appointment cancelled" SMS if
    the appointment was still to come."""
    _require(actor)
    locked, _from = _move(actor=actor, appointment=appointment, version=version, to_status=S.CANCELLED,
                          reason=reason, reason_required=True)
    locked.sms = notify.appointment_cancelled(locked) if locked.starts_at > timezone.now() else None
    return locked


@transaction.atomic
def appointment_record_outcome(*, actor, appointment: Appointment, version: int, outcome: str,
                               note: str = "") -> Appointment:
    """Record that a planned appointment was held or missed (``outcome``), once it has begun; ``note`` is optional
    (why it was missed, what was agreed goes into a counselling note).

    Side effects: the status; a history row; a TRANSITION audit row. No SMS."""
    _require(actor)
    if outcome not in (S.HELD, S.MISSED):
        raise ServiceError(_("Please correct the marked fields."),
                           field_errors={"outcome": _("Choose held or missed.")})
    locked, _from = _move(actor=actor, appointment=appointment, version=version, to_status=outcome, reason=note,
                          reason_required=False)
    return locked
