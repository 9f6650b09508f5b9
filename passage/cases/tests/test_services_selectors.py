"""Selectors behind the pages: persons follow their cases (merged records too), and fuzzy name search."""

import pytest
from django.db import connection

from passage.cases.models import Case
from passage.cases.selectors import case_latest_check, persons_visible_to
from passage.cases.services import eligibility_check_run
from passage.people.selectors import name_search_q
from passage.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def visible_names(user) -> set[str]:
    return set(persons_visible_to(user).values_list("family_name", flat=True))


def test_a_merged_record_of_a_sensitive_case_member_stays_as_hidden_as_the_member(
    counsellor_a, counsellor_a2, mission, case_a, sensitive_a
):
    member = sensitive_a.members.get().person
    PersonFactory(mission=mission, family_name="Secretold", merged_into=member)
    assert visible_names(counsellor_a) == {"Alpha"}
    assert visible_names(counsellor_a2) == {"Alpha", "Secret", "Secretold"}


def test_a_merged_record_of_an_unattached_person_is_visible_at_registration(counsellor_a, mission, case_a):
    survivor = PersonFactory(mission=mission, family_name="Walkin")
    PersonFactory(mission=mission, family_name="Walkinold", merged_into=survivor)
    assert visible_names(counsellor_a) == {"Alpha", "Walkin", "Walkinold"}


def test_unattached_persons_of_another_mission_are_not_visible(counsellor_a, mission_ge, case_a):
    PersonFactory(mission=mission_ge, family_name="Elsewhere")
    assert visible_names(counsellor_a) == {"Alpha"}


def test_name_search_finds_every_word_in_any_order(case_a, case_b):
    def found(term):
        return set(Case.objects.filter(name_search_q(term, "members__person__names__")).values_list(
            "number", flat=True).distinct())

    assert found("ana alpha") == found("ALPHA") == {case_a.number}
    assert found("boris") == {case_b.number}
    assert found("   ") == set()
    # Typo tolerance is PostgreSQL's (trigram word similarity); SQLite matches whole folded words only.
    assert found("bravoo") == ({case_b.number} if connection.vendor == "postgresql" else set())


def test_latest_check_is_the_last_run(counsellor_a, case_a):
    assert case_latest_check(case_a) is None
    eligibility_check_run(actor=counsellor_a, case=case_a)
    second = eligibility_check_run(actor=counsellor_a, case=case_a)
    assert case_latest_check(case_a) == second
