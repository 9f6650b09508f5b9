"""The case page: household, documents, eligibility, checklist, records, timeline and the next moves.

Everything is loaded up front with a fixed number of queries (select_related / prefetch_related), so the
page costs the same whatever the size of the case; the workflow functions reuse what is loaded.
"""

import datetime

from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_countries import countries

from passage.accounts.permissions import Action, user_can

from .. import workflow
from ..enums import CaseStatus, Relationship
from ..models import (
    Appointment,
    AppointmentChange,
    Attachment,
    CaseMember,
    Consent,
    EligibilityCheck,
    EligibilityOutcome,
    FitToTravel,
    Note,
    ReturnGuardian,
    StatusChange,
    Vulnerability,
)
from ..selectors import case_get_for_user

# The main line of the workflow: a move along it is "forward"; the rest are side exits or steps back.
MAIN_LINE = [CaseStatus.CONTACT, CaseStatus.APPLICATION, CaseStatus.ELIGIBILITY, CaseStatus.PREPARATION,
             CaseStatus.READY_TO_DEPART]
ENDED = {CaseStatus.CLOSED, CaseStatus.REJECTED, CaseStatus.WITHDRAWN}


# Relations that are empty on most cases. ``case_detail`` asks the case query whether each has rows (an EXISTS
# per relation, on its case_id index), and the page then skips the query of an empty one.
OPTIONAL_RELATIONS = {
    "vulnerabilities": Vulnerability,
    "consents": Consent,
    "attachments": Attachment,
    "eligibility_checks": EligibilityCheck,
    "return_guardians": ReturnGuardian,
    "fit_to_travel": FitToTravel,
    "appointments": Appointment,
}


def presence_annotations() -> dict:
    return {f"has_{name}": Exists(model.objects.filter(case=OuterRef("pk"))) for name, model in
            OPTIONAL_RELATIONS.items()}


def _prefetch(case, name: str, queryset) -> Prefetch:
    """Prefetch ``name``; with no query at all when the case query said the relation is empty."""
    if getattr(case, f"has_{name}", True) is False:
        queryset = OPTIONAL_RELATIONS[name].objects.none()
    return Prefetch(name, queryset=queryset)


def load_case_page(case) -> None:
    """Load every relation the case page shows, one query per relation (none for a relation known empty)."""
    lookups = [
        Prefetch("members", queryset=CaseMember.objects.select_related("person")),
        "members__person__nationalities",
        "members__person__documents",
        _prefetch(case, "vulnerabilities", Vulnerability.objects.select_related("person", "assessed_by")),
        _prefetch(case, "consents", Consent.objects.select_related("person", "recorded_by")),
        Prefetch("notes", queryset=Note.objects.select_related("author", "language")),
        _prefetch(case, "attachments", Attachment.objects.select_related("person", "uploaded_by")),
        Prefetch("status_changes", queryset=StatusChange.objects.select_related("by")),
        _prefetch(case, "eligibility_checks", EligibilityCheck.objects.select_related("run_by")),
        Prefetch("eligibility_checks__outcomes",
                 queryset=EligibilityOutcome.objects.select_related("rule", "overridden_by")),
        _prefetch(case, "appointments", Appointment.objects.select_related("counsellor", "work_post",
                                                                           "interpreter_language")),
        Prefetch("appointments__changes", queryset=AppointmentChange.objects.select_related("by")),
    ]
    # Guardians and fit-to-travel statements matter for unaccompanied minors and medical cases only.
    if case.is_unaccompanied_minor:
        lookups.append(_prefetch(case, "return_guardians", ReturnGuardian.objects.select_related(
            "minor", "confirmed_by_mission", "recorded_by")))
    if case.is_medical:
        lookups.append(_prefetch(case, "fit_to_travel", FitToTravel.objects.select_related("person", "recorded_by")))
    prefetch_related_objects([case], *lookups)


