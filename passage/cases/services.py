"""Writes on cases. Each function is one transaction: checks, new state, history and audit rows together."""

import datetime
import hashlib
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.accounts.models import User, WorkPost
from passage.accounts.permissions import Action, user_can
from passage.audit.enums import AuditAction
from passage.audit.services import audit_record, diff_fields
from passage.core.errors import ConcurrentEditError, ServiceError, TransitionRefused
from passage.people.models import Person
from passage.people.services import case_name_tokens_refresh

from . import eligibility, workflow
from .enums import SENSITIVE_VULNERABILITIES, CaseStatus, ConsentKind, Relationship, VulnerabilityKind
from .models import (
    Attachment,
    Case,
    CaseMember,
    CaseNameToken,
    Consent,
    EligibilityCheck,
    EligibilityOutcome,
    FitToTravel,
    Note,
    ReturnGuardian,
    StatusChange,
    Vulnerability,
)


def _audit(actor, action, case: Case, obj=None, summary="", changes=None, person_id=None):
    return audit_record(
        actor=actor, action=action, obj=obj or case, case_id=case.pk, mission_id=case.mission_id,
        person_id=person_id, summary=summary, changes=changes,
    )


def _require(actor, action: Action):
    if not user_can(actor, action):
        raise ServiceError(_("You are not allowed to do this."))


def _check_lengths(model, **values) -> None:
    """Refuse text longer than its column, per field (PostgreSQL would fail the whole save; SQLite would keep it)."""
    errors = {}
    for name, value in values.items():
        limit = model._meta.get_field(name).max_length
        if value and len(value.strip()) > limit:
            errors[name] = _("At most %(n)s characters.") % {"n": limit}
    if errors:
        raise ServiceError(_("Please correct the marked fields."), field_errors=errors)


def _principal_name(person: Person) -> str:
    return f"{person.family_name.upper()}, {person.given_names}".strip(", ")


@transaction.atomic
def case_open(
    *,
    actor,
    principal: Person,
    work_post,
    counsellor=None,
    referral_source: str = "self",
    referral_partner=None,
    contact_on: datetime.date | None = None,
    programme: str = "avrr",
) -> Case:
    """Open a case in status "contact" with ``principal`` as principal applicant.

    Side effects: the case number is assigned; a status-history row (— → contact)
    and a CREATE audit row are written.
    """
    _require(actor, Action.CASE_CREATE)
    return _open(actor=actor, principal=principal, work_post=work_post, counsellor=counsellor or actor,
                 referral_source=referral_source, referral_partner=referral_partner, contact_on=contact_on,
                 programme=programme)


@transaction.atomic
def case_refer(*, partner, principal: Person, work_post, counsellor, via: str, intended_destination: str = "",
               programme: str = "avrr") -> Case:
    """Open the case of a person a partner referred through the partner API (``passage.api``): no staff member
    acts, so the history row has no author and names the partner, and the case remembers for good who referred
    it (``referred_by``). The partner's token decides the work post and the counsellor who take it in.

    Side effects: as ``case_open`` (case number, status-history row — → contact, CREATE audit row without an
    actor whose summary names the partner and ``via``).
    """
    if counsellor.mission_id != work_post.mission_id or not user_can(counsellor, Action.CASE_CREATE):
        raise ServiceError(_("The counsellor who takes in this partner's referrals cannot open cases at the "
                             "work post: an administrator must choose another."))
    if intended_destination:
        _check_lengths(Case, intended_destination=intended_destination)
    return _open(actor=None, principal=principal, work_post=work_post, counsellor=counsellor,
                 referral_source=_referral_source(partner), referral_partner=partner, referred_by=partner,
                 intended_destination=intended_destination, programme=programme,
                 reason=f"referred by {partner.name} ({via})")


def _referral_source(partner) -> str:
    from .enums import ReferralSource

    return partner.kind if partner.kind in ReferralSource.values else ReferralSource.OTHER


