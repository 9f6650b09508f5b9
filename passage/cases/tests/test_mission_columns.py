"""Every case-owned and person-owned row carries its parent's mission (ARCHITECTURE.md, "Scale path")."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import F

from passage.accounts.enums import Role
from passage.cases import services
from passage.cases.enums import ConsentKind, Relationship, VulnerabilityKind
from passage.cases.models import (
    AssistedDeparture,
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
from passage.cases.tests.core_helpers import TODAY
from passage.core.errors import ServiceError
from passage.people import services as people_services
from passage.people.enums import IdentifierKind, NameKind
from passage.people.models import Identifier, Nationality, PersonName, Phone, TravelDocument
from passage.testing.factories import PersonFactory, UserFactory, WorkPostFactory

pytestmark = pytest.mark.django_db

# Each child model with the path to the mission of its parent.
PARENT_MISSION = {
    CaseMember: "case__mission_id",
    StatusChange: "case__mission_id",
    EligibilityCheck: "case__mission_id",
    EligibilityOutcome: "eligibility_check__case__mission_id",
    Vulnerability: "case__mission_id",
    Consent: "case__mission_id",
    ReturnGuardian: "case__mission_id",
    FitToTravel: "case__mission_id",
    Note: "case__mission_id",
    Attachment: "case__mission_id",
    AssistedDeparture: "person__mission_id",
    PersonName: "person__mission_id",
    Nationality: "person__mission_id",
    Phone: "person__mission_id",
    Identifier: "person__mission_id",
    TravelDocument: "person__mission_id",
}


def mismatches() -> dict[str, int]:
    """Rows whose mission differs from their parent's, per model (only models with such rows)."""
    found = {model.__name__: model.objects.exclude(mission_id=F(path)).count() for model, path in PARENT_MISSION.items()}
    outcome_vs_check = EligibilityOutcome.objects.exclude(mission_id=F("eligibility_check__mission_id")).count()
    found["EligibilityOutcome (check)"] = outcome_vs_check
    return {name: count for name, count in found.items() if count}


def _flow(counsellor, work_post, family_name: str, passport: str, foreigner_number: str, phone: str):
    """Register a person, open a case and fill it through the services, as a counsellor would."""
    person = people_services.person_register(actor=counsellor, mission=work_post.mission, family_name=family_name,
                                             given_names="Synthetic", sex="M", birth_year=1988, nationalities=["GE"])
    people_services.person_name_add(actor=counsellor, person=person, kind=NameKind.KNOWN, family_name="",
                                    given_names="Sandro")
    people_services.phone_add(actor=counsellor, person=person, number=phone, sms_consent=True)
    people_services.identifier_add(actor=counsellor, person=person, kind=IdentifierKind.FOREIGNER_NUMBER,
                                   value=foreigner_number)
    people_services.document_add(actor=counsellor, person=person, kind="passport", status="held", number=passport,
                                 issuing_country="GE", expires_on=TODAY() + datetime.timedelta(days=900))
    case = services.case_open(actor=counsellor, principal=person, work_post=work_post)
    spouse = PersonFactory(mission=work_post.mission, family_name=f"{family_name}-Spouse")
    services.case_member_add(actor=counsellor, case=case, person=spouse, relationship=Relationship.SPOUSE)
    services.vulnerability_record(actor=counsellor, case=case, person=spouse, kind=VulnerabilityKind.MEDICAL,
                                  detail="Synthetic condition")
    services.fit_to_travel_record(actor=counsellor, case=case, person=spouse, fit=True, statement_on=TODAY(),
                                  issued_by="GP practice")
    services.consent_record(actor=counsellor, case=case, kind=ConsentKind.DATA_PROCESSING, given_on=TODAY(),
                            person=person)
    services.note_add(actor=counsellor, case=case, text="Explained the programme.")
    services.attachment_add(actor=counsellor, case=case, kind="document_scan",
                            upload=SimpleUploadedFile("scan.png", b"\x89PNG\r\n\x1a\n" + b"synthetic" * 10))
    services.eligibility_check_run(actor=counsellor, case=case)
    return case, person, spouse


