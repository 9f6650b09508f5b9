"""Every impossible input is refused, per field, with a message that says what a right one looks like."""

import pytest

from passage.core.errors import ServiceError
from passage.movements import services, validation
from passage.movements.models import Itinerary, Passenger
from passage.movements.services import SegmentInput
from passage.movements.tests.conftest import local, travel_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(movements_officer, ready_case):
    return services.booking_request(actor=movements_officer, case=ready_case)


def one_flight(**overrides):
    day = travel_day()
    fields = {"airline": "KL", "flight_number": "KL1385", "origin": "AMS", "destination": "TBS",
              "departs": local(day, 10), "arrives": local(day, 17)}
    fields.update(overrides)
    return [SegmentInput(**fields)]


FLIGHT_MSG = "A flight number is the airline's designator, 1 to 4 digits and at most one letter, e.g. KL1385."


@pytest.mark.parametrize(("overrides", "errors"), [
    ({"origin": "XQZ"}, {"segments-0-origin": "“XQZ” is not a known IATA airport code."}),
    ({"destination": "AMSX"}, {"segments-0-destination": "“AMSX” is not a known IATA airport code."}),
    ({"destination": "AMS"}, {"segments-0-destination": "A flight goes from one airport to another."}),
    ({"flight_number": "KL12345"}, {"segments-0-flight_number": FLIGHT_MSG}),
    ({"flight_number": "1385"}, {"segments-0-flight_number": FLIGHT_MSG}),
    ({"flight_number": "KL13A5"}, {"segments-0-flight_number": FLIGHT_MSG}),
    ({"flight_number": "TK1385"}, {"segments-0-flight_number": "The flight number TK1385 is not a flight of the "
                                                               "airline KL."}),
    ({"airline": "12", "flight_number": "121385"},
     {"segments-0-airline": "An airline is its two-character IATA designator, e.g. KL or TK.",
      "segments-0-flight_number": FLIGHT_MSG}),
    ({"arrives": local(travel_day(), 9)}, {"segments-0-arrives": "The arrival is before the departure (both in "
                                                                 "local time)."}),
    ({"arrives": local(travel_day(9), 9)}, {"segments-0-arrives": "The flight would take more than 24 hours: "
                                                                  "check the dates."}),
    ({"departs": None}, {"segments-0-departs": "Give the date and the local time."}),
], ids=["unknown-origin", "bad-destination", "same-airport", "five-digits", "no-designator", "letter-inside",
        "other-airline", "numeric-designator", "arrival-before-departure", "too-long", "no-time"])
def test_a_bad_flight_is_refused_per_field(movements_officer, booking, overrides, errors):
    with pytest.raises(ServiceError) as exc:
        services.itinerary_set(actor=movements_officer, booking=booking, segments=one_flight(**overrides))
    assert exc.value.field_errors == errors
    assert not Itinerary.objects.exists()


def test_arrival_before_departure_is_judged_in_utc_not_on_the_clocks(movements_officer, booking):
    """AMS 23:30 to IST 04:00 the next day (local clocks) is a normal flight."""
    day = travel_day()
    itinerary = services.itinerary_set(actor=movements_officer, booking=booking, segments=[
        SegmentInput("TK", "TK1954", "AMS", "IST", local(day, 23, 30), local(travel_day(8), 4, 0))])
    assert itinerary.segments.get().arrives_at > itinerary.segments.get().departs_at
    with pytest.raises(ServiceError) as exc:  # IST 10:00 → AMS 07:30 local lands before it left, whatever the season
        services.itinerary_set(actor=movements_officer, booking=booking, reason="x", segments=[
            SegmentInput("TK", "TK1951", "IST", "AMS", local(day, 10, 0), local(day, 7, 30))])
    assert exc.value.field_errors == {"segments-0-arrives": "The arrival is before the departure (both in local "
                                                            "time)."}


@pytest.mark.parametrize("flight", ["KL1385", "KL1", "U21234", "9W123A", "kl 1385"])
def test_well_formed_flight_numbers(flight):
    airline = validation.clean_code(flight)[:2]
    assert validation.flight_number_error(validation.clean_code(flight), airline) is None


@pytest.mark.parametrize(("reference", "error"), [
    ("K7Q2X", "A booking reference (PNR) is six letters or digits, e.g. K7Q2XB."),
    ("K7Q2XB1", "A booking reference (PNR) is six letters or digits, e.g. K7Q2XB."),
    ("K7Q-XB", "A booking reference (PNR) is six letters or digits, e.g. K7Q2XB."),
])
def test_a_bad_pnr_is_refused(movements_officer, booking, reference, error):
    with pytest.raises(ServiceError) as exc:
        services.booking_update(actor=movements_officer, booking=booking, version=1, reference=reference)
    assert exc.value.field_errors == {"reference": error}