def _open(*, actor, principal: Person, work_post, counsellor, referral_source, referral_partner, contact_on=None,
          programme="avrr", referred_by=None, intended_destination="", reason="") -> Case:
    if work_post.mission_id != principal.mission_id:
        raise ServiceError(_("The work post belongs to another mission than the person."))
    now = timezone.now()
    case = Case.objects.create(
        number=f"t{uuid.uuid4().hex[:19]}",  # unique placeholder inside the transaction; fits max_length=20
        programme=programme,
        mission_id=work_post.mission_id,
        work_post=work_post,
        counsellor=counsellor,
        status=CaseStatus.CONTACT,
        status_changed_at=now,
        referral_source=referral_source,
        referral_partner=referral_partner,
        referred_by=referred_by,
        contact_on=contact_on or timezone.localdate(),
        intended_destination=intended_destination,
        principal_name=_principal_name(principal),
    )
    case.number = f"{work_post.mission.code}-{case.contact_on.year}-{case.pk:06d}"
    case.save(update_fields=["number"])
    CaseMember.objects.create(case=case, mission_id=case.mission_id, person=principal, relationship=Relationship.PRINCIPAL)
    case_name_tokens_refresh(case_ids=[case.pk])
    StatusChange.objects.create(case=case, mission_id=case.mission_id, from_status="", to_status=CaseStatus.CONTACT,
                                at=now, by=actor, reason=reason)
    summary = f"opened case {case.number}" + (f", {reason}" if reason else "")
    _audit(actor, AuditAction.CREATE, case, summary=summary, person_id=principal.pk,
           changes={"status": [None, CaseStatus.CONTACT], "work_post": [None, str(work_post)]})
    return case


CASE_EDITABLE = [
    "work_post_id", "counsellor_id", "referral_source", "referral_partner_id", "contact_on", "application_on",
    "intended_destination", "residence_procedure_withdrawn_on", "residence_procedure_none",
    "government_position", "government_position_on",
]


def _editable(fields: dict, allowed: list[str]) -> dict:
    """Accept ``work_post=<WorkPost>`` as well as ``work_post_id=<pk>``; refuse names that are not editable,
    so a caller's typo or a stray form field is not silently dropped."""
    out = {}
    for name, value in fields.items():
        if name not in allowed and f"{name}_id" in allowed:
            name, value = f"{name}_id", getattr(value, "pk", value)
        if name not in allowed:
            raise TypeError(f"not an editable field: {name}")
        out[name] = value
    return out


def _lock(case_or_id, version: int | None = None) -> Case:
    pk = getattr(case_or_id, "pk", case_or_id)
    locked = Case.objects.select_for_update().get(pk=pk)
    if version is not None and locked.version != version:
        raise ConcurrentEditError()
    return locked


def _bump(case: Case, fields: list[str]) -> None:
    case.version = F("version") + 1
    case.save(update_fields=[*fields, "version", "updated_at"])
    case.refresh_from_db(fields=["version", "updated_at"])


@transaction.atomic
def case_update(*, actor, case: Case, version: int, **fields) -> Case:
    """Change the application details of a case, refusing a save on top of someone else's (``version``)."""
    _require(actor, Action.CASE_EDIT)
    locked = _lock(case, version)
    if locked.status in (CaseStatus.CLOSED, CaseStatus.REJECTED, CaseStatus.WITHDRAWN):
        raise ServiceError(_("This case is %(status)s and can no longer be changed.")
                           % {"status": CaseStatus(locked.status).label})
    fields = _editable(fields, CASE_EDITABLE)
    before = {n: getattr(locked, n) for n in CASE_EDITABLE}
    after = {**before, **fields}
    errors = {}
    today = timezone.localdate()
    for name in ("residence_procedure_withdrawn_on", "government_position_on", "contact_on", "application_on"):
        if after[name] and after[name] > today:
            errors[name.removesuffix("_id")] = _("This date cannot be in the future.")
    if after["government_position"] != "not_asked" and not after["government_position_on"]:
        errors["government_position_on"] = _("Give the date the government's position was recorded.")
    if after["work_post_id"] != before["work_post_id"] and not WorkPost.objects.filter(
            pk=after["work_post_id"], mission_id=locked.mission_id).exists():
        errors["work_post"] = _("Choose a work post of this case's mission.")
    if after["counsellor_id"] != before["counsellor_id"] and not User.objects.filter(
            pk=after["counsellor_id"], mission_id=locked.mission_id, is_active=True).exists():
        errors["counsellor"] = _("Choose an active member of staff of this case's mission.")
    if errors:
        raise ServiceError(_("Please correct the marked fields."), field_errors=errors)
    changes = diff_fields(before, after)
    if not changes:
        return locked
    for n, v in after.items():
        setattr(locked, n, v)
    _bump(locked, list(after.keys()))
    if after["work_post_id"] != before["work_post_id"]:
        CaseNameToken.objects.filter(case=locked).update(work_post_id=after["work_post_id"])  # the search follows
    _audit(actor, AuditAction.UPDATE, locked, summary="changed case", changes=changes)
    return locked


