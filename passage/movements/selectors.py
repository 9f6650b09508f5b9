"""Which bookings a user sees, and what a booking shows. Bookings are seen through their case: whoever may
see the case (``cases_visible_to``) and holds ``booking.view`` sees its bookings; nobody else does."""

from decimal import Decimal

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from passage.accounts.permissions import Action, user_can
from passage.cases.selectors import cases_visible_to

from .models import Booking, MinimumConnectionTime, Segment


def bookings_visible_to(user) -> QuerySet[Booking]:
    if not user_can(user, Action.BOOKING_VIEW):
        return Booking.objects.none()
    return Booking.objects.filter(case__in=cases_visible_to(user))


def booking_get_for_user(user, pk) -> Booking:
    try:
        return bookings_visible_to(user).select_related("case", "charter").get(pk=pk)
    except (Booking.DoesNotExist, ValueError, TypeError):
        raise Http404("No such booking") from None


def minimum_connection_minutes(airport_ids) -> dict[str, int]:
    """The minimum connection time per airport, the default where the table has no row."""
    ids = set(airport_ids)
    known = dict(MinimumConnectionTime.objects.filter(airport_id__in=ids).values_list("airport_id", "minutes"))
    return {a: known.get(a, MinimumConnectionTime.DEFAULT_MINUTES) for a in ids}


def booking_warnings(booking: Booking) -> list[str]:
    """What staff should look at but may go ahead with: connections below the airport's minimum."""
    segments = (Segment.objects.filter(itinerary__booking=booking, itinerary__superseded_at__isnull=True,
                                       connection_below_minimum=True)
                .select_related("itinerary__escort").order_by("itinerary_id", "position"))
    minimums = minimum_connection_minutes(s.origin_id for s in segments)
    return [
        _("The connection at %(airport)s to %(flight)s is %(minutes)s minutes, below the minimum of %(minimum)s.")
        % {"airport": s.origin_id, "flight": s.flight_number, "minutes": s.connection_minutes,
           "minimum": minimums[s.origin_id]}
        for s in segments
    ]


def booking_costs(booking: Booking) -> dict[str, Decimal]:
    """What the booking costs, per currency: every ticket (fare and taxes) and every escort's cost. Recorded
    against the case (``booking.case``) and the project (``booking.project_code``)."""
    totals: dict[str, Decimal] = {}
    for fare, taxes, currency in booking.passengers.filter(fare__isnull=False).values_list("fare", "taxes",
                                                                                          "currency"):
        totals[currency] = totals.get(currency, Decimal("0")) + fare + (taxes or Decimal("0"))
    for cost, currency in booking.escorts.filter(cost__isnull=False).values_list("cost", "cost_currency"):
        totals[currency] = totals.get(currency, Decimal("0")) + cost
    return dict(sorted(totals.items()))
