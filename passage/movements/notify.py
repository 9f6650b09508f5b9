"""What a booking's changes tell the migrant by SMS (``messaging.sms``), in the transaction of the change: the
flight booked, changed (a rebooking or the airline's time change), cancelled; the reminder the day before
(``sms_reminders``, from Celery beat); who meets them on arrival; once they left, that the mission will call about
their support after return. Only the main journey's facts; once per cause."""

import datetime
import zoneinfo

from django.db import transaction
from django.utils import timezone

from passage.messaging.enums import SmsKind
from passage.messaging.sms import journey_values, sms_to_passengers

from . import workflow
from .enums import BookingStatus, ItineraryLeg
from .models import Booking, Segment


def _segments(booking) -> list[Segment]:
    itinerary = workflow.current_itinerary(booking)
    return list(itinerary.segments.select_related("origin", "destination").order_by("position")) if itinerary else []


def journey_sms(booking: Booking, kind: str, cause: str, person_ids=None) -> list:
    segments = _segments(booking)
    if not segments:
        return []
    return sms_to_passengers(booking, kind, values=journey_values(segments), cause=cause, person_ids=person_ids)


def booked(booking: Booking) -> list:
    itinerary = workflow.current_itinerary(booking)
    return journey_sms(booking, SmsKind.FLIGHT_BOOKED, f"booking:{booking.pk}:itinerary:{itinerary.pk if itinerary else 0}")


def changed(booking: Booking, cause: str) -> list:
    return journey_sms(booking, SmsKind.FLIGHT_CHANGED, cause)


def cancelled(booking: Booking) -> list:
    return journey_sms(booking, SmsKind.FLIGHT_CANCELLED, f"booking:{booking.pk}")


def met_on_arrival(booking: Booking, request_id: int) -> list:
    return journey_sms(booking, SmsKind.ARRIVAL_CONTACT, f"assistance:{request_id}")


def departed(booking: Booking, person_ids) -> list:
    """Those who boarded: a safe journey, and that the mission will call this number about their support after
    return (the number is what reintegration and monitoring reach them on)."""
    return journey_sms(booking, SmsKind.DEPARTED, f"booking:{booking.pk}:departed", person_ids=set(person_ids))


def sms_reminders(now: datetime.datetime | None = None) -> int:
    """The reminder to every ticketed booking whose first flight leaves tomorrow on its airport's clock; once per
    booking and day, however often it runs. Returns how many bookings were reminded."""
    now = now or timezone.now()
    window_end = now + datetime.timedelta(hours=48)
    firsts = (Segment.objects.filter(position=1, itinerary__leg=ItineraryLeg.MAIN,
                                     itinerary__superseded_at__isnull=True, departs_at__gt=now,
                                     departs_at__lt=window_end,
                                     itinerary__booking__status__in=[BookingStatus.TICKETED, BookingStatus.BOOKED])
              .select_related("origin", "itinerary__booking"))
    reminded = 0
    for first in firsts:
        tz = zoneinfo.ZoneInfo(first.origin.tz)
        if first.departs_at.astimezone(tz).date() != now.astimezone(tz).date() + datetime.timedelta(days=1):
            continue
        booking = first.itinerary.booking
        with transaction.atomic():
            day = first.departs_at.astimezone(tz).date().isoformat()
            if any(m.is_new for m in journey_sms(booking, SmsKind.REMINDER, f"booking:{booking.pk}:day:{day}")):
                reminded += 1
    return reminded


# --- partners -------------------------------------------------------------------------------------------------


def _return_service_locations(mission_id):
    from passage.reference.enums import PartnerKind
    from passage.reference.models import PartnerLocation

    return list(PartnerLocation.objects.filter(organisation__kind=PartnerKind.RETURN_SERVICE,
                                               organisation__active=True))


def _travellers(booking) -> list:
    return [p.person for p in booking.passengers.select_related("person__residence_location") if p.person_id]


def partners_booking(booking: Booking, event_type: str) -> list:
    """A departure booked or cancelled: the national return service and the centres the travellers live in."""
    from passage.messaging.partners import partner_event

    people = _travellers(booking)
    locations = _return_service_locations(booking.mission_id) + [p.residence_location for p in people]
    return partner_event(event_type=event_type, mission=booking.mission, locations=locations,
                         data={"case_id": booking.case_id, "booking_id": booking.pk,
                               "person_ids": sorted(p.pk for p in people)},
                         cause=f"booking:{booking.pk}", case_id=booking.case_id, subject=f"booking/{booking.pk}")


def partners_departed(booking: Booking, person_ids, departed_at) -> list:
    """Each traveller who left: the reception centre where they lived (the bed is free) and the national return
    service, one event per person."""
    from passage.messaging.enums import PartnerEvent
    from passage.messaging.partners import partner_event

    service = _return_service_locations(booking.mission_id)
    messages = []
    for person in _travellers(booking):
        if person.pk not in person_ids:
            continue
        messages += partner_event(
            event_type=PartnerEvent.PERSON_DEPARTED, mission=booking.mission,
            locations=[*service, person.residence_location],
            data={"person_id": person.pk, "case_id": booking.case_id, "booking_id": booking.pk,
                  "departed_at": departed_at.isoformat()},
            cause=f"person:{person.pk}:booking:{booking.pk}", case_id=booking.case_id, person_id=person.pk,
            subject=f"person/{person.pk}")
    return messages