@transaction.atomic
def case_member_add(*, actor, case: Case, person: Person, relationship: str) -> CaseMember:
    _require(actor, Action.CASE_EDIT)
    locked = _lock(case)
    if relationship == Relationship.PRINCIPAL:
        raise ServiceError(_("A case has one principal applicant, chosen when it is opened."))
    if person.merged_into_id:
        raise ServiceError(_("This person was merged into another record; add that one instead."))
    if person.mission_id != locked.mission_id:
        raise ServiceError(_("This person is registered with another mission."))
    if locked.members.filter(person=person).exists():
        raise ServiceError(_("This person is already a member of the household."))
    member = CaseMember.objects.create(case=locked, mission_id=locked.mission_id, person=person, relationship=relationship)
    case_name_tokens_refresh(case_ids=[locked.pk])
    _bump(locked, [])
    _audit(actor, AuditAction.CREATE, locked, obj=member, person_id=person.pk,
           summary=f"added household member ({relationship})")
    return member


@transaction.atomic
def case_member_remove(*, actor, member: CaseMember, reason: str) -> None:
    _require(actor, Action.CASE_EDIT)
    locked = _lock(member.case_id)
    if member.relationship == Relationship.PRINCIPAL:
        raise ServiceError(_("The principal applicant cannot be removed from the case."))
    _audit(actor, AuditAction.DELETE, locked, obj=member, person_id=member.person_id,
           summary="removed household member", changes={"reason": [None, reason]})
    member.delete()
    case_name_tokens_refresh(case_ids=[locked.pk])
    _bump(locked, [])


@transaction.atomic
def case_transition(
    *,
    actor,
    case: Case | int,
    to_status: str,
    reason: str = "",
    review_on: datetime.date | None = None,
    version: int | None = None,
) -> Case:
    """The only way a case's status changes.

    Locks the case row, refuses a move that is not in the table or whose
    requirements are not met (the error lists what is missing), and writes the
    new status, a StatusChange row and a TRANSITION audit row in one
    transaction. Two simultaneous moves of one case: the second waits for the
    lock, then finds the status changed and is refused.

    Side effects: entering "application" sets ``application_on``; entering
    "on hold" records where the case was, the reason and the review date;
    "closed" sets ``closed_on``.
    """
    _require(actor, Action.CASE_TRANSITION)
    return _move(actor=actor, locked=_lock(case, version), to_status=to_status, reason=reason, review_on=review_on,
                 system=False)


@transaction.atomic
def case_transition_by_movements(
    *, actor, case: Case | int, to_status: str, reason: str = "", review_on: datetime.date | None = None
) -> Case:
    """The moves that follow a booking (into and out of "booked", to "departed" and "arrived"), made only by
    the services of ``passage.movements`` inside their own transaction, with the same history and audit rows
    as ``case_transition``. Any other move is refused here: it belongs on the case page. The arrival is
    confirmed by the mission in the country of return (``arrival.confirm``), which does not manage bookings."""
    if not (to_status == CaseStatus.ARRIVED and user_can(actor, Action.ARRIVAL_CONFIRM)):
        _require(actor, Action.BOOKING_MANAGE)
    locked = _lock(case)
    if not workflow.is_system_move(locked.status, to_status):
        raise TransitionRefused(_("The case cannot move to “%(to)s” yet. Missing:") % {"to": CaseStatus(to_status).label},
                                details=[_("A case cannot move from “%(from)s” to “%(to)s”.") % {
                                    "from": CaseStatus(locked.status).label, "to": CaseStatus(to_status).label}])
    return _move(actor=actor, locked=locked, to_status=to_status, reason=reason, review_on=review_on, system=True)


