"""A reception agency reads the departures of the residents of its own locations and the details behind the
events its locations were sent; another agency's residents and messages are not there for it (not listed, 404)."""

import datetime
import json
import uuid

import pytest
from django.db import transaction
from django.utils import timezone

from passage.audit.models import AuditEvent
from passage.messaging.enums import PartnerEvent
from passage.messaging.models import Message, WebhookEndpoint
from passage.messaging.partners import partner_event

pytestmark = pytest.mark.django_db


def since(days=7):
    return {"since": (timezone.now() - datetime.timedelta(days=days)).isoformat()}


def test_the_agency_reads_the_departures_of_its_residents_in_order(agency_api, departures, ter_apel, budel):
    response = agency_api.get("/departures", since())
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    expected = [departures[k] for k in ("first", "second", "third")]
    assert [(i["person_id"], i["case_id"], i["booking_id"], i["location"]["id"]) for i in items] == [
        (p.person_id, p.booking.case_id, p.booking_id, p.person.residence_location_id) for p in expected]
    assert [i["location"]["name"] for i in items] == ["AZC Ter Apel", "AZC Budel", "AZC Ter Apel"]
    assert datetime.datetime.fromisoformat(items[0]["departed_at"]) == departures["first"].booking.departed_at
    assert response.json()["next"] is None


def test_another_agencys_residents_are_not_listed(other_agency_api, departures):
    items = other_agency_api.get("/departures", since()).json()["items"]
    assert [i["person_id"] for i in items] == [departures["other"].person_id]


def test_departures_page_by_cursor_without_skipping_a_shared_departure_time(agency_api, departures):
    # A charter: every resident leaves at the same minute.
    same = timezone.now() - datetime.timedelta(hours=5)
    for key in ("first", "second", "third"):
        booking = departures[key].booking
        type(booking).objects.filter(pk=booking.pk).update(departed_at=same)
    first = agency_api.get("/departures", {**since(), "limit": 2}).json()
    rest = agency_api.get("/departures", {**since(), "limit": 2, "cursor": first["next"]}).json()
    assert rest["next"] is None
    seen = [i["person_id"] for i in first["items"] + rest["items"]]
    assert sorted(seen) == sorted(departures[k].person_id for k in ("first", "second", "third"))
    assert agency_api.get("/departures", {**since(), "cursor": "garbage!"}).status_code == 422


def test_since_is_required_and_must_carry_an_offset(agency_api):
    missing = agency_api.get("/departures")
    naive = agency_api.get("/departures", {"since": "2026-01-01T00:00:00"})
    assert (missing.status_code, naive.status_code) == (422, 422)
    assert [e["field"] for e in missing.json()["errors"]] == ["since"]
    assert [e["field"] for e in naive.json()["errors"]] == ["since"]


def test_the_return_service_has_no_departures_scope(service_api, departures):
    assert service_api.get("/departures", since()).status_code == 404


def test_reading_departures_is_audited_with_the_persons_read(agency_api, agency_token, departures):
    agency_api.get("/departures", since())
    [read] = AuditEvent.objects.filter(action="read", object_type="api.departure")
    assert read.mission_id == agency_token.mission_id and read.actor is None
    assert read.summary.startswith(f"API Reception agency (API token {agency_token.prefix}")
    assert read.changes["person_ids"] == [departures[k].person_id for k in ("first", "second", "third")]


def _hook(location, mission):
    return WebhookEndpoint.objects.create(location=location, mission=mission, url="https://partner.example/hook",
                                          secret="whsec_" + "A" * 32, events=[PartnerEvent.PERSON_DEPARTED],
                                          created_at=timezone.now())


def _tell(mission, passenger, locations):
    data = {"person_id": passenger.person_id, "case_id": passenger.booking.case_id,
            "booking_id": passenger.booking_id, "departed_at": passenger.booking.departed_at.isoformat()}
    with transaction.atomic():
        return partner_event(event_type=PartnerEvent.PERSON_DEPARTED, mission=mission, locations=locations,
                             data=data, cause=f"person:{passenger.person_id}:booking:{passenger.booking_id}",
                             case_id=data["case_id"], person_id=data["person_id"],
                             subject=f"person/{passenger.person_id}")


