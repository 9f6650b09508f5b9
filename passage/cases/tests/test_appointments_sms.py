"""An appointment's SMS: to the principal applicant's numbers in their language (falling back to the second, then
English), with the date, the time on the mission's clock and where — never a name —, once per cause; blocked
without consent; a new time tells "changed", a cancellation "cancelled"."""

import datetime

import pytest
from django.utils import timezone

from passage.cases import appointments as svc
from passage.cases.models import Appointment
from passage.cases.tests.test_appointments_services import at, plan
from passage.messaging.enums import MessageStatus
from passage.messaging.enums import SmsKind as K
from passage.messaging.models import Message
from passage.messaging.sms_texts import DEFAULTS
from passage.people.models import Phone
from passage.reference.models import Language
from passage.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def phone(person, number, *, consent=True):
    return Phone.objects.create(person=person, mission_id=person.mission_id, number=number, sms_consent=consent,
                                sms_consent_at=timezone.now() if consent else None)


def principal(case, language="en", spoken=()):
    person = case.members.get(relationship="principal").person
    person.preferred_language_id = language
    person.save(update_fields=["preferred_language"])
    person.languages.set(Language.objects.filter(code__in=spoken))
    return person


def sms():
    return list(Message.objects.filter(channel="sms").order_by("created_at", "id"))


def test_planning_tells_the_principal_in_their_language_the_date_time_and_place_only(counsellor_a, case_a):
    person = principal(case_a, "fa")
    phone(person, "+31612345678")
    case_a.work_post.address = "Stationsplein 1, Amsterdam"
    case_a.work_post.save(update_fields=["address"])
    plan(counsellor_a, case_a, at(3, "09:15"), purpose="documents", bring_documents=True)
    [message] = sms()
    day = at(3).strftime("%d-%m-%Y")
    assert (message.kind, message.recipient, message.language, message.language_wanted, message.status,
            message.case_id, message.person_id) == (K.APPOINTMENT_SET, "+31612345678", "fa", "", MessageStatus.QUEUED,
                                                    case_a.pk, person.pk)
    assert message.body == DEFAULTS[K.APPOINTMENT_SET]["fa"].format(
        date=day, time="09:15", place="Work post A, Stationsplein 1, Amsterdam",
        bring=" گذرنامه و دیگر مدارک هویتی و سفر خود را همراه بیاورید.")
    for leak in (person.family_name, person.given_names, counsellor_a.last_name, case_a.number, "avrr", "AVRR"):
        assert leak not in message.body


def test_the_time_is_the_missions_clock_across_a_clock_change(counsellor_a, case_a):
    """1 July next year (summer time) 09:00 in Amsterdam is 07:00 UTC, given as UTC; the SMS says 09:00."""
    phone(principal(case_a), "+31612345678")
    starts = datetime.datetime(timezone.now().year + 1, 7, 1, 7, 0, tzinfo=datetime.UTC)
    plan(counsellor_a, case_a, starts, place="phone", work_post=None)
    assert sms()[0].body == (f"IOM: you have an appointment on {starts:%d-%m-%Y} at 09:00, by phone: IOM will "
                             "call you.")


def test_a_language_without_a_text_falls_back_to_the_second_then_english_and_says_which_was_wanted(
        counsellor_a, case_a, case_b, counsellor_b):
    phone(principal(case_a, "hy", spoken=["ru"]), "+31611111111")
    plan(counsellor_a, case_a, at(3), place="video", work_post=None)
    phone(principal(case_b, "hy"), "+31622222222")
    plan(counsellor_b, case_b, at(3), place="video", work_post=None)
    first, second = sms()
    assert (first.language, first.language_wanted) == ("ru", "hy")
    assert "по видеосвязи: МОМ пришлёт вам ссылку" in first.body
    assert (second.language, second.language_wanted, second.body) == (
        "en", "hy", f"IOM: you have an appointment on {at(3):%d-%m-%Y} at 10:00, by video call: IOM will send you "
                    "the link.")


