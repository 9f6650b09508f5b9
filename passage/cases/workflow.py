"""The case workflow: the table of allowed moves, and what each move needs first.

``case_transition`` in services is the only code that changes a case's status;
it asks this module whether a move is allowed and what is still missing.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from passage.people.enums import TRAVEL_DOCUMENT_KINDS

from .enums import CaseStatus as S
from .enums import ConsentKind, Relationship, VulnerabilityKind
from .models import Case

ALLOWED_MOVES: dict[str, frozenset[str]] = {
    S.CONTACT: frozenset({S.APPLICATION, S.ON_HOLD, S.WITHDRAWN, S.CLOSED}),
    S.APPLICATION: frozenset({S.ELIGIBILITY, S.ON_HOLD, S.WITHDRAWN}),
    S.ELIGIBILITY: frozenset({S.PREPARATION, S.APPLICATION, S.REJECTED, S.ON_HOLD, S.WITHDRAWN}),
    S.PREPARATION: frozenset({S.READY_TO_DEPART, S.ELIGIBILITY, S.ON_HOLD, S.WITHDRAWN}),
    S.READY_TO_DEPART: frozenset({S.BOOKED, S.PREPARATION, S.ON_HOLD, S.WITHDRAWN}),
    # A booked case leaves "booked" with its booking: departed, or the booking cancelled / a no-show, after which
    # the case goes back to ready to depart, back to preparation (a document expired), on hold, or is withdrawn.
    S.BOOKED: frozenset({S.DEPARTED, S.READY_TO_DEPART, S.PREPARATION, S.ON_HOLD, S.WITHDRAWN}),
    S.DEPARTED: frozenset({S.ARRIVED, S.CLOSED}),
    S.ARRIVED: frozenset({S.CLOSED}),
    # From on hold a case goes back to where it was (checked against on_hold_from), or ends.
    S.ON_HOLD: frozenset({S.CONTACT, S.APPLICATION, S.ELIGIBILITY, S.PREPARATION, S.READY_TO_DEPART,
                          S.WITHDRAWN, S.CLOSED}),
    S.REJECTED: frozenset({S.CLOSED}),
    S.WITHDRAWN: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}

# Moves that need a reason from the user.
REASON_REQUIRED = frozenset({S.ON_HOLD, S.REJECTED, S.WITHDRAWN, S.CLOSED})

# Statuses that follow a booking: only the movements services move a case into them, and a case in "booked"
# moves only with its booking. The case page never offers these moves; ``case_transition`` refuses them.
SYSTEM_STATUSES = frozenset({S.BOOKED, S.DEPARTED, S.ARRIVED})


def is_system_move(from_status: str, to_status: str) -> bool:
    return to_status in SYSTEM_STATUSES or from_status == S.BOOKED


def allowed_targets(case: Case, *, system: bool = False) -> list[str]:
    """The statuses ``case`` may move to; without ``system``, only the moves staff make on the case page."""
    targets = ALLOWED_MOVES[case.status]
    if case.status == S.ON_HOLD:
        targets = {t for t in targets if t in (case.on_hold_from, S.WITHDRAWN, S.CLOSED)}
    if not system:
        targets = {t for t in targets if not is_system_move(case.status, t)}
    order = list(S.values)
    return sorted(targets, key=order.index)


@dataclass
class ChecklistItem:
    key: str
    label: str
    done: bool
    detail: str = ""


def _person_label(person) -> str:
    return f"{person.family_name.upper()} {person.given_names}".strip()


def _loaded(case: Case, relation: str, queryset):
    """The relation's rows as the caller prefetched them (the case page loads each relation once), else ``queryset``."""
    if relation in getattr(case, "_prefetched_objects_cache", {}):
        return list(getattr(case, relation).all())
    return list(queryset)


def _latest_check(case: Case):
    checks = _loaded(case, "eligibility_checks", case.eligibility_checks.order_by("-run_at", "-id")[:1])
    return checks[0] if checks else None


