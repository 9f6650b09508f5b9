"""Likely matches while registering (/people/duplicates/): details only of persons the user may see."""

import pytest

from passage.people.tests.test_views_urls import login
from passage.testing.factories import CaseFactory, PersonFactory, TravelDocumentFactory

pytestmark = pytest.mark.django_db

URL = "/people/duplicates/"


@pytest.fixture
def ahmady_a(case_a):
    """A transliteration of the same name, in counsellor_a's caseload (a household member of case_a)."""
    from passage.cases.models import CaseMember

    person = PersonFactory(mission=case_a.mission, family_name="Ahmady", given_names="Muhammad", birth_year=1990,
                           nationality="AF")
    CaseMember.objects.create(case=case_a, mission_id=case_a.mission_id, person=person, relationship="spouse")
    return person


@pytest.fixture
def ahmadi_b(counsellor_b, work_post_b):
    """The same name in work post B: outside counsellor_a's caseload."""
    person = PersonFactory(mission=work_post_b.mission, family_name="Akhmadi", given_names="Mokhammad",
                           birth_year=1990, nationality="AF")
    CaseFactory(work_post=work_post_b, counsellor=counsellor_b, principal=person)
    return person


def test_match_by_transliterated_name_birth_year_and_nationality_is_shown_with_its_cases(
    client, counsellor_a, case_a, ahmady_a
):
    response = login(client, counsellor_a).get(URL, {"family_name": "Ahmadi", "given_names": "Mohammed",
                                                     "birth_year": "1990", "nationalities": ["AF"]})
    assert response.status_code == 200
    dup = response.context["duplicates"]
    assert [(m["person"], [c.number for c in m["cases"]], [str(r) for r in m["reasons"]])
            for m in dup["matches"]] == [(ahmady_a, [case_a.number], ["similar name, year of birth and nationality"])]
    assert dup["hidden_count"] == 0
    html = response.content.decode()
    assert "AHMADY, Muhammad" in html and case_a.number in html
    assert f'name="existing_person" value="{ahmady_a.pk}"' in html
    assert "outside your caseload" not in html


def test_other_nationality_or_birth_year_is_not_a_name_match(client, counsellor_a, ahmady_a):
    login(client, counsellor_a)
    for params in ({"birth_year": "1970", "nationalities": ["AF"]}, {"birth_year": "1990", "nationalities": ["IQ"]}):
        response = client.get(URL, {"family_name": "Ahmadi", "given_names": "Mohammed", **params})
        assert response.context["duplicates"]["matches"] == []


def test_match_by_document_number_is_shown(client, counsellor_a, case_a):
    principal = case_a.members.get().person
    TravelDocumentFactory(person=principal, number="XP1234567", number_key="XP1234567")
    response = login(client, counsellor_a).get(URL, {"document_number": "xp 123 4567"})
    dup = response.context["duplicates"]
    assert [(m["person"], m["strong"], [str(r) for r in m["reasons"]]) for m in dup["matches"]] == [
        (principal, True, ["same document number"])]


def test_out_of_scope_match_is_only_counted_never_shown(client, counsellor_a, case_a, ahmady_a, ahmadi_b, case_b):
    TravelDocumentFactory(person=ahmadi_b, number="ZZ7654321", number_key="ZZ7654321")
    login(client, counsellor_a)
    response = client.get(URL, {"family_name": "Ahmadi", "given_names": "Mohammed", "birth_year": "1990",
                                "nationalities": ["AF"]})
    dup = response.context["duplicates"]
    assert [m["person"] for m in dup["matches"]] == [ahmady_a]
    assert dup["hidden_count"] == 1
    html = response.content.decode()
    assert "1 possible match outside your caseload — ask your supervisor." in html
    assert "AKHMADI" not in html and "Mokhammad" not in html and f'value="{ahmadi_b.pk}"' not in html

    response = client.get(URL, {"document_number": "ZZ7654321"})
    html = response.content.decode()
    assert response.context["duplicates"]["matches"] == []
    assert response.context["duplicates"]["hidden_count"] == 1
    assert "ZZ7654321" not in html and "AKHMADI" not in html
    # The case numbers of the hidden match are not given away either.
    assert ahmadi_b.memberships.get().case.number not in html


def test_empty_query_searches_nothing(client, counsellor_a, ahmady_a):
    response = login(client, counsellor_a).get(URL)
    assert response.context["duplicates"] == {"searched": False, "matches": [], "hidden_count": 0, "strong": False}


def test_duplicates_need_the_right_to_register(client, dpo):
    assert login(client, dpo).get(URL, {"family_name": "Ahmadi"}).status_code == 403
