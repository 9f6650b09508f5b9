"""Registering a walk-in (person + case) or a household member, all or nothing, through /people/register/."""

import datetime

import pytest
from django.utils import timezone

from passage.audit.models import AuditEvent
from passage.cases.models import Case, CaseMember, StatusChange
from passage.people.models import Identifier, Person, Phone, TravelDocument
from passage.people.tests.test_views_urls import login, td3_mrz, with_case_detail  # noqa: F401
from passage.testing.factories import PersonFactory, TravelDocumentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("with_case_detail")]

URL = "/people/register/"


def walk_in(post, **overrides):
    data = {
        "family_name": "Ahmadi", "given_names": "Mohammed", "known_as": "Mo", "sex": "M",
        "birth_year": "1990", "birth_month": "5", "birth_day": "17", "nationalities": ["AF"],
        "country_of_birth": "AF", "preferred_language": "en", "residence_kind": "private_address",
        "residence_address": "Voorbeeldstraat 2, Zwolle", "mobile": "+31 6 12345678", "sms_consent": "on",
        "foreigner_number": "1234567890", "document_kind": "passport", "document_status": "held",
        "document_number": "PA1234567", "document_issuing_country": "AF",
        "document_expires_on": (timezone.localdate() + datetime.timedelta(days=700)).isoformat(),
        "document_mrz": td3_mrz("PA1234567"), "work_post": str(post.pk), "referral_source": "self",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def counts():
    return (Person.objects.count(), Case.objects.count(), TravelDocument.objects.count(), Phone.objects.count(),
            Identifier.objects.count(), CaseMember.objects.count(), AuditEvent.objects.count())


def test_register_page_offers_only_the_users_work_posts_first_selected(client, counsellor_a, work_post_a, work_post_b):
    response = login(client, counsellor_a).get(URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["work_post"].queryset) == [work_post_a]
    assert form.fields["work_post"].initial == work_post_a.pk
    html = response.content.decode()
    assert 'hx-get="/people/duplicates/"' in html
    assert 'hx-trigger="keyup changed delay:400ms' in html
    assert 'name="family_name"' in html and "autofocus" in html


def test_register_walk_in_creates_person_documents_and_case_with_history_and_audit(
    client, counsellor_a, work_post_a
):
    response = login(client, counsellor_a).post(URL, walk_in(work_post_a))

    person = Person.objects.get()
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    assert (person.family_name, person.given_names, person.known_as, person.birth_display) == (
        "Ahmadi", "Mohammed", "Mo", "17-05-1990")
    assert list(person.nationalities.values_list("country", flat=True)) == ["AF"]
    assert person.mission_id == work_post_a.mission_id
    phone = person.phones.get()
    assert (str(phone.number), phone.sms_consent, phone.sms_consent_by) == ("+31612345678", True, counsellor_a)
    assert list(person.identifiers.values_list("kind", "value")) == [("foreigner_number", "1234567890")]
    doc = person.documents.get()
    assert (doc.kind, doc.number, doc.issuing_country.code, doc.status) == ("passport", "PA1234567", "AF", "held")
    assert (case.work_post, case.counsellor, case.status, case.referral_source) == (
        work_post_a, counsellor_a, "contact", "self")
    assert list(case.members.values_list("person_id", "relationship")) == [(person.pk, "principal")]
    assert list(StatusChange.objects.filter(case=case).values_list("from_status", "to_status", "by")) == [
        ("", "contact", counsellor_a.pk)]
    audit = sorted(AuditEvent.objects.filter(actor=counsellor_a).values_list("object_type", "action"))
    assert audit == sorted([
        ("people.person", "create"), ("people.phone", "create"), ("people.identifier", "create"),
        ("people.traveldocument", "create"), ("cases.case", "create"),
    ])


def test_register_with_year_of_birth_only(client, counsellor_a, work_post_a):
    data = walk_in(work_post_a, birth_month="", birth_day="", mobile="", foreigner_number="", document_kind="",
                   document_number="", document_issuing_country="", document_expires_on="", document_mrz="")
    response = login(client, counsellor_a).post(URL, data)
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.birth_year, person.birth_month, person.birth_day) == (1990, None, None)
    assert TravelDocument.objects.count() == 0


def _bad_inputs():
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    future_birth_field = "birth_day" if tomorrow.year == today.year else "birth_year"
    good_mrz = td3_mrz("PA1234567")
    line1, line2 = good_mrz.split("\n")
    # Position 9 of line 2 is the check digit of the document number.
    wrong_digit = str((int(line2[9]) + 1) % 10)
    bad_mrz = line1 + "\n" + line2[:9] + wrong_digit + line2[10:]
    return [
        pytest.param({"document_mrz": bad_mrz}, "document_mrz", "check digit of the document number", id="bad-mrz"),
        pytest.param({"birth_year": str(tomorrow.year), "birth_month": str(tomorrow.month),
                      "birth_day": str(tomorrow.day)}, future_birth_field, "", id="future-birth"),
        pytest.param({"document_expires_on": (today - datetime.timedelta(days=1)).isoformat()},
                     "document_expires_on", "expired", id="expired-document"),
        pytest.param({"mobile": "+31 20 123 4567"}, "mobile", "cannot be a mobile", id="landline"),
        pytest.param({"foreigner_number": "12345"}, "foreigner_number", "10 digits", id="short-foreigner-number"),
    ]


