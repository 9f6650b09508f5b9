"""Escorts, special assistance, and requests to the missions at the transit and destination airports."""

import pytest
from django.utils import translation

from passage.audit.models import AuditEvent
from passage.core.errors import ServiceError
from passage.movements import services
from passage.movements.enums import AssistanceStatus, SpecialService
from passage.movements.models import AssistanceRequest, Passenger
from passage.movements.tests.conftest import journey

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(movements_officer, ready_case):
    booking = services.booking_request(actor=movements_officer, case=ready_case)
    services.itinerary_set(actor=movements_officer, booking=booking, segments=journey())
    return booking


def test_special_services_have_plain_words_for_staff_in_dutch():
    assert SpecialService.WCHR.label == "Wheelchair to the aircraft door (can climb stairs and walk in the cabin)"
    with translation.override("nl"):
        assert str(SpecialService.WCHR.label) == ("Rolstoel tot de vliegtuigdeur (kan trappen lopen en in de "
                                                  "cabine lopen)")
        assert str(SpecialService.STCR.label) == "Passagier op een brancard"


def test_a_staff_escort_travels_as_a_passenger(movements_officer, operations_officer, booking):
    escort = services.escort_add(actor=movements_officer, booking=booking, kind="operational",
                                 staff=operations_officer)
    assert (escort.staff, escort.external_name, escort.kind) == (operations_officer, "", "operational")
    assert Passenger.objects.get(escort=escort).booking_id == booking.pk


def test_an_escort_is_someone(movements_officer, operations_officer, booking):
    with pytest.raises(ServiceError) as exc:
        services.escort_add(actor=movements_officer, booking=booking, kind="medical")
    assert exc.value.field_errors == {"external_name": "Choose a member of staff or give the escort's name."}
    with pytest.raises(ServiceError) as exc:
        services.escort_add(actor=movements_officer, booking=booking, kind="medical", staff=operations_officer,
                            external_name="Dr. Jansen")
    assert exc.value.field_errors == {"external_name": "Either a member of staff or an external escort, not both."}


def test_an_escort_who_meets_the_passengers_elsewhere_is_not_a_passenger(movements_officer, booking):
    escort = services.escort_add(actor=movements_officer, booking=booking, kind="social", external_name="Eka",
                                 travels_with_passengers=False)
    assert not Passenger.objects.filter(escort=escort).exists()


def test_transit_and_meet_and_assist_requests_are_confirmed_by_the_receiving_mission(
    movements_officer, movements_ge, mission_ge, booking
):
    transit = services.assistance_request(actor=movements_officer, booking=booking, kind="transit", airport="IST",
                                          to_mission=mission_ge, note="Wheelchair at the gate")
    arrival = services.assistance_request(actor=movements_officer, booking=booking, kind="meet_and_assist",
                                          airport="tbs", to_mission=mission_ge)
    assert (transit.status, arrival.status, arrival.airport_id) == (AssistanceStatus.REQUESTED,
                                                                     AssistanceStatus.REQUESTED, "TBS")

    answered = services.assistance_request_respond(actor=movements_ge, request=arrival, confirm=True,
                                                   note="Nika meets them at arrivals")
    assert (answered.status, answered.responded_by, answered.response_note) == (
        AssistanceStatus.CONFIRMED, movements_ge, "Nika meets them at arrivals")
    with pytest.raises(ServiceError) as exc:
        services.assistance_request_respond(actor=movements_ge, request=transit, confirm=False)
    assert exc.value.field_errors == {"response_note": "Say why the request is declined."}
    services.assistance_request_respond(actor=movements_ge, request=transit, confirm=False,
                                        note="No staff in Istanbul that day")
    with pytest.raises(ServiceError) as exc:
        services.assistance_request_respond(actor=movements_ge, request=transit, confirm=True)
    assert exc.value.message == "This request was already answered: Declined."
    assert list(AssistanceRequest.objects.order_by("id").values_list("status", flat=True)) == [
        AssistanceStatus.DECLINED, AssistanceStatus.CONFIRMED]
    assert AuditEvent.objects.filter(object_type="movements.assistancerequest", action="transition").count() == 2


def test_only_the_receiving_mission_answers(movements_officer, mission_ge, booking):
    request = services.assistance_request(actor=movements_officer, booking=booking, kind="meet_and_assist",
                                          airport="TBS", to_mission=mission_ge)
    with pytest.raises(ServiceError) as exc:
        services.assistance_request_respond(actor=movements_officer, request=request, confirm=True)
    assert exc.value.message == "This request does not exist or was not made to your mission."


def test_assistance_is_requested_where_the_journey_goes(movements_officer, mission_ge, mission, booking):
    with pytest.raises(ServiceError) as exc:
        services.assistance_request(actor=movements_officer, booking=booking, kind="transit", airport="TBS",
                                    to_mission=mission_ge)
    assert exc.value.field_errors == {"airport": "TBS is not a transit airport of this journey."}
    with pytest.raises(ServiceError) as exc:
        services.assistance_request(actor=movements_officer, booking=booking, kind="meet_and_assist",
                                    airport="IST", to_mission=mission)
    assert exc.value.field_errors == {"airport": "IST is not where this journey arrives.",
                                      "to_mission": "Ask the mission at that airport, not your own."}


def test_the_cost_of_a_booking_sums_tickets_and_escorts_per_currency(movements_officer, booking):
    from decimal import Decimal

    from passage.movements.selectors import booking_costs

    nino, luka = booking.passengers.order_by("id")
    services.passenger_ticket_record(actor=movements_officer, passenger=nino, ticket_number="2351234567890",
                                     fare="245.50", taxes="61.20", currency="EUR")
    services.passenger_ticket_record(actor=movements_officer, passenger=luka, ticket_number="2351234567891",
                                     fare="180.00", currency="EUR")
    services.escort_add(actor=movements_officer, booking=booking, kind="medical", external_name="Dr. Jansen",
                        cost="850.00", cost_currency="EUR")
    services.escort_add(actor=movements_officer, booking=booking, kind="social", external_name="Eka",
                        cost="300", cost_currency="GEL", travels_with_passengers=False)
    assert booking_costs(booking) == {"EUR": Decimal("1336.70"), "GEL": Decimal("300.00")}


def test_the_sending_mission_withdraws_a_request_it_no_longer_needs(movements_officer, movements_ge, mission_ge,
                                                                     booking):
    request = services.assistance_request(actor=movements_officer, booking=booking, kind="meet_and_assist",
                                          airport="TBS", to_mission=mission_ge)
    services.assistance_request_respond(actor=movements_ge, request=request, confirm=True)
    with pytest.raises(ServiceError) as exc:
        services.assistance_request_withdraw(actor=movements_officer, request=request, reason=" ")
    assert exc.value.field_errors == {"reason": "Say why the request is withdrawn."}
    withdrawn = services.assistance_request_withdraw(actor=movements_officer, request=request,
                                                     reason="Rebooked via Vienna")
    assert (withdrawn.status, withdrawn.response_note, withdrawn.responded_by) == (
        AssistanceStatus.WITHDRAWN, "Rebooked via Vienna", movements_ge)
    with pytest.raises(ServiceError) as exc:
        services.assistance_request_withdraw(actor=movements_officer, request=request, reason="again")
    assert exc.value.message == "This request is already closed: Withdrawn."
    # and it may be asked again
    again = services.assistance_request(actor=movements_officer, booking=booking, kind="meet_and_assist",
                                        airport="TBS", to_mission=mission_ge)
    assert again.status == AssistanceStatus.REQUESTED