def _move(*, actor, locked: Case, to_status: str, reason: str, review_on, system: bool) -> Case:
    """Writes one status move of a locked case: the one place where ``Case.status`` is set."""
    if to_status not in CaseStatus.values:
        raise TransitionRefused(_("Unknown status “%(status)s”.") % {"status": to_status})
    reason = (reason or "").strip()
    blockers = workflow.transition_blockers(locked, to_status, system=system)
    if to_status in workflow.REASON_REQUIRED and not reason:
        blockers.append(_("A reason."))
    # The reason is kept on the history row and, for "on hold", on the case: refuse what would not fit.
    limit = Case._meta.get_field("on_hold_reason").max_length if to_status == CaseStatus.ON_HOLD else (
        StatusChange._meta.get_field("reason").max_length)
    if len(reason) > limit:
        blockers.append(_("A shorter reason: at most %(n)s characters.") % {"n": limit})
    if to_status == CaseStatus.ON_HOLD:
        if not review_on:
            blockers.append(_("A review date."))
        elif review_on <= timezone.localdate():
            blockers.append(_("A review date in the future."))
    if blockers:
        raise TransitionRefused(
            _("The case cannot move to “%(to)s” yet. Missing:") % {"to": CaseStatus(to_status).label},
            details=blockers,
        )
    from_status = locked.status
    now = timezone.now()
    fields = ["status", "status_changed_at"]
    locked.status = to_status
    locked.status_changed_at = now
    if to_status == CaseStatus.ON_HOLD:
        # A booked case put on hold has lost its booking: it resumes at "ready to depart", to be booked again.
        resume_at = CaseStatus.READY_TO_DEPART if from_status == CaseStatus.BOOKED else from_status
        locked.on_hold_from, locked.on_hold_reason, locked.on_hold_review_on = resume_at, reason, review_on
        fields += ["on_hold_from", "on_hold_reason", "on_hold_review_on"]
    elif from_status == CaseStatus.ON_HOLD:
        locked.on_hold_from, locked.on_hold_reason, locked.on_hold_review_on = "", "", None
        fields += ["on_hold_from", "on_hold_reason", "on_hold_review_on"]
    if to_status == CaseStatus.APPLICATION and not locked.application_on:
        locked.application_on = timezone.localdate()
        fields.append("application_on")
    if to_status == CaseStatus.CLOSED:
        locked.closed_on = timezone.localdate()
        fields.append("closed_on")
    _bump(locked, fields)
    StatusChange.objects.create(case=locked, mission_id=locked.mission_id, from_status=from_status, to_status=to_status,
                                at=now, by=actor, reason=reason)
    _audit(actor, AuditAction.TRANSITION, locked, summary=f"{from_status} → {to_status}",
           changes={"status": [from_status, to_status], "reason": [None, reason] if reason else None})
    if locked.referred_by_id:
        _tell_the_referrer(locked, from_status, to_status)
    return locked


def _tell_the_referrer(case: Case, from_status: str, to_status: str) -> None:
    """The partner who referred the case is told, in this transaction, when it is taken on (it leaves "contact"
    for the application) and when it ends (closed, rejected, withdrawn): ids and the status only
    (docs/decisions/0014)."""
    from passage.messaging.enums import PartnerEvent
    from passage.messaging.partners import partner_event
    from passage.reference.models import PartnerLocation

    if from_status == CaseStatus.CONTACT and to_status == CaseStatus.APPLICATION:
        event = PartnerEvent.REFERRAL_ACCEPTED
    elif to_status in (CaseStatus.CLOSED, CaseStatus.REJECTED, CaseStatus.WITHDRAWN):
        event = PartnerEvent.REFERRAL_CLOSED
    else:
        return
    partner_event(event_type=event, mission=case.mission,
                  locations=PartnerLocation.objects.filter(organisation_id=case.referred_by_id),
                  data={"case_id": case.pk, "status": to_status}, cause=f"case:{case.pk}:{to_status}",
                  case_id=case.pk, subject=f"referral/{case.pk}")


