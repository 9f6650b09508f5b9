"""The case list: search, filters, sorting, pages — and never a case outside the user's scope."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from passage.cases import services
from passage.cases.enums import CaseStatus
from passage.cases.models import CaseMember
from passage.people.enums import IdentifierKind
from passage.people.models import Identifier
from passage.testing.factories import CaseFactory, PersonFactory, TravelDocumentFactory, WorkPostFactory

URL = reverse("case-list")

@pytest.fixture(autouse=True)
def _english(client):
    """Assertions read the English source strings; Dutch is the default language of the service."""
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def numbers(response) -> list[str]:
    return [case.number for case in response.context["page"].object_list]


def count(response) -> int:
    return response.context["page"].paginator.count


@pytest.fixture
def mohammed_case(counsellor_a, work_post_a):
    person = PersonFactory(mission=work_post_a.mission, family_name="Ali", given_names="Mohammed", nationality="IQ")
    return CaseFactory(work_post=work_post_a, counsellor=counsellor_a, principal=person, number="NL-2026-000777")


@pytest.fixture
def logged_in(client):
    def login(user):
        client.force_login(user)
        return client
    return login


@pytest.mark.django_db
def test_search_by_name_finds_the_person_across_transliteration(logged_in, counsellor_a, case_a, mohammed_case):
    client = logged_in(counsellor_a)
    assert numbers(client.get(URL, {"q": "Muhammad"})) == [mohammed_case.number]
    assert numbers(client.get(URL, {"q": "mohamed ali"})) == [mohammed_case.number]
    assert numbers(client.get(URL, {"q": "alpha"})) == [case_a.number]


@pytest.mark.django_db
def test_search_by_document_number_ignores_spaces_and_case(logged_in, counsellor_a, case_a, mohammed_case):
    person = mohammed_case.members.get().person
    TravelDocumentFactory(person=person, number="XP 123-4567", number_key="XP1234567")
    client = logged_in(counsellor_a)
    assert numbers(client.get(URL, {"q": "xp1234567"})) == [mohammed_case.number]
    assert numbers(client.get(URL, {"q": "XP 123 4567"})) == [mohammed_case.number]
    assert numbers(client.get(URL, {"q": "XP1234568"})) == []


@pytest.mark.django_db
def test_search_by_foreigners_number(logged_in, counsellor_a, case_a, mohammed_case):
    person = mohammed_case.members.get().person
    Identifier.objects.create(person=person, mission_id=person.mission_id, kind=IdentifierKind.FOREIGNER_NUMBER, value="1234567890")
    client = logged_in(counsellor_a)
    assert numbers(client.get(URL, {"q": "1234567890"})) == [mohammed_case.number]


@pytest.mark.django_db
def test_search_by_case_number_whole_or_start(logged_in, counsellor_a, case_a, mohammed_case):
    client = logged_in(counsellor_a)
    assert numbers(client.get(URL, {"q": "NL-2026-000777"})) == [mohammed_case.number]
    assert numbers(client.get(URL, {"q": "nl-2026-000777"})) == [mohammed_case.number]
    assert numbers(client.get(URL, {"q": case_a.number})) == [case_a.number]


@pytest.mark.django_db
def test_out_of_scope_cases_never_appear_in_results_or_counts(
    logged_in, counsellor_a, case_a, case_b, sensitive_a
):
    secret = sensitive_a.members.get().person
    TravelDocumentFactory(person=secret, number="SECRET01", number_key="SECRET01")
    Identifier.objects.create(person=case_b.members.get().person, mission_id=case_b.members.get().person.mission_id, kind=IdentifierKind.FOREIGNER_NUMBER,
                              value="5555555555")
    client = logged_in(counsellor_a)
    response = client.get(URL)
    assert numbers(response) == [case_a.number]
    assert count(response) == 1
    assert b"1 case" in response.content or b"1 zaak" in response.content
    for term in ("Bravo", "Secret", "Sara", "SECRET01", "5555555555", case_b.number, sensitive_a.number):
        response = client.get(URL, {"q": term})
        assert (numbers(response), count(response)) == ([], 0), term
        # the results fragment (the search box of the full page echoes the term itself)
        response = client.get(URL, {"q": term}, HTTP_HX_REQUEST="true")
        assert b"0 cases" in response.content or b"0 zaken" in response.content
        assert case_b.number.encode() not in response.content
        assert sensitive_a.number.encode() not in response.content
    # the other work post is no choice for this counsellor: the filter is refused, nothing of B shows
    response = client.get(URL, {"work_post": case_b.work_post_id})
    assert (numbers(response), count(response)) == ([case_a.number], 1)
    assert "work_post" in response.context["form"].errors


@pytest.mark.django_db
def test_manager_sees_the_mission_but_not_an_uncleared_sensitive_case(logged_in, manager, case_a, case_b, sensitive_a):
    response = logged_in(manager).get(URL, {"sort": "number"})
    assert numbers(response) == sorted([case_a.number, case_b.number])
    assert count(response) == 2


@pytest.mark.django_db
def test_roles_without_case_scope_see_an_empty_list(logged_in, dpo, case_a, case_b, sensitive_a):
    response = logged_in(dpo).get(URL)
    assert response.status_code == 200
    assert (numbers(response), count(response)) == ([], 0)


@pytest.mark.django_db
def test_filters_status_work_post_counsellor_nationality_vulnerability_dates(
    logged_in, manager, counsellor_a, counsellor_b, case_a, case_b, mohammed_case
):
    services.case_transition(actor=counsellor_b, case=case_b, to_status=CaseStatus.APPLICATION)
    person = mohammed_case.members.get().person
    services.vulnerability_record(actor=counsellor_a, case=mohammed_case, person=person, kind="elderly")
    old = timezone.localdate() - datetime.timedelta(days=100)
    type(case_a).objects.filter(pk=case_a.pk).update(contact_on=old)
    client = logged_in(manager)

    def found(**params):
        return sorted(numbers(client.get(URL, params)))

    assert found(status="application") == [case_b.number]
    assert found(work_post=case_b.work_post_id) == [case_b.number]
    assert found(counsellor=counsellor_a.pk) == sorted([case_a.number, mohammed_case.number])
    assert found(nationality="IQ") == [mohammed_case.number]
    assert found(vulnerability="elderly") == [mohammed_case.number]
    assert found(vulnerability="medical") == []
    assert found(contact_to=(old + datetime.timedelta(days=1)).isoformat()) == [case_a.number]
    assert found(contact_from=(old + datetime.timedelta(days=1)).isoformat()) == sorted(
        [case_b.number, mohammed_case.number])
    assert found(programme="avrr", status="contact", nationality="GE") == [case_a.number]


@pytest.mark.django_db
def test_bad_filter_value_is_reported_and_left_out(logged_in, counsellor_a, case_a):
    response = logged_in(counsellor_a).get(URL, {"contact_from": "not-a-date"})
    assert response.status_code == 200
    assert numbers(response) == [case_a.number]
    assert response.context["form"].errors["contact_from"]


@pytest.mark.django_db
def test_sorting_by_principal_name_both_ways(logged_in, counsellor_a, case_a, mohammed_case):
    client = logged_in(counsellor_a)
    assert numbers(client.get(URL, {"sort": "principal"})) == [mohammed_case.number, case_a.number]  # ALI < ALPHA
    assert numbers(client.get(URL, {"sort": "-principal"})) == [case_a.number, mohammed_case.number]
    response = client.get(URL, {"sort": "principal"})
    assert b'aria-sort="ascending"' in response.content


@pytest.mark.django_db
def test_list_is_paginated_by_25(logged_in, counsellor_a, work_post_a):
    cases = [CaseFactory(work_post=work_post_a, counsellor=counsellor_a) for _ in range(27)]
    client = logged_in(counsellor_a)
    first = client.get(URL, {"sort": "number"})
    second = client.get(URL, {"sort": "number", "page": 2})
    assert count(first) == 27
    assert numbers(first) + numbers(second) == sorted(c.number for c in cases)
    assert len(numbers(second)) == 2


@pytest.mark.django_db
def test_htmx_request_gets_only_the_results_fragment(logged_in, counsellor_a, case_a):
    client = logged_in(counsellor_a)
    full = client.get(URL, {"q": "alpha"})
    fragment = client.get(URL, {"q": "alpha"}, HTTP_HX_REQUEST="true")
    assert b"<html" in full.content and b'id="case-results"' in full.content
    assert b"<html" not in fragment.content and b'id="case-search"' not in fragment.content
    assert case_a.number.encode() in fragment.content
    assert b'hx-trigger="keyup changed delay:300ms' in full.content


def _populate(work_post, counsellor, n):
    for i in range(n):
        person = PersonFactory(mission=work_post.mission, nationality="AF")
        TravelDocumentFactory(person=person)
        case = CaseFactory(work_post=work_post, counsellor=counsellor, principal=person)
        if i % 3 == 0:
            services.vulnerability_record(actor=counsellor, case=case, person=person, kind="elderly")


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{}, {"q": "a"}, {"q": "XP0000001"}, {"nationality": "AF", "vulnerability": "elderly",
                                                                          "sort": "-counsellor"}])
def test_list_queries_are_few_and_do_not_grow_with_the_data(
    logged_in, django_assert_max_num_queries, django_assert_num_queries, supervisor_a, counsellor_a, work_post_a,
    params,
):
    WorkPostFactory(mission=work_post_a.mission)
    _populate(work_post_a, counsellor_a, 3)
    client = logged_in(supervisor_a)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(URL, params)
    _populate(work_post_a, counsellor_a, 30)
    with django_assert_max_num_queries(15):
        response = client.get(URL, params)
    assert response.status_code == 200
    with django_assert_num_queries(len(small)):
        client.get(URL, params)


@pytest.mark.django_db
def test_number_search_combines_case_number_document_and_foreigners_number_within_scope(
    logged_in, counsellor_a, work_post_a, case_b, mohammed_case
):
    """The number is resolved to case ids first; each way of matching still counts, and a holder's case in
    another work post stays out."""
    by_number = CaseFactory(work_post=work_post_a, counsellor=counsellor_a, number="NL-2026-555001")
    doc_holder = PersonFactory(mission=work_post_a.mission)
    TravelDocumentFactory(person=doc_holder, number="NL2026555001", number_key="NL2026555001")
    by_document = CaseFactory(work_post=work_post_a, counsellor=counsellor_a, principal=doc_holder)
    id_holder = mohammed_case.members.get().person
    Identifier.objects.create(person=id_holder, mission_id=id_holder.mission_id, kind=IdentifierKind.FOREIGNER_NUMBER, value="2026555001")
    # The same document holder is also a member of a case outside counsellor_a's work posts.
    CaseMember.objects.create(case=case_b, mission_id=case_b.mission_id, person=doc_holder, relationship="other_relative")
    client = logged_in(counsellor_a)
    response = client.get(URL, {"q": "NL-2026-555001", "sort": "number"})
    assert sorted(numbers(response)) == sorted([by_number.number, by_document.number, mohammed_case.number])
    assert count(response) == 3


@pytest.mark.django_db
def test_a_huge_result_is_counted_only_up_to_the_cap(client, counsellor_a, work_post_a, monkeypatch):
    from passage.cases.views.lists import CappedPaginator
    from passage.testing.factories import CaseFactory

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    for _ in range(5):
        CaseFactory(work_post=work_post_a, counsellor=counsellor_a)
    client.force_login(counsellor_a)
    response = client.get("/cases/")
    assert response.context["page"].paginator.count == 4  # cap + 1: "more than", never the exact total
    assert "More than 3 cases" in response.content.decode()
    monkeypatch.setattr(CappedPaginator, "cap", 5)
    response = client.get("/cases/")
    assert "5 cases" in response.content.decode() and "More than" not in response.content.decode()
