"""Every guard a booking passes before it is made: refused with a reason naming the passenger, passed once met."""

import datetime

import pytest
from django.utils import timezone

from passage.accounts.enums import SensitiveCategory
from passage.accounts.models import Clearance
from passage.cases.enums import CaseStatus, ConsentKind, VulnerabilityKind
from passage.cases.models import Consent, FitToTravel, ReturnGuardian, Vulnerability
from passage.core.errors import ServiceError, TransitionRefused
from passage.movements import services
from passage.movements.enums import BookingStatus as B
from passage.movements.services import SegmentInput
from passage.movements.tests.conftest import journey, travel_day
from passage.people.enums import DocumentKind, DocumentStatus
from passage.people.models import TravelDocument
from passage.testing.factories import TravelDocumentFactory

pytestmark = pytest.mark.django_db


def requested(actor, case, segments=None):
    booking = services.booking_request(actor=actor, case=case)
    services.itinerary_set(actor=actor, booking=booking, segments=segments or journey())
    return services.booking_update(actor=actor, booking=booking, version=type(booking).objects.get(
        pk=booking.pk).version, reference="K7Q2XB")


def refused_booking(actor, booking) -> list[str]:
    with pytest.raises(TransitionRefused) as exc:
        services.booking_transition(actor=actor, booking=booking, to_status=B.BOOKED)
    assert exc.value.message == "The booking cannot move to “Booked” yet. Missing:"
    assert type(booking).objects.get(pk=booking.pk).status == B.REQUESTED
    assert booking.case.__class__.objects.get(pk=booking.case_id).status == CaseStatus.READY_TO_DEPART
    return exc.value.details


def book(actor, booking):
    return services.booking_transition(actor=actor, booking=booking, to_status=B.BOOKED)


def person(case, given_names):
    return case.members.get(person__given_names=given_names).person


def vulnerable(case, who, kind, actor):
    Vulnerability.objects.create(case=case, mission_id=case.mission_id, person=who, kind=kind,
                                 assessed_on=timezone.localdate(), assessed_by=actor)
    if kind == VulnerabilityKind.MEDICAL:
        type(case).objects.filter(pk=case.pk).update(is_medical=True)


# --- the case -------------------------------------------------------------------------------------------


def test_booking_is_refused_when_the_case_left_ready_to_depart_after_the_request(movements_officer, ready_case):
    booking = requested(movements_officer, ready_case)
    type(ready_case).objects.filter(pk=ready_case.pk).update(status=CaseStatus.PREPARATION)
    with pytest.raises(TransitionRefused) as exc:
        book(movements_officer, booking)
    assert exc.value.details == ["The case is “Preparation”: a departure is booked only for a case that is ready "
                                 "to depart."]


# --- travel documents -----------------------------------------------------------------------------------


def test_a_passport_expiring_before_the_travel_date_is_refused_naming_the_passenger(movements_officer, ready_case):
    luka = person(ready_case, "Luka")
    TravelDocument.objects.filter(person=luka).update(expires_on=travel_day() - datetime.timedelta(days=1))
    booking = requested(movements_officer, ready_case)
    assert refused_booking(movements_officer, booking) == [
        f"A travel document for BERIDZE Luka valid on {travel_day().isoformat()}, or an emergency travel document "
        "or laissez-passer confirmed for that date."]


def test_a_passport_valid_on_the_travel_date_passes(movements_officer, ready_case):
    TravelDocument.objects.filter(person=person(ready_case, "Luka")).update(expires_on=travel_day())
    booking = requested(movements_officer, ready_case)
    assert book(movements_officer, booking).status == B.BOOKED


def test_a_journey_arriving_the_next_day_needs_the_document_valid_on_both_days(movements_officer, ready_case):
    day = travel_day()
    TravelDocument.objects.filter(person=person(ready_case, "Luka")).update(expires_on=day)
    late = journey(connection_departs=(23, 30))
    late[1].arrives = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(3, 10))
    booking = requested(movements_officer, ready_case, late)
    next_day = (day + datetime.timedelta(days=1)).isoformat()
    assert refused_booking(movements_officer, booking) == [
        f"A travel document for BERIDZE Luka valid on {day.isoformat()}, {next_day}, or an emergency travel "
        "document or laissez-passer confirmed for that date."]


def test_a_lost_passport_does_not_count(movements_officer, ready_case):
    TravelDocument.objects.filter(person=person(ready_case, "Nino")).update(status=DocumentStatus.LOST)
    booking = requested(movements_officer, ready_case)
    assert len(refused_booking(movements_officer, booking)) == 1


