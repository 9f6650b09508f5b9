"""The synthetic demo (``manage.py demo_seed``, small scale): complete, consistent with the services, loaded once."""

import datetime
import io
import re
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from passage.accounts.enums import Role
from passage.accounts.models import User
from passage.audit.models import AuditEvent
from passage.cases import workflow
from passage.cases.enums import CaseStatus, VulnerabilityKind
from passage.cases.models import Case, CaseNameToken, EligibilityCheck, Note, StatusChange, Vulnerability
from passage.cases.selectors import cases_visible_to
from passage.core.demo import DEMO_MARKER, load_demo
from passage.core.demo.organisation import DEMO_PASSWORD
from passage.messaging.models import OutboxEvent
from passage.movements import workflow as booking_workflow
from passage.movements.enums import BookingStatus, CustodyEventKind, DeskStep, ItineraryLeg
from passage.movements.models import (
    AssistanceRequest,
    Booking,
    CustodyEvent,
    DeskEvent,
    Escort,
    Movement,
    SpecialAssistance,
    StrandedCare,
)
from passage.movements.selectors import airport_day
from passage.people.enums import Custody
from passage.people.models import Identifier, Person, PersonName, TravelDocument
from passage.people.names import name_tokens, phonetic_key, search_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(monkeypatch):
    monkeypatch.setenv("DEMO_SCALE", "small")
    out = io.StringIO()
    call_command("demo_seed", stdout=out)
    return out.getvalue()


def _counts():
    return {model.__name__: model.objects.count()
            for model in (User, Person, PersonName, Case, StatusChange, EligibilityCheck, Vulnerability, Note,
                          AuditEvent)}


def test_demo_seed_small_has_every_status_and_about_sixty_cases(demo):
    assert "Demo loaded (small): 60 cases" in demo
    # Booked, departed and arrived cases got there through their bookings (services on the demo's clock).
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    assert Case.objects.count() == 60
    assert set(Booking.objects.values_list("status", flat=True)) >= {
        BookingStatus.REQUESTED, BookingStatus.BOOKED, BookingStatus.TICKETED, BookingStatus.DEPARTED}


def test_demo_seed_has_forty_staff_in_every_role(demo):
    assert User.objects.count() == 40
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.filter(role=Role.REINTEGRATION, mission__code__in=["GE", "IQ"]).count() == 2


@pytest.mark.parametrize("username", ["counsellor", "supervisor", "manager", "dpo", "admin"])
def test_demo_logins_work_with_the_demo_password(demo, client, username):
    assert client.login(username=username, password=DEMO_PASSWORD)


def test_demo_counsellor_sees_own_cases_with_mission_numbers(demo):
    counsellor = User.objects.get(username="counsellor")
    visible = list(cases_visible_to(counsellor))
    assert visible
    assert all(re.fullmatch(r"NL-\d{4}-\d{6}", c.number) for c in visible)
    assert all(c.number == f"NL-{c.contact_on.year}-{c.pk:06d}" for c in visible)


def test_demo_seed_twice_changes_nothing(demo, monkeypatch):
    before = _counts()
    out = io.StringIO()
    call_command("demo_seed", stdout=out)
    assert "already loaded" in out.getvalue()
    assert _counts() == before
    assert AuditEvent.objects.filter(**DEMO_MARKER, summary="demo loaded").count() == 1


def test_demo_sensitive_flags_follow_vulnerabilities(demo):
    for case in Case.objects.prefetch_related("vulnerabilities"):
        kinds = {v.kind for v in case.vulnerabilities.all() if v.ended_on is None}
        assert case.is_trafficking == (VulnerabilityKind.TRAFFICKING in kinds)
        assert case.is_unaccompanied_minor == (VulnerabilityKind.UNACCOMPANIED_MINOR in kinds)
        assert case.is_medical == (VulnerabilityKind.MEDICAL in kinds)
    assert Case.objects.filter(is_trafficking=True).exists()
    assert Case.objects.filter(is_unaccompanied_minor=True).exists()
    assert Case.objects.filter(is_medical=True).exists()


def test_demo_status_histories_are_legal_moves_in_order_ending_at_the_status(demo):
    for case in Case.objects.prefetch_related("status_changes"):
        changes = sorted(case.status_changes.all(), key=lambda c: (c.at, c.id))
        assert changes[0].from_status == "" and changes[0].to_status == CaseStatus.CONTACT
        for earlier, later in zip(changes, changes[1:], strict=False):
            assert earlier.at < later.at
            assert later.from_status == earlier.to_status
            assert later.to_status in workflow.ALLOWED_MOVES[earlier.to_status]
        assert changes[-1].to_status == case.status
        assert case.status_changed_at == changes[-1].at


