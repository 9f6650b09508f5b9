"""Which bookings a user sees, and what a booking shows. Bookings are seen through their case: whoever may
see the case (``cases_visible_to``) and holds ``booking.view`` sees its bookings; nobody else does."""

import datetime
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from passage.accounts.permissions import Action, user_can
from passage.cases.selectors import cases_visible_to
from passage.people.enums import Custody
from passage.people.models import TravelDocument
from passage.reference.models import Airport

from . import workflow
from .enums import BookingStatus, DeskStep, ItineraryLeg, MovementKind, SpecialService
from .models import (
    Booking,
    CashContribution,
    CustodyEvent,
    DeskEvent,
    MinimumConnectionTime,
    Movement,
    Passenger,
    Segment,
)


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


# --- travel-document custody -----------------------------------------------------------------------------------


def custody_now(document_ids) -> dict[int, CustodyEvent]:
    """Where each document is now and since when: its latest custody event, for any number of documents in one
    query. Documents never logged are absent."""
    latest = Subquery(CustodyEvent.objects.filter(document_id=OuterRef("document_id")).order_by("-id")
                      .values("pk")[:1])
    rows = CustodyEvent.objects.filter(document_id__in=list(document_ids)).filter(pk=latest).select_related(
        "location")
    return {row.document_id: row for row in rows}


def custody_now_for_user(user, document_ids) -> dict[int, CustodyEvent]:
    """``custody_now`` limited to documents of persons in cases ``user`` sees."""
    visible = TravelDocument.objects.filter(pk__in=list(document_ids), person__memberships__case__in=cases_visible_to(
        user)).values_list("pk", flat=True).distinct()
    return custody_now(visible)


# --- the airport's day ---------------------------------------------------------------------------------------


@dataclass
class BoardPassenger:
    passenger: Passenger
    name: str
    assistance: list[str]
    is_escort: bool
    documents: list[str]
    steps: dict[str, DeskEvent]
    open: list[str]

    @property
    def state(self) -> str:
        order = [s for s in DeskStep.values if s in self.steps]
        return order[-1] if order else ""


@dataclass
class BoardBooking:
    booking: Booking
    passengers: list[BoardPassenger]
    escorts: list[str]
    cash_to_hand_over: tuple[Decimal, str] | None


@dataclass
class BoardFlight:
    flight_number: str
    local_time: datetime.datetime
    other_airport: str
    bookings: list[BoardBooking] = field(default_factory=list)
    movements: list[Movement] = field(default_factory=list)

    @property
    def passenger_count(self) -> int:
        return sum(len(b.passengers) for b in self.bookings) + sum(len(m.passengers.all()) for m in self.movements)


@dataclass
class AirportDay:
    airport: Airport
    day: datetime.date
    departures: list[BoardFlight]
    transits: list[BoardFlight]
    arrivals: list[BoardFlight]


def day_bounds(day: datetime.date, tz_name: str) -> tuple[datetime.datetime, datetime.datetime]:
    """The UTC instants a local calendar day of an airport starts and ends (23 or 25 hours on a DST night)."""
    tz = zoneinfo.ZoneInfo(tz_name)
    start = datetime.datetime.combine(day, datetime.time(0), tzinfo=tz)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz)
    return start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)


