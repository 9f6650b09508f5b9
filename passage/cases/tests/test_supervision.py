"""The supervisor's view: counts, overdue reviews, blocked cases and caseloads — only over cases the user sees."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from passage.cases import supervision as board
from passage.cases.enums import CaseStatus, ConsentKind
from passage.cases.models import Consent
from passage.cases.selectors import cases_visible_to
from passage.testing.factories import CaseFactory, PersonFactory, TravelDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    """Assertions read English messages, whatever translations are compiled (Dutch is the default)."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield

S = CaseStatus


def _days_ago(n):
    return timezone.now() - datetime.timedelta(days=n)


@pytest.fixture
def board_cases(case_a, case_b, sensitive_a, counsellor_a, counsellor_a2, counsellor_b, work_post_a, work_post_b):
    """Around the personas' cases: an application missing a nationality (A), an eligibility case never checked
    (A), a preparation case with its checklist complete (A) and one without consents (B), and cases on hold
    past and before their review date."""
    today = timezone.localdate()
    mission = work_post_a.mission
    nameless = PersonFactory(mission=mission, family_name="Nonat", given_names="Nika", nationality=False)
    complete = PersonFactory(mission=mission, family_name="Ready", given_names="Rita")
    TravelDocumentFactory(person=complete)
    cases = {
        "application_a": CaseFactory(work_post=work_post_a, counsellor=counsellor_a, status=S.APPLICATION,
                                     status_changed_at=_days_ago(30), principal=nameless),
        "eligibility_a": CaseFactory(work_post=work_post_a, counsellor=counsellor_a, status=S.ELIGIBILITY,
                                     status_changed_at=_days_ago(20)),
        "complete_a": CaseFactory(work_post=work_post_a, counsellor=counsellor_a2, status=S.PREPARATION,
                                  status_changed_at=_days_ago(40), principal=complete,
                                  vulnerabilities_assessed_on=today),
        "preparation_b": CaseFactory(work_post=work_post_b, counsellor=counsellor_b, status=S.PREPARATION,
                                     status_changed_at=_days_ago(50)),
        "overdue_a": CaseFactory(work_post=work_post_a, counsellor=counsellor_a, status=S.ON_HOLD,
                                 on_hold_from=S.APPLICATION, on_hold_reason="Waiting for the embassy",
                                 on_hold_review_on=today - datetime.timedelta(days=3)),
        "not_due_a": CaseFactory(work_post=work_post_a, counsellor=counsellor_a, status=S.ON_HOLD,
                                 on_hold_from=S.APPLICATION, on_hold_reason="Hospital stay",
                                 on_hold_review_on=today + datetime.timedelta(days=3)),
        "overdue_b": CaseFactory(work_post=work_post_b, counsellor=counsellor_b, status=S.ON_HOLD,
                                 on_hold_from=S.APPLICATION, on_hold_reason="Secret reason of B",
                                 on_hold_review_on=today - datetime.timedelta(days=10)),
        "closed_a": CaseFactory(work_post=work_post_a, counsellor=counsellor_a, status=S.CLOSED),
        "booked_a": CaseFactory(work_post=work_post_a, counsellor=counsellor_a, status=S.BOOKED),
        "departed_a": CaseFactory(work_post=work_post_a, counsellor=counsellor_a, status=S.DEPARTED),
    }
    for kind in (ConsentKind.DATA_PROCESSING, ConsentKind.PARTNER_SHARING):
        Consent.objects.create(case=cases["complete_a"], mission_id=cases["complete_a"].mission_id, kind=kind, given_on=today, recorded_by=counsellor_a2)
    return cases


def _table(table):
    return [(row.label, row.counts) for row in table.rows]


# --- selectors ------------------------------------------------------------------------------------------


def test_counts_per_work_post_cover_only_the_supervisors_cases(supervisor_a, board_cases):
    table = board.status_by_work_post(cases_visible_to(supervisor_a))
    # contact (case_a, sensitive_a), application, eligibility, preparation, ready, booked, on hold (2); closed and
    # departed not counted.
    assert [column.value for column in board.OPEN_COLUMNS] == [
        "contact", "application", "eligibility", "preparation", "ready_to_depart", "booked", "on_hold"]
    assert _table(table) == [("Work post A", [2, 1, 1, 1, 0, 1, 2])]
    assert (table.total, table.column_totals) == (8, [2, 1, 1, 1, 0, 1, 2])


def test_counts_for_a_manager_leave_out_sensitive_cases_they_are_not_cleared_for(manager, board_cases):
    table = board.status_by_work_post(cases_visible_to(manager))
    assert _table(table) == [("Work post A", [1, 1, 1, 1, 0, 1, 2]), ("Work post B", [1, 0, 0, 1, 0, 0, 1])]


