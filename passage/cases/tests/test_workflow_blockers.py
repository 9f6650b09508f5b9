"""A premature move is refused with a message that lists what is missing, and nothing is written."""

import datetime

import pytest
from django.utils import translation

from passage.cases import services, workflow
from passage.cases.enums import CaseStatus as S
from passage.cases.enums import ConsentKind, GovernmentPosition, Relationship, VulnerabilityKind
from passage.cases.models import Case, StatusChange
from passage.cases.tests.core_helpers import (
    TODAY,
    complete_case,
    fresh,
    move,
    prepare_checklist,
    to_preparation,
)
from passage.core.errors import TransitionRefused
from passage.people.enums import DocumentStatus
from passage.testing.factories import CaseFactory, PersonFactory, TravelDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def refused(actor, case, target, **kwargs) -> TransitionRefused:
    before = fresh(case)
    history = StatusChange.objects.filter(case=case).count()
    with pytest.raises(TransitionRefused) as exc:
        services.case_transition(actor=actor, case=case, to_status=target, **kwargs)
    after = fresh(case)
    assert (after.status, after.version) == (before.status, before.version)
    assert StatusChange.objects.filter(case=case).count() == history
    return exc.value


def test_application_to_eligibility_lists_every_gap(counsellor_a, work_post_a):
    principal = PersonFactory(mission=work_post_a.mission, family_name="Gapper", given_names="Gia", birth_year=None,
                              birth_month=None, birth_day=None, preferred_language_id=None, residence_kind="unknown",
                              nationality=False)
    case = CaseFactory(work_post=work_post_a, counsellor=counsellor_a, principal=principal, status=S.APPLICATION,
                       intended_destination="")
    child = PersonFactory(mission=work_post_a.mission, family_name="Gapper", given_names="Tiko", nationality=False,
                          preferred_language_id=None, residence_kind="unknown")
    services.case_member_add(actor=counsellor_a, case=case, person=child, relationship=Relationship.CHILD)

    error = refused(counsellor_a, case, S.ELIGIBILITY)

    assert error.message == "The case cannot move to “Eligibility” yet. Missing:"
    assert error.details == [
        "Year of birth of GAPPER Gia.",
        "Nationality of GAPPER Gia.",
        "Preferred language of GAPPER Gia.",
        "Where GAPPER Gia lives now.",
        "Nationality of GAPPER Tiko.",
        "The country of return.",
    ]


def test_a_complete_application_has_no_gaps(counsellor_a, work_post_a):
    case = complete_case(counsellor_a, work_post_a, status=S.APPLICATION)
    assert workflow.application_gaps(case) == []
    assert move(counsellor_a, case, S.ELIGIBILITY).status == S.ELIGIBILITY


def test_eligibility_to_preparation_needs_a_check(counsellor_a, work_post_a):
    case = complete_case(counsellor_a, work_post_a, status=S.ELIGIBILITY)
    assert refused(counsellor_a, case, S.PREPARATION).details == ["Run the eligibility check first."]


def test_eligibility_to_preparation_lists_the_failed_rules_of_the_latest_check(counsellor_a, work_post_a):
    case = complete_case(counsellor_a, work_post_a, status=S.ELIGIBILITY, family_name="Objected", given_names="Omar")
    Case.objects.filter(pk=case.pk).update(government_position=GovernmentPosition.OBJECTION,
                                           residence_procedure_none=False)
    check = services.eligibility_check_run(actor=counsellor_a, case=case)
    assert not check.passed

    assert refused(counsellor_a, case, S.PREPARATION).details == [
        "Eligibility not met: The withdrawal of pending residence procedures is not recorded.",
        f"Eligibility not met: The government objects to assisted return (recorded {case.government_position_on}).",
    ]


def test_a_later_passing_check_replaces_a_failed_one(counsellor_a, work_post_a):
    case = complete_case(counsellor_a, work_post_a, status=S.ELIGIBILITY)
    Case.objects.filter(pk=case.pk).update(government_position=GovernmentPosition.NOT_ASKED)
    assert not services.eligibility_check_run(actor=counsellor_a, case=case).passed
    Case.objects.filter(pk=case.pk).update(government_position=GovernmentPosition.NO_OBJECTION)
    assert services.eligibility_check_run(actor=counsellor_a, case=case).passed
    assert move(counsellor_a, case, S.PREPARATION).status == S.PREPARATION


def test_ready_to_depart_lists_the_open_checklist_items(counsellor_a, work_post_a):
    case = complete_case(counsellor_a, work_post_a, family_name="Prepper", given_names="Pavle")
    case = to_preparation(counsellor_a, case)
    spouse = PersonFactory(mission=work_post_a.mission, family_name="Prepper", given_names="Eka", sex="F")
    TravelDocumentFactory(person=spouse, status=DocumentStatus.REQUESTED, number="", number_key="", expires_on=None)
    services.case_member_add(actor=counsellor_a, case=case, person=spouse, relationship=Relationship.SPOUSE)
    services.consent_record(actor=counsellor_a, case=case, kind=ConsentKind.DATA_PROCESSING, given_on=TODAY())

    error = refused(counsellor_a, case, S.READY_TO_DEPART)

    assert error.message == "The case cannot move to “Ready to depart” yet. Missing:"
    assert error.details == [
        "Travel document for PREPPER Eka (no valid travel document held)",
        "Consent to sharing with partners",
        "Vulnerabilities assessed",
    ]