def preparation_checklist(case: Case) -> list[ChecklistItem]:
    """What must be in place before the case is ready to depart, derived from the case as it is now."""
    today = timezone.localdate()
    items: list[ChecklistItem] = []
    members = _loaded(case, "members", case.members.select_related("person").prefetch_related("person__documents"))
    for member in members:
        person = member.person
        docs = [d for d in person.documents.all() if d.kind in TRAVEL_DOCUMENT_KINDS]
        valid = [d for d in docs if d.valid_on(today)]
        detail = str(valid[0]) if valid else _("no valid travel document held")
        items.append(ChecklistItem(f"document-{person.pk}", _("Travel document for %(name)s") % {"name": _person_label(person)},
                                   bool(valid), detail))
    consents = {c.kind for c in case.consents.all() if c.withdrawn_on is None}
    items.append(ChecklistItem("consent-data", _("Consent to data processing"), ConsentKind.DATA_PROCESSING in consents))
    items.append(ChecklistItem("consent-sharing", _("Consent to sharing with partners"),
                               ConsentKind.PARTNER_SHARING in consents))
    items.append(ChecklistItem("vulnerabilities", _("Vulnerabilities assessed"), case.vulnerabilities_assessed_on is not None,
                               case.vulnerabilities_assessed_on.isoformat() if case.vulnerabilities_assessed_on else ""))
    active = [v for v in _loaded(case, "vulnerabilities", case.vulnerabilities.select_related("person"))
              if v.ended_on is None]
    minors = {v.person_id: v.person for v in active if v.kind == VulnerabilityKind.UNACCOMPANIED_MINOR}
    if minors:
        items.append(ChecklistItem("guardian-host", _("Written consent of the guardian in the host country"),
                                   ConsentKind.GUARDIAN_HOST in consents))
        confirmed = {g.minor_id for g in case.return_guardians.all()}
        for pid, person in minors.items():
            items.append(ChecklistItem(f"guardian-return-{pid}",
                                       _("Guardian in the country of return confirmed for %(name)s") % {"name": _person_label(person)},
                                       pid in confirmed))
    medical = {v.person_id: v.person for v in active if v.kind == VulnerabilityKind.MEDICAL}
    if medical:
        # The latest statement per person counts: a later "not fit" overrides an earlier "fit".
        latest: dict[int, bool] = {}
        statements = _loaded(case, "fit_to_travel", case.fit_to_travel.all())
        for statement in sorted(statements, key=lambda f: (f.statement_on, f.pk)):
            latest[statement.person_id] = statement.fit
        fit = {pid for pid, is_fit in latest.items() if is_fit}
        for pid, person in medical.items():
            items.append(ChecklistItem(f"fit-{pid}", _("Fit-to-travel statement for %(name)s") % {"name": _person_label(person)},
                                       pid in fit))
    return items


def application_gaps(case: Case) -> list[str]:
    """What the application still lacks before eligibility can be checked."""
    gaps = []
    members = _loaded(case, "members", case.members.select_related("person").prefetch_related("person__nationalities"))
    if not any(m.relationship == Relationship.PRINCIPAL for m in members):
        gaps.append(_("The case has no principal applicant."))
    for m in members:
        p = m.person
        if not p.birth_year:
            gaps.append(_("Year of birth of %(name)s.") % {"name": _person_label(p)})
        if not p.nationalities.all():
            gaps.append(_("Nationality of %(name)s.") % {"name": _person_label(p)})
        if m.relationship == Relationship.PRINCIPAL:
            if not p.preferred_language_id:
                gaps.append(_("Preferred language of %(name)s.") % {"name": _person_label(p)})
            if p.residence_kind == "unknown":
                gaps.append(_("Where %(name)s lives now.") % {"name": _person_label(p)})
    if not case.intended_destination:
        gaps.append(_("The country of return."))
    return gaps


def transition_blockers(case: Case, target: str, *, system: bool = False) -> list[str]:
    """Everything that stands in the way of moving ``case`` to ``target``; empty means the move may go ahead.
    ``system``: the move is made by a movements service (a booking, a departure), not from the case page."""
    if not system and target in ALLOWED_MOVES[case.status] and is_system_move(case.status, target):
        if case.status == S.BOOKED:
            return [_("A booked case moves with its booking: cancel the booking or confirm the departure.")]
        return [_("A case moves to “%(to)s” only through its booking, not by hand.") % {"to": S(target).label}]
    if target not in allowed_targets(case, system=system):
        return [_("A case cannot move from “%(from)s” to “%(to)s”.") % {"from": S(case.status).label, "to": S(target).label}]
    if target == S.APPLICATION and case.is_unaccompanied_minor:
        if not case.consents.filter(kind=ConsentKind.GUARDIAN_HOST, withdrawn_on__isnull=True).exists():
            return [_("The written consent of the guardian in the host country, before an application of an "
                      "unaccompanied minor can be taken.")]
    if target == S.ELIGIBILITY and case.status == S.APPLICATION:
        return application_gaps(case)
    if target == S.PREPARATION and case.status == S.ELIGIBILITY:
        check = _latest_check(case)
        if check is None:
            return [_("Run the eligibility check first.")]
        failed = [o for o in check.outcomes.all() if not o.effective_pass]
        return [_("Eligibility not met: %(reason)s") % {"reason": o.reason} for o in failed]
    if target == S.REJECTED:
        check = _latest_check(case)
        if check is None or check.passed:
            return [_("A case is rejected on a failed eligibility check; the latest check passed or none was run.")]
    if target == S.READY_TO_DEPART:
        return [item.label + (f" ({item.detail})" if item.detail else "")
                for item in preparation_checklist(case) if not item.done]
    return []
