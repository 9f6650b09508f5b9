"""Eligibility is a stored record: each rule's outcome, reason and the rule version in force on the check date."""

import datetime

import pytest
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passage.audit.models import AuditEvent
from passage.cases import services
from passage.cases.eligibility import _subtract_years, rules_in_force
from passage.cases.enums import CaseStatus as S
from passage.cases.enums import GovernmentPosition
from passage.cases.models import AssistedDeparture, Case, EligibilityCheck
from passage.cases.tests.core_helpers import TODAY, complete_case, move
from passage.core.errors import ServiceError
from passage.people.enums import DocumentStatus, IdentifierKind
from passage.people.models import Identifier, Person
from passage.reference.enums import RuleCode
from passage.reference.models import EligibilityRule, ExcludedCountry
from passage.testing.factories import PersonFactory, TravelDocumentFactory

pytestmark = pytest.mark.django_db

R = RuleCode
ALL_RULES = [R.NO_PRIOR_ASSISTED_RETURN, R.NATIONALITY_NOT_EXCLUDED, R.TRAVEL_DOCUMENT,
             R.RESIDENCE_PROCEDURE_WITHDRAWN, R.NO_GOVERNMENT_OBJECTION]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def v1(code) -> EligibilityRule:
    return EligibilityRule.objects.get(programme="avrr", code=code, version=1)


def outcomes(check: EligibilityCheck) -> dict[str, tuple[bool, str, int]]:
    return {o.rule_code: (o.passed, o.reason, o.rule.version) for o in check.outcomes.select_related("rule")}


@pytest.fixture
def case(counsellor_a, work_post_a):
    return complete_case(counsellor_a, work_post_a, family_name="Beridze", given_names="Nino", sex="F")


def depart(person, years_ago=0, days_ago=0, by="organisation"):
    day = _subtract_years(TODAY(), years_ago) - datetime.timedelta(days=days_ago)
    return AssistedDeparture.objects.create(person=person, mission_id=person.mission_id, departed_on=day, assisted_by=by, source="synthetic")


def test_a_case_that_meets_every_rule_passes_with_each_reason_and_version(counsellor_a, case):
    check = services.eligibility_check_run(actor=counsellor_a, case=case)
    since = _subtract_years(TODAY(), 5).isoformat()
    assert (check.passed, check.checked_on, check.run_by) == (True, TODAY(), counsellor_a)
    assert list(check.outcomes.values_list("rule_code", flat=True)) == ALL_RULES
    assert outcomes(check) == {
        R.NO_PRIOR_ASSISTED_RETURN: (True, f"No assisted departure of any member since {since}.", 1),
        R.NATIONALITY_NOT_EXCLUDED: (True, f"No member's nationality is on the excluded-country list on {TODAY()}.", 1),
        R.TRAVEL_DOCUMENT: (True, "Every member holds a valid travel document or has requested one.", 1),
        R.RESIDENCE_PROCEDURE_WITHDRAWN: (True, "No residence procedure is pending.", 1),
        R.NO_GOVERNMENT_OBJECTION: (
            True, f"The government has no objection (recorded {case.government_position_on}).", 1),
    }
    assert {o.rule_id for o in check.outcomes.all()} == {v1(code).pk for code in ALL_RULES}


def test_each_rule_fails_with_its_reason(counsellor_a, case):
    person = case.members.get().person
    departure = depart(person, years_ago=2, by="government")
    ExcludedCountry.objects.create(country="GE", reason="Safe country of origin", valid_from=datetime.date(2024, 3, 1))
    person.documents.update(expires_on=TODAY() - datetime.timedelta(days=1))
    Case.objects.filter(pk=case.pk).update(residence_procedure_none=False, government_position=GovernmentPosition.NOT_ASKED)

    check = services.eligibility_check_run(actor=counsellor_a, case=case)

    assert check.passed is False
    assert outcomes(check) == {
        R.NO_PRIOR_ASSISTED_RETURN: (
            False, f"BERIDZE Nino departed with assistance of the government on {departure.departed_on}, within the last "
                   "5 years.", 1),
        R.NATIONALITY_NOT_EXCLUDED: (
            False, "BERIDZE Nino has the nationality of Georgia, which is on the excluded-country list since 2024-03-01 "
                   "(Safe country of origin).", 1),
        R.TRAVEL_DOCUMENT: (False, "No valid travel document held or requested for: BERIDZE Nino.", 1),
        R.RESIDENCE_PROCEDURE_WITHDRAWN: (False, "The withdrawal of pending residence procedures is not recorded.", 1),
        R.NO_GOVERNMENT_OBJECTION: (False, "The government's position is not recorded yet.", 1),
    }


