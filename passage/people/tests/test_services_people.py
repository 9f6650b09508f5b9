"""Writes on persons: registration, edits with versions, contact details, documents, and the merge."""

import datetime

import pytest
from django.utils import timezone, translation
from mrz.generator.td3 import TD3CodeGenerator

from passage.audit.models import AuditEvent
from passage.cases.enums import ConsentKind, Relationship, VulnerabilityKind
from passage.cases.models import AssistedDeparture, CaseMember, Consent, FitToTravel, Vulnerability
from passage.core.errors import ConcurrentEditError, ServiceError
from passage.people import services
from passage.people.enums import DocumentKind, DocumentStatus, IdentifierKind, NameKind
from passage.people.models import Identifier, Nationality, Person, PersonName, Phone, TravelDocument
from passage.testing.factories import CaseFactory, PersonFactory, TravelDocumentFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def new_audits(before: set[int]):
    return list(AuditEvent.objects.exclude(pk__in=before).order_by("id"))


def audit_ids() -> set[int]:
    return set(AuditEvent.objects.values_list("pk", flat=True))


# --- registration and edits -----------------------------------------------------------------------------------

def test_register_stores_the_person_their_names_and_nationalities_with_an_audit_row(counsellor_a, mission):
    person = services.person_register(
        actor=counsellor_a, mission=mission, family_name=" Beridze ", given_names="Nino", known_as="Nina",
        sex="F", birth_year=1990, nationalities=["GE", "GE", "RU"], residence_kind="private_address",
        residence_address="Voorbeeldstraat 2, Zwolle",
    )
    assert (person.family_name, person.birth_display, person.created_by) == ("Beridze", "1990", counsellor_a)
    assert sorted(person.nationalities.values_list("country", flat=True)) == ["GE", "RU"]
    assert sorted(person.names.values_list("kind", "family_name", "given_names", "search_key")) == [
        (NameKind.DOCUMENT, "Beridze", "Nino", "nino beridze"), (NameKind.KNOWN, "", "Nina", "nina")]
    [event] = AuditEvent.objects.all()
    assert (event.action, event.actor, event.person_id, event.mission_id, event.object_type) == (
        "create", counsellor_a, person.pk, mission.pk, "people.person")


def test_register_refuses_bad_input_per_field_and_stores_nothing(counsellor_a, mission):
    with pytest.raises(ServiceError) as exc:
        services.person_register(actor=counsellor_a, mission=mission, family_name="  ", sex="M",
                                 birth_year=TODAY().year + 1, residence_kind="partner_location")
    assert exc.value.field_errors == {
        "family_name": "Give the family name (as on documents, or as known if there is no document).",
        "birth_year": "The year of birth must be between 1900 and this year.",
        "residence_location": "Choose the centre where the person lives.",
    }
    assert (Person.objects.count(), PersonName.objects.count(), AuditEvent.objects.count()) == (0, 0, 0)


def test_update_changes_fields_names_and_nationalities_and_bumps_the_version(counsellor_a, mission):
    person = PersonFactory(mission=mission, family_name="Beridze", given_names="Nino", nationality="GE")
    before = audit_ids()
    updated = services.person_update(actor=counsellor_a, person=person, version=1, family_name="Beradze",
                                     birth_day=18, nationalities=["GE", "AM"])
    assert (updated.family_name, updated.birth_day, updated.version) == ("Beradze", 18, 2)
    assert sorted(updated.nationalities.values_list("country", flat=True)) == ["AM", "GE"]
    assert updated.names.get(kind=NameKind.DOCUMENT).search_key == "nino beradze"
    [event] = new_audits(before)
    assert (event.action, event.actor, event.person_id) == ("update", counsellor_a, person.pk)
    assert event.changes == {"family_name": ["Beridze", "Beradze"], "birth_day": [17, 18],
                             "nationalities": ["GE", "AM,GE"]}


def test_update_with_an_old_version_is_refused_and_keeps_the_first_save(counsellor_a, counsellor_a2, mission):
    person = PersonFactory(mission=mission, family_name="Beridze", given_names="Nino")
    services.person_update(actor=counsellor_a, person=person, version=1, given_names="Nina")
    with pytest.raises(ConcurrentEditError):
        services.person_update(actor=counsellor_a2, person=person, version=1, given_names="Nana")
    person.refresh_from_db()
    assert (person.given_names, person.version) == ("Nina", 2)
    assert AuditEvent.objects.filter(action="update").count() == 1


