"""SMS to the migrant: the text in their language (the mission's own, else the default; a missing language falls
back to the second, then English, and says so), the journey's facts only, once per cause, only to a number with
consent — a number without consent gets a blocked message for the counsellor to see."""

import datetime

import pytest
from django.utils import timezone

from passage.messaging.enums import MessageStatus as S
from passage.messaging.enums import SmsKind as K
from passage.messaging.models import Message, SmsTemplate
from passage.messaging.sms import choose_text, render, template_errors
from passage.messaging.sms_texts import ALLOWED, DEFAULTS, LANGUAGES, PLACEHOLDERS
from passage.movements import notify, services
from passage.movements.enums import AssistanceKind
from passage.movements.enums import BookingStatus as B
from passage.movements.tests.conftest import journey, local, travel_day
from passage.movements.tests.test_services_bookings import booked, fresh, ticket_all
from passage.people.models import Phone
from passage.testing.factories import MissionFactory, UserFactory

pytestmark = pytest.mark.django_db


def phone(person, number, *, consent=True, language=None):
    if language:
        person.preferred_language_id = language
        person.save(update_fields=["preferred_language"])
    return Phone.objects.create(person=person, mission_id=person.mission_id, number=number, sms_consent=consent,
                                sms_consent_at=timezone.now() if consent else None)


def sms():
    return list(Message.objects.filter(channel="sms").order_by("created_at", "recipient"))


def test_every_default_text_is_there_in_every_language_and_uses_only_its_placeholders():
    for kind in K.values:
        assert set(DEFAULTS[kind]) == set(LANGUAGES), kind
        for language, text in DEFAULTS[kind].items():
            assert template_errors(kind, text) == [], (kind, language)
            assert "{" not in render(text, PLACEHOLDERS)


def test_a_template_is_refused_with_the_reason():
    assert template_errors(K.FLIGHT_BOOKED, "  ") == ["Write the text."]
    assert template_errors(K.FLIGHT_BOOKED, "Flight {flight") == [
        "A brace is not closed: placeholders are written like {flight}."]
    assert template_errors(K.FLIGHT_CANCELLED, "{name}, your flight {time}") == [
        "“{name}” is not a placeholder. Use: {date}, {flight}.",
        "“{time}” is not known for this message. Use: {date}, {flight}."]
    assert ALLOWED[K.ARRIVAL_CONTACT] == {"arrival_airport"}


def test_the_language_is_the_migrants_then_their_second_then_english_and_the_mission_may_write_its_own(
    mission, movements_officer
):
    assert choose_text(mission.pk, K.REMINDER, ["ka"])[0:2] == ("ka", DEFAULTS[K.REMINDER]["ka"])
    assert choose_text(mission.pk, K.REMINDER, ["hy", "ru"]) == ("ru", DEFAULTS[K.REMINDER]["ru"], "hy")
    assert choose_text(mission.pk, K.REMINDER, ["hy"]) == ("en", DEFAULTS[K.REMINDER]["en"], "hy")
    SmsTemplate.objects.create(mission=mission, kind=K.REMINDER, language="ka", text="{flight} ხვალ",
                               updated_by=movements_officer, updated_at=timezone.now())
    assert choose_text(mission.pk, K.REMINDER, ["ka"]) == ("ka", "{flight} ხვალ", "")
    other = MissionFactory(code="MA", name="Morocco", country="MA")
    assert choose_text(other.pk, K.REMINDER, ["ka"])[1] == DEFAULTS[K.REMINDER]["ka"]


def test_a_booked_flight_is_sent_in_the_migrants_language_with_the_journey_only(movements_officer, ready_case):
    nino = ready_case.members.get(relationship="principal").person
    luka = ready_case.members.exclude(pk=ready_case.members.get(relationship="principal").pk).get().person
    phone(nino, "+995555123456", language="ka")
    phone(luka, "+995555123456")  # the family shares the phone: one SMS
    phone(luka, "+31612345678", consent=False)
    booking = booked(movements_officer, ready_case)
    blocked, sent = sorted(sms(), key=lambda m: m.status)  # "blocked" < "queued"
    assert (blocked.status, blocked.recipient, blocked.last_error) == (
        S.BLOCKED, "+31612345678", "No SMS consent recorded for this number.")
    assert (sent.status, sent.recipient, sent.language, sent.kind, sent.case_id) == (
        S.QUEUED, "+995555123456", "ka", K.FLIGHT_BOOKED, ready_case.pk)
    day = travel_day().strftime("%d-%m-%Y")
    assert sent.body == DEFAULTS[K.FLIGHT_BOOKED]["ka"].format(
        flight="TK1952", airport="AMS", date=day, time="10:00", report_time="07:00")
    assert "Beridze" not in sent.body and "BERIDZE" not in sent.body
    # A repeated call for the same cause sends nothing twice.
    notify.booked(fresh(booking))
    assert len(sms()) == 2