def test_demo_ready_to_depart_cases_have_a_complete_checklist_and_a_passed_check(demo):
    ready = Case.objects.filter(status=CaseStatus.READY_TO_DEPART)
    assert ready.exists()
    for case in ready:
        assert [i.label for i in workflow.preparation_checklist(case) if not i.done] == []
        assert case.eligibility_checks.order_by("-run_at", "-id").first().passed


def test_demo_rejected_cases_failed_their_latest_check(demo):
    for case in Case.objects.filter(status=CaseStatus.REJECTED):
        latest = case.eligibility_checks.order_by("-run_at", "-id").first()
        assert latest is not None and not latest.passed


def test_demo_names_carry_the_search_keys_the_services_write(demo):
    for name in PersonName.objects.all():
        assert name.search_key == search_key(name.given_names, name.family_name)
        assert name.phonetic_key == phonetic_key(name.given_names, name.family_name)
    numbers = Identifier.objects.filter(kind="foreigner_number").values_list("value", flat=True)
    assert numbers and all(re.fullmatch(r"\d{10}", n) for n in numbers)


def test_demo_cases_carry_the_name_tokens_of_their_members(demo):
    expected = set()
    for case in Case.objects.prefetch_related("members__person__names"):
        pairs = [(n.given_names, n.family_name) for m in case.members.all() for n in m.person.names.all()]
        expected |= {(case.pk, token, case.work_post_id) for token in name_tokens(*pairs)}
    assert expected
    assert set(CaseNameToken.objects.values_list("case_id", "token", "work_post_id")) == expected


def test_demo_logins_prints_the_table_with_the_password(demo):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    for username in ("counsellor", "supervisor", "manager", "dpo", "admin"):
        assert re.search(rf"^{username}\s", text, re.MULTILINE)
    assert "Kantoor Amsterdam" in text


# --- the movements: bookings, the desk, departures and arrivals -------------------------------------------------


def _board(day_offset: int):
    movements = User.objects.get(username="movements")
    return airport_day(movements, timezone.localdate() + datetime.timedelta(days=day_offset), "AMS")


def test_demo_boards_of_today_and_tomorrow_have_flights_with_passengers(demo):
    today, tomorrow = _board(0), _board(1)
    assert len(today.departures) >= 4 and len(tomorrow.departures) >= 3
    for board in (today, tomorrow):
        assert all(row.passengers for flight in board.departures for row in flight.bookings)
    passengers = [p for flight in today.departures for row in flight.bookings for p in row.passengers]
    assert len(passengers) >= 10
    assert any(p.assistance for p in passengers)
    assert any(row.escorts for flight in today.departures for row in flight.bookings)
    assert today.transits and (today.arrivals or tomorrow.arrivals)
    assert StrandedCare.objects.exists()
    # Tomorrow: yesterday's no-show, rebooked (its missed day's desk steps stay on the earlier flights).
    [no_show] = DeskEvent.objects.filter(step=DeskStep.NO_SHOW)
    booking = no_show.booking
    assert booking.status == BookingStatus.TICKETED and booking.itineraries.count() == 2
    assert booking.pk in {row.booking.pk for flight in tomorrow.departures for row in flight.bookings}
    assert no_show.itinerary.superseded_at is not None


def test_demo_booking_histories_are_the_moves_the_services_allow_and_the_cases_follow(demo):
    bookings = list(Booking.objects.select_related("case").prefetch_related("status_changes", "passengers"))
    assert len(bookings) >= 25
    for booking in bookings:
        changes = list(booking.status_changes.all())
        assert changes[0].from_status == "" and changes[0].to_status == BookingStatus.REQUESTED
        for earlier, later in zip(changes, changes[1:], strict=False):
            assert earlier.at < later.at and later.from_status == earlier.to_status
            assert later.to_status in booking_workflow.ALLOWED_MOVES[earlier.to_status]
        assert changes[-1].to_status == booking.status and booking.status_changed_at == changes[-1].at
        case = booking.case
        if booking.status in booking_workflow.HOLDS_CASE:
            assert case.status == CaseStatus.BOOKED
        elif booking.status == BookingStatus.REQUESTED:
            assert case.status == CaseStatus.READY_TO_DEPART
        elif booking.status == BookingStatus.DEPARTED:
            assert case.status == (CaseStatus.ARRIVED if booking.arrived_at else CaseStatus.DEPARTED)
            assert booking.departed_at is not None
            if booking.arrived_at:
                assert booking.arrived_at > booking.departed_at
        events = sorted(OutboxEvent.objects.filter(booking_id=booking.pk).values_list("event_type", flat=True))
        expected = (["case.departed"] if booking.departed_at else []) + (["case.arrived"] if booking.arrived_at else [])
        assert events == sorted(expected)
        if booking.status != BookingStatus.REQUESTED:
            assert booking.itineraries.filter(leg=ItineraryLeg.MAIN, superseded_at__isnull=True).count() == 1
    assert Escort.objects.exists() and SpecialAssistance.objects.exists()
    assert set(AssistanceRequest.objects.values_list("status", flat=True)) >= {"requested", "confirmed"}