def test_procedures_withdrawn_on_a_date_pass_from_that_date(counsellor_a, case):
    withdrawn = TODAY() - datetime.timedelta(days=30)
    Case.objects.filter(pk=case.pk).update(residence_procedure_none=False, residence_procedure_withdrawn_on=withdrawn)
    check = services.eligibility_check_run(actor=counsellor_a, case=case)
    assert outcomes(check)[R.RESIDENCE_PROCEDURE_WITHDRAWN] == (True, f"Residence procedures withdrawn on {withdrawn}.", 1)
    earlier = services.eligibility_check_run(actor=counsellor_a, case=case, on=withdrawn - datetime.timedelta(days=1))
    assert outcomes(earlier)[R.RESIDENCE_PROCEDURE_WITHDRAWN][0] is False


def test_a_government_objection_fails_with_its_date(counsellor_a, case):
    Case.objects.filter(pk=case.pk).update(government_position=GovernmentPosition.OBJECTION,
                                           government_position_on=datetime.date(2026, 1, 5))
    check = services.eligibility_check_run(actor=counsellor_a, case=case)
    assert outcomes(check)[R.NO_GOVERNMENT_OBJECTION] == (
        False, "The government objects to assisted return (recorded 2026-01-05).", 1)


def test_a_departure_just_outside_the_look_back_does_not_count(counsellor_a, case):
    person = case.members.get().person
    depart(person, years_ago=5, days_ago=1)
    assert services.eligibility_check_run(actor=counsellor_a, case=case).passed
    depart(person, years_ago=5)
    assert outcomes(services.eligibility_check_run(actor=counsellor_a, case=case))[R.NO_PRIOR_ASSISTED_RETURN][0] is False


def test_any_member_failing_fails_the_household(counsellor_a, work_post_a, case):
    child = PersonFactory(mission=work_post_a.mission, family_name="Beridze", given_names="Luka", birth_year=2017)
    services.case_member_add(actor=counsellor_a, case=case, person=child, relationship="child")
    TravelDocumentFactory(person=child, status=DocumentStatus.REQUESTED, number="", number_key="", expires_on=None)
    assert services.eligibility_check_run(actor=counsellor_a, case=case).passed
    depart(child, years_ago=1)
    check = services.eligibility_check_run(actor=counsellor_a, case=case)
    assert outcomes(check)[R.NO_PRIOR_ASSISTED_RETURN][1].startswith("BERIDZE Luka departed with assistance")


# --- rule versions in force on the check date ---------------------------------------------------------------

def test_a_newer_rule_version_applies_from_its_date_and_older_checks_keep_theirs(counsellor_a, case):
    switch = TODAY() - datetime.timedelta(days=100)
    v2 = EligibilityRule.objects.create(programme="avrr", code=R.NO_PRIOR_ASSISTED_RETURN, version=2,
                                        lookback_years=2, valid_from=switch, note="Shorter look-back")
    depart(case.members.get().person, years_ago=3)

    before = services.eligibility_check_run(actor=counsellor_a, case=case, on=switch - datetime.timedelta(days=1))
    after = services.eligibility_check_run(actor=counsellor_a, case=case, on=switch)

    assert outcomes(before)[R.NO_PRIOR_ASSISTED_RETURN][::2] == (False, 1)
    assert outcomes(after)[R.NO_PRIOR_ASSISTED_RETURN] == (
        True, f"No assisted departure of any member since {_subtract_years(switch, 2)}.", 2)
    assert after.outcomes.get(rule_code=R.NO_PRIOR_ASSISTED_RETURN).rule == v2
    assert (before.passed, after.passed) == (False, True)


def test_a_rule_switched_off_for_a_period_is_not_evaluated(counsellor_a, case):
    switch = TODAY() - datetime.timedelta(days=10)
    EligibilityRule.objects.create(programme="avrr", code=R.NO_GOVERNMENT_OBJECTION, version=2, active=False,
                                   valid_from=switch)
    Case.objects.filter(pk=case.pk).update(government_position=GovernmentPosition.NOT_ASKED)
    assert [r.code for r in rules_in_force("avrr", TODAY())] == ALL_RULES[:4]
    check = services.eligibility_check_run(actor=counsellor_a, case=case)
    assert (check.passed, list(check.outcomes.values_list("rule_code", flat=True))) == (True, ALL_RULES[:4])
    old = services.eligibility_check_run(actor=counsellor_a, case=case, on=switch - datetime.timedelta(days=1))
    assert (old.passed, outcomes(old)[R.NO_GOVERNMENT_OBJECTION][0]) == (False, False)