@pytest.mark.parametrize(("overrides", "field", "message"), _bad_inputs())
def test_bad_input_is_refused_per_field_and_stores_nothing(
    client, counsellor_a, work_post_a, overrides, field, message
):
    before = counts()
    response = login(client, counsellor_a).post(URL, walk_in(work_post_a, **overrides))
    assert response.status_code == 422
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]
    assert counts() == before
    html = response.content.decode()
    assert f'aria-describedby="id_{field}_error' in html or f'aria-describedby="id_{field}_helptext id_{field}_error' in html
    assert 'value="Ahmadi"' in html  # the input is kept


def test_failure_in_a_later_step_rolls_back_the_earlier_ones(client, counsellor_a, work_post_a, case_b):
    # The foreigner's number belongs to another person: identifier_add refuses after the person was written.
    Identifier.objects.create(person=case_b.members.get().person, mission_id=case_b.members.get().person.mission_id, kind="foreigner_number", value="1234567890")
    before = counts()
    response = login(client, counsellor_a).post(URL, walk_in(work_post_a, different_person="on",
                                                              document_number="", document_mrz="",
                                                              document_kind="", document_issuing_country="",
                                                              document_expires_on=""))
    assert response.status_code == 422
    assert "already recorded for another person" in response.context["form"].errors["foreigner_number"][0]
    assert counts() == before


def test_strong_duplicate_is_refused_unless_confirmed_different(client, counsellor_a, work_post_a, case_a):
    TravelDocumentFactory(person=case_a.members.get().person, number="PA1234567", number_key="PA1234567",
                          issuing_country="AF")
    login(client, counsellor_a)
    before = counts()
    response = client.post(URL, walk_in(work_post_a, foreigner_number=""))
    assert response.status_code == 422
    assert "same document number" in response.context["form"].non_field_errors()[0]
    assert [m["person"].pk for m in response.context["duplicates"]["matches"]] == [case_a.members.get().person_id]
    assert counts() == before

    response = client.post(URL, walk_in(work_post_a, foreigner_number="", different_person="on"))
    assert response.status_code == 302
    assert Person.objects.count() == before[0] + 1


def test_register_household_member_adds_to_the_case(client, counsellor_a, case_a):
    url = f"{URL}?for_case={case_a.pk}&relationship=spouse"
    login(client, counsellor_a)
    page = client.get(url)
    assert page.status_code == 200
    assert case_a.number in page.content.decode()
    assert "work_post" not in page.context["form"].fields
    before_cases = Case.objects.count()
    response = client.post(url, walk_in(case_a.work_post, family_name="Alpha", given_names="Amira", sex="F",
                                        work_post=None, referral_source=None, foreigner_number="1234567891",
                                        document_number="", document_mrz="", document_kind="",
                                        document_issuing_country="", document_expires_on=""))
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case_a.pk}/"
    assert Case.objects.count() == before_cases
    spouse = Person.objects.get(given_names="Amira")
    assert list(case_a.members.order_by("id").values_list("relationship", flat=True)) == ["principal", "spouse"]
    assert case_a.members.get(relationship="spouse").person == spouse
    assert AuditEvent.objects.filter(case_id=case_a.pk, person_id=spouse.pk, object_type="cases.casemember").count() == 1


def test_household_member_of_a_case_outside_scope_is_404(client, counsellor_a, case_b, sensitive_a):
    login(client, counsellor_a)
    for case in (case_b, sensitive_a):
        assert client.get(f"{URL}?for_case={case.pk}&relationship=child").status_code == 404
        assert client.post(f"{URL}?for_case={case.pk}&relationship=child", {}).status_code == 404


def test_use_this_person_opens_a_case_for_an_existing_person(client, counsellor_a, work_post_a):
    existing = PersonFactory(mission=work_post_a.mission, family_name="Karimi", given_names="Reza")
    response = login(client, counsellor_a).post(URL, {"existing_person": existing.pk, "work_post": work_post_a.pk,
                                                      "referral_source": "ngo"})
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/"
    assert (case.members.get().person, case.referral_source) == (existing, "ngo")
    assert Person.objects.count() == 1


def test_use_this_person_as_household_member(client, counsellor_a, case_a):
    child = PersonFactory(mission=case_a.mission, family_name="Alpha", given_names="Ali", birth_year=2015)
    url = f"{URL}?for_case={case_a.pk}&relationship=child"
    response = login(client, counsellor_a).post(url, {"existing_person": child.pk})
    assert response.status_code == 302
    assert case_a.members.get(relationship="child").person == child


def test_use_this_person_outside_scope_is_404_and_opens_nothing(client, counsellor_a, work_post_a, case_b):
    before = counts()
    response = login(client, counsellor_a).post(URL, {"existing_person": case_b.members.get().person_id,
                                                      "work_post": work_post_a.pk, "referral_source": "self"})
    assert response.status_code == 404
    assert counts() == before


def test_roles_without_case_create_get_403(client, manager, dpo):
    for user in (manager, dpo):
        assert login(client, user).get(URL).status_code == 403