def test_an_update_that_changes_nothing_writes_nothing(counsellor_a, mission):
    person = PersonFactory(mission=mission, nationality="GE")
    same = services.person_update(actor=counsellor_a, person=person, version=1, family_name=person.family_name,
                                  nationalities=["GE"])
    assert same.version == 1
    assert not AuditEvent.objects.exists()


def test_update_refuses_a_future_birth_date_and_stores_nothing(counsellor_a, mission):
    person = PersonFactory(mission=mission, birth_year=1990, birth_month=5, birth_day=17)
    with pytest.raises(ServiceError) as exc:
        services.person_update(actor=counsellor_a, person=person, version=1, birth_year=TODAY().year + 2,
                               nationalities=["AM"])
    assert exc.value.field_errors == {"birth_year": "The year of birth must be between 1900 and this year."}
    person.refresh_from_db()
    assert (person.birth_year, person.version) == (1990, 1)
    assert list(person.nationalities.values_list("country", flat=True)) == ["GE"]


# --- contact details, identifiers, documents -----------------------------------------------------------------

def test_a_mobile_number_is_stored_in_e164_with_the_sms_consent(counsellor_a, mission):
    person = PersonFactory(mission=mission)
    phone = services.phone_add(actor=counsellor_a, person=person, number="06-12345678", sms_consent=True)
    assert (str(phone.number), phone.sms_consent, phone.sms_consent_by) == ("+31612345678", True, counsellor_a)
    assert phone.sms_consent_at is not None
    with pytest.raises(ServiceError) as exc:
        services.phone_add(actor=counsellor_a, person=person, number="+31612345678", sms_consent=False)
    assert exc.value.field_errors == {"number": "This number is already recorded for this person."}


def test_a_landline_is_refused_for_sms(counsellor_a, mission):
    person = PersonFactory(mission=mission)
    with pytest.raises(ServiceError) as exc:
        services.phone_add(actor=counsellor_a, person=person, number="+31 20 123 4567", sms_consent=True)
    assert exc.value.field_errors == {"number": "This number cannot be a mobile number, so it cannot receive SMS."}
    assert not Phone.objects.exists()


def test_a_foreigners_number_is_checked_and_unique_to_one_person(counsellor_a, mission):
    person, other = PersonFactory(mission=mission), PersonFactory(mission=mission)
    ident = services.identifier_add(actor=counsellor_a, person=person, kind=IdentifierKind.FOREIGNER_NUMBER,
                                    value="12345 67890")
    assert ident.value == "1234567890"
    with pytest.raises(ServiceError) as exc:
        services.identifier_add(actor=counsellor_a, person=other, kind=IdentifierKind.FOREIGNER_NUMBER,
                                value="1234567890")
    assert exc.value.field_errors == {
        "value": "This number is already recorded for another person: check for a duplicate before going on."}
    with pytest.raises(ServiceError) as exc:
        services.identifier_add(actor=counsellor_a, person=other, kind=IdentifierKind.FOREIGNER_NUMBER, value="12-34")
    assert exc.value.field_errors == {"value": "A foreigner's number has exactly 10 digits."}
    assert Identifier.objects.count() == 1


def test_a_document_with_a_valid_mrz_is_stored_with_its_search_key_and_audited(counsellor_a, mission):
    person = PersonFactory(mission=mission)
    mrz = str(TD3CodeGenerator("P", "GEO", "Beridze", "Nino", "XP1234567", "GEO", "900517", "F", "300101", ""))
    document = services.document_add(actor=counsellor_a, person=person, kind=DocumentKind.PASSPORT,
                                     status=DocumentStatus.HELD, issuing_country="GE", number="xp 1234567",
                                     expires_on=datetime.date(2030, 1, 1), mrz=mrz.lower())
    assert (document.number, document.number_key, document.mrz) == ("XP 1234567", "XP1234567", mrz)
    event = AuditEvent.objects.get()
    assert (event.action, event.person_id, event.object_type) == ("create", person.pk, "people.traveldocument")


