"""Which bookings a user sees, and what a booking shows. Bookings are seen through their case: whoever may
see the case (``cases_visible_to``) and holds ``booking.view`` sees its bookings; nobody else does."""

import datetime
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from passage.accounts.permissions import Action, user_can
from passage.cases.models import Case
from passage.cases.selectors import cases_visible_to
from passage.people.enums import Custody, DocumentKind, DocumentStatus
from passage.people.models import Person, TravelDocument
from passage.reference.models import Airport

from . import workflow
from .enums import (
    LIVE_BOOKING_STATUSES,
    AssistanceKind,
    AssistanceStatus,
    BookingStatus,
    DeskStep,
    ItineraryLeg,
    MovementKind,
    SpecialService,
)
from .models import (
    AssistanceRequest,
    Booking,
    CashContribution,
    CashProposal,
    Charter,
    CustodyEvent,
    DeskEvent,
    Escort,
    Itinerary,
    MinimumConnectionTime,
    Movement,
    MovementPassenger,
    Passenger,
    Segment,
    SpecialAssistance,
)


def bookings_visible_to(user) -> QuerySet[Booking]:
    if not user_can(user, Action.BOOKING_VIEW):
        return Booking.objects.none()
    return Booking.objects.filter(case__in=cases_visible_to(user))


# The requests of another mission that let this mission's staff see the booking's passengers at its airport.
_OPEN_REQUEST = (AssistanceStatus.REQUESTED, AssistanceStatus.CONFIRMED)


def _requested_of(mission_id: int, kind: str) -> Exists:
    return Exists(AssistanceRequest.objects.filter(booking=OuterRef("pk"), to_mission_id=mission_id, kind=kind,
                                                   status__in=_OPEN_REQUEST))


def destination_mission_q(user) -> Q | None:
    """Bookings of other missions whose passengers ``user``'s mission receives: the case returns to the mission's
    country, or the mission was asked to meet and assist them on arrival. None when the user may confirm no
    arrival (``arrival.confirm``) or has no mission."""
    mission = getattr(user, "mission", None)
    if mission is None or not user_can(user, Action.ARRIVAL_CONFIRM):
        return None
    return ~Q(case__mission_id=mission.pk) & (Q(case__intended_destination=mission.country)
                                             | _requested_of(mission.pk, AssistanceKind.MEET_AND_ASSIST))


def is_destination_mission(user, booking: Booking) -> bool:
    """Whether ``user``'s mission receives the passengers of ``booking`` (see ``destination_mission_q``)."""
    q = destination_mission_q(user)
    return q is not None and Booking.objects.filter(q, pk=booking.pk).exists()


def charters_visible_to(user) -> QuerySet[Charter]:
    """Charter flights of the user's mission, for those who see the movements (book, or oversee)."""
    sees = user_can(user, Action.BOOKING_MANAGE) or (
        user_can(user, Action.BOOKING_VIEW) and user_can(user, Action.SUPERVISION_VIEW))
    if not sees or not getattr(user, "mission_id", None):
        return Charter.objects.none()
    return Charter.objects.filter(mission_id=user.mission_id)


def charter_get_for_user(user, pk) -> Charter:
    try:
        return charters_visible_to(user).select_related("origin", "destination", "created_by").get(pk=pk)
    except (Charter.DoesNotExist, ValueError, TypeError):
        raise Http404("No such charter flight") from None


def with_seats_taken(charters: QuerySet[Charter]) -> QuerySet[Charter]:
    """Each charter with ``taken``: the seats its bookings in progress hold (one subquery, no query per row)."""
    taken = (Booking.objects.filter(charter=OuterRef("pk"), status__in=sorted(LIVE_BOOKING_STATUSES))
             .order_by().values("charter").annotate(n=Sum("seats")).values("n"))
    return charters.annotate(taken=Coalesce(Subquery(taken), 0))


def cash_proposals_for_finance(user) -> QuerySet[CashProposal]:
    """The cash contributions finance decides on: those proposed in the user's mission. Finance has no case
    scope (``cases_visible_to`` gives it nothing): this is its only way to a case, and it carries the money and
    the case number, nothing of the people."""
    if not user_can(user, Action.CASH_APPROVE) or not user.mission_id:
        return CashProposal.objects.none()
    return CashProposal.objects.filter(mission_id=user.mission_id)


