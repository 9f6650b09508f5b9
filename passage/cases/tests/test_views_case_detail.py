"""The case page: what it shows, who may see it, and what it costs in queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from passage.audit.models import AuditEvent
from passage.cases import services
from passage.cases.enums import CaseStatus, Relationship
from passage.cases.models import Case
from passage.testing.factories import CaseFactory, PersonFactory, TravelDocumentFactory


@pytest.fixture(autouse=True)
def _english(client):
    """Assertions read the English source strings; Dutch is the default language of the service."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def detail(case):
    return reverse("case-detail", args=[case.pk])


def move(case, *statuses, actor):
    for status in statuses:
        case = services.case_transition(actor=actor, case=case, to_status=status)
    return case


def rich_case(counsellor, work_post, *, children=1, notes=1):
    """A household in preparation with documents, a passed check, consents, vulnerabilities and notes."""
    principal = PersonFactory(mission=work_post.mission, family_name="Ali", given_names="Mohammed")
    case = CaseFactory(work_post=work_post, counsellor=counsellor, principal=principal,
                       residence_procedure_none=True, government_position="no_objection",
                       government_position_on=timezone.localdate())
    TravelDocumentFactory(person=principal, number="XP7654321", number_key="XP7654321")
    for i in range(children):
        child = PersonFactory(mission=work_post.mission, family_name="Ali", given_names=f"Child{i}", birth_year=2015)
        TravelDocumentFactory(person=child)
        services.case_member_add(actor=counsellor, case=case, person=child, relationship=Relationship.CHILD)
    case = move(case, CaseStatus.APPLICATION, CaseStatus.ELIGIBILITY, actor=counsellor)
    services.eligibility_check_run(actor=counsellor, case=case)
    case = move(case, CaseStatus.PREPARATION, actor=counsellor)
    services.consent_record(actor=counsellor, case=case, kind="data_processing", given_on=timezone.localdate())
    services.vulnerability_record(actor=counsellor, case=case, person=principal, kind="elderly")
    for i in range(notes):
        services.note_add(actor=counsellor, case=case, text=f"Session {i}: discussed the return.")
    return Case.objects.get(pk=case.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("case_fixture", ["case_b", "sensitive_a"])
def test_case_outside_scope_is_404(client, counsellor_a, case_fixture, request):
    case = request.getfixturevalue(case_fixture)
    client.force_login(counsellor_a)
    assert client.get(detail(case)).status_code == 404


@pytest.mark.django_db
def test_detail_shows_household_documents_eligibility_checklist_and_timeline(client, counsellor_a, work_post_a):
    case = rich_case(counsellor_a, work_post_a)
    client.force_login(counsellor_a)
    response = client.get(detail(case))
    assert response.status_code == 200
    html = response.content.decode()
    assert case.number in html
    assert "ALI, Mohammed" in html and "ALI, Child0" in html
    assert "XP7654321" in html
    assert f"?for_case={case.pk}" in html
    # each rule of the latest check with its reason and version
    outcomes = response.context["latest_outcomes"]
    assert len(outcomes) == 5 and all(o.passed for o in outcomes)
    for outcome in outcomes:
        assert escape(outcome.reason) in html
    assert "v1" in html
    # the checklist: documents done, partner-sharing consent and assessment open
    checklist = {item.key: item.done for item in response.context["checklist"]}
    assert checklist["consent-data"] is True
    assert checklist["consent-sharing"] is False
    assert checklist["vulnerabilities"] is False
    # the timeline merges status changes, checks, notes, vulnerabilities and consents in date order
    kinds = [event["kind"] for event in response.context["timeline"]]
    assert kinds.count("status") == 4
    assert {"check", "note", "vulnerability", "consent"} <= set(kinds)
    whens = [(e["when"] if isinstance(e["when"], datetime.date) and not e["is_datetime"]
              else timezone.localtime(e["when"]).date()) for e in response.context["timeline"]]
    assert whens == sorted(whens)
    # the next moves, and what is missing for ready to depart
    moves = {m["status"]: m for m in response.context["moves"]}
    assert set(moves) == {"eligibility", "ready_to_depart", "on_hold", "withdrawn"}
    assert "Consent to sharing with partners" in moves["ready_to_depart"]["blockers"]
    assert "Vulnerabilities assessed" in moves["ready_to_depart"]["blockers"]
    assert moves["eligibility"]["blockers"] == []
    assert 'id="missing-ready_to_depart"' in html
    assert moves["on_hold"]["needs_reason"] and moves["on_hold"]["needs_review"]
    assert 'id="review-on_hold"' in html and 'id="reason-withdrawn"' in html


@pytest.mark.django_db
def test_failed_rule_shows_reason_and_only_a_supervisor_gets_the_override_form(
    client, counsellor_a, supervisor_a, case_a
):
    case = move(case_a, CaseStatus.APPLICATION, CaseStatus.ELIGIBILITY, actor=counsellor_a)
    check = services.eligibility_check_run(actor=counsellor_a, case=case)
    failed = check.outcomes.filter(passed=False).order_by("id")
    assert failed.exists()
    client.force_login(counsellor_a)
    html = client.get(detail(case)).content.decode()
    for outcome in failed:
        assert escape(outcome.reason) in html
    assert "override-reason-" not in html
    client.force_login(supervisor_a)
    html = client.get(detail(case)).content.decode()
    for outcome in failed:
        assert f'id="override-reason-{outcome.pk}"' in html


@pytest.mark.django_db
def test_reading_a_sensitive_case_page_is_audited(client, counsellor_a2, sensitive_a):
    client.force_login(counsellor_a2)
    assert client.get(detail(sensitive_a)).status_code == 200
    event = AuditEvent.objects.get(action="read")
    assert (event.actor, event.case_id) == (counsellor_a2, sensitive_a.pk)


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.django_db
def test_detail_queries_are_bounded_and_do_not_grow_with_the_case(
    client, counsellor_a, work_post_a, django_assert_max_num_queries
):
    small = rich_case(counsellor_a, work_post_a, children=1, notes=1)
    big = rich_case(counsellor_a, work_post_a, children=5, notes=12)
    client.force_login(counsellor_a)
    with django_assert_max_num_queries(15):
        client.get(detail(big))
    assert _count_queries(client, detail(small)) == _count_queries(client, detail(big))



@pytest.mark.django_db
def test_detail_queries_for_a_supervisor_on_a_sensitive_case_stay_bounded(
    client, counsellor_a, supervisor_a, work_post_a, django_assert_max_num_queries
):
    small = rich_case(counsellor_a, work_post_a, children=1, notes=1)
    big = rich_case(counsellor_a, work_post_a, children=4, notes=6)
    for case in (small, big):
        services.vulnerability_record(actor=counsellor_a, case=case, person=case.members.first().person,
                                      kind="medical")
    client.force_login(supervisor_a)
    # At most 14 in service, audited read of the sensitive case and fit-to-travel statements included; +2 for
    # the savepoints the audit's atomic block makes inside the test transaction.
    with django_assert_max_num_queries(16):
        response = client.get(detail(big))
    assert response.context["fit_statements"] == []
    assert _count_queries(client, detail(small)) == _count_queries(client, detail(big))


@pytest.mark.django_db
def test_detail_skips_the_queries_of_relations_the_case_does_not_have(
    client, counsellor_a, work_post_a, django_assert_max_num_queries
):
    """Consents, attachments, vulnerabilities, checks, guardians and fit-to-travel statements are asked for only
    when the case has some (the case query says which): a bare case page is well under the ceiling."""
    bare = CaseFactory(work_post=work_post_a, counsellor=counsellor_a)
    client.force_login(counsellor_a)
    with django_assert_max_num_queries(11):
        response = client.get(detail(bare))
    assert response.status_code == 200
    ctx = response.context
    assert (ctx["consents"], ctx["attachments"], ctx["vulnerabilities"], ctx["latest_check"]) == ([], [], [], None)


@pytest.mark.django_db
def test_the_case_page_never_offers_the_moves_of_a_booking(client, counsellor_a, case_a):
    """"Booked", "departed" and "arrived" follow the booking (movements services), never a button on the case."""
    Case.objects.filter(pk=case_a.pk).update(status=CaseStatus.READY_TO_DEPART)
    client.force_login(counsellor_a)
    response = client.get(detail(case_a))
    assert [m["status"] for m in response.context["moves"]] == ["preparation", "on_hold", "withdrawn"]
    assert 'id="move-booked"' not in response.content.decode()

    Case.objects.filter(pk=case_a.pk).update(status=CaseStatus.BOOKED)
    response = client.get(detail(case_a))
    assert response.context["moves"] == []
    assert ("This case moves with its booking: movements staff cancel the booking or confirm the departure."
            in response.content.decode())
    assert 'text-bg-success">Departure booked</span>' in response.content.decode()

    Case.objects.filter(pk=case_a.pk).update(status=CaseStatus.DEPARTED)
    response = client.get(detail(case_a))
    assert [m["status"] for m in response.context["moves"]] == ["closed"]


@pytest.mark.django_db
def test_posting_a_move_of_a_booking_from_the_case_page_is_refused(client, counsellor_a, case_a):
    Case.objects.filter(pk=case_a.pk).update(status=CaseStatus.READY_TO_DEPART)
    client.force_login(counsellor_a)
    response = client.post(reverse("case-transition", args=[case_a.pk]),
                           {"to_status": "booked", "version": Case.objects.get(pk=case_a.pk).version})
    assert response.status_code == 400
    assert response.context["transition_error"]["details"] == [
        "A case moves to “Departure booked” only through its booking, not by hand."]
    assert Case.objects.get(pk=case_a.pk).status == CaseStatus.READY_TO_DEPART