def test_demo_departed_passengers_boarded_with_their_documents_and_the_cash(demo):
    departed = Booking.objects.filter(status=BookingStatus.DEPARTED)
    assert departed.count() >= 8
    for booking in departed:
        journey = booking.itineraries.get(leg=ItineraryLeg.MAIN, superseded_at__isnull=True)
        for passenger in booking.passengers.all():
            steps = set(DeskEvent.objects.filter(passenger=passenger, itinerary=journey, undone_at__isnull=True)
                        .values_list("step", flat=True))
            assert {DeskStep.REPORTED, DeskStep.CHECKED_IN, DeskStep.BOARDED} <= steps
            if passenger.person_id:
                assert not TravelDocument.objects.filter(person_id=passenger.person_id,
                                                         custody=Custody.WITH_ORGANISATION).exists()
        approved = booking.case.cash_contributions.filter(superseded_at__isnull=True).first()
        handed = DeskEvent.objects.filter(booking=booking, step=DeskStep.CASH).first()
        assert (approved is None) == (handed is None)
        if approved:
            assert handed.amount == approved.amount


def test_demo_custody_of_every_document_follows_its_log(demo):
    logged = 0
    for document in TravelDocument.objects.prefetch_related("custody_events"):
        events = sorted(document.custody_events.all(), key=lambda e: e.pk)
        if document.custody == Custody.WITH_ORGANISATION:
            assert events and events[-1].custody == Custody.WITH_ORGANISATION
        if events:
            logged += 1
            assert events[0].kind == CustodyEventKind.RECEIVED and events[-1].custody == document.custody
            assert all(a.at <= b.at for a, b in zip(events, events[1:], strict=False))
    assert logged and CustodyEvent.objects.filter(kind=CustodyEventKind.HANDED_OVER).exists()


def test_demo_every_recorded_moment_lies_before_the_load(demo):
    now = timezone.now()
    assert AuditEvent.objects.filter(at__gt=now).count() == 0
    assert not DeskEvent.objects.filter(at__gt=now).exists()
    assert not Booking.objects.filter(departed_at__gt=now).exists()
    assert not Movement.objects.filter(created_at__gt=now).exists()


@pytest.mark.parametrize("clock", [
    datetime.datetime(2026, 12, 1, 23, 10, tzinfo=datetime.UTC),   # ten past midnight in Amsterdam
    datetime.datetime(2026, 12, 1, 22, 50, tzinfo=datetime.UTC),   # ten to midnight: every flight of today left
    datetime.datetime(2027, 3, 28, 5, 30, tzinfo=datetime.UTC),    # the morning clocks go forward
])
def test_demo_loads_at_any_hour_and_its_board_has_passengers(clock):
    with mock.patch("django.utils.timezone.now", return_value=clock):
        assert load_demo(scale="small", write=lambda _: None)
        board = airport_day(User.objects.get(username="movements"), timezone.localdate(), "AMS")
    assert [p for flight in board.departures for row in flight.bookings for p in row.passengers]
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    assert not AuditEvent.objects.filter(at__gt=clock).exists()


def test_demo_counsellors_have_appointments_coming_and_held_or_missed_before(demo, client):
    from passage.cases.enums import AppointmentStatus
    from passage.cases.models import Appointment, AppointmentChange

    now = timezone.now()
    counsellor = User.objects.get(username="counsellor")
    mine = Appointment.objects.filter(counsellor=counsellor)
    assert mine.filter(status=AppointmentStatus.PLANNED, starts_at__gt=now).count() >= 3
    assert mine.filter(status__in=[AppointmentStatus.HELD, AppointmentStatus.MISSED], starts_at__lt=now).exists()
    assert set(Appointment.objects.values_list("status", flat=True)) == set(AppointmentStatus.values)
    assert AppointmentChange.objects.filter(kind="rescheduled").exists()
    # Every step went through the services: a history row per step, every one before the load, and the SMS.
    for appointment in Appointment.objects.prefetch_related("changes"):
        kinds = [c.kind for c in appointment.changes.all()]
        assert kinds[0] == "planned" and all(c.at < now for c in appointment.changes.all())
        assert appointment.status == "planned" or kinds[-1] == appointment.status
        assert appointment.case.status not in ("closed", "rejected", "withdrawn")
    assert AuditEvent.objects.filter(object_type="cases.appointment").count() >= Appointment.objects.count()
    from passage.messaging.models import Message

    assert Message.objects.filter(kind="appointment_set").exists()
    client.force_login(counsellor)
    first = mine.filter(status=AppointmentStatus.PLANNED, starts_at__gt=now).order_by("starts_at").first()
    html = client.get("/appointments/", {"day": timezone.localtime(first.starts_at).date().isoformat()}).content.decode()
    assert f'id="agenda-appointment-{first.pk}"' in html
