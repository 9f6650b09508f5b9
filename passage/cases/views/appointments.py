"""Appointments: on the case page (plan, a new time, cancel, held or missed — each view checks access through the
selectors, 404 outside the scope, validates, calls one service of ``cases.appointments`` and answers) and a
counsellor's agenda, "My appointments", across the cases the viewer sees."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from passage.accounts.enums import Role
from passage.accounts.models import User
from passage.accounts.permissions import Action, user_can
from passage.core.errors import ConcurrentEditError, ServiceError
from passage.messaging.enums import MessageStatus

from .. import appointments as services
from ..enums import AppointmentStatus
from ..forms import (
    AgendaForm,
    AppointmentCancelForm,
    AppointmentOutcomeForm,
    AppointmentPlanForm,
    AppointmentRescheduleForm,
)
from ..selectors import agenda_for, appointment_get_for_user
from .actions import _back, _case_for, _form_page

ANCHOR = "appointments"


def _appointment_for(request, pk, appointment_pk):
    """The case and its appointment if the user sees the case (else 404) and may manage appointments (else 403)."""
    case, appointment = appointment_get_for_user(request.user, pk, appointment_pk)
    if not user_can(request.user, Action.APPOINTMENT_MANAGE):
        raise PermissionDenied
    return case, appointment


def _tell_about_sms(request, sms: list, sent_text: str) -> None:
    """Whether the migrant was told: sent, not sent for want of consent, or no number at all."""
    if not sms:
        messages.info(request, _("No mobile number is recorded for the principal applicant: tell them yourself."))
    elif all(m.status == MessageStatus.BLOCKED for m in sms):
        messages.warning(request, _("The SMS was not sent: no SMS consent is recorded for the principal applicant's "
                                    "number. Tell them yourself."))
    else:
        messages.info(request, sent_text)


def _save_or_show(request, case, form, *, title, url, submit, save, success, sms_text=None):
    """POST: validate, save through ``save`` and go back to the case; else the form again (400, 409 if stale)."""
    if request.method == "POST":
        if form.is_valid():
            try:
                appointment = save(form.cleaned_data)
            except ConcurrentEditError as exc:
                form.add_error(None, exc.message)
                return _form_page(request, case, form, title=title, action_url=url, submit=submit, status=409)
            except ServiceError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, success)
                if sms_text and getattr(appointment, "sms", None) is not None:
                    _tell_about_sms(request, appointment.sms, sms_text)
                return _back(case, ANCHOR)
        return _form_page(request, case, form, title=title, action_url=url, submit=submit, status=400)
    return _form_page(request, case, form, title=title, action_url=url, submit=submit)


@require_http_methods(["GET", "POST"])
def appointment_plan_view(request, pk):
    case = _case_for(request, pk, Action.APPOINTMENT_MANAGE, audit_read=request.method == "GET")
    if request.method == "POST":
        form = AppointmentPlanForm(request.POST, case=case)
    else:
        form = AppointmentPlanForm(case=case, initial={
            "counsellor": case.counsellor_id, "work_post": case.work_post_id, "duration_minutes": 60,
            "date": timezone.now().astimezone(case.mission.tzinfo).date() + datetime.timedelta(days=1)})

    def save(d):
        return services.appointment_plan(
            actor=request.user, case=case, starts_at=d["starts_at"], duration_minutes=d["duration_minutes"],
            purpose=d["purpose"], purpose_detail=d["purpose_detail"], place=d["place"], work_post=d["work_post"],
            location=d["location"], counsellor=d["counsellor"], interpreter_language=d["interpreter_language"],
            bring_documents=d["bring_documents"])

    return _save_or_show(request, case, form, title=_("Plan an appointment"),
                         url=reverse("case-appointment-plan", args=[case.pk]), submit=_("Plan the appointment"),
                         save=save, success=_("The appointment is planned."),
                         sms_text=_("The migrant is told by SMS."))


@require_http_methods(["GET", "POST"])
def appointment_reschedule_view(request, pk, appointment_pk):
    case, appointment = _appointment_for(request, pk, appointment_pk)
    if request.method == "POST":
        form = AppointmentRescheduleForm(request.POST, case=case)
    else:
        form = AppointmentRescheduleForm(case=case, initial=AppointmentRescheduleForm.initial_for(appointment))

    def save(d):
        return services.appointment_reschedule(
            actor=request.user, appointment=appointment, version=d["version"], starts_at=d["starts_at"],
            duration_minutes=d["duration_minutes"], place=d["place"], work_post=d["work_post"],
            location=d["location"], reason=d["reason"])

    return _save_or_show(request, case, form, title=_("Give the appointment a new time or place"),
                         url=reverse("case-appointment-reschedule", args=[case.pk, appointment.pk]),
                         submit=_("Save the new time"), save=save, success=_("The appointment is changed."),
                         sms_text=_("The migrant is told the new time by SMS."))


@require_http_methods(["GET", "POST"])
def appointment_cancel_view(request, pk, appointment_pk):
    case, appointment = _appointment_for(request, pk, appointment_pk)
    form = (AppointmentCancelForm(request.POST) if request.method == "POST"
            else AppointmentCancelForm(initial={"version": appointment.version}))

    def save(d):
        return services.appointment_cancel(actor=request.user, appointment=appointment, version=d["version"],
                                           reason=d["reason"])

    return _save_or_show(request, case, form, title=_("Cancel the appointment"),
                         url=reverse("case-appointment-cancel", args=[case.pk, appointment.pk]),
                         submit=_("Cancel the appointment"), save=save, success=_("The appointment is cancelled."),
                         sms_text=_("The migrant is told by SMS that it is cancelled."))


@require_http_methods(["GET", "POST"])
def appointment_outcome_view(request, pk, appointment_pk):
    case, appointment = _appointment_for(request, pk, appointment_pk)
    form = (AppointmentOutcomeForm(request.POST) if request.method == "POST"
            else AppointmentOutcomeForm(initial={"version": appointment.version,
                                                 "outcome": request.GET.get("outcome", AppointmentStatus.HELD)}))

    def save(d):
        return services.appointment_record_outcome(actor=request.user, appointment=appointment,
                                                   version=d["version"], outcome=d["outcome"], note=d["note"])

    return _save_or_show(request, case, form, title=_("Record whether the appointment was held"),
                         url=reverse("case-appointment-outcome", args=[case.pk, appointment.pk]),
                         submit=_("Record"), save=save, success=_("The outcome is recorded."))


# ---------------------------------------------------------------- the agenda


def _agenda_counsellors(user):
    """Whose agenda the viewer may open: their own; a supervisor or manager any counsellor's of the mission (still
    only the appointments of cases the viewer sees)."""
    if not user_can(user, Action.SUPERVISION_VIEW):
        return [user] if user_can(user, Action.APPOINTMENT_MANAGE) else []
    return list(User.objects.filter(mission_id=user.mission_id, is_active=True,
                                    role__in=[Role.COUNSELLOR, Role.SUPERVISOR]).order_by("last_name", "first_name"))


@require_GET
def my_appointments(request):
    user = request.user
    if not (user_can(user, Action.APPOINTMENT_MANAGE) or user_can(user, Action.SUPERVISION_VIEW)) or (
            user.mission_id is None):
        raise PermissionDenied
    tz = user.mission.tzinfo
    today = timezone.now().astimezone(tz).date()
    form = AgendaForm(request.GET)
    counsellors = _agenda_counsellors(user)
    form.fields["counsellor"].choices = [(c.pk, c.get_full_name() or c.username) for c in counsellors]
    form.is_valid()
    data = form.cleaned_data  # the fields that are valid: a bad counsellor keeps the day asked for, and so on
    day, span = data.get("day") or today, data.get("span") or "week"
    counsellor_id = data.get("counsellor") or (user.pk if any(c.pk == user.pk for c in counsellors) else (
        counsellors[0].pk if counsellors else None))
    first = day - datetime.timedelta(days=day.weekday()) if span == "week" else day
    days = [first + datetime.timedelta(days=i) for i in range(7 if span == "week" else 1)]
    start = datetime.datetime.combine(first, datetime.time(), tzinfo=tz)
    end = datetime.datetime.combine(days[-1] + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)
    rows = list(agenda_for(user, counsellor_id=counsellor_id, start=start, end=end)) if counsellor_id else []
    by_day = {d: [] for d in days}
    for row in rows:
        row.local_start, row.local_end = row.starts_at.astimezone(tz), row.ends_at.astimezone(tz)
        by_day.setdefault(row.local_start.date(), []).append(row)
    step = datetime.timedelta(days=7 if span == "week" else 1)
    return render(request, "cases/appointment_agenda.html", {
        "days": [{"day": d, "rows": by_day[d], "is_today": d == today,
                  "weekend": d.weekday() >= 5} for d in days if by_day[d] or d.weekday() < 5 or span == "day"],
        "span": span, "first": first, "last": days[-1], "today": today, "tz": user.mission.tz,
        "previous": first - step, "next": first + step, "counsellors": counsellors,
        "counsellor_id": counsellor_id, "planned": sum(1 for r in rows if r.status == AppointmentStatus.PLANNED),
        "can_choose": len(counsellors) > 1,
    })