def test_a_requested_emergency_document_counts_once_confirmed_for_the_date(movements_officer, ready_case):
    luka = person(ready_case, "Luka")
    TravelDocument.objects.filter(person=luka).delete()
    etd = TravelDocumentFactory(person=luka, kind=DocumentKind.EMERGENCY_TRAVEL_DOCUMENT,
                                status=DocumentStatus.REQUESTED, number="", number_key="", expires_on=None)
    booking = requested(movements_officer, ready_case)
    assert len(refused_booking(movements_officer, booking)) == 1

    # confirmed, but for other dates: still refused
    services.document_confirmation_record(actor=movements_officer, document=etd, authority="Embassy of Georgia",
                                          valid_from=travel_day(10), valid_until=travel_day(20))
    assert len(refused_booking(movements_officer, booking)) == 1

    services.document_confirmation_record(actor=movements_officer, document=etd, authority="Embassy of Georgia",
                                          valid_from=travel_day(5), valid_until=travel_day(9))
    assert book(movements_officer, booking).status == B.BOOKED


def test_only_a_requested_emergency_document_or_laissez_passer_is_confirmed_in_advance(movements_officer,
                                                                                         ready_case):
    passport = TravelDocument.objects.get(person=person(ready_case, "Luka"))
    with pytest.raises(ServiceError) as exc:
        services.document_confirmation_record(actor=movements_officer, document=passport, authority="Embassy",
                                              valid_from=travel_day(), valid_until=travel_day(8))
    assert exc.value.field_errors == {
        "document": "Only an emergency travel document or a laissez-passer is confirmed in advance."}


# --- unaccompanied minors -------------------------------------------------------------------------------


def clear(user, category):
    Clearance.objects.create(user=user, category=category)
    user._access_cache = None


@pytest.fixture
def minor_case(ready_case, counsellor_a, movements_officer):
    """Luka is an unaccompanied minor: a sensitive case, which the movements officer is cleared to see."""
    luka = person(ready_case, "Luka")
    vulnerable(ready_case, luka, VulnerabilityKind.UNACCOMPANIED_MINOR, counsellor_a)
    type(ready_case).objects.filter(pk=ready_case.pk).update(is_unaccompanied_minor=True)
    clear(movements_officer, SensitiveCategory.UNACCOMPANIED_MINOR)
    return ready_case


def test_movements_staff_not_cleared_for_minors_cannot_book_the_case(operations_officer, minor_case):
    with pytest.raises(ServiceError) as exc:
        services.booking_request(actor=operations_officer, case=minor_case)
    assert exc.value.message == "This case does not exist or you may not see it."


def test_an_unaccompanied_minor_needs_consents_and_an_escort_or_umnr(movements_officer, minor_case):
    booking = requested(movements_officer, minor_case)
    assert refused_booking(movements_officer, booking) == [
        "The written consent of the guardian in the host country for BERIDZE Luka, an unaccompanied minor.",
        "A guardian in the country of return confirmed for BERIDZE Luka, an unaccompanied minor.",
        "An escort or the airline's unaccompanied-minor service (UMNR) for BERIDZE Luka.",
    ]


def _guardian_consents(case, actor):
    luka = person(case, "Luka")
    Consent.objects.create(case=case, mission_id=case.mission_id, kind=ConsentKind.GUARDIAN_HOST,
                           given_on=timezone.localdate(), given_by_name="Nidos guardian", recorded_by=actor)
    ReturnGuardian.objects.create(case=case, mission_id=case.mission_id, minor=luka, name="Tamar Beridze",
                                  relationship="aunt", identified_by="ID card 01001", confirmed_on=timezone.localdate(),
                                  recorded_by=actor)


def test_an_unaccompanied_minor_with_consents_and_umnr_passes(movements_officer, counsellor_a, minor_case):
    _guardian_consents(minor_case, counsellor_a)
    booking = requested(movements_officer, minor_case)
    assert refused_booking(movements_officer, booking) == [
        "An escort or the airline's unaccompanied-minor service (UMNR) for BERIDZE Luka."]
    luka = booking.passengers.get(person__given_names="Luka")
    services.special_assistance_add(actor=movements_officer, passenger=luka, code="UMNR", text="Aunt meets at TBS")
    assert book(movements_officer, booking).status == B.BOOKED


def test_an_unaccompanied_minor_with_consents_and_an_escort_passes(movements_officer, counsellor_a, minor_case):
    _guardian_consents(minor_case, counsellor_a)
    booking = requested(movements_officer, minor_case)
    services.escort_add(actor=movements_officer, booking=booking, kind="social", external_name="Eka Social",
                        organisation="Nidos")
    assert book(movements_officer, booking).status == B.BOOKED


def test_a_withdrawn_guardian_consent_does_not_count(movements_officer, counsellor_a, minor_case):
    _guardian_consents(minor_case, counsellor_a)
    Consent.objects.filter(kind=ConsentKind.GUARDIAN_HOST).update(withdrawn_on=timezone.localdate())
    booking = requested(movements_officer, minor_case)
    assert refused_booking(movements_officer, booking)[0] == (
        "The written consent of the guardian in the host country for BERIDZE Luka, an unaccompanied minor.")


# --- medical and stretcher passengers -------------------------------------------------------------------