def test_excluded_country_counts_only_while_in_force(counsellor_a, case):
    start, end = TODAY() - datetime.timedelta(days=60), TODAY() - datetime.timedelta(days=20)
    ExcludedCountry.objects.create(country="GE", reason="Visa-free travel", valid_from=start, valid_to=end)
    ExcludedCountry.objects.create(country="AM", reason="Other country", valid_from=datetime.date(2001, 1, 1))

    def excluded_on(day):
        return outcomes(services.eligibility_check_run(actor=counsellor_a, case=case, on=day))[
            R.NATIONALITY_NOT_EXCLUDED][0] is False

    assert [excluded_on(start - datetime.timedelta(days=1)), excluded_on(start), excluded_on(end),
            excluded_on(end + datetime.timedelta(days=1)), excluded_on(TODAY())] == [False, True, True, False, False]


def test_any_nationality_of_a_dual_national_can_exclude(counsellor_a, case):
    person = case.members.get().person
    person.nationalities.create(mission_id=person.mission_id, country="AM")
    ExcludedCountry.objects.create(country="AM", reason="Safe country", valid_from=datetime.date(2020, 1, 1))
    assert outcomes(services.eligibility_check_run(actor=counsellor_a, case=case))[R.NATIONALITY_NOT_EXCLUDED][1] == (
        "BERIDZE Nino has the nationality of Armenia, which is on the excluded-country list since 2020-01-01 "
        "(Safe country).")


def test_no_rules_in_force_is_refused(counsellor_a, case):
    with pytest.raises(ServiceError) as exc:
        services.eligibility_check_run(actor=counsellor_a, case=case, on=datetime.date(1999, 12, 31))
    assert exc.value.message == "No eligibility rules are in force on 1999-12-31 for this programme."
    assert not EligibilityCheck.objects.exists()


# --- the 5-year rule across every record of the same person -------------------------------------------------

def test_five_year_rule_sees_a_departure_of_a_person_merged_into_a_member(counsellor_a, supervisor_a, work_post_a, case):
    member = case.members.get().person
    old_record = PersonFactory(mission=work_post_a.mission, family_name="Beridse", given_names="Nina")
    depart(old_record, years_ago=3)
    assert services.eligibility_check_run(actor=counsellor_a, case=case).passed
    from passage.people.services import person_merge

    person_merge(actor=supervisor_a, survivor=member, duplicate=old_record, reason="Same passport photo")
    assert outcomes(services.eligibility_check_run(actor=counsellor_a, case=case))[R.NO_PRIOR_ASSISTED_RETURN][0] is False


def test_five_year_rule_sees_a_departure_left_on_a_merged_record(counsellor_a, work_post_a, case):
    member = case.members.get().person
    old_record = PersonFactory(mission=work_post_a.mission, merged_into=member)
    depart(old_record, years_ago=1)
    assert outcomes(services.eligibility_check_run(actor=counsellor_a, case=case))[R.NO_PRIOR_ASSISTED_RETURN][0] is False


def test_five_year_rule_sees_a_person_with_the_same_document_number(counsellor_a, work_post_a, case):
    member = case.members.get().person
    passport = member.documents.get()
    other = PersonFactory(mission=work_post_a.mission, family_name="Unrelated", given_names="Name")
    TravelDocumentFactory(person=other, number=passport.number.lower(), number_key=passport.number_key,
                          issuing_country=passport.issuing_country, expires_on=datetime.date(2019, 1, 1))
    depart(other, years_ago=4)
    assert outcomes(services.eligibility_check_run(actor=counsellor_a, case=case))[R.NO_PRIOR_ASSISTED_RETURN][0] is False


def test_the_same_number_from_another_issuing_country_is_another_document(counsellor_a, work_post_a, case):
    passport = case.members.get().person.documents.get()
    other = PersonFactory(mission=work_post_a.mission)
    TravelDocumentFactory(person=other, number=passport.number, number_key=passport.number_key, issuing_country="AM")
    depart(other, years_ago=1)
    assert services.eligibility_check_run(actor=counsellor_a, case=case).passed


