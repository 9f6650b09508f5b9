"""Who sees which cases and persons. Views obtain records only through these functions.

Scope by role (deny unless listed):
- counsellor: cases of the work posts they work at;
- supervisor: cases of the work posts they supervise and work at;
- manager, operations, movements, reintegration: the whole of their own mission
  (reintegration staff of another mission see hand-overs only: a later part);
- everyone else: no cases.
Sensitive cases (trafficking, unaccompanied minor, medical) are further limited
to the assigned counsellor, a supervisor of the case's work post, and staff
cleared for every sensitive category of the case.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from passage.accounts.enums import Role, SensitiveCategory
from passage.accounts.permissions import MISSION_WIDE_ROLES, Action, user_can
from passage.audit.enums import AuditAction
from passage.audit.services import audit_record
from passage.people.models import Person

from .models import Appointment, Attachment, Case, CaseMember

_CATEGORY_FLAGS = {
    SensitiveCategory.TRAFFICKING: "is_trafficking",
    SensitiveCategory.UNACCOMPANIED_MINOR: "is_unaccompanied_minor",
    SensitiveCategory.MEDICAL: "is_medical",
}


@dataclass(frozen=True)
class CaseScope:
    """The cases a user's role reaches before sensitivity: a mission, and within it some work posts (None: all)."""

    mission_id: int
    work_post_ids: frozenset[int] | None


def case_scope(user) -> CaseScope | None:
    """None: no cases at all."""
    if not user_can(user, Action.CASE_VIEW) or user.mission_id is None:
        return None
    if user.role in MISSION_WIDE_ROLES:
        return CaseScope(user.mission_id, None)
    worked, supervised = user.work_post_ids()
    return CaseScope(user.mission_id, frozenset(worked | supervised if user.role == Role.SUPERVISOR else worked))


def _scope_q(user) -> Q | None:
    scope = case_scope(user)
    if scope is None:
        return None
    if scope.work_post_ids is None:
        return Q(mission_id=scope.mission_id)
    return Q(mission_id=scope.mission_id, work_post_id__in=scope.work_post_ids)


def _sensitive_q(user) -> Q:
    """Cases the user may see as far as sensitivity goes."""
    cleared = user.cleared_categories()
    uncleared_flags = [flag for cat, flag in _CATEGORY_FLAGS.items() if cat not in cleared]
    if not uncleared_flags:
        return Q()
    not_sensitive_for_user = Q()
    for flag in uncleared_flags:
        not_sensitive_for_user &= Q(**{flag: False})
    own = Q(counsellor_id=user.pk)
    if user.role == Role.SUPERVISOR:
        own |= Q(work_post_id__in=user.work_post_ids()[1])
    return not_sensitive_for_user | own


def cases_visible_to(user) -> QuerySet[Case]:
    scope = _scope_q(user)
    if scope is None:
        return Case.objects.none()
    return Case.objects.filter(scope & _sensitive_q(user))


def case_get_for_user(user, pk, *, audit_read: bool = False, annotate: dict | None = None) -> Case:
    """The case if ``user`` may see it, else Http404. With ``audit_read``, a read of a sensitive case is audited.
    ``annotate``: expressions to compute in the same query (the case page asks which relations have rows)."""
    try:
        case = cases_visible_to(user).select_related("work_post", "counsellor", "mission__airport").annotate(
            **(annotate or {})).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404("No such case") from None
    if audit_read and case.is_sensitive:
        with transaction.atomic():
            audit_record(actor=user, action=AuditAction.READ, obj=case, case_id=case.pk, mission_id=case.mission_id,
                         summary=f"read sensitive case {case.number}")
    return case


def persons_visible_to(user) -> QuerySet[Person]:
    """Persons in a case the user sees, and persons of the user's mission not yet in any case (registration)."""
    visible_cases = cases_visible_to(user)
    in_visible = Exists(CaseMember.objects.filter(person=OuterRef("pk"), case__in=visible_cases))
    # A merged duplicate has no memberships left: it is visible where the person it was merged into is,
    # never as an "unattached" person of the mission (that would expose a sensitive case's member).
    survivor_in_visible = Exists(CaseMember.objects.filter(person=OuterRef("merged_into"), case__in=visible_cases))
    q = Q(in_visible) | (Q(merged_into__isnull=False) & Q(survivor_in_visible))
    if user_can(user, Action.CASE_CREATE) and user.mission_id:
        in_any = Exists(CaseMember.objects.filter(person=OuterRef("pk")))
        survivor_in_any = Exists(CaseMember.objects.filter(person=OuterRef("merged_into")))
        q |= Q(mission_id=user.mission_id) & ~Q(in_any) & (Q(merged_into__isnull=True) | ~Q(survivor_in_any))
    return Person.objects.filter(q)


def person_get_for_user(user, pk, *, audit_read: bool = False) -> Person:
    try:
        person = persons_visible_to(user).get(pk=pk)
    except (Person.DoesNotExist, ValueError, TypeError):
        raise Http404("No such person") from None
    if audit_read:
        sensitive_case = cases_visible_to(user).filter(members__person=person).filter(
            Q(is_trafficking=True) | Q(is_unaccompanied_minor=True) | Q(is_medical=True)).first()
        if sensitive_case:
            with transaction.atomic():
                audit_record(actor=user, action=AuditAction.READ, obj=person, person_id=person.pk,
                             case_id=sensitive_case.pk, mission_id=person.mission_id,
                             summary="read person of a sensitive case")
    return person


def attachment_get_for_user(user, case_pk, attachment_pk) -> Attachment:
    case = case_get_for_user(user, case_pk)
    try:
        return case.attachments.get(pk=attachment_pk)
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such attachment") from None


def case_latest_check(case: Case):
    return case.eligibility_checks.prefetch_related("outcomes__rule", "outcomes__overridden_by").order_by(
        "-run_at", "-id").first()


def appointment_get_for_user(user, case_pk, appointment_pk) -> tuple[Case, Appointment]:
    """The case and one of its appointments if ``user`` sees the case, else Http404."""
    case = case_get_for_user(user, case_pk)
    try:
        appointment = case.appointments.select_related("work_post", "counsellor").get(pk=appointment_pk)
    except (Appointment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such appointment") from None
    appointment.case, appointment.mission = case, case.mission
    return case, appointment


def agenda_for(user, *, counsellor_id: int, start, end) -> QuerySet[Appointment]:
    """A counsellor's appointments from ``start`` to ``end`` (aware), limited to the cases ``user`` sees: one
    query, in time order."""
    return (Appointment.objects.filter(counsellor_id=counsellor_id, starts_at__lt=end, ends_at__gt=start,
                                       case__in=cases_visible_to(user))
            .select_related("case", "work_post", "interpreter_language").order_by("starts_at", "id"))