def test_without_consent_the_message_is_blocked_and_the_case_shows_it(client, counsellor_a, case_a):
    phone(principal(case_a), "+31612345678", consent=False)
    plan(counsellor_a, case_a)
    [message] = sms()
    assert (message.status, message.last_error) == (MessageStatus.BLOCKED, "No SMS consent recorded for this number.")
    client.force_login(counsellor_a)
    html = client.get(f"/cases/{case_a.pk}/messages/").content.decode()
    assert 'id="messages-blocked"' in html and "SMS “Appointment set”" in html


def test_only_the_principal_is_told_and_a_household_member_is_not(counsellor_a, case_a):
    from passage.cases.models import CaseMember

    phone(principal(case_a), "+31612345678")
    spouse = PersonFactory(mission=case_a.mission)
    CaseMember.objects.create(case=case_a, mission_id=case_a.mission_id, person=spouse, relationship="spouse")
    phone(spouse, "+31687654321")
    plan(counsellor_a, case_a)
    assert [m.recipient for m in sms()] == ["+31612345678"]


def test_once_per_cause_a_new_time_tells_changed_each_time_and_a_cancellation_cancelled(counsellor_a, case_a):
    phone(principal(case_a, "nl"), "+31612345678")
    appointment = plan(counsellor_a, case_a, at(3, "10:00"))
    from passage.cases import notify

    assert [m.is_new for m in notify.appointment_set(appointment)] == [False]  # a retry sends nothing twice
    svc.appointment_reschedule(actor=counsellor_a, appointment=appointment, version=1, starts_at=at(4, "11:00"),
                               duration_minutes=60, place="work_post", work_post=case_a.work_post)
    # Only longer: the migrant's facts are the same, no SMS.
    svc.appointment_reschedule(actor=counsellor_a, appointment=appointment, version=2, starts_at=at(4, "11:00"),
                               duration_minutes=90, place="work_post", work_post=case_a.work_post)
    svc.appointment_reschedule(actor=counsellor_a, appointment=appointment, version=3, starts_at=at(4, "11:00"),
                               duration_minutes=90, place="phone")
    svc.appointment_cancel(actor=counsellor_a, appointment=appointment, version=4, reason="Left the centre")
    assert [(m.kind, m.body) for m in sms()] == [
        (K.APPOINTMENT_SET, f"IOM: u hebt een afspraak op {at(3):%d-%m-%Y} om 10:00, Work post A."),
        (K.APPOINTMENT_CHANGED, f"IOM: uw afspraak is gewijzigd. Nieuwe afspraak: {at(4):%d-%m-%Y} om 11:00, "
                                "Work post A."),
        (K.APPOINTMENT_CHANGED, f"IOM: uw afspraak is gewijzigd. Nieuwe afspraak: {at(4):%d-%m-%Y} om 11:00, "
                                "telefonisch: IOM belt u."),
        (K.APPOINTMENT_CANCELLED, f"IOM: uw afspraak op {at(4):%d-%m-%Y} om 11:00 gaat niet door. Uw begeleider "
                                  "neemt contact met u op."),
    ]
    assert len({m.dedupe_key for m in sms()}) == 4


def test_held_or_missed_and_cancelling_a_past_appointment_send_nothing(counsellor_a, case_a):
    phone(principal(case_a), "+31612345678")
    first = plan(counsellor_a, case_a, at(1))
    second = plan(counsellor_a, case_a, at(2))
    Appointment.objects.filter(pk__in=[first.pk, second.pk]).update(starts_at=at(-1), ends_at=at(-1, "11:00"))
    before = len(sms())
    svc.appointment_record_outcome(actor=counsellor_a, appointment=first, version=1, outcome="held")
    svc.appointment_cancel(actor=counsellor_a, appointment=second, version=1, reason="Recorded late")
    assert len(sms()) == before == 2