@transaction.atomic
def eligibility_check_run(*, actor, case: Case, on: datetime.date | None = None) -> EligibilityCheck:
    """Evaluate every rule in force on ``on`` (default today) and store each outcome with its rule version."""
    _require(actor, Action.ELIGIBILITY_RUN)
    locked = _lock(case)
    on = on or timezone.localdate()
    results = eligibility.evaluate(locked, on)
    if not results:
        raise ServiceError(_("No eligibility rules are in force on %(date)s for this programme.") % {"date": on})
    check = EligibilityCheck.objects.create(case=locked, mission_id=locked.mission_id, checked_on=on, run_at=timezone.now(), run_by=actor,
                                            passed=all(r.passed for r in results))
    EligibilityOutcome.objects.bulk_create([
        EligibilityOutcome(eligibility_check=check, mission_id=check.mission_id, rule=r.rule, rule_code=r.rule.code, passed=r.passed,
                           reason_msgid=r.msgid, reason_params=r.params)
        for r in results
    ])
    _audit(actor, AuditAction.CHECK, locked, obj=check, summary=f"eligibility {'passed' if check.passed else 'failed'}",
           changes={r.rule.code: [None, f"{'pass' if r.passed else 'fail'} (v{r.rule.version})"] for r in results})
    return check


@transaction.atomic
def eligibility_override(*, actor, outcome: EligibilityOutcome, reason: str) -> EligibilityOutcome:
    """A supervisor lets a failed rule pass, with a reason; the override is audited and shown on the case."""
    _require(actor, Action.ELIGIBILITY_OVERRIDE)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Give the reason for the override."),
                           field_errors={"reason": _("Give the reason for the override.")})
    limit = EligibilityOutcome._meta.get_field("override_reason").max_length
    if len(reason) > limit:
        msg = _("At most %(n)s characters.") % {"n": limit}
        raise ServiceError(msg, field_errors={"reason": msg})
    check = outcome.eligibility_check
    locked_case = _lock(check.case_id)
    outcome = EligibilityOutcome.objects.select_for_update().get(pk=outcome.pk)
    if outcome.passed or outcome.overridden_at:
        raise ServiceError(_("Only a failed rule that is not yet overridden can be overridden."))
    latest = locked_case.eligibility_checks.order_by("-run_at", "-id").first()
    if latest.pk != check.pk:
        raise ServiceError(_("A newer eligibility check exists; override a rule of the latest check."))
    outcome.overridden_by, outcome.overridden_at, outcome.override_reason = actor, timezone.now(), reason
    outcome.save(update_fields=["overridden_by", "overridden_at", "override_reason"])
    passed = all(o.effective_pass for o in check.outcomes.all())
    if passed != check.passed:
        EligibilityCheck.objects.filter(pk=check.pk).update(passed=passed)
    _audit(actor, AuditAction.OVERRIDE, locked_case, obj=outcome, summary=f"overrode rule {outcome.rule_code}",
           changes={"reason": [None, reason]})
    return outcome


def _sync_sensitivity(case: Case) -> list[str]:
    kinds = set(case.vulnerabilities.filter(ended_on__isnull=True).values_list("kind", flat=True))
    flags = {
        "is_trafficking": VulnerabilityKind.TRAFFICKING in kinds,
        "is_unaccompanied_minor": VulnerabilityKind.UNACCOMPANIED_MINOR in kinds,
        "is_medical": VulnerabilityKind.MEDICAL in kinds,
    }
    changed = [f for f, v in flags.items() if getattr(case, f) != v]
    for f in changed:
        setattr(case, f, flags[f])
    return changed


@transaction.atomic
def vulnerability_record(
    *, actor, case: Case, person: Person, kind: str, detail: str = "", assessed_on: datetime.date | None = None
) -> Vulnerability:
    """Record a vulnerability of a household member; medical, minor and trafficking make the case sensitive."""
    _require(actor, Action.CASE_EDIT)
    locked = _lock(case)
    if not locked.members.filter(person=person).exists():
        raise ServiceError(_("This person is not a member of the household."))
    _check_lengths(Vulnerability, detail=detail)
    if kind == VulnerabilityKind.OTHER and not detail.strip():
        raise ServiceError(_("Describe the vulnerability."), field_errors={"detail": _("Describe the vulnerability.")})
    assessed_on = assessed_on or timezone.localdate()
    if assessed_on > timezone.localdate():
        raise ServiceError(_("The assessment date cannot be in the future."),
                           field_errors={"assessed_on": _("The assessment date cannot be in the future.")})
    vuln = Vulnerability.objects.create(case=locked, mission_id=locked.mission_id, person=person, kind=kind, detail=detail.strip(),
                                        assessed_on=assessed_on, assessed_by=actor)
    changed = _sync_sensitivity(locked)
    _bump(locked, changed)
    _audit(actor, AuditAction.CREATE, locked, obj=vuln, person_id=person.pk, summary=f"recorded vulnerability {kind}",
           changes={"kind": [None, kind], "sensitive": [None, kind in SENSITIVE_VULNERABILITIES]})
    return vuln