def test_rows_written_by_the_services_carry_their_case_or_person_mission(counsellor_a, work_post_a, mission_ge):
    case_nl, person_nl, spouse_nl = _flow(counsellor_a, work_post_a, "Beridze", "XP1000001", "1234567890",
                                          "+31612345678")
    work_post_ge = WorkPostFactory(mission=mission_ge, code="TBS", name="Tbilisi")
    counsellor_ge = UserFactory(mission=mission_ge, role=Role.COUNSELLOR, work_posts=[work_post_ge])
    case_ge, person_ge, _spouse = _flow(counsellor_ge, work_post_ge, "Kapanadze", "XP2000002", "2234567890",
                                        "+31687654321")
    assert case_nl.mission_id != case_ge.mission_id

    assert mismatches() == {}
    for case in (case_nl, case_ge):
        expected = case.mission_id
        assert set(CaseMember.objects.filter(case=case).values_list("mission_id", flat=True)) == {expected}
        assert set(StatusChange.objects.filter(case=case).values_list("mission_id", flat=True)) == {expected}
        assert set(EligibilityCheck.objects.filter(case=case).values_list("mission_id", flat=True)) == {expected}
        assert set(EligibilityOutcome.objects.filter(eligibility_check__case=case)
                   .values_list("mission_id", flat=True)) == {expected}
        for model in (Vulnerability, Consent, FitToTravel, Note):
            assert set(model.objects.filter(case=case).values_list("mission_id", flat=True)) == {expected}, model
        assert [a.mission_id for a in case.attachments.all()] == [expected]
    for person in (person_nl, spouse_nl, person_ge):
        for manager in (person.names, person.nationalities):
            assert set(manager.values_list("mission_id", flat=True)) == {person.mission_id}
    for person in (person_nl, person_ge):
        for manager in (person.phones, person.identifiers, person.documents):
            assert list(manager.values_list("mission_id", flat=True)) == [person.mission_id]


def test_a_merge_keeps_moved_rows_in_their_mission_and_is_refused_across_missions(
    supervisor_a, counsellor_a, work_post_a, mission, mission_ge
):
    survivor = PersonFactory(mission=mission, family_name="Ali", given_names="Mohammed")
    duplicate = PersonFactory(mission=mission, family_name="Ali", given_names="Muhammad")
    people_services.phone_add(actor=counsellor_a, person=duplicate, number="+31612345678", sms_consent=False)
    AssistedDeparture.objects.create(person=duplicate, mission_id=duplicate.mission_id,
                                     departed_on=datetime.date(2019, 4, 1), assisted_by="organisation")
    people_services.person_merge(actor=supervisor_a, survivor=survivor, duplicate=duplicate, reason="Same man")
    assert list(survivor.phones.values_list("mission_id", flat=True)) == [mission.pk]
    assert mismatches() == {}

    foreign = PersonFactory(mission=mission_ge, family_name="Ali", given_names="Mohamed")
    with pytest.raises(ServiceError) as exc:
        people_services.person_merge(actor=supervisor_a, survivor=survivor, duplicate=foreign, reason="Same man")
    assert exc.value.message == "These persons are registered with different missions and cannot be merged."
    foreign.refresh_from_db()
    assert foreign.merged_into_id is None
    assert set(foreign.names.values_list("person_id", flat=True)) == {foreign.pk}


def test_the_demo_writes_no_row_outside_its_parents_mission(monkeypatch):
    monkeypatch.setenv("DEMO_SCALE", "small")
    call_command("demo_seed", stdout=io.StringIO())
    for model in (CaseMember, StatusChange, EligibilityCheck, EligibilityOutcome, Note, PersonName, Nationality,
                  TravelDocument):
        assert model.objects.exists(), model  # the check below is not vacuous
    assert mismatches() == {}