def test_five_year_rule_sees_a_person_with_the_same_identifier(counsellor_a, work_post_a, case):
    member = case.members.get().person
    Identifier.objects.create(person=member, mission_id=member.mission_id, kind=IdentifierKind.FOREIGNER_NUMBER, value="1234567890")
    other = PersonFactory(mission=work_post_a.mission)
    Identifier.objects.create(person=other, mission_id=other.mission_id, kind=IdentifierKind.RETURN_SERVICE_REF, value="1234567890")
    depart(other, years_ago=1)
    assert services.eligibility_check_run(actor=counsellor_a, case=case).passed  # another kind of number
    merged = PersonFactory(mission=work_post_a.mission, merged_into=other)
    depart(merged, years_ago=1)
    assert services.eligibility_check_run(actor=counsellor_a, case=case).passed
    other.identifiers.create(mission_id=other.mission_id, kind=IdentifierKind.OTHER, value="X-1")
    Identifier.objects.filter(person=other, kind=IdentifierKind.RETURN_SERVICE_REF).update(
        kind=IdentifierKind.FOREIGNER_NUMBER, value="1234567891")
    assert services.eligibility_check_run(actor=counsellor_a, case=case).passed


def test_five_year_rule_follows_a_chain_of_matches(counsellor_a, work_post_a, case):
    """Member shares a passport with record B; B shares a foreigner's number with record C, which departed."""
    from passage.people.services import person_ids_matching

    member = case.members.get().person
    passport = member.documents.get()
    record_b = PersonFactory(mission=work_post_a.mission)
    TravelDocumentFactory(person=record_b, number=passport.number, number_key=passport.number_key,
                          issuing_country=passport.issuing_country)
    Identifier.objects.create(person=record_b, mission_id=record_b.mission_id, kind=IdentifierKind.FOREIGNER_NUMBER, value="5550001112")
    record_c = PersonFactory(mission=work_post_a.mission)
    Identifier.objects.create(person=record_c, mission_id=record_c.mission_id, kind=IdentifierKind.OTHER, value="5550001112")  # other kind: no match
    record_d = PersonFactory(mission=work_post_a.mission, merged_into=record_b)
    assert person_ids_matching([member.pk]) == {member.pk, record_b.pk, record_d.pk}
    depart(record_d, years_ago=2)
    assert outcomes(services.eligibility_check_run(actor=counsellor_a, case=case))[R.NO_PRIOR_ASSISTED_RETURN][0] is False


# --- every combination of the inputs -------------------------------------------------------------------------

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    departure=st.sampled_from(["none", "inside", "outside"]),
    excluded=st.booleans(),
    document=st.sampled_from(["held", "requested", "none", "expired"]),
    procedure=st.sampled_from(["withdrawn", "none", "pending"]),
    position=st.sampled_from(GovernmentPosition.values),
)
def test_the_check_passes_exactly_when_every_rule_passes(
    counsellor_a, work_post_a, departure, excluded, document, procedure, position
):
    with transaction.atomic():
        person = PersonFactory(mission=work_post_a.mission, nationality="IQ")
        case = complete_case(counsellor_a, work_post_a)
        case.members.all().delete()
        case.members.create(mission_id=case.mission_id, person=person, relationship="principal")
        if departure != "none":
            depart(person, years_ago=4 if departure == "inside" else 6)
        if excluded:
            ExcludedCountry.objects.create(country="IQ", reason="Excluded", valid_from=datetime.date(2010, 1, 1))
        if document == "held":
            TravelDocumentFactory(person=person)
        elif document == "requested":
            TravelDocumentFactory(person=person, status=DocumentStatus.REQUESTED, number="", number_key="",
                                  expires_on=None)
        elif document == "expired":
            TravelDocumentFactory(person=person, expires_on=TODAY() - datetime.timedelta(days=1))
        Case.objects.filter(pk=case.pk).update(
            residence_procedure_none=procedure == "none",
            residence_procedure_withdrawn_on=TODAY() - datetime.timedelta(days=3) if procedure == "withdrawn" else None,
            government_position=position,
            government_position_on=None if position == GovernmentPosition.NOT_ASKED else TODAY(),
        )

        check = services.eligibility_check_run(actor=counsellor_a, case=case)

        expected = {
            R.NO_PRIOR_ASSISTED_RETURN: departure != "inside",
            R.NATIONALITY_NOT_EXCLUDED: not excluded,
            R.TRAVEL_DOCUMENT: document in ("held", "requested"),
            R.RESIDENCE_PROCEDURE_WITHDRAWN: procedure in ("withdrawn", "none"),
            R.NO_GOVERNMENT_OBJECTION: position == GovernmentPosition.NO_OBJECTION,
        }
        assert {code: passed for code, (passed, _r, _v) in outcomes(check).items()} == expected
        assert check.passed is all(expected.values())
        transaction.set_rollback(True)


# --- supervisor override -------------------------------------------------------------------------------------

@pytest.fixture
def failed_check(counsellor_a, case):
    Case.objects.filter(pk=case.pk).update(status=S.ELIGIBILITY, government_position=GovernmentPosition.NOT_ASKED)
    check = services.eligibility_check_run(actor=counsellor_a, case=case)
    assert not check.passed
    return check


