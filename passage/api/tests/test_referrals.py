"""The national return service refers a person: a person and a case in "contact" at its intake work post, once
per Idempotency-Key (a repeat gets the first answer, another body under the same key is refused), bad input
refused per field with nothing stored; it reads the status of the cases it referred, and nobody else does."""

import pytest

from passage.api.models import Referral
from passage.audit.models import AuditEvent
from passage.cases.enums import CaseStatus, ReferralSource
from passage.cases.models import Case, StatusChange
from passage.people.models import Identifier, Person, Phone

pytestmark = pytest.mark.django_db


def body(**person):
    return {"person": {"family_name": "Beridze", "given_names": "Nino", "sex": "F", "birth_year": 1990,
                       "nationalities": ["GE"], "preferred_language": "ka", "mobile": "+31612345678",
                       "foreigner_number": "1234567890", **person},
            "intended_destination": "GE"}


def test_a_referral_registers_the_person_and_opens_a_case_at_the_intake_work_post(service_api, service_token,
                                                                                  return_service, ter_apel,
                                                                                  work_post_a, counsellor_a):
    response = service_api.post("/referrals", body(residence_location_id=ter_apel.pk),
                                headers={"Idempotency-Key": "ref-1"})
    assert response.status_code == 201, response.content
    answer = response.json()
    case = Case.objects.get()
    person = Person.objects.get()
    referral = Referral.objects.get()
    assert answer == {"id": referral.pk, "case_id": case.pk, "case_number": case.number, "person_id": person.pk,
                      "status": "contact", "status_since": answer["status_since"],
                      "referred_at": answer["referred_at"], "closed_on": None}
    assert (case.status, case.work_post, case.counsellor, case.referred_by, case.referral_partner,
            case.referral_source, case.intended_destination) == (
        CaseStatus.CONTACT, work_post_a, counsellor_a, return_service, return_service,
        ReferralSource.RETURN_SERVICE, "GE")
    assert (person.family_name, person.given_names, person.residence_location, person.preferred_language_id,
            person.mission_id) == ("Beridze", "Nino", ter_apel, "ka", service_token.mission_id)
    assert [n.country.code for n in person.nationalities.all()] == ["GE"]
    # The number is kept, without SMS consent: the counsellor records that with the migrant.
    assert [(str(p.number), p.sms_consent) for p in Phone.objects.all()] == [("+31612345678", False)]
    assert [i.value for i in Identifier.objects.all()] == ["1234567890"]
    [opening] = StatusChange.objects.filter(case=case)
    assert (opening.by, opening.to_status) == (None, CaseStatus.CONTACT)
    assert "National return service" in opening.reason
    [created] = AuditEvent.objects.filter(object_type="api.referral", action="create")
    assert (created.case_id, created.person_id, created.mission_id, created.actor) == (
        case.pk, person.pk, service_token.mission_id, None)
    assert "National return service" in created.summary and service_token.prefix in created.summary


