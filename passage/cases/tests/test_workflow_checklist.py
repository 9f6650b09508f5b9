"""The preparation checklist is derived from the case: members, consents, vulnerabilities, minors, medical cases."""

import datetime

import pytest
from django.utils import translation

from passage.cases import services
from passage.cases.enums import ConsentKind, Relationship, VulnerabilityKind
from passage.cases.tests.core_helpers import TODAY, complete_case, fresh, prepare_checklist
from passage.cases.workflow import preparation_checklist
from passage.people.enums import DocumentKind, DocumentStatus
from passage.testing.factories import PersonFactory, TravelDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def open_items(case) -> list[tuple[str, str]]:
    return [(item.key, item.label) for item in preparation_checklist(fresh(case)) if not item.done]


@pytest.fixture
def household(counsellor_a, work_post_a):
    """A principal with a passport, consents and assessment done: a complete checklist to start from."""
    case = complete_case(counsellor_a, work_post_a, family_name="Kapanadze", given_names="Levan")
    prepare_checklist(counsellor_a, case)
    assert open_items(case) == []
    return case


def test_every_member_needs_a_valid_travel_document(counsellor_a, work_post_a, household):
    mission = work_post_a.mission
    spouse = PersonFactory(mission=mission, family_name="Kapanadze", given_names="Nino", sex="F")
    child = PersonFactory(mission=mission, family_name="Kapanadze", given_names="Saba", birth_year=2018)
    elder = PersonFactory(mission=mission, family_name="Kapanadze", given_names="Tamar", birth_year=1950)
    TravelDocumentFactory(person=spouse, expires_on=TODAY() - datetime.timedelta(days=1))  # expired
    TravelDocumentFactory(person=child, kind=DocumentKind.ID_CARD)  # not a travel document
    TravelDocumentFactory(person=elder, status=DocumentStatus.REQUESTED, number="", number_key="", expires_on=None)
    for person, rel in ((spouse, Relationship.SPOUSE), (child, Relationship.CHILD),
                        (elder, Relationship.OTHER_RELATIVE)):
        services.case_member_add(actor=counsellor_a, case=household, person=person, relationship=rel)

    assert open_items(household) == [
        (f"document-{spouse.pk}", "Travel document for KAPANADZE Nino"),
        (f"document-{child.pk}", "Travel document for KAPANADZE Saba"),
        (f"document-{elder.pk}", "Travel document for KAPANADZE Tamar"),
    ]
    laissez_passer = TravelDocumentFactory(person=child, kind=DocumentKind.LAISSEZ_PASSER)
    assert [key for key, _label in open_items(household)] == [f"document-{spouse.pk}", f"document-{elder.pk}"]
    principal_item = next(i for i in preparation_checklist(fresh(household)) if i.key == f"document-{child.pk}")
    assert (principal_item.done, principal_item.detail) == (True, str(laissez_passer))


def test_both_consents_are_needed_and_a_withdrawn_one_does_not_count(counsellor_a, household):
    sharing = household.consents.get(kind=ConsentKind.PARTNER_SHARING)
    services.consent_withdraw(actor=counsellor_a, consent=sharing)
    assert open_items(household) == [("consent-sharing", "Consent to sharing with partners")]
    household.consents.filter(kind=ConsentKind.DATA_PROCESSING).delete()
    assert open_items(household) == [("consent-data", "Consent to data processing"),
                                     ("consent-sharing", "Consent to sharing with partners")]


def test_vulnerabilities_must_be_assessed(counsellor_a, counsellor_b, work_post_a):
    case = complete_case(counsellor_a, work_post_a)
    for kind in (ConsentKind.DATA_PROCESSING, ConsentKind.PARTNER_SHARING):
        services.consent_record(actor=counsellor_a, case=case, kind=kind, given_on=TODAY())
    assert open_items(case) == [("vulnerabilities", "Vulnerabilities assessed")]
    services.vulnerabilities_assessed(actor=counsellor_a, case=case, on=TODAY() - datetime.timedelta(days=2))
    assert open_items(case) == []
    assert (fresh(case).vulnerabilities_assessed_on, fresh(case).vulnerabilities_assessed_by) == (
        TODAY() - datetime.timedelta(days=2), counsellor_a)


def test_unaccompanied_minor_needs_guardian_consent_and_a_confirmed_return_guardian(counsellor_a, household):
    minor = household.members.get().person
    services.vulnerability_record(actor=counsellor_a, case=household, person=minor,
                                  kind=VulnerabilityKind.UNACCOMPANIED_MINOR)
    assert fresh(household).is_unaccompanied_minor
    assert open_items(household) == [
        ("guardian-host", "Written consent of the guardian in the host country"),
        (f"guardian-return-{minor.pk}", "Guardian in the country of return confirmed for KAPANADZE Levan"),
    ]
    services.consent_record(actor=counsellor_a, case=household, kind=ConsentKind.GUARDIAN_HOST, given_on=TODAY(),
                            given_by_name="Mentor of the guardianship organisation")
    assert [key for key, _label in open_items(household)] == [f"guardian-return-{minor.pk}"]
    services.return_guardian_record(actor=counsellor_a, case=household, minor=minor, name="Giorgi Kapanadze",
                                    relationship="uncle", identified_by="Georgian ID card 01001012345",
                                    confirmed_on=TODAY())
    assert open_items(household) == []


def test_an_ended_vulnerability_no_longer_adds_items(counsellor_a, household):
    minor = household.members.get().person
    vuln = services.vulnerability_record(actor=counsellor_a, case=household, person=minor,
                                         kind=VulnerabilityKind.UNACCOMPANIED_MINOR)
    assert open_items(household)
    services.vulnerability_end(actor=counsellor_a, vulnerability=vuln)
    assert open_items(household) == []
    assert not fresh(household).is_unaccompanied_minor


def test_medical_case_needs_a_fit_to_travel_statement_per_patient(counsellor_a, household):
    patient = household.members.get().person
    services.vulnerability_record(actor=counsellor_a, case=household, person=patient, kind=VulnerabilityKind.MEDICAL,
                                  detail="Insulin-dependent diabetes")
    assert open_items(household) == [(f"fit-{patient.pk}", "Fit-to-travel statement for KAPANADZE Levan")]
    services.fit_to_travel_record(actor=counsellor_a, case=household, person=patient, fit=False,
                                  statement_on=TODAY() - datetime.timedelta(days=10), issued_by="GP Zwolle")
    assert [key for key, _label in open_items(household)] == [f"fit-{patient.pk}"]
    services.fit_to_travel_record(actor=counsellor_a, case=household, person=patient, fit=True,
                                  statement_on=TODAY() - datetime.timedelta(days=2), issued_by="GP Zwolle",
                                  conditions="Cool bag for insulin")
    assert open_items(household) == []


def test_a_later_unfit_statement_reopens_the_fit_to_travel_item(counsellor_a, household):
    patient = household.members.get().person
    services.vulnerability_record(actor=counsellor_a, case=household, person=patient, kind=VulnerabilityKind.MEDICAL,
                                  detail="Recent surgery")
    services.fit_to_travel_record(actor=counsellor_a, case=household, person=patient, fit=True,
                                  statement_on=TODAY() - datetime.timedelta(days=20), issued_by="GP Zwolle")
    services.fit_to_travel_record(actor=counsellor_a, case=household, person=patient, fit=False,
                                  statement_on=TODAY() - datetime.timedelta(days=1), issued_by="Hospital Zwolle")
    assert open_items(household) == [(f"fit-{patient.pk}", "Fit-to-travel statement for KAPANADZE Levan")]
