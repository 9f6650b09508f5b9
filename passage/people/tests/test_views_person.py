"""The person page and its edits: scope (404), role (403), versions, per-field errors."""

import datetime

import pytest
from django.utils import timezone

from passage.accounts.enums import Role
from passage.audit.models import AuditEvent
from passage.cases.models import CaseMember
from passage.people.models import Person, PersonName, Phone, TravelDocument
from passage.people.tests.test_views_urls import login, td3_mrz, with_case_detail  # noqa: F401
from passage.testing.factories import CaseFactory, TravelDocumentFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("with_case_detail")]


def principal(case):
    return case.members.get(relationship="principal").person


def edit_data(person, **overrides):
    data = {
        "family_name": person.family_name, "given_names": person.given_names, "known_as": "", "sex": person.sex,
        "birth_year": person.birth_year or "", "birth_month": person.birth_month or "",
        "birth_day": person.birth_day or "", "nationalities": ["GE"], "country_of_birth": "GE",
        "preferred_language": "en", "residence_kind": "private_address",
        "residence_address": person.residence_address, "version": person.version,
    }
    data.update(overrides)
    return data


def person_urls(person, document=None):
    urls = [f"/people/{person.pk}/edit/", f"/people/{person.pk}/names/new/", f"/people/{person.pk}/phones/new/",
            f"/people/{person.pk}/identifiers/new/", f"/people/{person.pk}/documents/new/"]
    if document is not None:
        urls.append(f"/people/{person.pk}/documents/{document.pk}/edit/")
    return urls


def test_person_page_shows_details_documents_and_only_visible_cases(client, counsellor_a, case_a, case_b):
    person = principal(case_a)
    doc = TravelDocumentFactory(person=person, number="XP7777777", custody="with_organisation")
    CaseMember.objects.create(case=case_b, mission_id=case_b.mission_id, person=person, relationship="other_relative")
    response = login(client, counsellor_a).get(f"/people/{person.pk}/")
    assert response.status_code == 200
    assert [m.case for m in response.context["memberships"]] == [case_a]
    html = response.content.decode()
    assert "ALPHA, Ana" in html and "XP7777777" in html and "In our custody" in html
    assert case_a.number in html and case_b.number not in html
    assert f"/people/{person.pk}/documents/{doc.pk}/edit/" in html
    assert "Merge with another record" not in html


def test_person_of_another_work_post_is_404_everywhere(client, counsellor_a, case_a, case_b, sensitive_a):
    login(client, counsellor_a)
    for case in (case_b, sensitive_a):
        person = principal(case)
        doc = TravelDocumentFactory(person=person)
        assert client.get(f"/people/{person.pk}/").status_code == 404
        for url in person_urls(person, doc):
            assert client.get(url).status_code == 404
            assert client.post(url, {}).status_code == 404
    assert client.get("/people/999999/").status_code == 404


def test_document_of_another_person_is_404(client, counsellor_a, case_a, case_b):
    other_doc = TravelDocumentFactory(person=principal(case_b))
    response = login(client, counsellor_a).get(f"/people/{principal(case_a).pk}/documents/{other_doc.pk}/edit/")
    assert response.status_code == 404


def test_visible_person_without_the_role_action_is_403(client, manager, mission, case_a):
    person = principal(case_a)
    doc = TravelDocumentFactory(person=person)
    login(client, manager)
    assert client.get(f"/people/{person.pk}/").status_code == 200
    for url in person_urls(person, doc):
        assert client.post(url, {}).status_code == 403
    operations = UserFactory(mission=mission, role=Role.OPERATIONS)
    login(client, operations)
    assert client.post(f"/people/{person.pk}/edit/", {}).status_code == 403
    assert client.get(f"/people/{person.pk}/documents/new/").status_code == 200


def test_reading_a_person_of_a_sensitive_case_is_audited(client, counsellor_a2, sensitive_a):
    person = principal(sensitive_a)
    assert login(client, counsellor_a2).get(f"/people/{person.pk}/").status_code == 200
    event = AuditEvent.objects.get(action="read")
    assert (event.actor, event.person_id, event.case_id) == (counsellor_a2, person.pk, sensitive_a.pk)


def test_edit_person_saves_and_audits(client, counsellor_a, case_a):
    person = principal(case_a)
    response = login(client, counsellor_a).post(
        f"/people/{person.pk}/edit/", edit_data(person, given_names="Anna", nationalities=["GE", "AM"]))
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.given_names, person.version) == ("Anna", 2)
    assert sorted(person.nationalities.values_list("country", flat=True)) == ["AM", "GE"]
    assert person.names.get(kind="document").given_names == "Anna"
    event = AuditEvent.objects.get(action="update", person_id=person.pk)
    assert event.changes["given_names"] == ["Ana", "Anna"]


def test_edit_with_a_stale_version_is_refused_and_keeps_the_input(client, counsellor_a, case_a):
    person = principal(case_a)
    stale = person.version
    Person.objects.filter(pk=person.pk).update(version=stale + 1, known_as="Saved by someone else")
    response = login(client, counsellor_a).post(
        f"/people/{person.pk}/edit/", edit_data(person, given_names="Annabel", version=stale))
    assert response.status_code == 422
    assert "Someone else saved this record" in response.context["form"].non_field_errors()[0]
    assert 'value="Annabel"' in response.content.decode()
    person.refresh_from_db()
    assert (person.given_names, person.known_as, person.version) == ("Ana", "Saved by someone else", stale + 1)
    assert not AuditEvent.objects.filter(action="update").exists()