def test_a_rebooking_and_a_time_change_tell_the_new_flight_and_a_cancellation_that_it_is_off(
    movements_officer, ready_case
):
    nino = ready_case.members.get(relationship="principal").person
    phone(nino, "+995555123456", language="en")
    booking = booked(movements_officer, ready_case)
    later = journey(travel_day(8))
    services.itinerary_set(actor=movements_officer, booking=booking, segments=later, reason="Seat lost")
    [changed] = [m for m in sms() if m.kind == K.FLIGHT_CHANGED]
    assert travel_day(8).strftime("%d-%m-%Y") in changed.body
    first = fresh(booking).itineraries.get(superseded_at__isnull=True).segments.get(position=1)
    services.segment_time_change(actor=movements_officer, segment=first, departs=local(travel_day(8), 11, 0),
                                 arrives=local(travel_day(8), 15, 35), reason="Airline retimed")
    assert [m.body for m in sms() if m.kind == K.FLIGHT_CHANGED][-1].count("11:00") == 1
    services.booking_transition(actor=movements_officer, booking=booking, to_status=B.CANCELLED,
                                reason="Family withdrew")
    assert [m.kind for m in sms()] == [K.FLIGHT_BOOKED, K.FLIGHT_CHANGED, K.FLIGHT_CHANGED, K.FLIGHT_CANCELLED]


def test_the_reminder_goes_the_day_before_once(movements_officer, ready_case):
    nino = ready_case.members.get(relationship="principal").person
    phone(nino, "+995555123456", language="nl")
    booking = booked(movements_officer, ready_case)
    ticket_all(movements_officer, booking)
    services.booking_transition(actor=movements_officer, booking=booking, to_status=B.TICKETED)
    departs = fresh(booking).itineraries.get(superseded_at__isnull=True).segments.get(position=1).departs_at
    two_days_before = departs - datetime.timedelta(days=2)
    assert notify.sms_reminders(now=two_days_before) == 0
    day_before = departs - datetime.timedelta(hours=20)
    assert notify.sms_reminders(now=day_before) == 1
    assert notify.sms_reminders(now=day_before + datetime.timedelta(hours=1)) == 0  # once
    [reminder] = [m for m in sms() if m.kind == K.REMINDER]
    assert reminder.body.startswith("IOM herinnering: morgen") and "07:00" in reminder.body


def test_a_confirmed_meet_and_assist_tells_the_migrant_they_will_be_met(movements_officer, ready_case, mission_ge):
    nino = ready_case.members.get(relationship="principal").person
    phone(nino, "+995555123456", language="en")
    booking = booked(movements_officer, ready_case)
    request = services.assistance_request(actor=movements_officer, booking=booking,
                                          kind=AssistanceKind.MEET_AND_ASSIST, airport="TBS", to_mission=mission_ge)
    services.assistance_request_respond(actor=UserFactory(mission=mission_ge, role="reintegration"),
                                        request=request, confirm=True)
    [met] = [m for m in sms() if m.kind == K.ARRIVAL_CONTACT]
    assert met.body == "IOM: on arrival in TBS IOM staff will meet you after passport control."


def test_a_departure_tells_who_boarded_that_the_mission_will_call_about_their_support(movements_officer,
                                                                                       ready_case):
    from passage.movements.enums import DeskStep
    from passage.movements.tests.test_desk import passengers

    nino = ready_case.members.get(relationship="principal").person
    luka = ready_case.members.exclude(pk=ready_case.members.get(relationship="principal").pk).get().person
    phone(nino, "+995555123456", language="ru")
    phone(luka, "+995555999888", language="en")
    booking = booked(movements_officer, ready_case)
    ticket_all(movements_officer, booking)
    services.booking_transition(actor=movements_officer, booking=booking, to_status=B.TICKETED)
    for p in passengers(booking):
        if p.person_id == luka.pk:
            services.desk_step_record(actor=movements_officer, passenger=p, step=DeskStep.NO_SHOW,
                                      reason="Stayed with his aunt")
            continue
        for step in (DeskStep.REPORTED, DeskStep.CHECKED_IN, DeskStep.BOARDED):
            services.desk_step_record(actor=movements_officer, passenger=p, step=step)
    assert not [m for m in sms() if m.kind == K.DEPARTED]
    services.departure_confirm(actor=movements_officer, booking=booking)
    [gone] = [m for m in sms() if m.kind == K.DEPARTED]
    assert (gone.recipient, gone.language, gone.person_id) == ("+995555123456", "ru", nino.pk)
    assert gone.body == DEFAULTS[K.DEPARTED]["ru"].format(arrival_airport="TBS")
    assert "Beridze" not in gone.body and "BERIDZE" not in gone.body


def test_the_case_shows_its_messages_and_tells_the_counsellor_what_was_blocked(client, movements_officer,
                                                                               ready_case, counsellor_a,
                                                                               counsellor_b):
    nino = ready_case.members.get(relationship="principal").person
    phone(nino, "+995555123456", consent=False)
    booked(movements_officer, ready_case)
    client.force_login(counsellor_a)
    page = client.get(f"/cases/{ready_case.pk}/").content.decode()
    assert f'hx-get="/cases/{ready_case.pk}/messages/"' in page
    html = client.get(f"/cases/{ready_case.pk}/messages/").content.decode()
    assert 'id="messages-blocked"' in html and "no SMS consent is recorded" in html
    assert "SMS “Flight booked”" in html and "Blocked: no consent" in html and "+995 •••• ••56" in html
    assert "+995555123456" not in html
    client.force_login(counsellor_b)  # another work post: the case is not theirs
    assert client.get(f"/cases/{ready_case.pk}/messages/").status_code == 404