def test_a_pnr_is_stored_in_capitals(movements_officer, booking):
    assert services.booking_update(actor=movements_officer, booking=booking, version=1,
                                   reference=" k7q2xb ").reference == "K7Q2XB"


def test_a_bad_project_code_is_refused(movements_officer, booking):
    with pytest.raises(ServiceError) as exc:
        services.booking_update(actor=movements_officer, booking=booking, version=1, project_code="AVRR--NL")
    assert exc.value.field_errors == {
        "project_code": "A project code is letters and digits, parts separated by - . or /, at most 20 characters."}


TICKET_MSG = "A ticket number is 13 digits: the airline's 3-digit code and a 10-digit serial number."


@pytest.mark.parametrize(("fields", "errors"), [
    ({"ticket_number": "23512345678"}, {"ticket_number": TICKET_MSG}),
    ({"ticket_number": "235123456789X"}, {"ticket_number": TICKET_MSG}),
    ({"fare": "245.50", "currency": "EUU"}, {"currency": "“EUU” is not a currency: use its ISO 4217 code, e.g. EUR."}),
    ({"fare": "245.50", "currency": ""}, {"currency": "“” is not a currency: use its ISO 4217 code, e.g. EUR."}),
    ({"fare": "-1", "currency": "EUR"}, {"fare": "Give an amount of zero or more, with at most two decimals."}),
    ({"fare": "12.345", "currency": "EUR"}, {"fare": "Give an amount of zero or more, with at most two decimals."}),
    ({"fare": "twelve", "currency": "EUR"}, {"fare": "Give an amount, e.g. 245.50."}),
    ({"taxes": "20", "currency": "EUR"}, {"fare": "Give the fare with its currency."}),
    ({"baggage_kg": 230}, {"baggage_kg": "Give a whole number from 0 to 99."}),
], ids=["short-ticket", "letter-ticket", "unknown-currency", "no-currency", "negative", "three-decimals",
        "not-a-number", "taxes-without-fare", "baggage"])
def test_a_bad_ticket_is_refused_per_field(movements_officer, booking, fields, errors):
    passenger = booking.passengers.first()
    values = {"ticket_number": "2351234567890", **fields}
    with pytest.raises(ServiceError) as exc:
        services.passenger_ticket_record(actor=movements_officer, passenger=passenger, **values)
    assert exc.value.field_errors == errors
    assert Passenger.objects.get(pk=passenger.pk).ticket_number == ""


def test_a_ticket_with_fare_and_taxes_records_the_cost(movements_officer, booking):
    passenger = booking.passengers.first()
    services.passenger_ticket_record(actor=movements_officer, passenger=passenger, ticket_number="2351234567890",
                                     fare="245.50", taxes="61.20", currency="try", baggage_pieces=2, baggage_kg=46)
    stored = Passenger.objects.get(pk=passenger.pk)
    assert (str(stored.fare), str(stored.taxes), stored.currency, str(stored.total_cost), stored.baggage_pieces,
            stored.baggage_kg) == ("245.50", "61.20", "TRY", "306.70", 2, 46)


def test_one_ticket_number_for_one_passenger(movements_officer, booking):
    first, second = booking.passengers.order_by("id")
    services.passenger_ticket_record(actor=movements_officer, passenger=first, ticket_number="2351234567890")
    with pytest.raises(ServiceError) as exc:
        services.passenger_ticket_record(actor=movements_officer, passenger=second, ticket_number="2351234567890")
    assert exc.value.field_errors == {"ticket_number": "This ticket number is already recorded for another passenger."}


def test_an_unknown_special_service_code_is_refused(movements_officer, booking):
    with pytest.raises(ServiceError) as exc:
        services.special_assistance_add(actor=movements_officer, passenger=booking.passengers.first(), code="WCHX")
    assert exc.value.field_errors == {"code": "“WCHX” is not a special service code the organisation uses."}


def test_lang_needs_the_language(movements_officer, booking):
    with pytest.raises(ServiceError) as exc:
        services.special_assistance_add(actor=movements_officer, passenger=booking.passengers.first(), code="LANG")
    assert exc.value.field_errors == {"text": "Give the language the passenger speaks."}


def test_an_escort_with_a_bad_currency_is_refused(movements_officer, booking):
    with pytest.raises(ServiceError) as exc:
        services.escort_add(actor=movements_officer, booking=booking, kind="medical", external_name="Dr. Jansen",
                            cost="850", cost_currency="EURO")
    assert exc.value.field_errors == {"cost_currency": "“EURO” is not a currency: use its ISO 4217 code, e.g. EUR."}
