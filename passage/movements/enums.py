from django.db import models
from django.utils.translation import gettext_lazy as _


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    BOOKED = "booked", _("Booked")
    TICKETED = "ticketed", _("Ticketed")
    CHECKED_IN = "checked_in", _("Checked in")
    DEPARTED = "departed", _("Departed")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


# A booking in one of these holds the case: at most one per case at a time.
LIVE_BOOKING_STATUSES = frozenset(
    {BookingStatus.REQUESTED, BookingStatus.BOOKED, BookingStatus.TICKETED, BookingStatus.CHECKED_IN}
)


class CharterStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    CONFIRMED = "confirmed", _("Confirmed")
    DEPARTED = "departed", _("Departed")
    CANCELLED = "cancelled", _("Cancelled")


class ItineraryLeg(models.TextChoices):
    MAIN = "main", _("Journey of the passengers")
    ESCORT_OUT = "escort_out", _("Escort's outbound journey")
    ESCORT_BACK = "escort_back", _("Escort's return journey")


class EscortKind(models.TextChoices):
    MEDICAL = "medical", _("Medical escort")
    SOCIAL = "social", _("Social escort")
    OPERATIONAL = "operational", _("Operational escort")


class SpecialService(models.TextChoices):
    """IATA special service request (SSR) codes, as the airline writes them; labels in plain words for staff."""

    WCHR = "WCHR", _("Wheelchair to the aircraft door (can climb stairs and walk in the cabin)")
    WCHS = "WCHS", _("Wheelchair to the aircraft seat (cannot climb stairs, can walk in the cabin)")
    WCHC = "WCHC", _("Wheelchair to the seat, cannot walk at all (carried to the seat)")
    MEDA = "MEDA", _("Medical case: needs medical clearance by the airline")
    STCR = "STCR", _("Stretcher passenger")
    OXYG = "OXYG", _("Needs oxygen on board")
    UMNR = "UMNR", _("Unaccompanied minor in the airline's care")
    MAAS = "MAAS", _("Meet and assist")
    BLND = "BLND", _("Blind or visually impaired passenger")
    DEAF = "DEAF", _("Deaf or hard-of-hearing passenger")
    DPNA = "DPNA", _("Passenger with an intellectual or developmental disability needing assistance")
    LANG = "LANG", _("Speaks only the language given")
    PETC = "PETC", _("Pet in the cabin")
    INFT = "INFT", _("Infant on the lap")
    ESAN = "ESAN", _("Emotional support or service animal")


# Special services that make a passenger a medical passenger for the airline (fit-to-travel, MEDIF, escort).
MEDICAL_SERVICES = frozenset({SpecialService.MEDA, SpecialService.STCR, SpecialService.OXYG})


class AssistanceKind(models.TextChoices):
    TRANSIT = "transit", _("Transit assistance")
    MEET_AND_ASSIST = "meet_and_assist", _("Meet-and-assist on arrival")


class AssistanceStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CustodyEventKind(models.TextChoices):
    RECEIVED = "received", _("Received")
    STORED = "stored", _("Stored or moved")
    HANDED_OVER = "handed_over", _("Handed over")
    UNDONE = "undone", _("Hand-over undone")


class CustodyParty(models.TextChoices):
    """From whom a document was received, or to whom it was handed."""

    HOLDER = "holder", _("The holder")
    PASSENGER_AT_GATE = "gate", _("The passenger, at the gate")
    PARTNER_LOCATION = "partner_location", _("A partner organisation or location")
    EMBASSY = "embassy", _("An embassy or consulate")
    POLICE = "police", _("The police or another authority")
    POST = "post", _("By post")


RECEIVED_FROM = frozenset({CustodyParty.HOLDER, CustodyParty.PARTNER_LOCATION, CustodyParty.EMBASSY,
                           CustodyParty.POLICE, CustodyParty.POST})
HANDED_TO = frozenset({CustodyParty.HOLDER, CustodyParty.PASSENGER_AT_GATE, CustodyParty.EMBASSY,
                       CustodyParty.POLICE})


class DeskStep(models.TextChoices):
    """What the desk records for one passenger on the day, in the order it normally happens."""

    REPORTED = "reported", _("Reported at the desk")
    CHECKED_IN = "checked_in", _("Checked in")
    DOCUMENTS = "documents", _("Documents handed over")
    CASH = "cash", _("Cash contribution handed over")
    BOARDED = "boarded", _("Boarded")
    NO_SHOW = "no_show", _("Did not show")
    UNDO = "undo", _("Undone")


class CashStatus(models.TextChoices):
    """A cash contribution is proposed (operations) and approved or declined by finance."""

    PROPOSED = "proposed", _("Waiting for finance")
    APPROVED = "approved", _("Approved by finance")
    DECLINED = "declined", _("Declined by finance")


class MovementKind(models.TextChoices):
    ARRIVAL = "arrival", _("Arrival")
    TRANSIT = "transit", _("Transit")


class MovementProgramme(models.TextChoices):
    RESETTLEMENT = "resettlement", _("Resettled refugees")
    RELOCATION = "relocation", _("Relocated asylum seekers")
    FAMILY_REUNIFICATION = "family_reunification", _("Family reunification")
    RETURN_TRANSIT = "return_transit", _("Return from another country, in transit")
    RESETTLEMENT_TRANSIT = "resettlement_transit", _("Resettlement to a third country, in transit")


class MovementOutcome(models.TextChoices):
    EXPECTED = "expected", _("Expected")
    RECEIVED = "received", _("Received at arrival")
    TO_RECEPTION = "to_reception", _("Handed over to the reception agency")
    TO_FAMILY = "to_family", _("Handed over to family")
    TO_CONNECTION = "to_connection", _("Directed to the connecting flight")


class StrandedCareKind(models.TextChoices):
    MEAL = "meal", _("Meal")
    HOTEL = "hotel", _("Hotel night")
