"""What a booking's changes tell the migrant by SMS (``messaging.sms``), in the transaction of the change: the
flight booked, changed (a rebooking or the airline's time change), cancelled; the reminder the day before
(``sms_reminders``, from Celery beat); who meets them on arrival. Only the main journey's facts; once per cause."""

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


def journey_sms(booking: Booking, kind: str, cause: str) -> list:
    segments = _segments(booking)
    if not segments:
        return []
    return sms_to_passengers(booking, kind, values=journey_values(segments), cause=cause)


def booked(booking: Booking) -> list:
    itinerary = workflow.current_itinerary(booking)
    return journey_sms(booking, SmsKind.FLIGHT_BOOKED, f"booking:{booking.pk}:itinerary:{itinerary.pk if itinerary else 0}")


def changed(booking: Booking, cause: str) -> list:
    return journey_sms(booking, SmsKind.FLIGHT_CHANGED, cause)


def cancelled(booking: Booking) -> list:
    return journey_sms(booking, SmsKind.FLIGHT_CANCELLED, f"booking:{booking.pk}")


def met_on_arrival(booking: Booking, request_id: int) -> list:
    return journey_sms(booking, SmsKind.ARRIVAL_CONTACT, f"assistance:{request_id}")


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