@transaction.atomic
def vulnerability_end(*, actor, vulnerability: Vulnerability, ended_on: datetime.date | None = None) -> Vulnerability:
    _require(actor, Action.CASE_EDIT)
    locked = _lock(vulnerability.case_id)
    vulnerability.ended_on = ended_on or timezone.localdate()
    vulnerability.save(update_fields=["ended_on"])
    changed = _sync_sensitivity(locked)
    _bump(locked, changed)
    _audit(actor, AuditAction.UPDATE, locked, obj=vulnerability, person_id=vulnerability.person_id,
           summary=f"vulnerability {vulnerability.kind} no longer applies")
    return vulnerability


@transaction.atomic
def vulnerabilities_assessed(*, actor, case: Case, on: datetime.date | None = None) -> Case:
    """Record that the household's vulnerabilities were assessed (also when none were found)."""
    _require(actor, Action.CASE_EDIT)
    locked = _lock(case)
    locked.vulnerabilities_assessed_on = on or timezone.localdate()
    locked.vulnerabilities_assessed_by = actor
    _bump(locked, ["vulnerabilities_assessed_on", "vulnerabilities_assessed_by"])
    _audit(actor, AuditAction.UPDATE, locked, summary="vulnerabilities assessed",
           changes={"vulnerabilities_assessed_on": [None, str(locked.vulnerabilities_assessed_on)]})
    return locked


@transaction.atomic
def consent_record(
    *, actor, case: Case, kind: str, given_on: datetime.date, person: Person | None = None, given_by_name: str = ""
) -> Consent:
    _require(actor, Action.CASE_EDIT)
    locked = _lock(case)
    if given_on > timezone.localdate():
        raise ServiceError(_("A consent cannot be dated in the future."),
                           field_errors={"given_on": _("A consent cannot be dated in the future.")})
    _check_lengths(Consent, given_by_name=given_by_name)
    if kind == ConsentKind.GUARDIAN_HOST and not given_by_name.strip():
        raise ServiceError(_("Give the name of the guardian who consented."),
                           field_errors={"given_by_name": _("Give the name of the guardian who consented.")})
    consent = Consent.objects.create(case=locked, mission_id=locked.mission_id, kind=kind, given_on=given_on, person=person,
                                     given_by_name=given_by_name.strip(), recorded_by=actor)
    _bump(locked, [])
    _audit(actor, AuditAction.CREATE, locked, obj=consent, summary=f"recorded consent {kind}")
    return consent


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent) -> Consent:
    _require(actor, Action.CASE_EDIT)
    locked = _lock(consent.case_id)
    consent.withdrawn_on = timezone.localdate()
    consent.save(update_fields=["withdrawn_on"])
    _bump(locked, [])
    _audit(actor, AuditAction.UPDATE, locked, obj=consent, summary=f"consent {consent.kind} withdrawn")
    return consent


@transaction.atomic
def return_guardian_record(
    *, actor, case: Case, minor: Person, name: str, relationship: str, identified_by: str,
    confirmed_on: datetime.date, confirmed_by_mission=None,
) -> ReturnGuardian:
    _require(actor, Action.CASE_EDIT)
    locked = _lock(case)
    if not locked.members.filter(person=minor).exists():
        raise ServiceError(_("This person is not a member of the household."))
    errors = {}
    for field, value in (("name", name), ("relationship", relationship), ("identified_by", identified_by)):
        if not (value or "").strip():
            errors[field] = _("This field is required.")
    for field, value in (("name", name), ("relationship", relationship), ("identified_by", identified_by)):
        limit = ReturnGuardian._meta.get_field(field).max_length
        if value and len(value.strip()) > limit:
            errors[field] = _("At most %(n)s characters.") % {"n": limit}
    if confirmed_on and confirmed_on > timezone.localdate():
        errors["confirmed_on"] = _("This date cannot be in the future.")
    if errors:
        raise ServiceError(_("Please correct the marked fields."), field_errors=errors)
    guardian = ReturnGuardian.objects.create(
        case=locked, mission_id=locked.mission_id, minor=minor, name=name.strip(), relationship=relationship.strip(),
        identified_by=identified_by.strip(), confirmed_on=confirmed_on, confirmed_by_mission=confirmed_by_mission,
        recorded_by=actor,
    )
    _bump(locked, [])
    _audit(actor, AuditAction.CREATE, locked, obj=guardian, person_id=minor.pk, summary="guardian in country of return confirmed")
    return guardian


