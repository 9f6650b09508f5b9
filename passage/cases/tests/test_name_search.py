"""The case search by name: tokens per case (CaseNameToken) kept in step with names, members, merges and work
posts; prefixes and transliterations; every word on the case; the fuzzy fallback; the scope narrowing."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

from passage.cases import services
from passage.cases.enums import Relationship
from passage.cases.models import CaseNameToken
from passage.people import services as people_services
from passage.people.names import CASE_NAME_TOKENS_SQL, name_tokens, word_tokens
from passage.testing.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db
URL = reverse("case-list")


@pytest.fixture(autouse=True)
def _english(client):
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        yield


def search(client, user, term) -> list[str]:
    client.force_login(user)
    response = client.get(URL, {"q": term})
    assert response.status_code == 200
    return sorted(case.number for case in response.context["page"].object_list)


def tokens_of(case) -> set[str]:
    return set(CaseNameToken.objects.filter(case=case).values_list("token", flat=True))


def test_name_tokens_are_folded_words_with_their_prefixes_and_transliteration_keys():
    assert name_tokens(("Ana", "Öz")) == {"fana", "pan", "foz", "pos"}
    assert name_tokens(("", "Mohammed")) == {"fmoh", "fmoha", "fmoham", "fmohamm", "fmohamme", "fmohammed", "pmd"}
    assert word_tokens("muhammad") == ["fmuhammad", "pmd"]
    assert word_tokens("al") == ["fal", "pal"]


def test_a_case_carries_the_tokens_of_every_members_names(counsellor_a, case_a):
    spouse = PersonFactory(mission=case_a.mission, family_name="Zeta", given_names="")
    services.case_member_add(actor=counsellor_a, case=case_a, person=spouse, relationship=Relationship.SPOUSE)
    assert tokens_of(case_a) == name_tokens(("Ana", "Alpha"), ("", "Zeta"))
    assert set(CaseNameToken.objects.filter(case=case_a).values_list("work_post_id", "mission_id")) == {
        (case_a.work_post_id, case_a.mission_id)}


def test_search_finds_a_name_as_it_is_typed_and_across_transliterations(client, counsellor_a, case_a, work_post_a):
    mohammed = CaseFactory(work_post=work_post_a, counsellor=counsellor_a, principal=PersonFactory(
        mission=work_post_a.mission, family_name="Ali", given_names="Mohammed"))
    assert search(client, counsellor_a, "moh") == [mohammed.number]
    assert search(client, counsellor_a, "Muhammad") == [mohammed.number]
    assert search(client, counsellor_a, "ALPH") == [case_a.number]
    assert search(client, counsellor_a, "ali") == [mohammed.number]


def test_every_word_must_match_a_member_of_the_case(client, counsellor_a, case_a, work_post_a):
    other = CaseFactory(work_post=work_post_a, counsellor=counsellor_a, principal=PersonFactory(
        mission=work_post_a.mission, family_name="Alpha", given_names="Boris"))
    assert search(client, counsellor_a, "alpha") == sorted([case_a.number, other.number])
    assert search(client, counsellor_a, "ana alpha") == [case_a.number]
    assert search(client, counsellor_a, "alpha boris") == [other.number]
    assert search(client, counsellor_a, "ana boris") == []


def test_added_and_removed_members_are_found_and_no_longer_found(client, counsellor_a, case_a):
    child = PersonFactory(mission=case_a.mission, family_name="Kappa", given_names="Kim")
    member = services.case_member_add(actor=counsellor_a, case=case_a, person=child, relationship=Relationship.CHILD)
    assert search(client, counsellor_a, "kappa") == [case_a.number]
    services.case_member_remove(actor=counsellor_a, member=member, reason="registered twice")
    assert search(client, counsellor_a, "kappa") == []
    assert search(client, counsellor_a, "alpha") == [case_a.number]


def test_a_corrected_name_is_found_and_the_old_one_is_not(client, counsellor_a, case_a):
    person = case_a.members.get().person
    people_services.person_update(actor=counsellor_a, person=person, version=person.version, family_name="Omega")
    assert search(client, counsellor_a, "omega") == [case_a.number]
    assert search(client, counsellor_a, "alpha") == []
    people_services.person_name_add(actor=counsellor_a, person=person, kind="known_as", family_name="Alfa")
    assert search(client, counsellor_a, "alfa") == [case_a.number]


def test_after_a_merge_the_case_is_found_by_the_duplicates_names(client, counsellor_a, supervisor_a, case_a):
    survivor = case_a.members.get().person
    duplicate = PersonFactory(mission=case_a.mission, family_name="Alphaa", given_names="Anna")
    people_services.person_merge(actor=supervisor_a, survivor=survivor, duplicate=duplicate, reason="same passport")
    assert search(client, counsellor_a, "alphaa") == [case_a.number]


def test_a_case_moved_to_another_work_post_is_found_there_and_no_longer_here(
    client, counsellor_a, counsellor_b, manager, case_a, work_post_b
):
    assert search(client, counsellor_b, "alpha") == []
    services.case_update(actor=counsellor_a, case=case_a, version=case_a.version, work_post=work_post_b)
    assert search(client, counsellor_b, "alpha") == [case_a.number]
    assert search(client, counsellor_a, "alpha") == []
    assert search(client, manager, "alpha") == [case_a.number]


def test_search_never_shows_a_case_outside_the_scope(client, counsellor_a, counsellor_b, case_a, case_b, sensitive_a):
    assert search(client, counsellor_a, "boris") == []
    assert search(client, counsellor_b, "ana") == []
    assert search(client, counsellor_a, "secret") == []


def test_a_spelling_no_token_matches_falls_back_to_similar_names(client, counsellor_a, case_a, work_post_a):
    mohammed = CaseFactory(work_post=work_post_a, counsellor=counsellor_a, principal=PersonFactory(
        mission=work_post_a.mission, family_name="Ali", given_names="Mohammed"))
    # Neither a prefix nor the same key: the trigram test (PostgreSQL) or the substring test (SQLite) finds it.
    assert search(client, counsellor_a, "hammed") == [mohammed.number]
    assert search(client, counsellor_a, "xyzzy") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bulk SQL is PostgreSQL's (migration, bench seed)")
def test_the_bulk_sql_writes_the_same_tokens_as_the_service(counsellor_a, case_a, work_post_a):
    CaseFactory(work_post=work_post_a, counsellor=counsellor_a, principal=PersonFactory(
        mission=work_post_a.mission, family_name="O'Brien-Núñez", given_names="Zhou Wei"))
    spouse = PersonFactory(mission=case_a.mission, family_name="Al Khatib", given_names="Dzhamila")
    services.case_member_add(actor=counsellor_a, case=case_a, person=spouse, relationship=Relationship.SPOUSE)
    rows = set(CaseNameToken.objects.values_list("case_id", "token", "mission_id", "work_post_id"))
    CaseNameToken.objects.all().delete()
    with connection.cursor() as cur:
        cur.execute(CASE_NAME_TOKENS_SQL)
    assert set(CaseNameToken.objects.values_list("case_id", "token", "mission_id", "work_post_id")) == rows


def test_the_page_says_when_it_shows_similar_spellings(client, counsellor_a, work_post_a):
    CaseFactory(work_post=work_post_a, counsellor=counsellor_a, principal=PersonFactory(
        mission=work_post_a.mission, family_name="Ali", given_names="Mohammed"))
    client.force_login(counsellor_a)
    assert b'id="similar-names"' in client.get(URL, {"q": "hammed"}).content
    assert b'id="similar-names"' not in client.get(URL, {"q": "mohammed"}).content


@pytest.mark.parametrize("probe", [3, 5000])
def test_a_probe_that_stops_early_never_drops_a_case(client, monkeypatch, counsellor_a, work_post_a, probe):
    # "ali" matches Ali twice (word and key) and Aly once (key): five token rows for three cases. A probe of three
    # rows reads some cases twice and another not at all; the probe counts distinct cases.
    monkeypatch.setattr("passage.cases.views.lists.NAME_CASES_PROBE", probe)
    cases = [CaseFactory(work_post=work_post_a, counsellor=counsellor_a, principal=PersonFactory(
        mission=work_post_a.mission, family_name=family, given_names="Sam")) for family in ("Ali", "Ali", "Aly")]
    assert search(client, counsellor_a, "ali") == sorted(case.number for case in cases)