def test_edit_refuses_a_future_birth_date_per_field(client, counsellor_a, case_a):
    person = principal(case_a)
    next_year = timezone.localdate().year + 1
    response = login(client, counsellor_a).post(f"/people/{person.pk}/edit/", edit_data(person, birth_year=next_year))
    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["birth_year"]
    person.refresh_from_db()
    assert person.birth_year == 1990


def test_add_name_transliteration(client, counsellor_a, case_a):
    person = principal(case_a)
    response = login(client, counsellor_a).post(f"/people/{person.pk}/names/new/", {
        "kind": "transliteration", "family_name": "Alfa", "given_names": "Anna"})
    assert response.status_code == 302
    name = PersonName.objects.get(person=person, kind="transliteration")
    assert (name.family_name, name.given_names, name.search_key) == ("Alfa", "Anna", "anna alfa")


def test_add_phone_refuses_a_landline_and_records_consent_of_a_mobile(client, counsellor_a, case_a):
    person = principal(case_a)
    login(client, counsellor_a)
    response = client.post(f"/people/{person.pk}/phones/new/", {"number": "+31 20 123 4567", "sms_consent": "on"})
    assert response.status_code == 422
    assert "cannot be a mobile" in response.context["form"].errors["number"][0]
    assert not Phone.objects.exists()
    response = client.post(f"/people/{person.pk}/phones/new/", {"number": "06 12345678", "sms_consent": "on"})
    assert response.status_code == 302
    phone = Phone.objects.get()
    assert (str(phone.number), phone.sms_consent, phone.sms_consent_by) == ("+31612345678", True, counsellor_a)


def test_add_identifier_refuses_a_foreigners_number_that_is_not_10_digits(client, counsellor_a, case_a):
    person = principal(case_a)
    login(client, counsellor_a)
    response = client.post(f"/people/{person.pk}/identifiers/new/", {"kind": "foreigner_number", "value": "12345"})
    assert response.status_code == 422
    assert response.context["form"].errors["value"] == ["A foreigner's number has exactly 10 digits."]
    response = client.post(f"/people/{person.pk}/identifiers/new/", {"kind": "foreigner_number", "value": "2345678901"})
    assert response.status_code == 302
    assert list(person.identifiers.values_list("value", flat=True)) == ["2345678901"]


def test_add_document_validates_expiry_and_mrz(client, counsellor_a, case_a):
    person = principal(case_a)
    login(client, counsellor_a)
    future = (timezone.localdate() + datetime.timedelta(days=900)).isoformat()
    data = {"kind": "passport", "status": "held", "number": "PB7654321", "issuing_country": "GE",
            "expires_on": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(), "custody": "with_holder"}
    response = client.post(f"/people/{person.pk}/documents/new/", data)
    assert response.status_code == 422
    assert "expired" in response.context["form"].errors["expires_on"][0]
    response = client.post(f"/people/{person.pk}/documents/new/", {
        **data, "expires_on": future, "mrz": td3_mrz("PB7654322")})
    assert response.status_code == 422
    assert "does not match" in response.context["form"].errors["number"][0]
    assert not TravelDocument.objects.exists()
    response = client.post(f"/people/{person.pk}/documents/new/", {
        **data, "expires_on": future, "mrz": td3_mrz("PB7654321")})
    assert response.status_code == 302
    assert person.documents.get().number == "PB7654321"


def test_edit_document_is_versioned(client, counsellor_a, case_a):
    person = principal(case_a)
    doc = TravelDocumentFactory(person=person, number="XP1000001")
    url = f"/people/{person.pk}/documents/{doc.pk}/edit/"
    login(client, counsellor_a)
    page = client.get(url)
    assert page.context["form"].initial["version"] == 1
    data = {"kind": "passport", "status": "held", "number": "XP1000001", "issuing_country": "GE",
            "expires_on": doc.expires_on.isoformat(), "custody": "with_organisation", "version": 1}
    assert client.post(url, data).status_code == 302
    doc.refresh_from_db()
    assert (doc.custody, doc.version) == ("with_organisation", 2)
    response = client.post(url, {**data, "custody": "with_authority"})  # version 1 again: stale
    assert response.status_code == 422
    assert "Someone else saved this record" in response.context["form"].non_field_errors()[0]
    doc.refresh_from_db()
    assert doc.custody == "with_organisation"


def test_supervisor_sees_the_merge_link(client, supervisor_a, case_a):
    response = login(client, supervisor_a).get(f"/people/{principal(case_a).pk}/")
    assert f"/people/merge/?survivor={principal(case_a).pk}" in response.content.decode()


def test_person_in_no_case_of_own_mission_is_visible_for_registration(client, counsellor_a, work_post_a):
    from passage.testing.factories import PersonFactory

    loose = PersonFactory(mission=work_post_a.mission)
    assert login(client, counsellor_a).get(f"/people/{loose.pk}/").status_code == 200
    CaseFactory(work_post__mission=work_post_a.mission, principal=loose)  # now in a case at another work post
    assert client.get(f"/people/{loose.pk}/").status_code == 404