def test_the_agency_reads_an_event_its_endpoint_was_sent_with_the_departure_behind_it(
        agency_api, agency_token, mission, departures, ter_apel):
    _hook(ter_apel, mission)
    passenger = departures["first"]
    [message] = _tell(mission, passenger, [ter_apel])
    response = agency_api.get(f"/events/{message.pk}")
    assert response.status_code == 200, response.content
    event = response.json()
    envelope = json.loads(Message.objects.get(pk=message.pk).body)
    assert event == {"id": str(message.pk), "type": "person.departed", "time": event["time"],
                     "subject": f"person/{passenger.person_id}", "data": envelope["data"],
                     "details": {"departure": {
                         "person_id": passenger.person_id, "case_id": passenger.booking.case_id,
                         "booking_id": passenger.booking_id, "departed_at": event["details"]["departure"]["departed_at"],
                         "location": {"id": ter_apel.pk, "name": "AZC Ter Apel", "city": "Ter Apel"}}}}
    [read] = AuditEvent.objects.filter(action="read", object_type="messaging.message")
    assert (read.object_id, read.person_id, read.case_id) == (str(message.pk), passenger.person_id,
                                                              passenger.booking.case_id)


def test_an_event_told_by_email_reads_the_same_ids(agency_api, mission, departures, budel):
    budel.email = "budel@example.org"
    budel.save(update_fields=["email"])
    passenger = departures["second"]
    [message] = _tell(mission, passenger, [budel])
    assert message.channel == "email"
    event = agency_api.get(f"/events/{message.pk}").json()
    assert event["data"] == {"person_id": passenger.person_id, "case_id": passenger.booking.case_id,
                             "booking_id": passenger.booking_id,
                             "departed_at": passenger.booking.departed_at.isoformat()}
    assert event["details"]["departure"]["location"]["id"] == budel.pk


def test_an_event_sent_to_another_organisation_is_404_like_a_missing_one(agency_api, other_agency_api, mission,
                                                                        departures, elsewhere, ter_apel):
    _hook(elsewhere, mission)
    _hook(ter_apel, mission)
    [theirs] = _tell(mission, departures["other"], [elsewhere])
    [ours] = _tell(mission, departures["first"], [ter_apel])
    assert agency_api.get(f"/events/{theirs.pk}").status_code == 404
    assert agency_api.get(f"/events/{uuid.uuid4()}").status_code == 404
    assert other_agency_api.get(f"/events/{ours.pk}").status_code == 404
    assert other_agency_api.get(f"/events/{theirs.pk}").status_code == 200
    assert agency_api.get("/events/not-a-uuid").status_code == 422


def test_since_as_a_number_is_refused_not_read_as_seconds_since_1970(agency_api, departures):
    response = agency_api.get("/departures", {"since": "0.5"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "since", "message": "Value error, give a date and time in ISO "
                                                                       "8601 with an offset, e.g. 2026-12-01T00:00:00Z"}]


def test_a_misspelt_parameter_is_refused_rather_than_ignored(agency_api, departures):
    response = agency_api.get("/departures", {**since(), "limt": "1"})
    assert response.status_code == 422
    assert response.json() == {"detail": "Unknown query parameters: 'limt'.",
                               "errors": [{"field": "limt", "message": "This operation has no such parameter."}]}
    assert not AuditEvent.objects.filter(action="read").exists()


def test_a_token_narrowed_to_one_centre_sees_only_that_centres_residents_and_messages(
        admin_user, agency, mission, departures, ter_apel, budel):
    from passage.api.services import token_create

    from .conftest import Api

    _token, secret = token_create(actor=admin_user, organisation=agency, name="Budel only",
                                  scopes=["departures:read", "events:read"], locations=[budel])
    budel_api = Api(secret)
    items = budel_api.get("/departures", since()).json()["items"]
    assert [i["person_id"] for i in items] == [departures["second"].person_id]
    _hook(ter_apel, mission)
    _hook(budel, mission)
    [to_ter_apel] = _tell(mission, departures["first"], [ter_apel])
    [to_budel] = _tell(mission, departures["second"], [budel])
    assert budel_api.get(f"/events/{to_ter_apel.pk}").status_code == 404
    assert budel_api.get(f"/events/{to_budel.pk}").status_code == 200


def test_a_token_cannot_be_narrowed_to_another_organisations_location(admin_user, agency, elsewhere):
    from passage.api.models import PartnerToken
    from passage.api.services import token_create
    from passage.core.errors import ServiceError

    with pytest.raises(ServiceError) as refused:
        token_create(actor=admin_user, organisation=agency, name="x", scopes=["departures:read"],
                     locations=[elsewhere])
    assert refused.value.field_errors == {"locations": "Not a location of Reception agency: Opvang Elders (Zwolle)."}
    assert PartnerToken.objects.count() == 0


def test_since_with_any_offset_python_allows_is_read_in_utc(agency_api, departures):
    # Found by schemathesis on PostgreSQL, which refuses offsets beyond ±15:59.
    response = agency_api.get("/departures", {"since": "0049-05-13T06:32:53+21:20"})
    assert response.status_code == 200
    assert len(response.json()["items"]) == 4  # every departure of the agency's residents, the old one too
    edge = agency_api.get("/departures", {"since": "0001-01-01T00:00:00+23:59"})
    assert edge.status_code == 422 and edge.json()["errors"][0]["field"] == "since"