def test_a_document_with_a_bad_check_digit_or_past_expiry_is_refused_per_field(counsellor_a, mission):
    person = PersonFactory(mission=mission)
    mrz = str(TD3CodeGenerator("P", "GEO", "Beridze", "Nino", "XP1234567", "GEO", "900517", "F", "300101", ""))
    bad = mrz[:-1] + ("0" if mrz[-1] != "0" else "1")
    with pytest.raises(ServiceError) as exc:
        services.document_add(actor=counsellor_a, person=person, kind=DocumentKind.PASSPORT,
                              status=DocumentStatus.HELD, issuing_country="", number="XP1234567",
                              expires_on=TODAY() - datetime.timedelta(days=1), mrz=bad)
    assert set(exc.value.field_errors) == {"mrz", "expires_on", "issuing_country"}
    assert "the final (composite) check digit is wrong" in exc.value.field_errors["mrz"]
    assert not TravelDocument.objects.exists()


def test_document_update_uses_the_version(counsellor_a, mission):
    document = TravelDocumentFactory(person=PersonFactory(mission=mission), number="XP0000001")
    services.document_update(actor=counsellor_a, document=document, version=1, custody="with_organisation")
    with pytest.raises(ConcurrentEditError):
        services.document_update(actor=counsellor_a, document=document, version=1, number="XP0000002")
    document.refresh_from_db()
    assert (document.custody, document.number, document.version) == ("with_organisation", "XP0000001", 2)


# --- merge ----------------------------------------------------------------------------------------------------

@pytest.fixture
def pair(mission, work_post_a, counsellor_a):
    """The same man registered twice: once at an earlier return, once now in a case."""
    survivor = PersonFactory(mission=mission, family_name="Ali", given_names="Mohammed", nationality="IQ")
    Phone.objects.create(person=survivor, mission_id=survivor.mission_id, number="+31612345678")
    duplicate = PersonFactory(mission=mission, family_name="Ali", given_names="Muhammad", nationality="IQ")
    Nationality.objects.create(person=duplicate, mission_id=duplicate.mission_id, country="SY")
    Phone.objects.create(person=duplicate, mission_id=duplicate.mission_id, number="+31612345678")
    Phone.objects.create(person=duplicate, mission_id=duplicate.mission_id, number="+31687654321")
    Identifier.objects.create(person=duplicate, mission_id=duplicate.mission_id, kind=IdentifierKind.FOREIGNER_NUMBER, value="1112223334")
    TravelDocumentFactory(person=duplicate, number="IQ0001", number_key="IQ0001", issuing_country="IQ")
    AssistedDeparture.objects.create(person=duplicate, mission_id=duplicate.mission_id, departed_on=datetime.date(2019, 4, 1), assisted_by="organisation")
    case = CaseFactory(work_post=work_post_a, counsellor=counsellor_a, principal=duplicate)
    Vulnerability.objects.create(case=case, mission_id=case.mission_id, person=duplicate, kind=VulnerabilityKind.MEDICAL, assessed_on=TODAY(),
                                 assessed_by=counsellor_a)
    FitToTravel.objects.create(case=case, mission_id=case.mission_id, person=duplicate, fit=True, statement_on=TODAY(), issued_by="GP",
                               recorded_by=counsellor_a)
    Consent.objects.create(case=case, mission_id=case.mission_id, person=duplicate, kind=ConsentKind.DATA_PROCESSING, given_on=TODAY(),
                           recorded_by=counsellor_a)
    earlier = PersonFactory(mission=mission, merged_into=duplicate)
    return survivor, duplicate, case, earlier


