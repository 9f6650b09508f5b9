"""Who sees which case, through the one selector every view uses."""

import pytest
from django.http import Http404

from passage.audit.models import AuditEvent
from passage.cases.selectors import case_get_for_user, cases_visible_to, persons_visible_to


def visible(user):
    return set(cases_visible_to(user).values_list("number", flat=True))


@pytest.mark.django_db
def test_counsellor_sees_own_work_post_but_not_other_work_post_nor_unassigned_sensitive_case(
    counsellor_a, case_a, case_b, sensitive_a
):
    assert visible(counsellor_a) == {case_a.number}


@pytest.mark.django_db
def test_assigned_counsellor_sees_own_sensitive_case(counsellor_a2, case_a, sensitive_a):
    assert visible(counsellor_a2) == {case_a.number, sensitive_a.number}


@pytest.mark.django_db
def test_supervisor_sees_supervised_work_post_including_sensitive(supervisor_a, case_a, case_b, sensitive_a):
    assert visible(supervisor_a) == {case_a.number, sensitive_a.number}


@pytest.mark.django_db
def test_manager_sees_mission_without_sensitive_unless_cleared(manager, cleared_manager, case_a, case_b, sensitive_a):
    assert visible(manager) == {case_a.number, case_b.number}
    assert visible(cleared_manager) == {case_a.number, case_b.number, sensitive_a.number}


@pytest.mark.django_db
def test_roles_without_case_scope_see_nothing(dpo, admin_user, other_mission_staff, case_a, case_b, sensitive_a):
    for user in (dpo, admin_user, other_mission_staff):
        assert visible(user) == set()


@pytest.mark.django_db
def test_case_outside_scope_is_404(counsellor_a, case_b, sensitive_a):
    for case in (case_b, sensitive_a):
        with pytest.raises(Http404):
            case_get_for_user(counsellor_a, case.pk)


@pytest.mark.django_db
def test_reading_a_sensitive_case_writes_an_audit_row(counsellor_a2, sensitive_a, case_a):
    case_get_for_user(counsellor_a2, case_a.pk, audit_read=True)
    assert not AuditEvent.objects.filter(action="read").exists()
    case_get_for_user(counsellor_a2, sensitive_a.pk, audit_read=True)
    event = AuditEvent.objects.get(action="read")
    assert (event.actor, event.case_id, event.object_type) == (counsellor_a2, sensitive_a.pk, "cases.case")


@pytest.mark.django_db
def test_persons_follow_case_visibility(counsellor_a, case_a, case_b, sensitive_a):
    names = set(persons_visible_to(counsellor_a).values_list("family_name", flat=True))
    assert names == {"Alpha"}
