"""Actions on a case through the screens: access (404 / 403), one service each, and the user's messages."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from passage.audit.models import AuditEvent
from passage.cases import services
from passage.cases.enums import CaseStatus
from passage.cases.models import Attachment, Case, Consent, Note, StatusChange, Vulnerability

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"

@pytest.fixture(autouse=True)
def _english(client):
    """Assertions read the English source strings; Dutch is the default language of the service."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def url(name, case, *args):
    return reverse(name, args=[case.pk, *args])


def refresh(case):
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client
    return login


@pytest.fixture
def check_failed(counsellor_a, case_a):
    """case_a in eligibility with a failed check (the government's position is not recorded)."""
    for status in (CaseStatus.APPLICATION, CaseStatus.ELIGIBILITY):
        services.case_transition(actor=counsellor_a, case=case_a, to_status=status)
    check = services.eligibility_check_run(actor=counsellor_a, case=case_a)
    return check.outcomes.get(rule_code="no_government_objection")


# ---------------------------------------------------------------- access


def _all_action_requests(case, ids):
    """(method, url) of every action route of a case."""
    return [
        ("get", url("case-edit", case)),
        ("post", url("case-edit", case)),
        ("post", url("case-transition", case)),
        ("post", url("case-eligibility-run", case)),
        ("post", url("case-eligibility-override", case, ids["outcome"])),
        ("get", url("case-note-add", case)),
        ("post", url("case-note-add", case)),
        ("get", url("case-vulnerability-add", case)),
        ("post", url("case-vulnerability-add", case)),
        ("post", url("case-vulnerability-end", case, ids["vulnerability"])),
        ("post", url("case-vulnerabilities-assessed", case)),
        ("get", url("case-consent-add", case)),
        ("post", url("case-consent-add", case)),
        ("post", url("case-consent-withdraw", case, ids["consent"])),
        ("get", url("case-guardian-add", case)),
        ("post", url("case-guardian-add", case)),
        ("get", url("case-fit-to-travel-add", case)),
        ("post", url("case-fit-to-travel-add", case)),
        ("get", url("case-attachment-add", case)),
        ("post", url("case-attachment-add", case)),
        ("get", url("case-attachment-download", case, ids["attachment"])),
    ]


