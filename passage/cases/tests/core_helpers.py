"""Small builders shared by the service tests of the case workflow and eligibility (synthetic data only)."""

import datetime

from django.utils import timezone

from passage.cases import services
from passage.cases.enums import CaseStatus, ConsentKind, GovernmentPosition
from passage.cases.models import Case
from passage.testing.factories import CaseFactory, PersonFactory, TravelDocumentFactory

TODAY = timezone.localdate


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def complete_case(counsellor, work_post, *, status=CaseStatus.CONTACT, **person_kwargs) -> Case:
    """A case whose principal has everything an application needs, a valid passport, and eligible answers."""
    principal = PersonFactory(mission=work_post.mission, **person_kwargs)
    TravelDocumentFactory(person=principal)
    case = CaseFactory(work_post=work_post, counsellor=counsellor, principal=principal, status=status,
                       residence_procedure_none=True, government_position=GovernmentPosition.NO_OBJECTION,
                       government_position_on=TODAY() - datetime.timedelta(days=3))
    return case


def move(actor, case: Case, *targets: str, reason: str = "", review_on=None) -> Case:
    for target in targets:
        case = services.case_transition(actor=actor, case=case, to_status=target, reason=reason, review_on=review_on)
    return case


def prepare_checklist(actor, case: Case) -> None:
    """Consents and the vulnerability assessment, so a case with valid documents has a complete checklist."""
    for kind in (ConsentKind.DATA_PROCESSING, ConsentKind.PARTNER_SHARING):
        services.consent_record(actor=actor, case=case, kind=kind, given_on=TODAY())
    services.vulnerabilities_assessed(actor=actor, case=case)


def to_preparation(actor, case: Case) -> Case:
    case = move(actor, case, CaseStatus.APPLICATION, CaseStatus.ELIGIBILITY)
    check = services.eligibility_check_run(actor=actor, case=case)
    assert check.passed, [o.reason for o in check.outcomes.all()]
    return move(actor, case, CaseStatus.PREPARATION)
