"""Merging two records of one person (/people/merge/): supervisors only, both records in scope, audited."""

import pytest

from passage.audit.models import AuditEvent
from passage.cases.models import CaseMember
from passage.people.models import Person
from passage.people.tests.test_views_urls import login, with_case_detail  # noqa: F401
from passage.testing.factories import CaseFactory, PersonFactory, TravelDocumentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("with_case_detail")]

URL = "/people/merge/"


@pytest.fixture
def pair(counsellor_a, work_post_a, case_a):
    """The same woman registered twice at work post A, each record with its own case and document."""
    survivor = case_a.members.get().person
    duplicate = PersonFactory(mission=work_post_a.mission, family_name="Alfa", given_names="Anna")
    dup_case = CaseFactory(work_post=work_post_a, counsellor=counsellor_a, principal=duplicate)
    doc = TravelDocumentFactory(person=duplicate, number="XP5550001")
    return survivor, duplicate, dup_case, doc


def test_counsellor_may_not_merge(client, counsellor_a, pair):
    survivor, duplicate, _case, _doc = pair
    login(client, counsellor_a)
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"survivor": survivor.pk, "duplicate": duplicate.pk, "reason": "same person"})
    assert response.status_code == 403
    assert Person.objects.get(pk=duplicate.pk).merged_into_id is None


def test_supervisor_compares_side_by_side(client, supervisor_a, pair):
    survivor, duplicate, dup_case, _doc = pair
    response = login(client, supervisor_a).get(URL, {"survivor": survivor.pk, "duplicate": duplicate.pk})
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert (comparison["survivor"]["person"], comparison["duplicate"]["person"]) == (survivor, duplicate)
    html = response.content.decode()
    assert "ALPHA, Ana" in html and "ALFA, Anna" in html and "XP5550001" in html and dup_case.number in html


def test_supervisor_merge_moves_documents_and_memberships_and_audits(client, supervisor_a, case_a, pair):
    survivor, duplicate, dup_case, doc = pair
    response = login(client, supervisor_a).post(URL, {"survivor": survivor.pk, "duplicate": duplicate.pk,
                                                      "reason": "Registered twice at intake"})
    assert response.status_code == 302
    assert response["Location"] == f"/people/{survivor.pk}/"
    duplicate.refresh_from_db()
    doc.refresh_from_db()
    assert duplicate.merged_into_id == survivor.pk
    assert doc.person_id == survivor.pk
    assert sorted(CaseMember.objects.filter(person=survivor).values_list("case_id", flat=True)) == sorted(
        [case_a.pk, dup_case.pk])
    assert not CaseMember.objects.filter(person=duplicate).exists()
    events = AuditEvent.objects.filter(action="merge", actor=supervisor_a)
    assert sorted(events.values_list("person_id", flat=True)) == sorted([survivor.pk, duplicate.pk])
    assert all(e.changes["reason"] == [None, "Registered twice at intake"] for e in events)
    page = client.get(f"/people/{survivor.pk}/")
    assert [p.pk for p in page.context["merged_from"]] == [duplicate.pk]


def test_merge_needs_a_reason(client, supervisor_a, pair):
    survivor, duplicate, _case, _doc = pair
    response = login(client, supervisor_a).post(URL, {"survivor": survivor.pk, "duplicate": duplicate.pk,
                                                      "reason": "  "})
    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["reason"]
    assert Person.objects.get(pk=duplicate.pk).merged_into_id is None


def test_merge_with_a_record_outside_scope_is_404(client, supervisor_a, case_a, case_b):
    survivor = case_a.members.get().person
    outsider = case_b.members.get().person
    login(client, supervisor_a)
    assert client.get(URL, {"survivor": survivor.pk, "duplicate": outsider.pk}).status_code == 404
    response = client.post(URL, {"survivor": outsider.pk, "duplicate": survivor.pk, "reason": "same"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="merge").exists()
    assert Person.objects.filter(merged_into__isnull=False).count() == 0