def test_caseload_counts_open_cases_per_counsellor(supervisor_a, counsellor_a, counsellor_a2, board_cases):
    rows = {row.key: row.counts for row in board.caseload(cases_visible_to(supervisor_a)).rows}
    assert rows == {counsellor_a.pk: [1, 1, 1, 0, 0, 1, 2], counsellor_a2.pk: [1, 0, 0, 1, 0, 0, 0]}


def test_overdue_reviews_are_on_hold_cases_past_their_review_date_in_scope(supervisor_a, manager, board_cases):
    shown, total = board.overdue_reviews(cases_visible_to(supervisor_a))
    assert [(c.number, c.days_overdue, c.on_hold_reason) for c in shown] == [
        (board_cases["overdue_a"].number, 3, "Waiting for the embassy")]
    assert total == 1
    shown, total = board.overdue_reviews(cases_visible_to(manager))
    assert [c.number for c in shown] == [board_cases["overdue_b"].number, board_cases["overdue_a"].number]


def test_blocked_cases_say_what_blocks_the_next_move_and_how_long_they_waited(supervisor_a, board_cases):
    blocked, examined = board.blocked_cases(cases_visible_to(supervisor_a))
    assert examined == 3  # application, eligibility and the complete preparation case of work post A
    assert [(b.case.number, b.target, b.waiting_days) for b in blocked] == [
        (board_cases["application_a"].number, S.ELIGIBILITY, 30),
        (board_cases["eligibility_a"].number, S.PREPARATION, 20),
    ]
    assert blocked[0].blockers == ["Nationality of NONAT Nika."]
    assert blocked[1].blockers == ["Run the eligibility check first."]


def test_blocked_cases_examine_at_most_the_limit_longest_waiting(supervisor_a, work_post_a, counsellor_a,
                                                                  monkeypatch):
    monkeypatch.setattr(board, "BLOCKED_LIMIT", 2)
    waits = [5, 9, 7]
    for days in waits:
        CaseFactory(work_post=work_post_a, counsellor=counsellor_a, status=S.ELIGIBILITY,
                    status_changed_at=_days_ago(days))
    blocked, examined = board.blocked_cases(cases_visible_to(supervisor_a))
    assert (examined, [b.waiting_days for b in blocked]) == (2, [9, 7])


# --- the page -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["counsellor_a", "dpo", "admin_user", "other_mission_staff"])
def test_supervision_is_forbidden_to_roles_without_it(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("supervision")).status_code == 403
    assert client.get(reverse("supervision"), {"panel": "blocked"}, HTTP_HX_REQUEST="true").status_code == 403


def test_supervision_page_links_counts_to_the_filtered_case_list(client, supervisor_a, work_post_a, board_cases):
    client.force_login(supervisor_a)
    response = client.get(reverse("supervision"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="/cases/?status=application&amp;work_post={work_post_a.pk}"' in html
    assert f'href="/cases/?status=on_hold&amp;work_post={work_post_a.pk}"' in html
    assert "Waiting for the embassy" in html
    for leak in ("Work post B", "Secret reason of B", board_cases["preparation_b"].number):
        assert leak not in html
    # The blocked list is loaded after the page.
    assert response.context["blocked"] is None
    assert 'hx-get="/cases/supervision/?panel=blocked"' in html


def test_supervision_blocked_panel_over_htmx_is_the_panel_only(client, supervisor_a, board_cases):
    client.force_login(supervisor_a)
    response = client.get(reverse("supervision"), {"panel": "blocked"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="blocked-panel">')
    assert "Run the eligibility check first." in html
    assert board_cases["application_a"].number in html
    assert board_cases["complete_a"].number not in html
    assert board_cases["preparation_b"].number not in html


def test_supervision_blocked_panel_without_script_is_the_whole_page(client, manager, board_cases):
    client.force_login(manager)
    response = client.get(reverse("supervision"), {"panel": "blocked"})
    html = response.content.decode()
    assert "<h1" in html
    numbers = [b.case.number for b in response.context["blocked"]]
    assert numbers == [board_cases["preparation_b"].number, board_cases["application_a"].number,
                       board_cases["eligibility_a"].number]
    assert "Consent to data processing" in html


def test_supervision_page_query_count_does_not_grow_with_the_cases(client, supervisor_a, work_post_a, counsellor_a,
                                                                   django_assert_max_num_queries):
    for status in (S.CONTACT, S.APPLICATION, S.ELIGIBILITY, S.PREPARATION, S.ON_HOLD) * 6:
        CaseFactory(work_post=work_post_a, counsellor=counsellor_a, status=status,
                    on_hold_review_on=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(supervisor_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("supervision"))
    assert response.context["by_work_post"].total == 30
