"""Likely existing records of the same person, shown before a new one is created."""

import pytest

from passage.people.enums import IdentifierKind
from passage.people.models import Identifier, Person
from passage.people.selectors import person_duplicates
from passage.testing.factories import PersonFactory, TravelDocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ali(mission):
    person = PersonFactory(mission=mission, family_name="Ali", given_names="Mohammed Yusuf", birth_year=1990,
                           nationality="IQ")
    TravelDocumentFactory(person=person, number="A1234567", number_key="A1234567", issuing_country="IQ")
    Identifier.objects.create(person=person, mission_id=person.mission_id, kind=IdentifierKind.FOREIGNER_NUMBER, value="3344556677")
    return person


def found(**kwargs) -> list[tuple[int, list[str]]]:
    return [(c.person.pk, c.reasons) for c in person_duplicates(**kwargs)]


def test_the_same_document_number_is_a_strong_match_however_it_is_typed(ali):
    assert found(family_name="Someone", document_numbers=["a-123 4567"]) == [(ali.pk, ["document"])]
    assert person_duplicates(document_numbers=["A1234567"])[0].score == 1.0


def test_the_same_identifier_is_a_strong_match(ali):
    assert found(identifiers=[(IdentifierKind.FOREIGNER_NUMBER, "3344556677")]) == [(ali.pk, ["identifier"])]
    assert found(identifiers=[(IdentifierKind.RETURN_SERVICE_REF, "3344556677")]) == []


def test_the_same_name_across_transliterations_and_word_order_with_birth_year_and_nationality(ali):
    assert found(family_name="ALI", given_names="Muhammad Joesoef", birth_year=1990, nationalities=["IQ"]) == [
        (ali.pk, ["name"])]
    assert found(family_name="Joesoef", given_names="Ali Mohamed", birth_year=1991, nationalities=["IQ", "SY"]) == [
        (ali.pk, ["name"])]


def test_a_different_birth_year_or_nationality_is_not_a_likely_match(ali):
    assert found(family_name="Ali", given_names="Mohammed Yusuf", birth_year=1995, nationalities=["IQ"]) == []
    assert found(family_name="Ali", given_names="Mohammed Yusuf", birth_year=1990, nationalities=["SY"]) == []


def test_a_different_name_is_not_a_match(ali):
    assert found(family_name="Hassan", given_names="Omar", birth_year=1990, nationalities=["IQ"]) == []


def test_strong_matches_come_before_name_matches_and_reasons_add_up(mission, ali):
    namesake = PersonFactory(mission=mission, family_name="Ali", given_names="Muhammad Yousef", birth_year=1990,
                             nationality="IQ")
    result = person_duplicates(family_name="Ali", given_names="Mohamed Yusuf", birth_year=1990, nationalities=["IQ"],
                               document_numbers=["A1234567"])
    assert [(c.person.pk, c.reasons) for c in result] == [(ali.pk, ["document", "name"]), (namesake.pk, ["name"])]
    assert result[0].score > result[1].score


def test_a_merged_person_is_not_suggested(mission, ali):
    survivor = PersonFactory(mission=mission, family_name="Ali", given_names="Mohammed", birth_year=1990)
    Person.objects.filter(pk=ali.pk).update(merged_into=survivor)
    assert found(family_name="Ali", given_names="Mohammed Yusuf", birth_year=1990, nationalities=["IQ"],
                 document_numbers=["A1234567"], identifiers=[(IdentifierKind.FOREIGNER_NUMBER, "3344556677")]) == []


def test_the_person_being_edited_is_left_out(ali):
    assert found(document_numbers=["A1234567"], exclude_ids=[ali.pk]) == []


def test_nothing_given_finds_nothing(ali):
    assert found() == []