def booking_get_for_user(user, pk) -> Booking:
    try:
        return bookings_visible_to(user).select_related("case", "charter").get(pk=pk)
    except (Booking.DoesNotExist, ValueError, TypeError):
        raise Http404("No such booking") from None


def confirmable_documents(person_ids) -> QuerySet[TravelDocument]:
    """The requested emergency travel documents and laissez-passers of these persons: those an embassy may
    confirm in advance for the travel dates (``DocumentConfirmation``)."""
    return TravelDocument.objects.filter(
        person_id__in=list(person_ids), status=DocumentStatus.REQUESTED,
        kind__in=[DocumentKind.EMERGENCY_TRAVEL_DOCUMENT, DocumentKind.LAISSEZ_PASSER]).order_by("pk")


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


def costs_per_project(mission_id: int) -> dict[str | None, dict[str, Decimal]]:
    """What the mission's bookings cost per project (its code; None: no project yet) and currency: every ticket
    (fare and taxes) and every escort's cost, cancelled bookings included (a ticket bought is spent). Two
    queries, whatever the number of bookings."""
    totals: dict[str | None, dict[str, Decimal]] = {}

    def add(code, currency, amount):
        per = totals.setdefault(code, {})
        per[currency] = per.get(currency, Decimal("0")) + amount

    tickets = (Passenger.objects.filter(booking__mission_id=mission_id, fare__isnull=False)
               .values("booking__project__code", "currency")
               .annotate(fares=Sum("fare"), taxes=Sum("taxes")).order_by())
    for row in tickets:
        add(row["booking__project__code"], row["currency"], row["fares"] + (row["taxes"] or Decimal("0")))
    escorts = (Escort.objects.filter(booking__mission_id=mission_id, cost__isnull=False)
               .values("booking__project__code", "cost_currency").annotate(cost=Sum("cost")).order_by())
    for row in escorts:
        add(row["booking__project__code"], row["cost_currency"], row["cost"])
    return {code: dict(sorted(per.items())) for code, per in sorted(totals.items(), key=lambda kv: kv[0] or "")}


def booking_costs(booking: Booking) -> dict[str, Decimal]:
    """What the booking costs, per currency: every ticket (fare and taxes) and every escort's cost. Recorded
    against the case (``booking.case``) and the project (``booking.project``, see ``costs_per_project``)."""
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
    rows = CustodyEvent.objects.filter(document_id__any_of=list(document_ids)).filter(pk=latest).select_related(
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
class BoardReturn:
    """A return case's booking arriving at (or connecting through) the board's airport: for the mission that
    receives them there, or the host mission following its own cases. Only what meeting them needs: names,
    special assistance, escorts, where the journey started and which mission sends them."""

    booking: Booking
    passengers: list[BoardPassenger]
    escorts: list[str]
    journey_from: str
    own: bool
    # Set by the board's view: whether the user may confirm the arrival, and on whose behalf.
    can_confirm: bool = False


@dataclass
class BoardFlight:
    flight_number: str
    local_time: datetime.datetime
    other_airport: str
    bookings: list[BoardBooking] = field(default_factory=list)
    movements: list[Movement] = field(default_factory=list)
    returns: list[BoardReturn] = field(default_factory=list)

    @property
    def passenger_count(self) -> int:
        return (sum(len(b.passengers) for b in self.bookings) + sum(len(m.passengers.all()) for m in self.movements)
                + sum(len(r.passengers) for r in self.returns))


@dataclass
class AirportDay:
    airport: Airport
    day: datetime.date
    departures: list[BoardFlight]
    transits: list[BoardFlight]
    arrivals: list[BoardFlight]


def ordered(flights: dict[tuple, BoardFlight]) -> list[BoardFlight]:
    return sorted(flights.values(), key=lambda f: (f.local_time, f.flight_number))


def day_bounds(day: datetime.date, tz_name: str) -> tuple[datetime.datetime, datetime.datetime]:
    """The UTC instants a local calendar day of an airport starts and ends (23 or 25 hours on a DST night)."""
    tz = zoneinfo.ZoneInfo(tz_name)
    start = datetime.datetime.combine(day, datetime.time(0), tzinfo=tz)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0), tzinfo=tz)
    return start.astimezone(datetime.UTC), end.astimezone(datetime.UTC)


# No flight of an itinerary lasts longer: bounds the departure of a flight arriving in a window (index on it).
LONGEST_FLIGHT = datetime.timedelta(hours=24)


def _last_segment() -> Exists:
    return ~Exists(Segment.objects.filter(itinerary=OuterRef("itinerary"), position__gt=OuterRef("position")))


