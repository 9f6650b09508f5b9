"""The appointment screens: the case page's section (plan, a new time, cancel, held or missed) in Dutch and
English, per-field errors with nothing stored, a stale form refused, the agenda across one's caseload only, and
the SMS text editor showing the appointment messages."""

import datetime

import pytest
from django.urls import reverse

from passage.cases import appointments as svc
from passage.cases.enums import AppointmentStatus as S
from passage.cases.models import Appointment, AppointmentChange
from passage.cases.tests.test_appointments_services import at, plan
from passage.messaging.sms_texts import DEFAULTS
from passage.people.models import Phone
from passage.reference.models import Language

pytestmark = pytest.mark.django_db


def plan_url(case):
    return reverse("case-appointment-plan", args=[case.pk])


def form_data(case, when=None, **kw):
    when = when or at(3, "10:30")
    data = {"purpose": "intake", "purpose_detail": "", "date": when.date().isoformat(), "time": when.strftime("%H:%M"),
            "duration_minutes": "60", "place": "work_post", "work_post": case.work_post_id, "location": "",
            "counsellor": case.counsellor_id, "interpreter_language": "", "bring_documents": "on"}
    data.update(kw)
    return data


def test_the_case_page_lists_planned_then_past_appointments_in_english_and_dutch(client, counsellor_a, case_a):
    planned = plan(counsellor_a, case_a, at(3, "10:30"), purpose="intake",
                   interpreter_language=Language.objects.get(code="fa"))
    old = plan(counsellor_a, case_a, at(2))
    Appointment.objects.filter(pk=old.pk).update(starts_at=at(-5), ends_at=at(-5, "11:00"))
    svc.appointment_record_outcome(actor=counsellor_a, appointment=old, version=1, outcome="missed", note="Ill")
    client.force_login(counsellor_a)
    html = client.get(reverse("case-detail", args=[case_a.pk])).content.decode()
    section = html.split('id="appointments"')[1].split("</section>")[0]
    assert section.index(f'id="appointment-{planned.pk}"') < section.index(f'id="appointment-{old.pk}"')
    assert "Plan an appointment" in section and "Intake" in section and "10:30–11:30" in section
    assert "Persian" in section and "Missed" in section and "Ill" in section and "New time" in section
    assert "Appointment planned (Intake)" in html  # the timeline
    client.cookies["django_language"] = "nl"
    html = client.get(reverse("case-detail", args=[case_a.pk])).content.decode()
    section = html.split('id="appointments"')[1].split("</section>")[0]
    assert "Afspraken" in section and "Een afspraak plannen" in section and "Gemist" in section
    assert "Perzisch" in section and "Nieuwe tijd" in section


def test_planning_through_the_form_stores_it_and_says_the_sms_was_blocked(client, counsellor_a, case_a):
    person = case_a.members.get().person
    Phone.objects.create(person=person, mission_id=person.mission_id, number="+31612345678", sms_consent=False)
    client.force_login(counsellor_a)
    form = client.get(plan_url(case_a), headers={"HX-Request": "true"})
    assert form.status_code == 200 and "<html" not in form.content.decode()
    response = client.post(plan_url(case_a), form_data(case_a), follow=True)
    assert response.redirect_chain[-1][0].endswith(f"/cases/{case_a.pk}/#appointments")
    appointment = Appointment.objects.get()
    assert (appointment.starts_at, appointment.duration_minutes, appointment.purpose, appointment.bring_documents,
            appointment.counsellor) == (at(3, "10:30"), 60, "intake", True, counsellor_a)
    html = response.content.decode()
    assert "The appointment is planned." in html and "The SMS was not sent: no SMS consent is recorded" in html