def test_the_same_key_twice_returns_the_first_answer_and_opens_one_case(service_api):
    first = service_api.post("/referrals", body(), headers={"Idempotency-Key": "same"})
    again = service_api.post("/referrals", body(), headers={"Idempotency-Key": "same"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    assert (Case.objects.count(), Person.objects.count(), Referral.objects.count()) == (1, 1, 1)
    assert AuditEvent.objects.filter(object_type="api.referral", action="read",
                                     summary__contains="first answer replayed").count() == 1


def test_the_first_answer_is_replayed_even_after_the_case_moved_on(service_api):
    first = service_api.post("/referrals", body(), headers={"Idempotency-Key": "k"}).json()
    Case.objects.update(status=CaseStatus.APPLICATION)
    assert service_api.post("/referrals", body(), headers={"Idempotency-Key": "k"}).json() == first
    assert service_api.get(f"/referrals/{first['id']}").json()["status"] == "application"


def test_the_same_key_with_another_body_is_refused_and_stores_nothing(service_api):
    service_api.post("/referrals", body(), headers={"Idempotency-Key": "k"})
    response = service_api.post("/referrals", body(family_name="Other"), headers={"Idempotency-Key": "k"})
    assert response.status_code == 422
    assert "Idempotency-Key was used before with another request body" in response.json()["detail"]
    assert response.json()["errors"] == [{"field": "Idempotency-Key", "message": "Used before with another body."}]
    assert (Case.objects.count(), Person.objects.count()) == (1, 1)


def test_another_key_is_another_referral(service_api):
    service_api.post("/referrals", body(foreigner_number=None), headers={"Idempotency-Key": "a"})
    service_api.post("/referrals", body(foreigner_number=None), headers={"Idempotency-Key": "b"})
    assert Case.objects.count() == 2


def test_a_person_whose_foreigners_number_is_known_is_not_registered_twice(service_api):
    service_api.post("/referrals", body(), headers={"Idempotency-Key": "a"})
    response = service_api.post("/referrals", body(given_names="N."), headers={"Idempotency-Key": "b"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["person.foreigner_number"]
    assert (Case.objects.count(), Person.objects.count()) == (1, 1)


def test_a_referral_without_an_idempotency_key_is_refused(service_api):
    response = service_api.post("/referrals", body())
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["Idempotency-Key"]
    assert Case.objects.count() == 0


@pytest.mark.parametrize("person, field, message", [
    ({"family_name": ""}, "person.family_name", "String should have at least 1 character"),
    ({"sex": "Q"}, "person.sex", "Input should be 'F', 'M' or 'X'"),
    ({"birth_month": 13}, "person.birth_month", "Input should be less than or equal to 12"),
    ({"nationalities": ["XX"]}, "person.nationalities.0", "Value error, 'XX' is not an ISO 3166-1 alpha-2 country code"),
    # PostgreSQL refuses a NUL in a text (it had answered 500; schemathesis found it)
    ({"given_names": "Ni\x00no"}, "person.given_names",
     "Value error, control characters (such as NUL, tabs or line breaks) are not allowed"),
    ({"foreigner_number": "V123\n4567"}, "person.foreigner_number",
     "Value error, control characters (such as NUL, tabs or line breaks) are not allowed"),
    # Refused by the services (people.validation), mapped to the field:
    ({"birth_year": 2020, "birth_month": 2, "birth_day": 30}, "person.birth_day", None),
    ({"mobile": "12"}, "person.mobile", None),
    ({"residence_location_id": 999999}, "person.residence_location_id", "No partner location has this id."),
    ({"preferred_language": "zz"}, "person.preferred_language", "Not an ISO 639 language code Passage knows."),
])
def test_bad_input_is_refused_per_field_and_nothing_is_stored(service_api, person, field, message):
    response = service_api.post("/referrals", body(**person), headers={"Idempotency-Key": "bad"})
    assert response.status_code == 422, response.content
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert field in errors, errors
    if message:
        assert errors[field] == message
    assert (Case.objects.count(), Person.objects.count(), Phone.objects.count(), Referral.objects.count()) == (
        0, 0, 0, 0)
    # The key is not spent on a refused request: the corrected one goes through.
    assert service_api.post("/referrals", body(), headers={"Idempotency-Key": "bad"}).status_code == 201


def test_a_body_that_is_not_json_is_refused(service_api):
    response = service_api.client.post("/api/v1/referrals", "{not json", content_type="application/json",
                                       HTTP_AUTHORIZATION=f"Bearer {service_api.secret}", HTTP_IDEMPOTENCY_KEY="x")
    assert (response.status_code, response.json()) == (400, {"detail": "The request body is not valid JSON.",
                                                            "errors": []})
    assert Case.objects.count() == 0


def test_the_service_reads_its_referrals_and_filters_them_by_status(service_api):
    ids = [service_api.post("/referrals", body(family_name=f"P{i}", foreigner_number=None), headers={"Idempotency-Key": f"k{i}"}).json()["id"]
           for i in range(3)]
    Case.objects.filter(api_referral__id=ids[1]).update(status=CaseStatus.CLOSED)
    one = service_api.get(f"/referrals/{ids[1]}")
    assert one.status_code == 200 and one.json()["status"] == "closed"
    listed = service_api.get("/referrals")
    assert [r["id"] for r in listed.json()["items"]] == ids[::-1] and listed.json()["next"] is None
    closed = service_api.get("/referrals", {"status": "closed"})
    assert [r["id"] for r in closed.json()["items"]] == [ids[1]]
    page = service_api.get("/referrals", {"limit": 2}).json()
    assert [r["id"] for r in page["items"]] == [ids[2], ids[1]]
    rest = service_api.get("/referrals", {"limit": 2, "cursor": page["next"]}).json()
    assert ([r["id"] for r in rest["items"]], rest["next"]) == ([ids[0]], None)
    assert service_api.get("/referrals", {"status": "nonsense"}).status_code == 422


def test_every_read_of_a_referral_is_audited_with_the_organisation(service_api, service_token):
    referral = service_api.post("/referrals", body(), headers={"Idempotency-Key": "k"}).json()
    service_api.get(f"/referrals/{referral['id']}")
    service_api.get("/referrals")
    reads = AuditEvent.objects.filter(action="read", object_type="api.referral").order_by("id")
    assert [(r.object_id, r.case_id) for r in reads] == [(str(referral["id"]), referral["case_id"]), ("", None)]
    assert all(r.summary.startswith(f"API National return service (API token {service_token.prefix}")
               for r in reads)
    assert reads[1].changes == {"case_ids": [referral["case_id"]]}


def test_a_reception_centre_cannot_refer_nor_read_a_referral(service_api, agency_api):
    referral = service_api.post("/referrals", body(), headers={"Idempotency-Key": "k"}).json()
    assert agency_api.get(f"/referrals/{referral['id']}").status_code == 404
    assert agency_api.get(f"/referrals/{referral['id'] + 1000}").status_code == 404
    assert agency_api.get("/referrals").json() == {"items": [], "next": None}
    refused = agency_api.post("/referrals", body(), headers={"Idempotency-Key": "k2"})
    assert refused.status_code == 404
    assert Case.objects.count() == 1


def test_another_return_service_token_of_another_mission_sees_nothing(service_api, mission_ge, return_service):
    from passage.accounts.enums import Role
    from passage.api.services import token_create
    from passage.testing.factories import UserFactory, WorkPostFactory

    from .conftest import Api

    ge_admin = UserFactory(username="ge_admin", mission=mission_ge, role=Role.ADMIN)
    post = WorkPostFactory(mission=mission_ge, code="GE1")
    counsellor = UserFactory(username="ge_c", mission=mission_ge, role=Role.COUNSELLOR, work_posts=[post])
    _token, secret = token_create(actor=ge_admin, organisation=return_service, name="ge",
                                  scopes=["referrals:write", "referrals:read"], intake_work_post=post,
                                  intake_counsellor=counsellor)
    referral = service_api.post("/referrals", body(), headers={"Idempotency-Key": "k"}).json()
    ge = Api(secret)
    assert ge.get(f"/referrals/{referral['id']}").status_code == 404
    # The same key in another mission is another referral there.
    assert ge.post("/referrals", body(foreigner_number=None), headers={"Idempotency-Key": "k"}).json()["id"] != referral["id"]
    assert Case.objects.filter(mission=mission_ge).count() == 1


def test_the_referrer_is_told_when_its_case_is_taken_on_and_when_it_closes(service_api, counsellor_a):
    from passage.cases import services as case_services
    from passage.messaging.models import Message

    service_api.post("/referrals", body(), headers={"Idempotency-Key": "ref-told"})
    case = Case.objects.get()
    assert not Message.objects.exists()  # opening it tells nobody: the partner knows, it asked
    case_services.case_transition(actor=counsellor_a, case=case, to_status=CaseStatus.APPLICATION)
    [accepted] = Message.objects.all()
    assert (accepted.kind, accepted.channel, accepted.recipient, accepted.case_id) == (
        "referral.accepted", "email", "dtv@example.org", case.pk)
    assert f"case_id: {case.pk}" in accepted.body and "Beridze" not in accepted.body
    case_services.case_transition(actor=counsellor_a, case=Case.objects.get(), to_status=CaseStatus.WITHDRAWN,
                                  reason="The migrant chose to stay and appeal")
    assert list(Message.objects.order_by("created_at").values_list("kind", flat=True)) == [
        "referral.accepted", "referral.closed"]
    closed = Message.objects.get(kind="referral.closed")
    assert "status: withdrawn" in closed.body and "appeal" not in closed.body