@transaction.atomic
def fit_to_travel_record(
    *, actor, case: Case, person: Person, fit: bool, statement_on: datetime.date, issued_by: str, conditions: str = ""
) -> FitToTravel:
    _require(actor, Action.DOCUMENT_EDIT)
    locked = _lock(case)
    if not locked.members.filter(person=person).exists():
        raise ServiceError(_("This person is not a member of the household."))
    if statement_on > timezone.localdate():
        raise ServiceError(_("The statement cannot be dated in the future."),
                           field_errors={"statement_on": _("The statement cannot be dated in the future.")})
    _check_lengths(FitToTravel, issued_by=issued_by, conditions=conditions)
    if not issued_by.strip():
        raise ServiceError(_("Give the doctor or service."), field_errors={"issued_by": _("Give the doctor or service.")})
    statement = FitToTravel.objects.create(case=locked, mission_id=locked.mission_id, person=person, fit=fit, statement_on=statement_on,
                                           issued_by=issued_by.strip(), conditions=conditions.strip(), recorded_by=actor)
    _bump(locked, [])
    _audit(actor, AuditAction.CREATE, locked, obj=statement, person_id=person.pk,
           summary=f"fit-to-travel statement ({'fit' if fit else 'not fit'})")
    return statement


@transaction.atomic
def note_add(
    *, actor, case: Case, text: str, written_on: datetime.date | None = None, language=None, interpreter: str = "none"
) -> Note:
    _require(actor, Action.CASE_EDIT)
    locked = _lock(case)
    if not text.strip():
        raise ServiceError(_("The note is empty."), field_errors={"text": _("The note is empty.")})
    written_on = written_on or timezone.localdate()
    if written_on > timezone.localdate():
        raise ServiceError(_("A note cannot be dated in the future."),
                           field_errors={"written_on": _("A note cannot be dated in the future.")})
    note = Note.objects.create(case=locked, mission_id=locked.mission_id, written_on=written_on, author=actor,
                               language_id=getattr(language, "pk", language) or None,
                               interpreter=interpreter, text=text.strip())
    _audit(actor, AuditAction.CREATE, locked, obj=note, summary="added counselling note")
    return note


# Allowed attachment types, recognised by their first bytes, not by the name or the browser's word.
_MAGIC = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


def sniff_content_type(head: bytes) -> str | None:
    for magic, content_type in _MAGIC.items():
        if head.startswith(magic):
            return content_type
    return None


@transaction.atomic
def attachment_add(*, actor, case: Case, kind: str, upload, person: Person | None = None) -> Attachment:
    """Store a scan (PDF, JPEG or PNG, at most ATTACHMENT_MAX_BYTES) outside the database; audited."""
    _require(actor, Action.CASE_EDIT)
    locked = _lock(case)
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        msg = _("The file is too large: at most %(mb)s MB.") % {"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        raise ServiceError(msg, field_errors={"file": msg})
    data = upload.read()
    content_type = sniff_content_type(data[:16])
    if content_type is None:
        msg = _("Only PDF, JPEG and PNG files can be attached.")
        raise ServiceError(msg, field_errors={"file": msg})
    digest = hashlib.sha256(data).hexdigest()
    attachment = Attachment(case=locked, mission_id=locked.mission_id, person=person, kind=kind, original_name=upload.name[:200],
                            content_type=content_type, size=len(data), sha256=digest, uploaded_by=actor)
    attachment.file.save(digest, ContentFile(data), save=False)
    attachment.save()
    _audit(actor, AuditAction.CREATE, locked, obj=attachment, summary=f"attached {kind}",
           changes={"sha256": [None, digest], "size": [None, len(data)]})
    return attachment