def test_a_supervisor_override_lets_the_failed_rule_pass_and_is_audited(supervisor_a, counsellor_a, case, failed_check):
    outcome = failed_check.outcomes.get(rule_code=R.NO_GOVERNMENT_OBJECTION)
    audits = set(AuditEvent.objects.values_list("pk", flat=True))

    services.eligibility_override(actor=supervisor_a, outcome=outcome, reason="  Ministry confirmed by phone  ")

    outcome.refresh_from_db()
    failed_check.refresh_from_db()
    assert (outcome.passed, outcome.effective_pass, outcome.overridden_by, outcome.override_reason) == (
        False, True, supervisor_a, "Ministry confirmed by phone")
    assert failed_check.passed is True
    [event] = AuditEvent.objects.exclude(pk__in=audits)
    assert (event.action, event.actor, event.case_id, event.object_type, event.object_id, event.changes) == (
        "override", supervisor_a, case.pk, "cases.eligibilityoutcome", str(outcome.pk),
        {"reason": [None, "Ministry confirmed by phone"]})
    assert move(counsellor_a, case, S.PREPARATION).status == S.PREPARATION


def test_overriding_one_of_two_failed_rules_leaves_the_check_failed(supervisor_a, case, failed_check):
    Case.objects.filter(pk=case.pk).update(residence_procedure_none=False)
    check = services.eligibility_check_run(actor=supervisor_a, case=case)
    services.eligibility_override(actor=supervisor_a, outcome=check.outcomes.get(rule_code=R.NO_GOVERNMENT_OBJECTION),
                                  reason="Confirmed")
    check.refresh_from_db()
    assert check.passed is False


def test_a_counsellor_cannot_override(counsellor_a, failed_check):
    outcome = failed_check.outcomes.get(rule_code=R.NO_GOVERNMENT_OBJECTION)
    with pytest.raises(ServiceError) as exc:
        services.eligibility_override(actor=counsellor_a, outcome=outcome, reason="I think it is fine")
    assert exc.value.message == "You are not allowed to do this."
    outcome.refresh_from_db()
    assert (outcome.overridden_at, fresh_check(failed_check).passed) == (None, False)
    assert not AuditEvent.objects.filter(action="override").exists()


def fresh_check(check):
    return EligibilityCheck.objects.get(pk=check.pk)


@pytest.mark.parametrize("reason", ["", "   "])
def test_an_override_needs_a_reason(supervisor_a, failed_check, reason):
    outcome = failed_check.outcomes.get(rule_code=R.NO_GOVERNMENT_OBJECTION)
    with pytest.raises(ServiceError) as exc:
        services.eligibility_override(actor=supervisor_a, outcome=outcome, reason=reason)
    assert exc.value.field_errors == {"reason": "Give the reason for the override."}
    assert fresh_check(failed_check).passed is False


def test_an_override_on_an_older_check_is_refused(supervisor_a, counsellor_a, case, failed_check):
    services.eligibility_check_run(actor=counsellor_a, case=case)
    outcome = failed_check.outcomes.get(rule_code=R.NO_GOVERNMENT_OBJECTION)
    with pytest.raises(ServiceError) as exc:
        services.eligibility_override(actor=supervisor_a, outcome=outcome, reason="Confirmed")
    assert exc.value.message == "A newer eligibility check exists; override a rule of the latest check."
    outcome.refresh_from_db()
    assert outcome.overridden_at is None


def test_a_passed_or_already_overridden_rule_cannot_be_overridden(supervisor_a, failed_check):
    passed = failed_check.outcomes.get(rule_code=R.TRAVEL_DOCUMENT)
    failed = failed_check.outcomes.get(rule_code=R.NO_GOVERNMENT_OBJECTION)
    services.eligibility_override(actor=supervisor_a, outcome=failed, reason="Confirmed")
    for outcome in (passed, failed):
        with pytest.raises(ServiceError) as exc:
            services.eligibility_override(actor=supervisor_a, outcome=outcome, reason="Again")
        assert exc.value.message == "Only a failed rule that is not yet overridden can be overridden."
    assert AuditEvent.objects.filter(action="override").count() == 1


def test_persons_are_not_deleted_by_a_merge(supervisor_a, work_post_a, case):
    from passage.people.services import person_merge

    member = case.members.get().person
    other = PersonFactory(mission=work_post_a.mission)
    person_merge(actor=supervisor_a, survivor=member, duplicate=other, reason="Same person")
    assert Person.objects.filter(pk=other.pk, merged_into=member).exists()
