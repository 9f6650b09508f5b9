"""Every service leaves exactly one audit row (who, which case or person), written inside its own transaction."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from passage.audit.context import current_ip
from passage.audit.enums import AuditAction
from passage.audit.models import AuditEvent
from passage.audit.services import audit_record, diff_fields
from passage.cases import services as cs
from passage.cases.enums import CaseStatus, ConsentKind, Relationship, VulnerabilityKind
from passage.people import services as ps
from passage.testing.factories import CaseFactory, PersonFactory, TravelDocumentFactory

TODAY = timezone.localdate


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction(counsellor_a):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(actor=counsellor_a, action=AuditAction.READ, object_type="cases.case", object_id=1)
    assert not AuditEvent.objects.exists()
    with transaction.atomic():
        audit_record(actor=counsellor_a, action=AuditAction.READ, object_type="cases.case", object_id=1)
    assert AuditEvent.objects.count() == 1


@pytest.mark.django_db
def test_audit_record_keeps_who_from_where_and_what(counsellor_a, case_a):
    token = current_ip.set("192.0.2.7")
    try:
        event = audit_record(actor=counsellor_a, action=AuditAction.UPDATE, obj=case_a, case_id=case_a.pk,
                             mission_id=case_a.mission_id, summary="x" * 400, changes={"a": [1, 2]})
    finally:
        current_ip.reset(token)
    event.refresh_from_db()
    assert (event.actor, event.ip_address, event.object_type, event.object_id, event.case_id, len(event.summary),
            event.changes) == (counsellor_a, "192.0.2.7", "cases.case", str(case_a.pk), case_a.pk, 300, {"a": [1, 2]})


def test_diff_fields_keeps_only_changes_and_makes_them_json_safe():
    assert diff_fields({"a": 1, "b": datetime.date(2026, 1, 2), "c": "x"},
                       {"a": 1, "b": datetime.date(2026, 1, 3), "c": None}) == {
        "b": ["2026-01-02", "2026-01-03"], "c": ["x", None]}


PDF = b"%PDF-1.4\n% synthetic test file\n"


def _case_calls(actor, supervisor, case, person, other):
    """Each case service once, in an order the workflow allows; (name, call) pairs."""
    state = {}

    def vuln():
        state["vuln"] = cs.vulnerability_record(actor=actor, case=case, person=person, kind=VulnerabilityKind.ELDERLY)

    def consent():
        state["consent"] = cs.consent_record(actor=actor, case=case, kind=ConsentKind.DATA_PROCESSING, given_on=TODAY())

    def member():
        state["member"] = cs.case_member_add(actor=actor, case=case, person=other, relationship=Relationship.SPOUSE)

    def failed_check():
        state["check"] = cs.eligibility_check_run(actor=actor, case=case)

    return [
        ("case_update", lambda: cs.case_update(actor=actor, case=case, version=case.version,
                                                intended_destination="AM")),
        ("case_member_add", member),
        ("case_member_remove", lambda: cs.case_member_remove(actor=actor, member=state["member"], reason="Moved out")),
        ("case_transition", lambda: cs.case_transition(actor=actor, case=case, to_status=CaseStatus.APPLICATION)),
        ("eligibility_check_run", failed_check),
        ("eligibility_override", lambda: cs.eligibility_override(
            actor=supervisor, outcome=state["check"].outcomes.get(passed=False), reason="Confirmed by ministry")),
        ("vulnerability_record", vuln),
        ("vulnerability_end", lambda: cs.vulnerability_end(actor=actor, vulnerability=state["vuln"])),
        ("vulnerabilities_assessed", lambda: cs.vulnerabilities_assessed(actor=actor, case=case)),
        ("consent_record", consent),
        ("consent_withdraw", lambda: cs.consent_withdraw(actor=actor, consent=state["consent"])),
        ("return_guardian_record", lambda: cs.return_guardian_record(
            actor=actor, case=case, minor=person, name="Guardian", relationship="aunt", identified_by="ID card",
            confirmed_on=TODAY())),
        ("fit_to_travel_record", lambda: cs.fit_to_travel_record(
            actor=actor, case=case, person=person, fit=True, statement_on=TODAY(), issued_by="GP")),
        ("note_add", lambda: cs.note_add(actor=actor, case=case, text="Discussed the return date.")),
        ("attachment_add", lambda: cs.attachment_add(
            actor=actor, case=case, kind="consent", upload=SimpleUploadedFile("consent.pdf", PDF))),
    ]


@pytest.mark.django_db
def test_every_case_service_writes_one_row_with_actor_case_and_mission(counsellor_a, supervisor_a, work_post_a):
    person = PersonFactory(mission=work_post_a.mission)
    TravelDocumentFactory(person=person)
    other = PersonFactory(mission=work_post_a.mission)
    case = CaseFactory(work_post=work_post_a, counsellor=counsellor_a, principal=person, residence_procedure_none=True)
    for name, call in _case_calls(counsellor_a, supervisor_a, case, person, other):
        case.refresh_from_db()
        before = set(AuditEvent.objects.values_list("pk", flat=True))
        call()
        events = list(AuditEvent.objects.exclude(pk__in=before))
        assert len(events) == 1, name
        [event] = events
        expected_actor = supervisor_a if name == "eligibility_override" else counsellor_a
        assert (event.actor, event.case_id, event.mission_id) == (expected_actor, case.pk, case.mission_id), name
        assert event.summary, name


@pytest.mark.django_db
def test_opening_a_case_is_audited_with_the_principal(counsellor_a, work_post_a):
    person = PersonFactory(mission=work_post_a.mission)
    case = cs.case_open(actor=counsellor_a, principal=person, work_post=work_post_a)
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.case_id, event.person_id, event.mission_id) == (
        "create", counsellor_a, case.pk, person.pk, case.mission_id)
    assert case.number == f"NL-{case.contact_on.year}-{case.pk:06d}"
    assert list(case.status_changes.values_list("from_status", "to_status", "by")) == [
        ("", CaseStatus.CONTACT, counsellor_a.pk)]


@pytest.mark.django_db
def test_every_person_service_writes_one_row_with_actor_and_person(counsellor_a, supervisor_a, mission):
    state = {}

    def register():
        state["p"] = ps.person_register(actor=counsellor_a, mission=mission, family_name="Beridze", sex="F")

    def document():
        state["d"] = ps.document_add(actor=counsellor_a, person=state["p"], kind="passport", status="requested",
                                     issuing_country="GE")

    calls = [
        ("person_register", register),
        ("person_update", lambda: ps.person_update(actor=counsellor_a, person=state["p"], version=1, birth_year=1990)),
        ("person_name_add", lambda: ps.person_name_add(actor=counsellor_a, person=state["p"], kind="known",
                                                       family_name="Beradze")),
        ("phone_add", lambda: ps.phone_add(actor=counsellor_a, person=state["p"], number="0612345678",
                                           sms_consent=False)),
        ("identifier_add", lambda: ps.identifier_add(actor=counsellor_a, person=state["p"], kind="foreigner_number",
                                                     value="9876543210")),
        ("document_add", document),
        ("document_update", lambda: ps.document_update(actor=counsellor_a, document=state["d"], version=1,
                                                       requested_on=TODAY())),
    ]
    for name, call in calls:
        before = set(AuditEvent.objects.values_list("pk", flat=True))
        call()
        [event] = AuditEvent.objects.exclude(pk__in=before)
        assert (event.actor, event.person_id, event.mission_id) == (counsellor_a, state["p"].pk, mission.pk), name
    other = PersonFactory(mission=mission)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    ps.person_merge(actor=supervisor_a, survivor=state["p"], duplicate=other, reason="Same")
    assert sorted(AuditEvent.objects.exclude(pk__in=before).values_list("actor", "person_id", "action")) == sorted(
        [(supervisor_a.pk, state["p"].pk, "merge"), (supervisor_a.pk, other.pk, "merge")])


@pytest.mark.django_db
def test_a_refused_service_call_leaves_no_audit_row(counsellor_a, case_a):
    with pytest.raises(cs.ServiceError):
        cs.note_add(actor=counsellor_a, case=case_a, text="   ")
    with pytest.raises(cs.ServiceError):
        cs.case_transition(actor=counsellor_a, case=case_a, to_status=CaseStatus.READY_TO_DEPART)
    assert not AuditEvent.objects.exists()
