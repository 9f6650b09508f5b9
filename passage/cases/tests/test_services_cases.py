"""Case services other than the workflow: opening, edits, household, vulnerabilities, consents, notes, files."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from passage.audit.models import AuditEvent
from passage.cases import services
from passage.cases.enums import CaseStatus, ConsentKind, GovernmentPosition, Relationship, VulnerabilityKind
from passage.cases.models import Attachment, Case, CaseMember, Consent, ReturnGuardian, Vulnerability
from passage.cases.tests.core_helpers import TODAY, fresh
from passage.core.errors import ServiceError
from passage.testing.factories import PersonFactory, UserFactory, WorkPostFactory

pytestmark = pytest.mark.django_db
TOMORROW = lambda: TODAY() + datetime.timedelta(days=1)  # noqa: E731


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- opening and editing ---------------------------------------------------------------------------------------

def test_open_refuses_a_work_post_of_another_mission_and_a_role_without_the_right(counsellor_a, manager, mission_ge):
    person = PersonFactory(mission=counsellor_a.mission)
    with pytest.raises(ServiceError) as exc:
        services.case_open(actor=counsellor_a, principal=person, work_post=WorkPostFactory(mission=mission_ge))
    assert exc.value.message == "The work post belongs to another mission than the person."
    with pytest.raises(ServiceError) as exc:
        services.case_open(actor=manager, principal=person, work_post=counsellor_a.work_posts.get())
    assert exc.value.message == "You are not allowed to do this."
    assert not Case.objects.exists()


def test_update_changes_the_fields_bumps_the_version_and_audits_the_diff(counsellor_a, counsellor_a2, case_a):
    version = fresh(case_a).version
    updated = services.case_update(actor=counsellor_a, case=case_a, version=version, counsellor=counsellor_a2,
                                   government_position=GovernmentPosition.NO_OBJECTION,
                                   government_position_on=TODAY(), intended_destination="AM")
    stored = fresh(case_a)
    assert (stored.counsellor, stored.government_position, stored.intended_destination, stored.version) == (
        counsellor_a2, GovernmentPosition.NO_OBJECTION, "AM", version + 1)
    assert updated.version == version + 1
    event = AuditEvent.objects.get(action="update")
    assert event.changes == {
        "counsellor_id": [counsellor_a.pk, counsellor_a2.pk], "intended_destination": ["GE", "AM"],
        "government_position": ["not_asked", "no_objection"], "government_position_on": [None, str(TODAY())]}


def test_update_refuses_future_dates_and_an_undated_government_position(counsellor_a, case_a):
    with pytest.raises(ServiceError) as exc:
        services.case_update(actor=counsellor_a, case=case_a, version=fresh(case_a).version,
                             residence_procedure_withdrawn_on=TOMORROW(), contact_on=TOMORROW(),
                             government_position=GovernmentPosition.OBJECTION)
    assert exc.value.field_errors == {
        "residence_procedure_withdrawn_on": "This date cannot be in the future.",
        "contact_on": "This date cannot be in the future.",
        "government_position_on": "Give the date the government's position was recorded.",
    }
    assert fresh(case_a).government_position == GovernmentPosition.NOT_ASKED


def test_update_refuses_a_work_post_or_counsellor_of_another_mission(counsellor_a, case_a, mission_ge,
                                                                     other_mission_staff):
    with pytest.raises(ServiceError) as exc:
        services.case_update(actor=counsellor_a, case=case_a, version=fresh(case_a).version,
                             work_post=WorkPostFactory(mission=mission_ge), counsellor=other_mission_staff)
    assert exc.value.field_errors == {"work_post": "Choose a work post of this case's mission.",
                                      "counsellor": "Choose an active member of staff of this case's mission."}
    assert fresh(case_a).work_post_id == case_a.work_post_id


def test_update_moves_a_case_to_another_work_post_of_the_mission(counsellor_a, case_a, work_post_b):
    services.case_update(actor=counsellor_a, case=case_a, version=fresh(case_a).version, work_post_id=work_post_b.pk)
    assert fresh(case_a).work_post == work_post_b


def test_update_refuses_a_field_that_is_not_editable(counsellor_a, case_a):
    with pytest.raises(TypeError, match="status"):
        services.case_update(actor=counsellor_a, case=case_a, version=fresh(case_a).version, status="closed")
    assert fresh(case_a).status == CaseStatus.CONTACT


@pytest.mark.parametrize("status", [CaseStatus.CLOSED, CaseStatus.REJECTED, CaseStatus.WITHDRAWN])
def test_a_finished_case_can_no_longer_be_changed(counsellor_a, case_a, status):
    Case.objects.filter(pk=case_a.pk).update(status=status)
    with pytest.raises(ServiceError) as exc:
        services.case_update(actor=counsellor_a, case=case_a, version=fresh(case_a).version, intended_destination="AM")
    assert exc.value.message == f"This case is {CaseStatus(status).label} and can no longer be changed."


# --- household --------------------------------------------------------------------------------------------------

def test_member_add_and_remove(counsellor_a, case_a):
    child = PersonFactory(mission=case_a.mission)
    member = services.case_member_add(actor=counsellor_a, case=case_a, person=child, relationship=Relationship.CHILD)
    assert list(case_a.members.values_list("person_id", "relationship")) == [
        (case_a.members.get(relationship="principal").person_id, "principal"), (child.pk, "child")]
    services.case_member_remove(actor=counsellor_a, member=member, reason="Stays in the host country")
    assert not CaseMember.objects.filter(person=child).exists()
    assert AuditEvent.objects.get(action="delete").changes == {"reason": [None, "Stays in the host country"]}


def test_member_add_refuses_a_second_principal_a_repeat_a_merged_and_a_foreign_person(counsellor_a, case_a,
                                                                                     mission_ge):
    principal = case_a.members.get().person
    merged = PersonFactory(mission=case_a.mission, merged_into=principal)
    foreign = PersonFactory(mission=mission_ge)
    refusals = [
        (PersonFactory(mission=case_a.mission), Relationship.PRINCIPAL,
         "A case has one principal applicant, chosen when it is opened."),
        (principal, Relationship.SPOUSE, "This person is already a member of the household."),
        (merged, Relationship.SPOUSE, "This person was merged into another record; add that one instead."),
        (foreign, Relationship.SPOUSE, "This person is registered with another mission."),
    ]
    for person, relationship, message in refusals:
        with pytest.raises(ServiceError) as exc:
            services.case_member_add(actor=counsellor_a, case=case_a, person=person, relationship=relationship)
        assert exc.value.message == message
    assert case_a.members.count() == 1


def test_the_principal_cannot_be_removed(counsellor_a, case_a):
    with pytest.raises(ServiceError):
        services.case_member_remove(actor=counsellor_a, member=case_a.members.get(), reason="x")
    assert case_a.members.count() == 1


# --- vulnerabilities and sensitivity ----------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "flag"), [(VulnerabilityKind.TRAFFICKING, "is_trafficking"),
                                            (VulnerabilityKind.UNACCOMPANIED_MINOR, "is_unaccompanied_minor"),
                                            (VulnerabilityKind.MEDICAL, "is_medical")])
def test_a_sensitive_vulnerability_makes_the_case_sensitive_until_it_ends(counsellor_a, case_a, kind, flag):
    person = case_a.members.get().person
    vuln = services.vulnerability_record(actor=counsellor_a, case=case_a, person=person, kind=kind)
    assert getattr(fresh(case_a), flag) is True and fresh(case_a).is_sensitive
    services.vulnerability_end(actor=counsellor_a, vulnerability=vuln)
    assert fresh(case_a).is_sensitive is False


def test_a_non_sensitive_vulnerability_does_not_make_the_case_sensitive(counsellor_a, case_a):
    person = case_a.members.get().person
    vuln = services.vulnerability_record(actor=counsellor_a, case=case_a, person=person, kind=VulnerabilityKind.ELDERLY,
                                         assessed_on=TODAY() - datetime.timedelta(days=4))
    assert (vuln.assessed_on, vuln.assessed_by, fresh(case_a).is_sensitive) == (
        TODAY() - datetime.timedelta(days=4), counsellor_a, False)


def test_vulnerability_input_is_checked(counsellor_a, case_a):
    person = case_a.members.get().person
    outsider = PersonFactory(mission=case_a.mission)
    with pytest.raises(ServiceError) as exc:
        services.vulnerability_record(actor=counsellor_a, case=case_a, person=outsider, kind=VulnerabilityKind.ELDERLY)
    assert exc.value.message == "This person is not a member of the household."
    with pytest.raises(ServiceError) as exc:
        services.vulnerability_record(actor=counsellor_a, case=case_a, person=person, kind=VulnerabilityKind.OTHER,
                                      detail=" ")
    assert exc.value.field_errors == {"detail": "Describe the vulnerability."}
    with pytest.raises(ServiceError) as exc:
        services.vulnerability_record(actor=counsellor_a, case=case_a, person=person, kind=VulnerabilityKind.ELDERLY,
                                      assessed_on=TOMORROW())
    assert exc.value.field_errors == {"assessed_on": "The assessment date cannot be in the future."}
    assert not Vulnerability.objects.exists()


# --- consents, guardians, fit to travel -------------------------------------------------------------------------

def test_consent_input_is_checked(counsellor_a, case_a):
    with pytest.raises(ServiceError) as exc:
        services.consent_record(actor=counsellor_a, case=case_a, kind=ConsentKind.DATA_PROCESSING, given_on=TOMORROW())
    assert exc.value.field_errors == {"given_on": "A consent cannot be dated in the future."}
    with pytest.raises(ServiceError) as exc:
        services.consent_record(actor=counsellor_a, case=case_a, kind=ConsentKind.GUARDIAN_HOST, given_on=TODAY())
    assert exc.value.field_errors == {"given_by_name": "Give the name of the guardian who consented."}
    assert not Consent.objects.exists()


def test_return_guardian_input_is_checked(counsellor_a, case_a):
    minor = case_a.members.get().person
    with pytest.raises(ServiceError) as exc:
        services.return_guardian_record(actor=counsellor_a, case=case_a, minor=minor, name=" ", relationship="",
                                        identified_by="", confirmed_on=TOMORROW())
    assert exc.value.field_errors == {"name": "This field is required.", "relationship": "This field is required.",
                                      "identified_by": "This field is required.",
                                      "confirmed_on": "This date cannot be in the future."}
    assert not ReturnGuardian.objects.exists()


def test_fit_to_travel_needs_the_issuer_and_is_recorded_by_operations_too(counsellor_a, case_a, mission):
    from passage.accounts.enums import Role

    operations = UserFactory(mission=mission, role=Role.OPERATIONS)
    person = case_a.members.get().person
    with pytest.raises(ServiceError) as exc:
        services.fit_to_travel_record(actor=counsellor_a, case=case_a, person=person, fit=True, statement_on=TODAY(),
                                      issued_by=" ")
    assert exc.value.field_errors == {"issued_by": "Give the doctor or service."}
    statement = services.fit_to_travel_record(actor=operations, case=case_a, person=person, fit=True,
                                              statement_on=TODAY(), issued_by="Medical service")
    assert statement.recorded_by == operations


# --- notes and attachments --------------------------------------------------------------------------------------

def test_a_note_keeps_date_author_language_and_interpreter(counsellor_a, case_a):
    note = services.note_add(actor=counsellor_a, case=case_a, text=" Explained the programme. ", language="ka",
                             interpreter="phone", written_on=TODAY() - datetime.timedelta(days=1))
    note.refresh_from_db()
    assert (note.text, note.author, note.language_id, note.interpreter, note.written_on) == (
        "Explained the programme.", counsellor_a, "ka", "phone", TODAY() - datetime.timedelta(days=1))
    with pytest.raises(ServiceError) as exc:
        services.note_add(actor=counsellor_a, case=case_a, text="Later", written_on=TOMORROW())
    assert exc.value.field_errors == {"written_on": "A note cannot be dated in the future."}


def test_an_attachment_is_sniffed_by_content_and_stored_under_its_hash(counsellor_a, case_a):
    data = b"\x89PNG\r\n\x1a\n" + b"synthetic" * 10
    attachment = services.attachment_add(actor=counsellor_a, case=case_a, kind="document_scan",
                                         upload=SimpleUploadedFile("Passport Beridze.pdf", data))
    assert (attachment.content_type, attachment.size, attachment.original_name) == (
        "image/png", len(data), "Passport Beridze.pdf")
    assert "Beridze" not in attachment.file.name and attachment.sha256 in attachment.file.name
    with attachment.file.open("rb") as fh:
        assert fh.read() == data


def test_an_attachment_of_another_type_is_refused(counsellor_a, case_a):
    with pytest.raises(ServiceError) as exc:
        services.attachment_add(actor=counsellor_a, case=case_a, kind="other",
                                upload=SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf"))
    assert exc.value.field_errors == {"file": "Only PDF, JPEG and PNG files can be attached."}
    assert not Attachment.objects.exists()


@override_settings(ATTACHMENT_MAX_BYTES=1024 * 1024)
def test_an_attachment_that_is_too_large_is_refused(counsellor_a, case_a):
    with pytest.raises(ServiceError) as exc:
        services.attachment_add(actor=counsellor_a, case=case_a, kind="other",
                                upload=SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (1024 * 1024)))
    assert exc.value.field_errors == {"file": "The file is too large: at most 1 MB."}
    assert not Attachment.objects.exists()



def test_text_longer_than_its_column_is_refused_per_field(counsellor_a, supervisor_a, case_a):
    person = case_a.members.get().person
    with pytest.raises(ServiceError) as exc:
        services.vulnerability_record(actor=counsellor_a, case=case_a, person=person, kind=VulnerabilityKind.OTHER,
                                      detail="x" * 301)
    assert exc.value.field_errors == {"detail": "At most 300 characters."}
    with pytest.raises(ServiceError) as exc:
        services.return_guardian_record(actor=counsellor_a, case=case_a, minor=person, name="n" * 121,
                                        relationship="aunt", identified_by="ID", confirmed_on=TODAY())
    assert exc.value.field_errors == {"name": "At most 120 characters."}
    with pytest.raises(ServiceError) as exc:
        services.fit_to_travel_record(actor=counsellor_a, case=case_a, person=person, fit=True, statement_on=TODAY(),
                                      issued_by="GP", conditions="c" * 301)
    assert exc.value.field_errors == {"conditions": "At most 300 characters."}
    Case.objects.filter(pk=case_a.pk).update(status=CaseStatus.ELIGIBILITY)
    check = services.eligibility_check_run(actor=counsellor_a, case=case_a)
    with pytest.raises(ServiceError) as exc:
        services.eligibility_override(actor=supervisor_a, outcome=check.outcomes.filter(passed=False).first(),
                                      reason="r" * 301)
    assert exc.value.field_errors == {"reason": "At most 300 characters."}
    assert not AuditEvent.objects.filter(action__in=["create", "override"]).exists()