def _visible_booking_q(user) -> Q:
    """``bookings_visible_to(user)`` as a condition on a booking row: its case is one the user sees, looked up
    for that row (correlated), so it stays cheap inside an OR."""
    if not user_can(user, Action.BOOKING_VIEW):
        return Q(pk__in=[])
    return Q(Exists(cases_visible_to(user).filter(pk=OuterRef("case_id"))))


def arriving_for_q(user) -> Q:
    """The bookings whose arrival the user's board shows: of the cases the user sees, and of other missions' cases
    the user's mission receives (``destination_mission_q``). A condition on a booking row."""
    own = _visible_booking_q(user)
    destination = destination_mission_q(user)
    return own if destination is None else own | destination


def _return_segments(user, airport: Airport, start, end) -> list[Segment]:
    """The flights of return cases' journeys (current main itineraries, live or departed bookings) that arrive
    at ``airport`` at the end of the journey, or leave it as a connection, between ``start`` and ``end``: of the
    user's own cases (``bookings_visible_to``), and of other missions' cases the user's mission receives
    (``destination_mission_q``) or was asked to assist in transit. Four queries."""
    own = _visible_booking_q(user)
    arriving_for, transit_for = arriving_for_q(user), own
    if user.mission_id and user_can(user, Action.ASSISTANCE_RESPOND):
        transit_for = own | (~Q(case__mission_id=user.mission_id) & _requested_of(user.mission_id,
                                                                                     AssistanceKind.TRANSIT))
    live = Booking.objects.exclude(status__in=(BookingStatus.CANCELLED, BookingStatus.NO_SHOW))
    # Row by row (EXISTS on the segment's own booking): under this OR, an IN (...) would be built whole, every
    # visible booking of the mission first (over a second on a million cases).
    arriving = Q(destination_id=airport.pk, arrives_at__gte=start, arrives_at__lt=end,
                 departs_at__gte=start - LONGEST_FLIGHT, departs_at__lt=end) & _last_segment() & Q(
        Exists(live.filter(arriving_for, pk=OuterRef("itinerary__booking_id"))))
    connecting = Q(origin_id=airport.pk, position__gt=1, departs_at__gte=start, departs_at__lt=end) & Q(
        Exists(live.filter(transit_for, pk=OuterRef("itinerary__booking_id"))))
    return list(
        Segment.objects.filter(itinerary__leg=ItineraryLeg.MAIN, itinerary__superseded_at__isnull=True)
        .filter(arriving | connecting)
        .select_related("itinerary__booking__case__mission")
        .prefetch_related(
            Prefetch("itinerary__booking__passengers",
                     queryset=Passenger.objects.select_related("person", "escort__staff").prefetch_related(
                         "assistance")),
            "itinerary__booking__escorts__staff",
            Prefetch("itinerary__segments", queryset=Segment.objects.filter(position=1), to_attr="first"),
        ).order_by("arrives_at", "flight_number", "itinerary__booking_id"))


def _assistance(passenger: Passenger) -> list[str]:
    return [f"{a.code}: {SpecialService(a.code).label}" + (f" ({a.text})" if a.text else "")
            for a in passenger.assistance.all()]


def _board_return(user, segment: Segment) -> BoardReturn:
    booking = segment.itinerary.booking
    passengers = [BoardPassenger(passenger=p, name=workflow.person_label(p.person) if p.person_id else str(p.escort),
                                 assistance=_assistance(p), is_escort=not p.person_id, documents=[], steps={},
                                 open=[])
                  for p in booking.passengers.all()]
    first = segment.itinerary.first
    return BoardReturn(booking=booking, passengers=passengers,
                       escorts=[f"{e.get_kind_display()}: {e}" for e in booking.escorts.all()],
                       journey_from=first[0].origin_id if first else segment.origin_id,
                       own=booking.case.mission_id == user.mission_id)


def _all_but(model, prefix: str, *keep: str) -> list[str]:
    """The fields of ``model`` (reached through ``prefix``) to leave unread: only ``keep`` (and the key) are used
    by the board and the manifest, and on a day of 1,400 passengers the other columns cost more to read and turn
    into Python than the rest of the row. Reading a field left out would cost a query per row: the board's and the
    manifest's tests count the queries."""
    return [prefix + f.name for f in model._meta.concrete_fields if not f.primary_key and f.name not in keep]


