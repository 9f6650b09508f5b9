"""The document confirmation screen in the journey panel: an embassy's confirmation of a requested emergency
travel document lets the passenger's document guard pass for the travel dates."""

import pytest
from django.urls import reverse

from passage.movements import services
from passage.movements.enums import BookingStatus as B
from passage.movements.models import DocumentConfirmation
from passage.people.enums import DocumentKind, DocumentStatus
from passage.testing.factories import TravelDocumentFactory

from .conftest import journey, travel_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client
    return login


@pytest.fixture
def waiting_for_etd(movements_officer, ready_case):
    """Nino's passport has been lost: an emergency travel document is requested; the booking has flights and a
    PNR but cannot be booked yet."""
    nino = ready_case.members.get(relationship="principal").person
    nino.documents.update(status=DocumentStatus.LOST)
    etd = TravelDocumentFactory(person=nino, kind=DocumentKind.EMERGENCY_TRAVEL_DOCUMENT,
                                status=DocumentStatus.REQUESTED, number="", number_key="", expires_on=None)
    booking = services.booking_request(actor=movements_officer, case=ready_case)
    services.itinerary_set(actor=movements_officer, booking=booking, segments=journey())
    booking = services.booking_update(actor=movements_officer, booking=booking, version=2, reference="K7Q2XB")
    passenger = booking.passengers.get(person=nino)
    return booking, passenger, etd


def url(booking, passenger):
    return reverse("document-confirmation", args=[booking.case_id, booking.pk, passenger.pk])


def test_the_confirmation_recorded_on_the_screen_lets_the_booking_be_made(as_user, movements_officer,
                                                                          waiting_for_etd):
    booking, passenger, etd = waiting_for_etd
    client = as_user(movements_officer)
    panel = client.get(reverse("journey", args=[booking.case_id])).content.decode()
    assert url(booking, passenger) in panel
    assert "A travel document for BERIDZE Nino valid on" in panel  # the guard, before
    form = client.get(url(booking, passenger))
    day = travel_day().isoformat()
    assert form.status_code == 200
    assert (form.context["form"].initial["valid_from"].isoformat(), form.context["form"]["document"].value()) == (
        day, str(etd.pk))
    response = client.post(url(booking, passenger), {"document": etd.pk, "authority": "Embassy of Georgia, The Hague",
                                                     "valid_from": day, "valid_until": day})
    assert response.status_code == 302
    [row] = DocumentConfirmation.objects.all()
    assert (row.document, row.authority, row.recorded_by) == (etd, "Embassy of Georgia, The Hague", movements_officer)
    panel = client.get(reverse("journey", args=[booking.case_id])).content.decode()
    assert "Emergency travel document confirmed by Embassy of Georgia, The Hague" in panel
    booked = services.booking_transition(actor=movements_officer, booking=booking.pk, to_status=B.BOOKED)
    assert booked.status == B.BOOKED


def test_a_bad_period_is_refused_and_nothing_stored(as_user, counsellor_a, waiting_for_etd):
    booking, passenger, etd = waiting_for_etd
    client = as_user(counsellor_a)  # counsellors record documents too
    response = client.post(url(booking, passenger), {"document": etd.pk, "authority": "Embassy",
                                                     "valid_from": "2027-03-10", "valid_until": "2027-03-01"})
    assert response.status_code == 400
    assert response.context["form"].errors["valid_until"] == ["The period ends before it begins."]
    missing = client.post(url(booking, passenger), {"document": etd.pk, "authority": "",
                                                    "valid_from": "2027-03-01", "valid_until": "2027-03-10"})
    assert missing.status_code == 400 and "authority" in missing.context["form"].errors
    assert not DocumentConfirmation.objects.exists()


def test_only_a_requested_document_of_this_passenger_is_confirmed(as_user, movements_officer, waiting_for_etd):
    booking, passenger, etd = waiting_for_etd
    luka = booking.passengers.exclude(pk=passenger.pk).get()
    client = as_user(movements_officer)
    assert client.get(url(booking, luka)).status_code == 404  # Luka holds a valid passport: nothing to confirm
    response = client.post(url(booking, passenger), {"document": "999999", "authority": "Embassy",
                                                     "valid_from": "2027-03-01", "valid_until": "2027-03-10"})
    assert response.status_code == 400 and "document" in response.context["form"].errors
    assert not DocumentConfirmation.objects.exists()


def test_the_manager_who_only_looks_cannot_record(as_user, manager, waiting_for_etd):
    booking, passenger, _etd = waiting_for_etd
    assert as_user(manager).get(url(booking, passenger)).status_code == 403