def test_ready_to_depart_once_the_checklist_is_complete(counsellor_a, work_post_a):
    case = to_preparation(counsellor_a, complete_case(counsellor_a, work_post_a))
    prepare_checklist(counsellor_a, case)
    assert move(counsellor_a, case, S.READY_TO_DEPART).status == S.READY_TO_DEPART


def test_a_withdrawn_consent_reopens_the_checklist(counsellor_a, work_post_a):
    case = to_preparation(counsellor_a, complete_case(counsellor_a, work_post_a))
    prepare_checklist(counsellor_a, case)
    consent = case.consents.get(kind=ConsentKind.PARTNER_SHARING)
    services.consent_withdraw(actor=counsellor_a, consent=consent)
    assert refused(counsellor_a, case, S.READY_TO_DEPART).details == ["Consent to sharing with partners"]


@pytest.mark.parametrize("target", [S.WITHDRAWN, S.CLOSED])
def test_ending_a_case_needs_a_reason(counsellor_a, work_post_a, target):
    case = complete_case(counsellor_a, work_post_a)
    assert refused(counsellor_a, case, target, reason="   ").details == ["A reason."]
    assert move(counsellor_a, case, target, reason="Left the country on their own").status == target
    assert StatusChange.objects.filter(case=case).last().reason == "Left the country on their own"


def test_rejection_needs_a_reason_and_a_failed_check(counsellor_a, work_post_a):
    case = complete_case(counsellor_a, work_post_a, status=S.ELIGIBILITY)
    assert refused(counsellor_a, case, S.REJECTED).details == [
        "A case is rejected on a failed eligibility check; the latest check passed or none was run.",
        "A reason.",
    ]
    services.eligibility_check_run(actor=counsellor_a, case=case)
    assert refused(counsellor_a, case, S.REJECTED, reason="Not eligible").details == [
        "A case is rejected on a failed eligibility check; the latest check passed or none was run.",
    ]
    Case.objects.filter(pk=case.pk).update(government_position=GovernmentPosition.OBJECTION)
    services.eligibility_check_run(actor=counsellor_a, case=case)
    assert refused(counsellor_a, case, S.REJECTED).details == ["A reason."]
    assert move(counsellor_a, case, S.REJECTED, reason="The government objects").status == S.REJECTED


def test_on_hold_needs_a_reason_and_a_review_date_in_the_future(counsellor_a, work_post_a):
    case = complete_case(counsellor_a, work_post_a, status=S.APPLICATION)
    assert refused(counsellor_a, case, S.ON_HOLD).details == ["A reason.", "A review date."]
    assert refused(counsellor_a, case, S.ON_HOLD, reason="Hospitalised", review_on=TODAY()).details == [
        "A review date in the future."]
    assert refused(counsellor_a, case, S.ON_HOLD, reason="Hospitalised",
                   review_on=TODAY() - datetime.timedelta(days=1)).details == ["A review date in the future."]


def test_on_hold_reason_longer_than_the_field_is_refused_not_cut(counsellor_a, work_post_a):
    case = complete_case(counsellor_a, work_post_a, status=S.APPLICATION)
    error = refused(counsellor_a, case, S.ON_HOLD, reason="x" * 201, review_on=TODAY() + datetime.timedelta(days=5))
    assert error.details == ["A shorter reason: at most 200 characters."]


def test_on_hold_resumes_only_to_where_it_came_from(counsellor_a, work_post_a):
    case = complete_case(counsellor_a, work_post_a, status=S.APPLICATION)
    review = TODAY() + datetime.timedelta(days=14)
    move(counsellor_a, case, S.ON_HOLD, reason="Awaiting medical report", review_on=review)
    held = fresh(case)
    assert (held.on_hold_from, held.on_hold_reason, held.on_hold_review_on) == (
        S.APPLICATION, "Awaiting medical report", review)
    assert workflow.allowed_targets(held) == [S.APPLICATION, S.WITHDRAWN, S.CLOSED]
    for target in (S.CONTACT, S.ELIGIBILITY, S.PREPARATION, S.READY_TO_DEPART):
        assert refused(counsellor_a, case, target).details[0] == (
            f"A case cannot move from “On hold” to “{S(target).label}”.")
    resumed = move(counsellor_a, case, S.APPLICATION)
    assert (resumed.status, resumed.on_hold_from, resumed.on_hold_reason, resumed.on_hold_review_on) == (
        S.APPLICATION, "", "", None)


def test_unaccompanied_minor_application_needs_the_guardians_consent(counsellor_a, work_post_a):
    case = complete_case(counsellor_a, work_post_a, birth_year=TODAY().year - 15)
    minor = case.members.get().person
    services.vulnerability_record(actor=counsellor_a, case=case, person=minor,
                                  kind=VulnerabilityKind.UNACCOMPANIED_MINOR)
    assert refused(counsellor_a, case, S.APPLICATION).details == [
        "The written consent of the guardian in the host country, before an application of an unaccompanied "
        "minor can be taken."]
    services.consent_record(actor=counsellor_a, case=case, kind=ConsentKind.GUARDIAN_HOST, given_on=TODAY(),
                            given_by_name="Guardianship organisation, mentor J. de Vries")
    assert move(counsellor_a, case, S.APPLICATION).status == S.APPLICATION


def test_a_stale_version_refuses_the_move(counsellor_a, work_post_a):
    case = complete_case(counsellor_a, work_post_a)
    stale = case.version
    services.case_update(actor=counsellor_a, case=case, version=stale, intended_destination="AM")
    with pytest.raises(services.ConcurrentEditError):
        services.case_transition(actor=counsellor_a, case=case, to_status=S.APPLICATION, version=stale)
    assert fresh(case).status == S.CONTACT