def test_planning_errors_are_shown_per_field_and_nothing_is_stored_in_dutch(client, counsellor_a, case_a):
    client.force_login(counsellor_a)
    client.cookies["django_language"] = "nl"
    plan(counsellor_a, case_a, at(3, "10:00"))
    past = client.post(plan_url(case_a), form_data(case_a, at(-1), place="visit", work_post=""))
    html = past.content.decode()
    assert past.status_code == 400
    assert 'id="id_time_error"' in html and "Dit tijdstip is voorbij" in html
    assert 'id="id_location_error"' in html
    clash = client.post(plan_url(case_a), form_data(case_a, at(3, "10:30")))
    assert clash.status_code == 400 and "heeft dan al een afspraak" in clash.content.decode()
    assert Appointment.objects.count() == 1


def test_a_new_time_a_stale_form_cancelling_and_held(client, counsellor_a, counsellor_a2, case_a):
    appointment = plan(counsellor_a, case_a, at(3, "10:00"))
    url = reverse("case-appointment-reschedule", args=[case_a.pk, appointment.pk])
    client.force_login(counsellor_a)
    page = client.get(url).content.decode()
    assert 'name="version" value="1"' in page and 'value="10:00"' in page
    # A colleague moves it meanwhile: the form from version 1 is refused, the input kept.
    svc.appointment_reschedule(actor=counsellor_a2, appointment=appointment, version=1, starts_at=at(3, "13:00"),
                               duration_minutes=60, place="phone")
    stale = client.post(url, {**form_data(case_a, at(4, "09:00")), "version": 1, "reason": "asked"})
    assert stale.status_code == 409 and "Someone else changed this appointment" in stale.content.decode()
    assert 'value="09:00"' in stale.content.decode()
    moved = client.post(url, {**form_data(case_a, at(4, "09:00")), "version": 2, "reason": "asked"})
    assert moved.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.version) == (at(4, "09:00"), 3)
    cancel = reverse("case-appointment-cancel", args=[case_a.pk, appointment.pk])
    assert client.post(cancel, {"version": 3, "reason": ""}).status_code == 400
    assert client.post(cancel, {"version": 3, "reason": "Left the centre"}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == S.CANCELLED
    assert list(AppointmentChange.objects.values_list("kind", flat=True)) == [
        "planned", "rescheduled", "rescheduled", "cancelled"]


def test_held_is_recorded_from_the_case_page(client, counsellor_a, case_a):
    appointment = plan(counsellor_a, case_a, at(1))
    Appointment.objects.filter(pk=appointment.pk).update(starts_at=at(-1), ends_at=at(-1, "11:00"))
    client.force_login(counsellor_a)
    html = client.get(reverse("case-detail", args=[case_a.pk])).content.decode()
    url = reverse("case-appointment-outcome", args=[case_a.pk, appointment.pk])
    assert f'{url}?outcome=held' in html
    assert client.post(url, {"version": 1, "outcome": "held", "note": ""}).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == S.HELD


def test_a_manager_reads_appointments_but_may_not_plan(client, manager, counsellor_a, case_a):
    plan(counsellor_a, case_a)
    client.force_login(manager)
    html = client.get(reverse("case-detail", args=[case_a.pk])).content.decode()
    assert "Counselling" in html and "Plan an appointment" not in html and "New time" not in html
    assert client.get(plan_url(case_a)).status_code == 403


def test_a_closed_case_offers_no_planning(client, counsellor_a, case_a):
    from passage.cases.models import Case

    Case.objects.filter(pk=case_a.pk).update(status="closed")
    client.force_login(counsellor_a)
    assert "Plan an appointment" not in client.get(reverse("case-detail", args=[case_a.pk])).content.decode()
    response = client.post(plan_url(case_a), form_data(case_a))
    assert response.status_code == 400 and "can have no new appointments" in response.content.decode()


def test_the_agenda_shows_ones_week_across_the_caseload_and_nothing_outside_it(
        client, counsellor_a, counsellor_b, case_a, case_b, sensitive_a, counsellor_a2):
    mine = plan(counsellor_a, case_a, at(1, "09:00"))
    theirs = plan(counsellor_b, case_b, at(1, "09:00"))
    secret = plan(counsellor_a2, sensitive_a, at(1, "11:00"))
    client.force_login(counsellor_a)
    day = at(1).date()
    html = client.get(reverse("my-appointments"), {"day": day.isoformat()}).content.decode()
    assert f'id="agenda-appointment-{mine.pk}"' in html and case_a.number in html
    assert f'id="agenda-appointment-{theirs.pk}"' not in html and case_b.number not in html
    assert f'id="agenda-appointment-{secret.pk}"' not in html
    # Asking for another counsellor's agenda is not offered to a counsellor: it stays their own.
    html = client.get(reverse("my-appointments"), {"counsellor": counsellor_b.pk, "day": day.isoformat()}
                      ).content.decode()
    assert case_b.number not in html and f'id="agenda-appointment-{mine.pk}"' in html
    # The day view; Dutch.
    client.cookies["django_language"] = "nl"
    html = client.get(reverse("my-appointments"), {"day": day.isoformat(), "span": "day"}).content.decode()
    assert "Mijn afspraken" in html and "09:00–10:00" in html and "Vorige dag" in html


def test_a_supervisor_opens_a_counsellors_agenda_but_only_cases_they_see(client, supervisor_a, counsellor_a,
                                                                         counsellor_b, case_a, case_b):
    mine = plan(counsellor_a, case_a, at(1, "09:00"))
    plan(counsellor_b, case_b, at(1, "09:00"))
    client.force_login(supervisor_a)
    html = client.get(reverse("my-appointments"), {"day": at(1).date().isoformat(),
                                                   "counsellor": counsellor_a.pk}).content.decode()
    assert f'id="agenda-appointment-{mine.pk}"' in html
    html = client.get(reverse("my-appointments"), {"day": at(1).date().isoformat(),
                                                   "counsellor": counsellor_b.pk}).content.decode()
    assert case_b.number not in html


def test_staff_without_appointments_are_refused_the_agenda(client, dpo):
    client.force_login(dpo)
    assert client.get(reverse("my-appointments")).status_code == 403


def test_the_sms_text_editor_shows_the_appointment_messages_with_preview_and_parts(client, mission):
    from passage.testing.factories import UserFactory

    operations = UserFactory(username="ops", mission=mission, role="operations")
    client.force_login(operations)
    grid = client.get(reverse("sms-templates")).content.decode()
    for kind in ("appointment_set", "appointment_changed", "appointment_cancelled"):
        assert f'id="text-{kind}-ti"' in grid
    page = client.get(reverse("sms-template-edit", args=["appointment_set", "nl"])).content.decode()
    assert "{place}" in page and "{bring}" in page
    preview = client.post(reverse("sms-template-preview", args=["appointment_set", "nl"]),
                          {"text": DEFAULTS["appointment_set"]["nl"]}).content.decode()
    assert ("IOM: u hebt een afspraak op 08-12-2026 om 10:00, Kantoor Amsterdam, Voorbeeldstraat 1. Neem uw "
            "paspoort en andere identiteits- en reisdocumenten mee.") in preview
    assert "GSM-7: 1 SMS part" in preview
    refused = client.post(reverse("sms-template-preview", args=["appointment_cancelled", "nl"]),
                          {"text": "{date} {place}"}).content.decode()
    assert "“{place}” is not known for this message." in refused


def test_the_case_page_costs_no_more_queries_with_appointments(client, counsellor_a, case_a,
                                                               django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(counsellor_a)
    url = reverse("case-detail", args=[case_a.pk])
    with CaptureQueriesContext(connection) as empty:
        client.get(url)
    for day in range(1, 6):
        appointment = plan(counsellor_a, case_a, at(day))
        svc.appointment_reschedule(actor=counsellor_a, appointment=appointment, version=1,
                                   starts_at=at(day, "14:00"), duration_minutes=30, place="phone")
    with CaptureQueriesContext(connection) as some:
        client.get(url)
    # Two more when there are any (the appointments and their history), however many.
    assert len(some) == len(empty) + 2
    assert datetime.timedelta(0) < at(1) - at(0)