def _departures(user, airport: Airport, start, end, tz) -> dict[tuple, BoardFlight]:
    """The day's departures of ``airport``, per flight: nine queries whatever the number of passengers.

    The related rows are fetched by hand rather than prefetched: a prefetch builds a queryset per instance and
    sends thousands of ids as placeholders, which cost more than the queries on a day of 1,400 passengers; here
    each is one array (``any_of``) and the rows are grouped in Python. Labels are translated once per call."""
    bookings = bookings_visible_to(user).exclude(status=BookingStatus.CANCELLED)
    segments = list(
        Segment.objects.filter(position=1, itinerary__leg=ItineraryLeg.MAIN, itinerary__superseded_at__isnull=True,
                               origin_id=airport.pk, departs_at__gte=start, departs_at__lt=end,
                               itinerary__booking__in=bookings)
        .select_related("itinerary__booking__case")
        .defer(*_all_but(Segment, "", "itinerary", "flight_number", "departs_at", "destination"),
               *_all_but(Itinerary, "itinerary__", "booking"),
               *_all_but(Booking, "itinerary__booking__", "case", "mission", "status", "reference"),
               *_all_but(Case, "itinerary__booking__case__", "number", "mission"))
        .order_by("departs_at", "flight_number", "itinerary__booking_id"))
    booking_ids = [s.itinerary.booking_id for s in segments]
    passengers: dict[int, list[Passenger]] = {}
    for p in (Passenger.objects.filter(booking_id__any_of=booking_ids).select_related("person", "escort__staff")
              .defer(*_all_but(Passenger, "", "booking", "mission", "person", "escort", "ticket_number"),
                     *_all_but(Person, "person__", "family_name", "given_names", "sex", "birth_year", "mission"),
                     *_all_but(Escort, "escort__", "booking", "mission", "kind", "staff", "external_name"),
                     *_all_but(get_user_model(), "escort__staff__", "first_name", "last_name", "username"))):
        passengers.setdefault(p.booking_id, []).append(p)
    passenger_ids = [p.pk for ps in passengers.values() for p in ps]
    service_labels = {code: str(label) for code, label in SpecialService.choices}
    assistance: dict[int, list[str]] = {}
    for passenger_id, code, text in SpecialAssistance.objects.filter(passenger_id__any_of=passenger_ids).values_list(
            "passenger_id", "code", "text"):
        assistance.setdefault(passenger_id, []).append(f"{code}: {service_labels[code]}" + (f" ({text})" if text else ""))
    events: dict[int, list[DeskEvent]] = {}
    for e in DeskEvent.objects.filter(passenger_id__any_of=passenger_ids, undone_at__isnull=True).exclude(
            step=DeskStep.UNDO):
        events.setdefault(e.passenger_id, []).append(e)
    escorts: dict[int, list[str]] = {}
    for e in Escort.objects.filter(booking_id__any_of=booking_ids).select_related("staff"):
        escorts.setdefault(e.booking_id, []).append(f"{e.get_kind_display()}: {e}")
    person_ids = [p.person_id for ps in passengers.values() for p in ps if p.person_id]
    docs: dict[int, list[TravelDocument]] = {}
    for doc in TravelDocument.objects.filter(person_id__any_of=person_ids, custody=Custody.WITH_ORGANISATION).only(
            "person_id", "kind", "number"):
        docs.setdefault(doc.person_id, []).append(doc)
    # Where each is kept: its latest custody event's place (as ``custody_now``, without the events themselves).
    latest = Subquery(CustodyEvent.objects.filter(document_id=OuterRef("document_id")).order_by("-id").values("pk")[:1])
    held_at = dict(CustodyEvent.objects.filter(document_id__any_of=[d.pk for ds in docs.values() for d in ds],
                                               pk=latest).values_list("document_id", "held_at"))
    document_labels = {kind: str(label) for kind, label in DocumentKind.choices}
    case_ids = {s.itinerary.booking.case_id for s in segments}
    approved = {case_id: (amount, currency) for case_id, amount, currency in CashContribution.objects.filter(
        case_id__any_of=case_ids, superseded_at__isnull=True).values_list("case_id", "amount", "currency")}
    step_labels = {step: str(label) for step, label in DeskStep.choices}
    always = (DeskStep.REPORTED, DeskStep.CHECKED_IN, DeskStep.BOARDED)

    departures: dict[tuple, BoardFlight] = {}
    for segment in segments:
        booking = segment.itinerary.booking
        local = segment.departs_at.astimezone(tz)
        flight = departures.get((segment.flight_number, local))
        if flight is None:
            flight = departures[(segment.flight_number, local)] = BoardFlight(
                flight_number=segment.flight_number, local_time=local, other_airport=segment.destination_id)
        board_passengers = []
        cash_given = Decimal("0")
        for p in passengers.get(booking.pk, []):
            # The desk's steps on this journey: after a rebooking, the missed day's steps are history.
            steps = {e.step: e for e in events.get(p.pk, []) if e.itinerary_id == segment.itinerary_id}
            if DeskStep.CASH in steps:
                cash_given += steps[DeskStep.CASH].amount or Decimal("0")
            held = docs.get(p.person_id, []) if p.person_id else []
            documents = []
            for d in held:  # as str(d), its kind's label translated once
                label = f"{document_labels[d.kind]} {d.number}".strip()
                documents.append(f"{label} ({held_at[d.pk]})" if held_at.get(d.pk) else label)
            name = workflow.person_label(p.person) if p.person_id else str(p.escort)
            open_items = []
            if DeskStep.NO_SHOW not in steps:
                open_items = [step_labels[step] for step in always if step not in steps]
                if held:
                    open_items.append(step_labels[DeskStep.DOCUMENTS])
            board_passengers.append(BoardPassenger(
                passenger=p, name=name, is_escort=not p.person_id, documents=documents, steps=steps,
                assistance=assistance.get(p.pk, []), open=open_items))
        cash = None
        if (c := approved.get(booking.case_id)) is not None and c[0] > cash_given:
            cash = (c[0] - cash_given, c[1])
        flight.bookings.append(BoardBooking(booking=booking, passengers=board_passengers, cash_to_hand_over=cash,
                                            escorts=escorts.get(booking.pk, [])))
    return departures