def _staff(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _sort_key(event) -> tuple:
    """Timed events by their time; a dated event by when it was recorded if that was on the day, else after
    the day's timed events."""
    when = event["when"]
    if event["is_datetime"]:
        local = timezone.localtime(when)
        return (local.date(), local.time())
    if event["recorded_at"] is not None:
        recorded = timezone.localtime(event["recorded_at"])
        if recorded.date() == when:
            return (when, recorded.time())
    return (when, datetime.time.max)


def _appointment_title(change, appointment, tz) -> str:
    when = formats.date_format(change.starts_at.astimezone(tz), "SHORT_DATETIME_FORMAT")
    what = appointment.purpose_display
    if change.kind == AppointmentChange.Kind.RESCHEDULED:
        return _("Appointment moved (%(what)s): %(before)s → %(when)s, %(where)s") % {
            "what": what, "when": when, "where": change.where,
            "before": formats.date_format(change.starts_at_before.astimezone(tz), "SHORT_DATETIME_FORMAT")}
    titles = {
        AppointmentChange.Kind.PLANNED: _("Appointment planned (%(what)s): %(when)s, %(where)s"),
        AppointmentChange.Kind.HELD: _("Appointment held (%(what)s) of %(when)s"),
        AppointmentChange.Kind.MISSED: _("Appointment missed (%(what)s) of %(when)s"),
        AppointmentChange.Kind.CANCELLED: _("Appointment cancelled (%(what)s) of %(when)s"),
    }
    return titles[change.kind] % {"what": what, "when": when, "where": change.where}


def timeline(case, checks) -> list[dict]:
    """Status changes, notes, eligibility checks and overrides, vulnerabilities, appointments and consents, in date
    order."""
    events = []
    tz = case.mission.tzinfo

    def add(when, kind, title, detail="", by=None, recorded_at=None):
        events.append({"when": when, "is_datetime": isinstance(when, datetime.datetime), "kind": kind,
                       "title": title, "detail": detail, "by": _staff(by), "recorded_at": recorded_at})

    for change in case.status_changes.all():
        if change.from_status:
            title = _("Status: %(from)s → %(to)s") % {"from": CaseStatus(change.from_status).label,
                                                         "to": CaseStatus(change.to_status).label}
        else:
            title = _("Case opened (%(status)s)") % {"status": CaseStatus(change.to_status).label}
        add(change.at, "status", title, change.reason, change.by)
    for note in case.notes.all():
        add(note.written_on, "note", _("Counselling note"), note.text, note.author, recorded_at=note.created_at)
    for check in checks:
        add(check.run_at, "check", _("Eligibility check passed") if check.passed else _("Eligibility check failed"),
            _("Rules in force on %(date)s") % {"date": check.checked_on.isoformat()}, check.run_by)
        for outcome in check.outcomes.all():
            if outcome.overridden_at:
                add(outcome.overridden_at, "override",
                    _("Rule overridden: %(rule)s") % {"rule": outcome.rule.get_code_display()},
                    outcome.override_reason, outcome.overridden_by)
    for vuln in case.vulnerabilities.all():
        add(vuln.assessed_on, "vulnerability",
            _("Vulnerability recorded: %(kind)s (%(name)s)") % {"kind": vuln.get_kind_display(), "name": vuln.person},
            vuln.detail, vuln.assessed_by)
        if vuln.ended_on:
            add(vuln.ended_on, "vulnerability",
                _("Vulnerability no longer applies: %(kind)s (%(name)s)") % {"kind": vuln.get_kind_display(),
                                                                             "name": vuln.person})
    for appointment in case.appointments.all():
        for change in appointment.changes.all():
            add(change.at, "appointment", _appointment_title(change, appointment, tz), change.reason, change.by)
    for consent in case.consents.all():
        add(consent.given_on, "consent", _("Consent recorded: %(kind)s") % {"kind": consent.get_kind_display()},
            consent.given_by_name, consent.recorded_by)
        if consent.withdrawn_on:
            add(consent.withdrawn_on, "consent",
                _("Consent withdrawn: %(kind)s") % {"kind": consent.get_kind_display()})
    events.sort(key=_sort_key)
    return events


def appointment_lists(case) -> dict:
    """The case's appointments on the mission's clock: the planned ones soonest first, then the rest newest first;
    each says whether it has begun (held or missed can be recorded) and its local start and end."""
    tz, now = case.mission.tzinfo, timezone.now()
    rows = list(case.appointments.all())
    for row in rows:
        row.mission = case.mission
        row.local_start, row.local_end = row.starts_at.astimezone(tz), row.ends_at.astimezone(tz)
        row.has_begun = row.starts_at <= now
    planned = [r for r in rows if r.is_open]
    rest = sorted((r for r in rows if not r.is_open), key=lambda r: r.starts_at, reverse=True)
    return {"appointments_planned": planned, "appointments_past": rest, "mission_tz": case.mission.tz}


def moves(case) -> list[dict]:
    """The next allowed moves, each with what stands in its way (empty: it may go ahead)."""
    result = []
    for target in workflow.allowed_targets(case):
        forward = (target in MAIN_LINE and case.status in MAIN_LINE
                   and MAIN_LINE.index(target) > MAIN_LINE.index(case.status)) or (
            case.status == CaseStatus.ON_HOLD and target == case.on_hold_from)
        result.append({
            "status": target,
            "label": CaseStatus(target).label,
            "forward": forward,
            "blockers": workflow.transition_blockers(case, target),
            "needs_reason": target in workflow.REASON_REQUIRED,
            "needs_review": target == CaseStatus.ON_HOLD,
        })
    return result


def permissions(user, case) -> dict:
    open_case = case.status not in ENDED
    return {
        "edit": user_can(user, Action.CASE_EDIT) and open_case,
        "record": user_can(user, Action.CASE_EDIT),
        "transition": user_can(user, Action.CASE_TRANSITION),
        "run_check": user_can(user, Action.ELIGIBILITY_RUN) and open_case,
        "override": user_can(user, Action.ELIGIBILITY_OVERRIDE),
        "documents": user_can(user, Action.DOCUMENT_EDIT),
        "journey": user_can(user, Action.BOOKING_VIEW),
        "plan_appointment": user_can(user, Action.APPOINTMENT_MANAGE) and open_case,
        "appointments": user_can(user, Action.APPOINTMENT_MANAGE),
    }


def case_page_context(user, case, **extra) -> dict:
    load_case_page(case)
    members = sorted(case.members.all(), key=lambda m: (m.relationship != Relationship.PRINCIPAL, m.pk))
    checks = list(case.eligibility_checks.all())  # newest first
    latest = checks[0] if checks else None
    context = {
        "case": case,
        "members": members,
        "latest_check": latest,
        "latest_outcomes": list(latest.outcomes.all()) if latest else [],
        "checklist": workflow.preparation_checklist(case),
        "vulnerabilities": list(case.vulnerabilities.all()),
        "consents": list(case.consents.all()),
        "guardians": list(case.return_guardians.all()) if case.is_unaccompanied_minor else None,
        "fit_statements": list(case.fit_to_travel.all()) if case.is_medical else None,
        "notes": list(case.notes.all()),
        "attachments": list(case.attachments.all()),
        **appointment_lists(case),
        "timeline": timeline(case, checks),
        "moves": moves(case),
        "can": permissions(user, case),
        "today": timezone.localdate(),
        "destination": countries.name(case.intended_destination) if case.intended_destination else "",
        "reason_required": workflow.REASON_REQUIRED,
    }
    context.update(extra)
    return context


def render_case_page(request, case, *, status=200, **extra):
    return render(request, "cases/case_detail.html", case_page_context(request.user, case, **extra), status=status)


@require_GET
def case_detail(request, pk):
    case = case_get_for_user(request.user, pk, audit_read=True, annotate=presence_annotations())
    return render_case_page(request, case)