def _records_on(case, actor):
    person = case.members.get().person
    for status in (CaseStatus.APPLICATION, CaseStatus.ELIGIBILITY):
        case = services.case_transition(actor=actor, case=case, to_status=status)
    check = services.eligibility_check_run(actor=actor, case=case)
    # (the services keep the sensitive flags in step with the vulnerabilities: keep a trafficking case one)
    kind = "trafficking" if case.is_trafficking else "elderly"
    vuln = services.vulnerability_record(actor=actor, case=case, person=person, kind=kind)
    assert refresh(case).is_trafficking == (kind == "trafficking")
    consent = services.consent_record(actor=actor, case=case, kind="data_processing", given_on=timezone.localdate())
    attachment = services.attachment_add(actor=actor, case=case, kind="document_scan",
                                         upload=SimpleUploadedFile("scan.pdf", PDF))
    return {"outcome": check.outcomes.first().pk, "vulnerability": vuln.pk, "consent": consent.pk,
            "attachment": attachment.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("case_fixture,owner_fixture", [("case_b", "counsellor_b"), ("sensitive_a", "counsellor_a2")])
def test_every_action_route_answers_404_outside_scope_and_changes_nothing(
    as_user, counsellor_a, case_fixture, owner_fixture, request
):
    case = request.getfixturevalue(case_fixture)
    ids = _records_on(case, request.getfixturevalue(owner_fixture))
    before = (refresh(case).version, StatusChange.objects.count(), Note.objects.count(), AuditEvent.objects.count())
    client = as_user(counsellor_a)
    for method, path in _all_action_requests(case, ids):
        data = {"to_status": "withdrawn", "reason": "x", "text": "x", "written_on": "2020-01-01"}
        response = client.get(path) if method == "get" else client.post(path, data)
        assert response.status_code == 404, (method, path)
    after = (refresh(case).version, StatusChange.objects.count(), Note.objects.count(), AuditEvent.objects.count())
    assert after == before


@pytest.mark.django_db
def test_view_only_role_gets_403_on_actions_of_a_visible_case(as_user, manager, counsellor_a, case_a):
    ids = _records_on(case_a, counsellor_a)
    client = as_user(manager)
    assert client.get(url("case-detail", case_a)).status_code == 200
    for method, path in _all_action_requests(case_a, ids):
        if f"attachments/{ids['attachment']}/" in path:
            continue  # downloading is reading: a manager who sees the case may
        response = client.get(path) if method == "get" else client.post(path, {})
        assert response.status_code == 403, (method, path)


@pytest.mark.django_db
def test_action_routes_refuse_get_where_they_only_change(as_user, counsellor_a, case_a):
    client = as_user(counsellor_a)
    assert client.get(url("case-transition", case_a)).status_code == 405
    assert client.get(url("case-eligibility-run", case_a)).status_code == 405


# ---------------------------------------------------------------- transitions


@pytest.mark.django_db
def test_successful_move_writes_a_status_change_and_says_so(as_user, counsellor_a, case_a):
    response = as_user(counsellor_a).post(url("case-transition", case_a),
                                          {"to_status": "application", "version": case_a.version}, follow=True)
    assert response.redirect_chain[-1][0] == url("case-detail", case_a)
    assert refresh(case_a).status == CaseStatus.APPLICATION
    change = StatusChange.objects.filter(case=case_a).latest("id")
    assert (change.from_status, change.to_status, change.by) == ("contact", "application", counsellor_a)
    assert [str(m) for m in response.context["messages"]] == ["The case moved to “Application”."]


@pytest.mark.django_db
def test_refused_move_shows_what_is_missing(as_user, counsellor_a, case_a):
    for status in (CaseStatus.APPLICATION, CaseStatus.ELIGIBILITY):
        services.case_transition(actor=counsellor_a, case=case_a, to_status=status)
    response = as_user(counsellor_a).post(url("case-transition", case_a),
                                          {"to_status": "preparation", "version": refresh(case_a).version})
    assert response.status_code == 400
    error = response.context["transition_error"]
    assert error["message"] == "The case cannot move to “Preparation” yet. Missing:"
    assert error["details"] == ["Run the eligibility check first."]
    assert "Run the eligibility check first." in response.content.decode()
    assert refresh(case_a).status == CaseStatus.ELIGIBILITY
    assert not StatusChange.objects.filter(case=case_a, to_status="preparation").exists()


@pytest.mark.django_db
def test_refused_move_to_ready_to_depart_lists_the_open_checklist_items(as_user, counsellor_a, case_a):
    case = services.case_update(actor=counsellor_a, case=case_a, version=case_a.version,
                                residence_procedure_none=True, government_position="no_objection",
                                government_position_on=timezone.localdate())
    for status in (CaseStatus.APPLICATION, CaseStatus.ELIGIBILITY):
        case = services.case_transition(actor=counsellor_a, case=case, to_status=status)
    from passage.testing.factories import TravelDocumentFactory

    TravelDocumentFactory(person=case.members.get().person)
    services.eligibility_check_run(actor=counsellor_a, case=case)
    case = services.case_transition(actor=counsellor_a, case=case, to_status=CaseStatus.PREPARATION)
    response = as_user(counsellor_a).post(url("case-transition", case),
                                          {"to_status": "ready_to_depart", "version": case.version})
    assert response.status_code == 400
    assert response.context["transition_error"]["details"] == [
        "Consent to data processing", "Consent to sharing with partners", "Vulnerabilities assessed",
    ]


@pytest.mark.django_db
def test_on_hold_needs_a_reason_and_a_future_review_date(as_user, counsellor_a, case_a):
    client = as_user(counsellor_a)
    response = client.post(url("case-transition", case_a), {"to_status": "on_hold", "version": case_a.version})
    assert response.status_code == 400
    assert response.context["transition_error"]["details"] == ["A reason.", "A review date."]
    review = timezone.localdate() + datetime.timedelta(days=14)
    response = client.post(url("case-transition", case_a), {
        "to_status": "on_hold", "version": case_a.version, "reason": "Waiting for the family", "review_on": review})
    assert response.status_code == 302
    case = refresh(case_a)
    assert (case.status, case.on_hold_reason, case.on_hold_review_on) == ("on_hold", "Waiting for the family", review)


@pytest.mark.django_db
def test_move_from_a_stale_page_is_refused_with_the_concurrent_edit_message(as_user, counsellor_a, counsellor_a2,
                                                                            case_a):
    stale_version = case_a.version
    services.case_transition(actor=counsellor_a2, case=case_a, to_status=CaseStatus.APPLICATION)
    response = as_user(counsellor_a).post(url("case-transition", case_a),
                                          {"to_status": "withdrawn", "reason": "changed mind", "version": stale_version})
    assert response.status_code == 409
    assert response.context["transition_error"]["message"].startswith("Someone else saved this record")
    assert refresh(case_a).status == CaseStatus.APPLICATION


# ---------------------------------------------------------------- eligibility


@pytest.mark.django_db
def test_running_the_check_stores_it_and_the_page_shows_each_reason(as_user, counsellor_a, case_a):
    client = as_user(counsellor_a)
    response = client.post(url("case-eligibility-run", case_a), follow=True)
    check = case_a.eligibility_checks.get()
    assert check.passed is False
    html = response.content.decode()
    from django.utils.html import escape

    for outcome in check.outcomes.all():
        assert escape(outcome.reason) in html


@pytest.mark.django_db
def test_override_by_a_counsellor_is_403(as_user, counsellor_a, check_failed):
    response = as_user(counsellor_a).post(url("case-eligibility-override", check_failed.eligibility_check.case,
                                              check_failed.pk), {"reason": "I think so"})
    assert response.status_code == 403
    check_failed.refresh_from_db()
    assert check_failed.overridden_at is None


@pytest.mark.django_db
def test_supervisor_overrides_a_failed_rule_with_a_reason_shown_on_the_page(as_user, supervisor_a, check_failed):
    case = check_failed.eligibility_check.case
    client = as_user(supervisor_a)
    response = client.post(url("case-eligibility-override", case, check_failed.pk), {"reason": ""})
    assert response.status_code == 400
    assert response.context["override_error"]["outcome"] == check_failed.pk
    response = client.post(url("case-eligibility-override", case, check_failed.pk),
                           {"reason": "Ministry confirmed by phone"}, follow=True)
    check_failed.refresh_from_db()
    assert (check_failed.overridden_by, check_failed.override_reason) == (supervisor_a, "Ministry confirmed by phone")
    assert "Ministry confirmed by phone" in response.content.decode()
    assert AuditEvent.objects.filter(action="override", case_id=case.pk, actor=supervisor_a).count() == 1


@pytest.mark.django_db
def test_override_of_an_outcome_of_another_case_is_404(as_user, supervisor_a, check_failed, sensitive_a):
    response = as_user(supervisor_a).post(url("case-eligibility-override", sensitive_a, check_failed.pk),
                                          {"reason": "wrong case"})
    assert response.status_code == 404


# ---------------------------------------------------------------- records


@pytest.mark.django_db
def test_add_note_with_language_and_interpreter(as_user, counsellor_a, case_a):
    client = as_user(counsellor_a)
    form = client.get(url("case-note-add", case_a), HTTP_HX_REQUEST="true")
    assert b"<html" not in form.content and b'name="text"' in form.content
    response = client.post(url("case-note-add", case_a), {
        "written_on": timezone.localdate().isoformat(), "language": "en", "interpreter": "phone",
        "text": "Explained the programme."})
    assert response.status_code == 302
    note = Note.objects.get(case=case_a)
    assert (note.language_id, note.interpreter, note.text, note.author) == ("en", "phone", "Explained the programme.",
                                                                            counsellor_a)


@pytest.mark.django_db
def test_note_dated_in_the_future_is_refused_with_the_field_message(as_user, counsellor_a, case_a):
    future = timezone.localdate() + datetime.timedelta(days=2)
    response = as_user(counsellor_a).post(url("case-note-add", case_a), {
        "written_on": future.isoformat(), "interpreter": "none", "text": "Too early"})
    assert response.status_code == 400
    assert response.context["form"].errors["written_on"] == ["A note cannot be dated in the future."]
    assert b'aria-invalid="true"' in response.content
    assert not Note.objects.exists()


@pytest.mark.django_db
def test_record_and_end_a_vulnerability_and_mark_assessed(as_user, counsellor_a, case_a):
    person = case_a.members.get().person
    client = as_user(counsellor_a)
    response = client.post(url("case-vulnerability-add", case_a), {
        "person": person.pk, "kind": "other", "detail": "", "assessed_on": timezone.localdate().isoformat()})
    assert response.context["form"].errors["detail"] == ["Describe the vulnerability."]
    response = client.post(url("case-vulnerability-add", case_a), {
        "person": person.pk, "kind": "medical", "detail": "diabetes", "assessed_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    vuln = Vulnerability.objects.get(case=case_a)
    assert refresh(case_a).is_medical is True
    assert client.post(url("case-vulnerability-end", case_a, vuln.pk)).status_code == 302
    vuln.refresh_from_db()
    assert vuln.ended_on == timezone.localdate()
    assert refresh(case_a).is_medical is False
    assert client.post(url("case-vulnerabilities-assessed", case_a)).status_code == 302
    assert refresh(case_a).vulnerabilities_assessed_on == timezone.localdate()


@pytest.mark.django_db
def test_vulnerability_for_someone_outside_the_household_is_not_offered(as_user, counsellor_a, case_a, case_b):
    outsider = case_b.members.get().person
    response = as_user(counsellor_a).post(url("case-vulnerability-add", case_a), {
        "person": outsider.pk, "kind": "elderly", "assessed_on": timezone.localdate().isoformat()})
    assert response.status_code == 400
    assert "person" in response.context["form"].errors
    assert not Vulnerability.objects.exists()


@pytest.mark.django_db
def test_record_and_withdraw_a_consent(as_user, counsellor_a, case_a):
    client = as_user(counsellor_a)
    response = client.post(url("case-consent-add", case_a), {
        "kind": "guardian_host", "given_on": timezone.localdate().isoformat(), "given_by_name": ""})
    assert response.context["form"].errors["given_by_name"] == ["Give the name of the guardian who consented."]
    response = client.post(url("case-consent-add", case_a), {
        "kind": "data_processing", "given_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    consent = Consent.objects.get(case=case_a)
    assert client.post(url("case-consent-withdraw", case_a, consent.pk)).status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate()


@pytest.mark.django_db
def test_record_a_guardian_and_a_fit_to_travel_statement(as_user, counsellor_a, case_a):
    person = case_a.members.get().person
    client = as_user(counsellor_a)
    today = timezone.localdate().isoformat()
    response = client.post(url("case-guardian-add", case_a), {
        "person": person.pk, "name": "Nino Beridze", "relationship": "aunt", "identified_by": "passport 12AB",
        "confirmed_on": today})
    assert response.status_code == 302
    assert case_a.return_guardians.get().name == "Nino Beridze"
    response = client.post(url("case-fit-to-travel-add", case_a), {
        "person": person.pk, "fit": "yes", "statement_on": today, "issued_by": "Dr. Example", "conditions": ""})
    assert response.status_code == 302
    statement = case_a.fit_to_travel.get()
    assert (statement.fit, statement.issued_by) == (True, "Dr. Example")


# ---------------------------------------------------------------- attachments


@pytest.mark.django_db
@pytest.mark.parametrize("name,content", [
    ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00binary"),
    ("letter.pdf", b"Dear counsellor, this is plain text renamed to .pdf"),
])
def test_attachment_of_a_refused_type_is_not_stored(as_user, counsellor_a, case_a, name, content):
    response = as_user(counsellor_a).post(url("case-attachment-add", case_a), {
        "kind": "document_scan", "file": SimpleUploadedFile(name, content, content_type="application/pdf")})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == ["Only PDF, JPEG and PNG files can be attached."]
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_attachment_upload_then_download_is_streamed_and_audited(as_user, counsellor_a, case_a):
    client = as_user(counsellor_a)
    response = client.post(url("case-attachment-add", case_a), {
        "kind": "consent", "person": case_a.members.get().person_id,
        "file": SimpleUploadedFile("signed consent.pdf", PDF, content_type="application/pdf")})
    assert response.status_code == 302
    attachment = Attachment.objects.get(case=case_a)
    page = client.get(url("case-detail", case_a)).content.decode()
    assert url("case-attachment-download", case_a, attachment.pk) in page
    response = client.get(url("case-attachment-download", case_a, attachment.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "signed consent.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(action="download")
    assert (event.actor, event.case_id, event.object_id) == (counsellor_a, case_a.pk, str(attachment.pk))


@pytest.mark.django_db
def test_attachment_of_another_case_is_404_even_through_a_visible_case(as_user, counsellor_a, counsellor_b,
                                                                       case_a, case_b):
    other = services.attachment_add(actor=counsellor_b, case=case_b, kind="other",
                                    upload=SimpleUploadedFile("b.pdf", PDF))
    client = as_user(counsellor_a)
    assert client.get(url("case-attachment-download", case_a, other.pk)).status_code == 404
    assert client.get(url("case-attachment-download", case_b, other.pk)).status_code == 404
    assert not AuditEvent.objects.filter(action="download").exists()


# ---------------------------------------------------------------- application details


def _edit_data(case, **overrides):
    data = {
        "version": case.version, "work_post": case.work_post_id, "counsellor": case.counsellor_id,
        "referral_source": case.referral_source, "referral_partner": "", "intended_destination": "GE",
        "residence_procedure_withdrawn_on": "", "government_position": "not_asked",
        "government_position_on": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_edit_saves_the_application_details(as_user, counsellor_a, case_a):
    client = as_user(counsellor_a)
    assert client.get(url("case-edit", case_a)).status_code == 200
    response = client.post(url("case-edit", case_a), _edit_data(
        case_a, referral_source="ngo", intended_destination="AM", residence_procedure_none="on",
        government_position="no_objection", government_position_on=timezone.localdate().isoformat()))
    assert response.status_code == 302
    case = refresh(case_a)
    assert (case.referral_source, case.intended_destination, case.residence_procedure_none,
            case.government_position, case.version) == ("ngo", "AM", True, "no_objection", case_a.version + 1)


@pytest.mark.django_db
def test_edit_on_a_stale_version_is_refused_and_keeps_the_users_input(as_user, counsellor_a, counsellor_a2, case_a):
    client = as_user(counsellor_a)
    opened = client.get(url("case-edit", case_a)).context["form"].initial["version"]
    # a colleague saves first
    services.case_update(actor=counsellor_a2, case=case_a, version=opened, referral_source="police")
    response = client.post(url("case-edit", case_a), _edit_data(case_a, version=opened, referral_source="ngo",
                                                                 intended_destination="AM"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this record after you opened it." in html
    form = response.context["form"]
    assert (form["referral_source"].value(), form["intended_destination"].value()) == ("ngo", "AM")
    assert '<option value="AM" selected>' in html
    case = refresh(case_a)
    assert (case.referral_source, case.intended_destination) == ("police", "GE")


@pytest.mark.django_db
def test_edit_maps_service_field_errors_onto_the_form(as_user, counsellor_a, case_a):
    response = as_user(counsellor_a).post(url("case-edit", case_a), _edit_data(case_a, government_position="objection"))
    assert response.status_code == 400
    assert response.context["form"].errors["government_position_on"] == [
        "Give the date the government's position was recorded."]


@pytest.mark.django_db
def test_edit_offers_only_the_missions_work_posts(as_user, counsellor_a, case_a, mission_ge):
    from passage.testing.factories import WorkPostFactory

    foreign = WorkPostFactory(mission=mission_ge)
    response = as_user(counsellor_a).post(url("case-edit", case_a), _edit_data(case_a, work_post=foreign.pk))
    assert response.status_code == 400
    assert "work_post" in response.context["form"].errors
    assert refresh(case_a).work_post_id == case_a.work_post_id
