"""Arrivals and transits outside return cases: checked flights, passengers, hand-overs, stranded care; scope."""

import datetime

import pytest
from django.utils import timezone

from passage.audit.models import AuditEvent
from passage.core.errors import ServiceError
from passage.movements import services
from passage.movements.enums import MovementKind, MovementProgramme, StrandedCareKind
from passage.movements.enums import MovementOutcome as OC
from passage.movements.models import Movement, StrandedCare
from passage.movements.services import FlightInput
from passage.movements.tests.conftest import local
from passage.testing.factories import PartnerLocationFactory

pytestmark = pytest.mark.django_db


def day():
    return timezone.localdate() + datetime.timedelta(days=2)


@pytest.fixture
def arrival(movements_officer):
    return services.movement_create(
        actor=movements_officer, kind=MovementKind.ARRIVAL, programme=MovementProgramme.FAMILY_REUNIFICATION,
        flight=FlightInput("TK", "TK1951", "IST", "AMS", local(day(), 9, 0), local(day(), 11, 50)))


@pytest.fixture
def transit(movements_officer):
    return services.movement_create(
        actor=movements_officer, kind=MovementKind.TRANSIT, programme=MovementProgramme.RETURN_TRANSIT,
        flight=FlightInput("KL", "KL1234", "LHR", "AMS", local(day(), 7, 0), local(day(), 9, 20)),
        onward=FlightInput("KL", "KL1385", "AMS", "TBS", local(day(), 13, 15), local(day(), 20, 0)))


def test_an_arrival_stores_its_local_times_in_utc(arrival):
    assert arrival.arrives_local.strftime("%H:%M") == "11:50"
    assert AuditEvent.objects.filter(object_type="movements.movement", action="create").count() == 1


def test_bad_flights_are_refused_per_field(movements_officer):
    with pytest.raises(ServiceError) as exc:
        services.movement_create(
            actor=movements_officer, kind=MovementKind.TRANSIT, programme="holiday",
            flight=FlightInput("TK", "KL12345", "XXX", "AMS", local(day(), 12, 0), local(day(), 11, 0)))
    assert exc.value.field_errors == {
        "programme": "Choose the programme.",
        "flight_number": "A flight number is the airline's designator, 1 to 4 digits and at most one letter, "
                         "e.g. KL1385.",
        "origin": "“XXX” is not an airport we know: use its three-letter IATA code.",
        "onward": "A transit needs its connecting flight.",
    }
    with pytest.raises(ServiceError) as exc:
        services.movement_create(
            actor=movements_officer, kind=MovementKind.ARRIVAL, programme=MovementProgramme.RELOCATION,
            flight=FlightInput("TK", "TK1951", "IST", "AMS", local(day(), 12, 0), local(day(), 9, 0)))
    assert exc.value.field_errors == {"arrives": "The arrival must be after the departure."}
    assert not Movement.objects.exists()


def test_a_passenger_is_received_then_handed_to_the_reception_agency(movements_officer, arrival):
    passenger = services.movement_passenger_add(actor=movements_officer, movement=arrival, family_name="Haddad",
                                                given_names="Rana", sex="F", birth_year=1988, nationality="SY")
    with pytest.raises(ServiceError) as exc:
        services.movement_passenger_outcome(actor=movements_officer, passenger=passenger, outcome=OC.TO_RECEPTION,
                                            location=PartnerLocationFactory())
    assert exc.value.message == "HADDAD Rana is “Expected”: they cannot be “Handed over to the reception agency” now."
    services.movement_passenger_outcome(actor=movements_officer, passenger=passenger, outcome=OC.RECEIVED)
    with pytest.raises(ServiceError) as exc:
        services.movement_passenger_outcome(actor=movements_officer, passenger=passenger, outcome=OC.TO_RECEPTION)
    assert exc.value.field_errors == {"location": "Choose the reception location."}
    location = PartnerLocationFactory()
    row = services.movement_passenger_outcome(actor=movements_officer, passenger=passenger,
                                              outcome=OC.TO_RECEPTION, location=location)
    assert (row.outcome, row.handed_to_location, row.outcome_by) == (OC.TO_RECEPTION, location, movements_officer)


def test_a_transit_passenger_is_directed_to_the_connection_not_handed_to_family(movements_officer, transit):
    passenger = services.movement_passenger_add(actor=movements_officer, movement=transit, family_name="Beridze",
                                                sex="M")
    services.movement_passenger_outcome(actor=movements_officer, passenger=passenger, outcome=OC.RECEIVED)
    with pytest.raises(ServiceError) as exc:
        services.movement_passenger_outcome(actor=movements_officer, passenger=passenger, outcome=OC.TO_FAMILY,
                                            family_name="Giorgi")
    assert exc.value.message == "“to_family” is not a step of this transit."
    row = services.movement_passenger_outcome(actor=movements_officer, passenger=passenger, outcome=OC.TO_CONNECTION)
    assert row.outcome == OC.TO_CONNECTION


def test_a_stranded_passenger_gets_a_hotel_recorded_with_cost_and_who(movements_officer, transit):
    passenger = services.movement_passenger_add(actor=movements_officer, movement=transit, family_name="Beridze",
                                                sex="M")
    care = services.stranded_care_record(actor=movements_officer, passenger=passenger, kind=StrandedCareKind.HOTEL,
                                         cost="89.00", currency="eur", note="Flight cancelled")
    assert (care.kind, str(care.cost), care.currency, care.arranged_by) == ("hotel", "89.00", "EUR",
                                                                           movements_officer)
    with pytest.raises(ServiceError) as exc:
        services.stranded_care_record(actor=movements_officer, passenger=passenger, kind="taxi", cost="-1",
                                      currency="EURO")
    assert list(exc.value.field_errors) == ["kind", "cost", "currency"]
    assert StrandedCare.objects.count() == 1


def test_passenger_details_are_checked(movements_officer, arrival):
    with pytest.raises(ServiceError) as exc:
        services.movement_passenger_add(actor=movements_officer, movement=arrival, family_name=" ", sex="Q",
                                        birth_year=1800, nationality="ZZ")
    assert list(exc.value.field_errors) == ["family_name", "sex", "birth_year", "nationality"]


def test_only_movements_staff_of_the_mission_manage_arrivals(counsellor_a, manager, movements_ge, arrival):
    for user in (counsellor_a, manager):
        with pytest.raises(ServiceError) as exc:
            services.movement_passenger_add(actor=user, movement=arrival, family_name="Haddad", sex="F")
        assert exc.value.message == "You are not allowed to do this."
    with pytest.raises(ServiceError) as exc:
        services.movement_passenger_add(actor=movements_ge, movement=arrival, family_name="Haddad", sex="F")
    assert exc.value.message == "This arrival or transit does not exist or you may not see it."