def airport_day(user, day: datetime.date, airport: Airport | str) -> AirportDay:
    """The board of one airport for one local day: departures (bookings whose first flight leaves the airport
    that day), transits (connecting flights leaving that day) and arrivals, grouped per flight and local time;
    per passenger their special assistance in plain words, escorts, documents to hand over (from custody), the
    desk state and what is still open; per booking the cash still to hand over.

    A fixed number of queries whatever the number of passengers (prefetched; no query per row)."""
    if not isinstance(airport, Airport):
        airport = Airport.objects.get(pk=airport)
    tz = zoneinfo.ZoneInfo(airport.tz)
    start, end = day_bounds(day, airport.tz)
    bookings = bookings_visible_to(user).exclude(status=BookingStatus.CANCELLED)
    segments = list(
        Segment.objects.filter(position=1, itinerary__leg=ItineraryLeg.MAIN, itinerary__superseded_at__isnull=True,
                               origin_id=airport.pk, departs_at__gte=start, departs_at__lt=end,
                               itinerary__booking__in=bookings)
        .select_related("itinerary__booking__case", "destination")
        .prefetch_related(
            Prefetch("itinerary__booking__passengers",
                     queryset=Passenger.objects.select_related("person", "escort__staff").prefetch_related(
                         "assistance", Prefetch("desk_events", queryset=DeskEvent.objects.filter(
                             undone_at__isnull=True).exclude(step=DeskStep.UNDO)))),
            "itinerary__booking__escorts__staff",
        ).order_by("departs_at", "flight_number", "itinerary__booking_id"))
    person_ids = [p.person_id for s in segments for p in s.itinerary.booking.passengers.all() if p.person_id]
    docs: dict[int, list[TravelDocument]] = {}
    for doc in TravelDocument.objects.filter(person_id__in=person_ids, custody=Custody.WITH_ORGANISATION):
        docs.setdefault(doc.person_id, []).append(doc)
    where = custody_now(d.pk for ds in docs.values() for d in ds)
    case_ids = {s.itinerary.booking.case_id for s in segments}
    approved = {c.case_id: c for c in CashContribution.objects.filter(case_id__in=case_ids,
                                                                      superseded_at__isnull=True)}

    departures: dict[tuple, BoardFlight] = {}
    for segment in segments:
        booking = segment.itinerary.booking
        local = segment.departs_at.astimezone(tz)
        flight = departures.setdefault((segment.flight_number, local), BoardFlight(
            flight_number=segment.flight_number, local_time=local, other_airport=segment.destination_id))
        board_passengers = []
        cash_given = Decimal("0")
        for p in booking.passengers.all():
            steps = {e.step: e for e in p.desk_events.all()}
            if DeskStep.CASH in steps:
                cash_given += steps[DeskStep.CASH].amount or Decimal("0")
            held = docs.get(p.person_id, []) if p.person_id else []
            documents = [f"{d} ({where[d.pk].held_at})" if d.pk in where and where[d.pk].held_at else str(d)
                         for d in held]
            name = workflow.person_label(p.person) if p.person_id else str(p.escort)
            open_items = []
            if DeskStep.NO_SHOW not in steps:
                for step in (DeskStep.REPORTED, DeskStep.CHECKED_IN, DeskStep.BOARDED):
                    if step not in steps:
                        open_items.append(str(DeskStep(step).label))
                if held:
                    open_items.append(str(DeskStep.DOCUMENTS.label))
            board_passengers.append(BoardPassenger(
                passenger=p, name=name, is_escort=not p.person_id, documents=documents, steps=steps,
                assistance=[f"{a.code}: {SpecialService(a.code).label}" + (f" ({a.text})" if a.text else "")
                            for a in p.assistance.all()],
                open=open_items))
        cash = None
        if (c := approved.get(booking.case_id)) is not None and c.amount > cash_given:
            cash = (c.amount - cash_given, c.currency)
        flight.bookings.append(BoardBooking(
            booking=booking, passengers=board_passengers, cash_to_hand_over=cash,
            escorts=[f"{e.get_kind_display()}: {e}" for e in booking.escorts.all()]))

    arrivals: dict[tuple, BoardFlight] = {}
    transits: dict[tuple, BoardFlight] = {}
    if user_can(user, Action.MOVEMENT_VIEW) and user.mission_id:
        movements = (Movement.objects.filter(mission_id=user.mission_id, airport=airport)
                     .filter(Q(arrives_at__gte=start, arrives_at__lt=end)
                             | Q(onward_departs_at__gte=start, onward_departs_at__lt=end))
                     .select_related("origin").prefetch_related("passengers__care").order_by("arrives_at", "pk"))
        for m in movements:
            if start <= m.arrives_at < end:
                local = m.arrives_at.astimezone(tz)
                arrivals.setdefault((m.flight_number, local), BoardFlight(
                    flight_number=m.flight_number, local_time=local, other_airport=m.origin_id)).movements.append(m)
            if m.kind == MovementKind.TRANSIT and start <= m.onward_departs_at < end:
                local = m.onward_departs_at.astimezone(tz)
                transits.setdefault((m.onward_flight_number, local), BoardFlight(
                    flight_number=m.onward_flight_number, local_time=local,
                    other_airport=m.onward_destination_id or "")).movements.append(m)

    def ordered(flights):
        return sorted(flights.values(), key=lambda f: (f.local_time, f.flight_number))

    return AirportDay(airport=airport, day=day, departures=ordered(departures), transits=ordered(transits),
                      arrivals=ordered(arrivals))