def airport_day(user, day: datetime.date, airport: Airport | str, *, departures_only: bool = False) -> AirportDay:
    """The board of one airport for one local day: departures (bookings whose first flight leaves the airport
    that day), transits (connecting flights leaving that day) and arrivals, grouped per flight and local time;
    per passenger their special assistance in plain words, escorts, documents to hand over (from custody), the
    desk state and what is still open; per booking the cash still to hand over.

    Arrivals and transits include return cases' bookings arriving at the end of their journey or connecting
    here (``BoardReturn``): the user's own, and other missions' that the user's mission receives.
    ``departures_only`` (the manifest) leaves arrivals and transits out.

    A fixed number of queries whatever the number of passengers (prefetched; no query per row)."""
    if not isinstance(airport, Airport):
        airport = Airport.objects.get(pk=airport)
    tz = zoneinfo.ZoneInfo(airport.tz)
    start, end = day_bounds(day, airport.tz)
    departures = _departures(user, airport, start, end, tz)

    arrivals: dict[tuple, BoardFlight] = {}
    transits: dict[tuple, BoardFlight] = {}
    if departures_only:
        return AirportDay(airport=airport, day=day, departures=ordered(departures), transits=[], arrivals=[])
    for segment in _return_segments(user, airport, start, end):
        row = _board_return(user, segment)
        if segment.destination_id == airport.pk and start <= segment.arrives_at < end:
            local = segment.arrives_at.astimezone(tz)
            arrivals.setdefault((segment.flight_number, local), BoardFlight(
                flight_number=segment.flight_number, local_time=local,
                other_airport=segment.origin_id)).returns.append(row)
        else:
            local = segment.departs_at.astimezone(tz)
            transits.setdefault((segment.flight_number, local), BoardFlight(
                flight_number=segment.flight_number, local_time=local,
                other_airport=segment.destination_id)).returns.append(row)
    if user_can(user, Action.MOVEMENT_VIEW) and user.mission_id:
        movements = (Movement.objects.filter(mission_id=user.mission_id, airport=airport)
                     .filter(Q(arrives_at__gte=start, arrives_at__lt=end)
                             | Q(onward_departs_at__gte=start, onward_departs_at__lt=end))
                     .select_related("origin").prefetch_related(
                         # The board counts them and what is still open: their outcome is all it reads.
                         Prefetch("passengers", queryset=MovementPassenger.objects.only("movement", "outcome")))
                     .order_by("arrives_at", "pk"))
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

    return AirportDay(airport=airport, day=day, departures=ordered(departures), transits=ordered(transits),
                      arrivals=ordered(arrivals))