def test_a_stretcher_passenger_needs_fit_to_travel_medif_and_an_escort(movements_officer, ready_case):
    booking = requested(movements_officer, ready_case)
    nino = booking.passengers.get(person__given_names="Nino")
    services.special_assistance_add(actor=movements_officer, passenger=nino, code="STCR")
    assert refused_booking(movements_officer, booking) == [
        "A fit-to-travel statement for BERIDZE Nino.",
        "The airline's medical form (MEDIF) for BERIDZE Nino, sent at least 48 hours before departure.",
        "An escort for BERIDZE Nino, a medical passenger.",
    ]


@pytest.fixture
def medical_clearance(movements_officer):
    clear(movements_officer, SensitiveCategory.MEDICAL)


@pytest.fixture
def medical_booking(movements_officer, counsellor_a, ready_case, medical_clearance):
    nino = person(ready_case, "Nino")
    vulnerable(ready_case, nino, VulnerabilityKind.MEDICAL, counsellor_a)
    FitToTravel.objects.create(case=ready_case, mission_id=ready_case.mission_id, person=nino, fit=True,
                               statement_on=timezone.localdate(), issued_by="Dr. Visser", recorded_by=counsellor_a)
    booking = requested(movements_officer, ready_case)
    services.escort_add(actor=movements_officer, booking=booking, kind="medical", external_name="Dr. Jansen",
                        organisation="Medical escorts BV", cost="850.00", cost_currency="EUR")
    return booking


def test_a_medical_passenger_with_fit_to_travel_an_early_medif_and_an_escort_passes(movements_officer, medical_booking):
    nino = medical_booking.passengers.get(person__given_names="Nino")
    departure = medical_booking.itineraries.get().segments.get(position=1).departs_at
    services.passenger_medif_sent(actor=movements_officer, passenger=nino, sent_at=timezone.now())
    hours = int((departure - timezone.now()).total_seconds() // 3600)
    assert hours > 48  # the journey is a week away: sent in time
    assert book(movements_officer, medical_booking).status == B.BOOKED


def test_a_medif_sent_too_late_names_the_hours(movements_officer, counsellor_a, ready_case, medical_clearance):
    nino = person(ready_case, "Nino")
    vulnerable(ready_case, nino, VulnerabilityKind.MEDICAL, counsellor_a)
    FitToTravel.objects.create(case=ready_case, mission_id=ready_case.mission_id, person=nino, fit=True,
                               statement_on=timezone.localdate(), issued_by="Dr. Visser", recorded_by=counsellor_a)
    soon = timezone.localtime() + datetime.timedelta(hours=30)
    # a single flight leaving in 30 hours, at the AMS clock
    segments = [SegmentInput("KL", "KL3106", "AMS", "TBS", soon.replace(tzinfo=None, second=0, microsecond=0),
                             (soon + datetime.timedelta(hours=5)).replace(tzinfo=None, second=0, microsecond=0))]
    booking = requested(movements_officer, ready_case, segments)
    services.escort_add(actor=movements_officer, booking=booking, kind="medical", external_name="Dr. Jansen")
    services.passenger_medif_sent(actor=movements_officer, passenger=booking.passengers.get(person=nino),
                                  sent_at=timezone.now())
    [message] = refused_booking(movements_officer, booking)
    assert message in {
        f"The airline's medical form (MEDIF) for BERIDZE Nino was sent {h} hours before departure; the airline "
        "needs it at least 48 hours before." for h in (29, 30)}


def test_a_not_fit_statement_after_a_fit_one_is_refused(movements_officer, counsellor_a, medical_booking):
    case = medical_booking.case
    nino = person(case, "Nino")
    services.passenger_medif_sent(actor=movements_officer, passenger=medical_booking.passengers.get(person=nino),
                                  sent_at=timezone.now())
    FitToTravel.objects.create(case=case, mission_id=case.mission_id, person=nino, fit=False,
                               statement_on=timezone.localdate(), issued_by="Dr. Visser", recorded_by=counsellor_a)
    assert refused_booking(movements_officer, medical_booking) == ["A fit-to-travel statement for BERIDZE Nino."]


def test_a_wheelchair_passenger_alone_is_not_a_medical_passenger(movements_officer, ready_case):
    booking = requested(movements_officer, ready_case)
    nino = booking.passengers.get(person__given_names="Nino")
    services.special_assistance_add(actor=movements_officer, passenger=nino, code="WCHR")
    assert book(movements_officer, booking).status == B.BOOKED


def test_a_rebooking_of_a_booked_journey_runs_the_guards_on_the_new_date(movements_officer, ready_case):
    booking = requested(movements_officer, ready_case)
    book(movements_officer, booking)
    TravelDocument.objects.filter(person=person(ready_case, "Luka")).update(expires_on=travel_day(10))
    with pytest.raises(TransitionRefused) as exc:
        services.itinerary_set(actor=movements_officer, booking=booking, segments=journey(travel_day(12)),
                               reason="Family asked for a later date")
    assert exc.value.details == [
        f"A travel document for BERIDZE Luka valid on {travel_day(12).isoformat()}, or an emergency travel "
        "document or laissez-passer confirmed for that date."]
    assert booking.itineraries.count() == 1  # nothing was written