def test_merge_moves_everything_to_the_survivor_and_keeps_the_duplicate_row(supervisor_a, pair):
    survivor, duplicate, case, earlier = pair
    before = audit_ids()

    result = services.person_merge(actor=supervisor_a, survivor=survivor, duplicate=duplicate, reason=" Same man ")

    assert result.pk == survivor.pk and result.version == 2
    duplicate.refresh_from_db()
    earlier.refresh_from_db()
    assert (duplicate.merged_into_id, earlier.merged_into_id) == (survivor.pk, survivor.pk)
    assert sorted(survivor.names.values_list("given_names", flat=True)) == ["Mohammed", "Muhammad"]
    assert sorted(survivor.nationalities.values_list("country", flat=True)) == ["IQ", "SY"]
    assert sorted(str(p.number) for p in survivor.phones.all()) == ["+31612345678", "+31687654321"]
    assert list(survivor.identifiers.values_list("value", flat=True)) == ["1112223334"]
    assert list(survivor.documents.values_list("number", flat=True)) == ["IQ0001"]
    assert list(CaseMember.objects.filter(case=case).values_list("person_id", "relationship")) == [
        (survivor.pk, Relationship.PRINCIPAL)]
    assert AssistedDeparture.objects.get().person_id == survivor.pk
    assert (Vulnerability.objects.get().person_id, FitToTravel.objects.get().person_id,
            Consent.objects.get().person_id) == (survivor.pk, survivor.pk, survivor.pk)
    for related in ("names", "nationalities", "phones", "identifiers", "documents"):
        assert not getattr(duplicate, related).exists(), related
    events = new_audits(before)
    assert [(e.action, e.actor, e.person_id, e.object_id) for e in events] == [
        ("merge", supervisor_a, survivor.pk, str(survivor.pk)), ("merge", supervisor_a, duplicate.pk, str(duplicate.pk))]
    assert events[0].changes["reason"] == [None, "Same man"]


@pytest.mark.parametrize("actor", ["counsellor_a", "manager"])
def test_only_a_supervisor_may_merge(request, pair, actor):
    survivor, duplicate, _case, _earlier = pair
    with pytest.raises(ServiceError) as exc:
        services.person_merge(actor=request.getfixturevalue(actor), survivor=survivor, duplicate=duplicate,
                              reason="Same man")
    assert exc.value.message == "You are not allowed to do this."
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None


def test_merge_refuses_self_merge_and_a_missing_reason(supervisor_a, pair):
    survivor, duplicate, _case, _earlier = pair
    with pytest.raises(ServiceError) as exc:
        services.person_merge(actor=supervisor_a, survivor=survivor, duplicate=survivor, reason="Oops")
    assert exc.value.message == "A person cannot be merged into themselves."
    with pytest.raises(ServiceError) as exc:
        services.person_merge(actor=supervisor_a, survivor=survivor, duplicate=duplicate, reason="  ")
    assert exc.value.field_errors == {"reason": "Give the reason for the merge."}
    assert not AuditEvent.objects.filter(action="merge").exists()


def test_merge_refuses_two_members_of_one_case_and_moves_nothing(supervisor_a, counsellor_a, pair):
    from passage.cases.services import case_member_add

    survivor, duplicate, case, _earlier = pair
    case_member_add(actor=counsellor_a, case=case, person=survivor, relationship=Relationship.OTHER_RELATIVE)
    with pytest.raises(ServiceError) as exc:
        services.person_merge(actor=supervisor_a, survivor=survivor, duplicate=duplicate, reason="Same man")
    assert exc.value.message == "Both persons are members of the same case: remove one from that case first."
    assert list(duplicate.documents.values_list("number", flat=True)) == ["IQ0001"]
    assert duplicate.phones.count() == 2
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None


def test_a_merged_person_cannot_be_merged_again(supervisor_a, mission, pair):
    survivor, duplicate, _case, earlier = pair
    third = PersonFactory(mission=mission)
    with pytest.raises(ServiceError) as exc:
        services.person_merge(actor=supervisor_a, survivor=third, duplicate=earlier, reason="Same")
    assert exc.value.message == (
        "One of these persons was already merged into another; merge into that person instead.")


def test_person_ids_matching_includes_merged_records(supervisor_a, pair):
    survivor, duplicate, _case, earlier = pair
    services.person_merge(actor=supervisor_a, survivor=survivor, duplicate=duplicate, reason="Same man")
    assert services.person_ids_matching([survivor.pk]) == {survivor.pk, duplicate.pk, earlier.pk}


def test_an_edit_form_resubmitting_unchanged_values_changes_nothing(counsellor_a, mission):
    person = PersonFactory(mission=mission, country_of_birth="GE", preferred_language_id="ka", nationality="GE")
    same = services.person_update(actor=counsellor_a, person=person, version=1, country_of_birth="GE",
                                  preferred_language=person.preferred_language, residence_location=None,
                                  nationalities=["GE"])
    assert same.version == 1
    assert not AuditEvent.objects.exists()


def test_update_refuses_a_field_that_is_not_editable(counsellor_a, mission):
    person = PersonFactory(mission=mission)
    with pytest.raises(TypeError, match="merged_into"):
        services.person_update(actor=counsellor_a, person=person, version=1, merged_into=None)
