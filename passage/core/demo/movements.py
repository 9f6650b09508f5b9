"""The demo's flights and airport: bookings, the desk, departures and arrivals, played through the real services
on a clock set to the moment each step happened.

Every step is one service call, so the demo has what use would leave: the same checks, status history of the
booking and of the case, audit rows, custody log and outbox events ("case.departed", "case.arrived"). While a
step runs, ``django.utils.timezone.now`` answers the moment it happened (always before the real now): a family
that left last week was requested, booked, ticketed, checked in and confirmed departed on the days before, and
every row says so.

Dates are relative to the day the demo loads (``plan``): today's and tomorrow's board at Schiphol have several
flights; the desk's steps for a flight leaving within three hours are partly done, a flight that has left is
confirmed; families left and arrived in the weeks before; a few bookings wait for flights or tickets; a
traveller who missed yesterday's flight is rebooked for tomorrow; and the airport sees transits and arrivals
that are not return cases (resettlement, family reunification, returns from elsewhere), one of them stranded.
"""

import contextlib
import datetime
import random
import zoneinfo
from dataclasses import dataclass
from unittest import mock

from django.utils import timezone

from passage.cases.enums import CaseStatus, VulnerabilityKind
from passage.cases.models import Case
from passage.movements import services
from passage.movements.enums import (
    AssistanceKind,
    BookingStatus,
    DeskStep,
    EscortKind,
    MovementKind,
    MovementOutcome,
    MovementProgramme,
    SpecialService,
    StrandedCareKind,
)
from passage.movements.models import Booking
from passage.reference.enums import LocationKind
from passage.reference.models import Airport, Project

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")

# The journey home from Schiphol per nationality: (final airport, flight from Istanbul and its minutes in the air)
# through Istanbul, or a direct flight (airline, number, minutes).
VIA_ISTANBUL = {
    "GE": ("TBS", "TK378", 130), "IQ": ("EBL", "TK1090", 185), "AF": ("KBL", "TK706", 265),
    "IR": ("IKA", "TK878", 190), "ER": ("ASM", "TK682", 330), "SO": ("MGQ", "TK677", 400),
    "MN": ("UBN", "TK432", 480), "SY": ("BEY", "TK826", 120), "AZ": ("GYD", "TK332", 175),
    "RU": ("SVO", "TK413", 200),
}
DIRECT = {
    "MA": ("CMN", "AT", "AT851", 200), "DZ": ("ALG", "AH", "AH2055", 160), "NG": ("LOS", "KL", "KL587", 405),
    "AL": ("TIA", "HV", "HV6031", 160), "UA": ("WAW", "LO", "LO268", 125), "TR": ("IST", "TK", "", 215),
}
# Schiphol to Istanbul by the time of day it leaves.
TO_ISTANBUL = {"06:55": "TK1950", "07:05": "TK1952", "11:40": "TK1954", "15:20": "TK1956", "19:45": "TK1958",
               "21:55": "TK1960"}
TO_ISTANBUL_MINUTES = 215
CONNECTION_MINUTES = 150

# The project the demo's bookings are costed to.
PROJECT = {"code": "AVRR-NL", "name": "Assisted voluntary return and reintegration",
           "funded_by": "Ministry of Justice and Security (synthetic)"}

NO_SHOW_REASON = "Did not come to the desk; phoned later: missed the train from Ter Apel."


@dataclass
class Trip:
    """One case's journey in the demo: where it has got to (``outcome``) and when it leaves Schiphol (local)."""

    outcome: str  # requested | booked | ticketed | day (the desk as far as the clock has got) | departed | arrived
    departs: datetime.datetime | None  # Schiphol's local time of the first flight
    ready_on: datetime.date
    rebooked_to: datetime.datetime | None = None  # a no-show on ``departs``, rebooked for this flight
    escort: str = ""  # "operational" (a member of staff) or "social" (a partner's volunteer)


def plan(today: datetime.date, *, extra_arrived: int, rng: random.Random) -> list[Trip]:
    """The journeys of the demo, around ``today`` (the local day the demo loads)."""
    day = datetime.timedelta(days=1)

    def at(d: datetime.date, hhmm: str) -> datetime.datetime:
        hh, mm = hhmm.split(":")
        return datetime.datetime.combine(d, datetime.time(int(hh), int(mm)))

    def ready(departs: datetime.date, low=4, high=12) -> datetime.date:
        return min(today - day, departs - datetime.timedelta(days=rng.randint(low, high)))

    trips = []
    # Families that left and arrived in the weeks before, and three that left but whose arrival is not yet confirmed.
    for days_ago, hhmm in [(20, "07:05"), (14, "11:40"), (9, "15:20"), (6, "07:05"), (4, "19:45")]:
        trips.append(Trip("arrived", at(today - days_ago * day, hhmm), ready(today - days_ago * day)))
    for k in range(extra_arrived):
        d = today - (22 + 3 * k) * day
        trips.append(Trip("arrived", at(d, rng.choice(list(TO_ISTANBUL))), ready(d)))
    trips[1].escort = "social"
    for days_ago, hhmm in [(3, "11:40"), (2, "15:20"), (1, "07:05")]:
        trips.append(Trip("departed", at(today - days_ago * day, hhmm), ready(today - days_ago * day)))
    # Today's board: the desk as far as the clock has got (left, at the desk, or still to come).
    for hhmm in ["07:05", "07:05", "11:40", "11:40", "11:40", "15:20", "15:20", "19:45", "19:45", "21:55"]:
        trips.append(Trip("day", at(today, hhmm), ready(today)))
    trips[-6].escort = "operational"
    # Tomorrow's board, ticketed; and yesterday's no-show, rebooked for tomorrow.
    for hhmm in ["06:55", "11:40", "11:40", "15:20"]:
        trips.append(Trip("ticketed", at(today + day, hhmm), ready(today + day)))
    trips.append(Trip("day", at(today - day, "15:20"), ready(today - day), rebooked_to=at(today + day, "11:40")))
    # Next week: ticketed, booked without tickets yet; and two requests waiting for flights.
    trips.append(Trip("ticketed", at(today + 3 * day, "11:40"), ready(today, 1, 3)))
    for days_ahead in (5, 9):
        trips.append(Trip("booked", at(today + days_ahead * day, "07:05"), ready(today, 1, 3)))
    for _ in range(2):
        trips.append(Trip("requested", None, today - datetime.timedelta(days=rng.randint(1, 3))))
    return trips


@contextlib.contextmanager
def _clock(moment: datetime.datetime):
    """The services see ``moment`` as now (their timestamps, auto_now fields, audit rows, outbox rows)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


class Player:
    """Plays each trip's steps through the services, each at its moment."""

    def __init__(self, *, staff: dict, missions: dict, locations: dict, rng: random.Random, now: datetime.datetime):
        self.rng, self.now = rng, now
        self.movements = staff["movements"]
        self.desk = [staff["movements"], staff["movements02"], staff["movements03"]]
        self.operations, self.finance = staff["operations"], staff["finance"]
        self.missions = missions
        self.receiving = {"GE": staff["reintegration-ge"], "IQ": staff["reintegration-iq"]}
        self.escort_staff = staff["movements03"]
        self.locations = locations
        self.next_ticket = 2350000000001
        self.steps = 0
        self._zones: dict[str, zoneinfo.ZoneInfo] = {}

    # ---------------------------------------------------------------- the clock
    def call(self, moment: datetime.datetime, service, **kwargs):
        if moment >= self.now:
            raise ValueError(f"a demo step at {moment} would lie in the future")
        self.steps += 1
        with _clock(moment):
            return service(**kwargs)

    def maybe(self, moment: datetime.datetime, service, **kwargs):
        """A step that happens only if its moment has come."""
        return self.call(moment, service, **kwargs) if moment < self.now else None

    @staticmethod
    def _spread(start: datetime.datetime, end: datetime.datetime, n: int) -> list[datetime.datetime]:
        """``n`` moments in order between ``start`` and ``end``."""
        step = (end - start) / (n + 1)
        return [start + step * (i + 1) for i in range(n)]

    # ---------------------------------------------------------------- the journey
    def segments(self, case: Case, departs: datetime.datetime) -> list[services.SegmentInput]:
        nationality = case.intended_destination or "GE"
        departs_at = departs.replace(tzinfo=AMS)
        slot = departs.strftime("%H:%M")
        if nationality in DIRECT:
            airport, airline, flight, minutes = DIRECT[nationality]
            # One number per time of day, as airlines number their daily flights (Istanbul: TO_ISTANBUL).
            flight = flight[:2] + str(int(flight[2:]) + 2 * list(TO_ISTANBUL).index(slot)) if flight else (
                TO_ISTANBUL[slot])
            return [self._segment(airline, flight, "AMS", airport, departs_at, minutes)]
        airport, onward, minutes = VIA_ISTANBUL.get(nationality, VIA_ISTANBUL["GE"])
        first = self._segment("TK", TO_ISTANBUL[slot], "AMS", "IST", departs_at, TO_ISTANBUL_MINUTES)
        connection = first.arrives.replace(tzinfo=self._tz("IST")) + datetime.timedelta(minutes=CONNECTION_MINUTES)
        return [first, self._segment("TK", onward, "IST", airport, connection, minutes)]

    def _tz(self, iata: str) -> zoneinfo.ZoneInfo:
        if iata not in self._zones:
            self._zones[iata] = zoneinfo.ZoneInfo(Airport.objects.values_list("tz", flat=True).get(pk=iata))
        return self._zones[iata]

    def _segment(self, airline, flight, origin, destination, departs_aware, minutes) -> services.SegmentInput:
        """A flight as staff type it: on each airport's local clock."""
        arrives = (departs_aware + datetime.timedelta(minutes=minutes)).astimezone(self._tz(destination))
        return services.SegmentInput(airline, flight, origin, destination,
                                     departs_aware.astimezone(self._tz(origin)).replace(tzinfo=None),
                                     arrives.replace(tzinfo=None))

    def play(self, trip: Trip, case: Case) -> Booking:
        rng = self.rng
        start = case.status_changed_at + datetime.timedelta(minutes=rng.randint(40, 150))
        booking = self.call(start, services.booking_request, actor=case.counsellor, case=case,
                            project_code=PROJECT["code"], remarks="")
        if trip.outcome == "requested":
            return booking
        departs_at = trip.departs.replace(tzinfo=AMS)
        desk_opens = departs_at - datetime.timedelta(hours=3)
        end = min(desk_opens - datetime.timedelta(minutes=30), self.now - datetime.timedelta(minutes=5))
        segments = self.segments(case, trip.departs)
        members = list(booking.passengers.select_related("person").order_by("pk"))
        moments = iter(self._spread(start, end, 12 + len(members)))
        b = booking.pk

        self.call(next(moments), services.itinerary_set, actor=self.movements, booking=b, segments=segments)
        version = Booking.objects.values_list("version", flat=True).get(pk=b)
        reference = "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", k=6))
        self.call(next(moments), services.booking_update, actor=self.movements, booking=b, version=version,
                  reference=reference)
        self._assistance(next(moments), case, members)
        if trip.escort:
            self._escort(next(moments), trip, b)
        self.call(next(moments), services.booking_transition, actor=self.movements, booking=b,
                  to_status=BookingStatus.BOOKED)
        self._requests(next(moments), case, b, segments)
        if trip.outcome == "booked":
            return booking
        for passenger in Booking.objects.get(pk=b).passengers.order_by("pk"):
            self.call(next(moments), services.passenger_ticket_record, actor=self.movements, passenger=passenger,
                      ticket_number=str(self.next_ticket), fare=f"{rng.randint(190, 420)}.00",
                      taxes=f"{rng.randint(40, 95)}.{rng.choice(['00', '50', '80'])}", currency="EUR",
                      baggage_pieces=1, baggage_kg=23 if rng.random() < 0.8 else 30)
            self.next_ticket += 1
        self.call(next(moments), services.booking_transition, actor=self.movements, booking=b,
                  to_status=BookingStatus.TICKETED)
        if rng.random() < 0.6:
            # Operations propose the cash contribution, finance approves it.
            moment = next(moments)
            proposal = self.call(moment, services.cash_contribution_propose, actor=self.operations, case=case.pk,
                                 amount=str(150 * len(members) + 100), currency="EUR",
                                 note="Travel allowance for the first days after arrival.")
            self.call(moment + (end - moment) / 20, services.cash_contribution_decide, actor=self.finance,
                      proposal=proposal, approve=True)
        self._answers(next(moments), b)
        if trip.outcome == "ticketed":
            return booking
        if trip.rebooked_to is not None:
            return self._no_show(trip, case, b)
        self._desk(b, departs_at)
        left = departs_at + datetime.timedelta(minutes=rng.randint(8, 20))
        if left < self.now - datetime.timedelta(minutes=2) and Booking.objects.get(pk=b).status == "checked_in":
            self.call(left, services.departure_confirm, actor=self.desk[0], booking=b, departed_at=left)
            if trip.outcome == "arrived":
                self._arrival(case, b, segments, left)
        return booking

    # ---------------------------------------------------------------- before the day
    def _assistance(self, moment, case: Case, members) -> None:
        elderly = set(case.vulnerabilities.filter(kind=VulnerabilityKind.ELDERLY).values_list("person_id",
                                                                                              flat=True))
        for p in members:
            if p.person_id in elderly:
                self.call(moment, services.special_assistance_add, actor=self.movements, passenger=p,
                          code=SpecialService.WCHR, text="Own wheelchair, folding; can walk a few steps.")
        roll = self.rng.random()
        if roll < 0.15:
            self.call(moment, services.special_assistance_add, actor=case.counsellor, passenger=members[0],
                      code=SpecialService.WCHS, text="Knee surgery last year: cannot climb the aircraft stairs.")
        elif roll < 0.25:
            self.call(moment, services.special_assistance_add, actor=self.movements, passenger=members[0],
                      code=SpecialService.LANG, text="Speaks only the language of the country of return.")
        elif roll < 0.32:
            self.call(moment, services.special_assistance_add, actor=self.movements, passenger=members[0],
                      code=SpecialService.DEAF, text="Reads lips; give the gate changes in writing.")
        children = [p for p in members if p.person.birth_year and p.person.birth_year >= moment.year - 1]
        for p in children:
            self.call(moment, services.special_assistance_add, actor=self.movements, passenger=p,
                      code=SpecialService.INFT, text="On the mother's lap.")

    def _escort(self, moment, trip: Trip, booking_id: int) -> None:
        if trip.escort == "operational":
            self.call(moment, services.escort_add, actor=self.movements, booking=booking_id,
                      kind=EscortKind.OPERATIONAL, staff=self.escort_staff, cost="180.00", cost_currency="EUR")
        else:
            self.call(moment, services.escort_add, actor=self.movements, booking=booking_id, kind=EscortKind.SOCIAL,
                      external_name="Anneke de Jong", organisation="Refugee council (VluchtelingenWerk)",
                      cost="95.00", cost_currency="EUR")

    def _requests(self, moment, case: Case, booking_id: int, segments) -> None:
        """Meet-and-assist asked of the mission at the destination; transit assistance at Istanbul."""
        final = segments[-1].destination
        country = case.intended_destination or ""
        if country in self.missions and country != "NL":
            self.call(moment, services.assistance_request, actor=self.movements, booking=booking_id,
                      kind=AssistanceKind.MEET_AND_ASSIST, airport=final, to_mission=self.missions[country],
                      note="Meet the family at arrivals and take them to the reception address.")
        if len(segments) > 1 and "TR" in self.missions and self.rng.random() < 0.5:
            self.call(moment + datetime.timedelta(minutes=3), services.assistance_request, actor=self.movements,
                      booking=booking_id, kind=AssistanceKind.TRANSIT, airport="IST", to_mission=self.missions["TR"],
                      note="Help with the transfer to the connecting flight.")

    def _answers(self, moment, booking_id: int) -> None:
        """The receiving missions confirm their requests (Türkiye has no staff in the demo: its stay open)."""
        for request in Booking.objects.get(pk=booking_id).assistance_requests.select_related("to_mission"):
            staff = self.receiving.get(request.to_mission.code)
            if staff is not None:
                self.call(moment, services.assistance_request_respond, actor=staff, request=request, confirm=True,
                          note="Our colleague waits at arrivals with a sign.")

    # ---------------------------------------------------------------- the day
    def _desk_plan(self, booking_id: int, departs_at: datetime.datetime) -> list[tuple]:
        """Every desk step of the booking's passengers, at its moment between three hours and forty minutes
        before the departure: reported, checked in, passports handed over, the cash, boarded."""
        booking = Booking.objects.get(pk=booking_id)
        approved = services.desk.cash_approved(booking.case_id)
        passengers = list(booking.passengers.order_by("pk"))
        rng = self.rng
        reported = departs_at - datetime.timedelta(minutes=rng.randint(150, 175))
        steps = []
        for i, p in enumerate(passengers):
            t = reported + datetime.timedelta(minutes=i)
            steps += [(t, p, DeskStep.REPORTED, {}), (t + datetime.timedelta(minutes=12 + i), p, DeskStep.CHECKED_IN, {})]
            if p.person_id and services.desk.documents_due([p.person_id]):
                steps.append((t + datetime.timedelta(minutes=25 + i), p, DeskStep.DOCUMENTS, {}))
        if approved is not None:
            principal = next(p for p in passengers if p.person_id)
            steps.append((reported + datetime.timedelta(minutes=40), principal, DeskStep.CASH,
                          {"amount": str(approved.amount), "currency": approved.currency}))
        boarding = departs_at - datetime.timedelta(minutes=rng.randint(40, 55))
        steps += [(boarding + datetime.timedelta(minutes=i), p, DeskStep.BOARDED, {}) for i, p in enumerate(passengers)]
        return sorted(steps, key=lambda s: s[0])

    def _desk(self, booking_id: int, departs_at: datetime.datetime) -> None:
        """The desk's steps that have happened by now (a flight within three hours: partly done)."""
        desk = self.rng.choice(self.desk)
        for moment, passenger, step, extra in self._desk_plan(booking_id, departs_at):
            if moment >= self.now - datetime.timedelta(minutes=1):
                break
            self.call(moment, services.desk_step_record, actor=desk, passenger=passenger, step=step, **extra)

    def _no_show(self, trip: Trip, case: Case, booking_id: int) -> Booking:
        departs_at = trip.departs.replace(tzinfo=AMS)
        moment = departs_at - datetime.timedelta(minutes=70)
        for passenger in Booking.objects.get(pk=booking_id).passengers.order_by("pk"):
            self.call(moment, services.desk_step_record, actor=self.desk[1], passenger=passenger,
                      step=DeskStep.NO_SHOW, reason=NO_SHOW_REASON)
        self.call(departs_at + datetime.timedelta(minutes=25), services.booking_no_show, actor=self.desk[1],
                  booking=booking_id, reason=NO_SHOW_REASON, case_status=CaseStatus.READY_TO_DEPART)
        later = departs_at + datetime.timedelta(hours=2)
        self.call(later, services.itinerary_set, actor=self.movements, booking=booking_id,
                  segments=self.segments(case, trip.rebooked_to), reason="Rebooked after the no-show: next day.")
        self.call(later + datetime.timedelta(minutes=10), services.booking_transition, actor=self.movements,
                  booking=booking_id, to_status=BookingStatus.BOOKED)
        return self.call(later + datetime.timedelta(minutes=20), services.booking_transition, actor=self.movements,
                         booking=booking_id, to_status=BookingStatus.TICKETED)

    def _arrival(self, case: Case, booking_id: int, segments, left: datetime.datetime) -> None:
        last = segments[-1]
        arrived = last.arrives.replace(tzinfo=self._tz(last.destination)) + datetime.timedelta(
            minutes=self.rng.randint(5, 40))
        confirmed = arrived + datetime.timedelta(hours=self.rng.randint(2, 20))
        if confirmed >= self.now:
            return
        country = case.intended_destination or ""
        staff = self.receiving.get(country)
        if staff is not None:
            self.call(confirmed, services.arrival_confirm, actor=staff, booking=booking_id, arrived_at=arrived)
        else:
            self.call(confirmed, services.arrival_confirm, actor=self.movements, booking=booking_id,
                      arrived_at=arrived, reason="The family phoned the Amsterdam office after landing.")

    # ---------------------------------------------------------------- not return cases
    def airport(self, today: datetime.date) -> int:
        """Arrivals and transits at Schiphol that are not return cases, today and tomorrow; one group stranded
        overnight (a hotel and meals). Outcomes are recorded as far as the clock has got."""
        day = datetime.timedelta(days=1)
        reception = self.locations.get((LocationKind.RECEPTION_CENTRE, "Ter Apel"))
        flights = [
            # kind, programme, reference, (airline, flight, from, departs, arrives) local, onward, passengers
            (MovementKind.ARRIVAL, MovementProgramme.RESETTLEMENT, "RST-LB-0412",
             ("TK", "TK1951", "IST", (today, "06:40"), (today, "09:15")), None,
             [("Haddad", "Omar", "M", 1984, "SY"), ("Haddad", "Rania", "F", 1988, "SY"),
              ("Haddad", "Yusuf", "M", 2013, "SY"), ("Haddad", "Lina", "F", 2017, "SY")]),
            (MovementKind.ARRIVAL, MovementProgramme.FAMILY_REUNIFICATION, "FR-2026-118",
             ("KQ", "KQ116", "NBO", (today, "23:55"), (today + day, "06:10")), None,
             [("Abdi", "Hodan", "F", 1990, "SO"), ("Abdi", "Khadar", "M", 2016, "SO")]),
            (MovementKind.TRANSIT, MovementProgramme.RETURN_TRANSIT, "RT-IE-2291",
             ("EI", "EI602", "DUB", (today, "08:25"), (today, "11:05")), ("KL587", "LOS", (today, "13:50")),
             [("Okafor", "Chinedu", "M", 1979, "NG"), ("Okafor", "Ngozi", "F", 1983, "NG")]),
            (MovementKind.TRANSIT, MovementProgramme.RESETTLEMENT_TRANSIT, "RST-CA-0077",
             ("ET", "ET706", "ADD", (today - day, "15:10"), (today - day, "22:40")), ("KL691", "YYZ", (today, "10:25")),
             [("Tesfaye", "Selam", "F", 1992, "ER"), ("Tesfaye", "Dawit", "M", 2019, "ER"),
              ("Gebre", "Yonas", "M", 1987, "ER")]),
        ]
        created = 0
        for kind, programme, reference, inbound, onward, people in flights:
            airline, number, origin, (d1, t1), (d2, t2) = inbound
            arrives = datetime.datetime.combine(d2, datetime.time(*map(int, t2.split(":")))).replace(tzinfo=AMS)
            registered = min(arrives - 2 * day, self.now - datetime.timedelta(hours=1))
            flight = services.FlightInput(airline, number, origin, "AMS",
                                          datetime.datetime.combine(d1, datetime.time(*map(int, t1.split(":")))),
                                          arrives.replace(tzinfo=None))
            next_flight = None
            if onward:
                onward_number, destination, (d3, t3) = onward
                onward_departs = datetime.datetime.combine(d3, datetime.time(*map(int, t3.split(":"))))
                next_flight = services.FlightInput(onward_number[:2], onward_number, "AMS", destination,
                                                   onward_departs, onward_departs + datetime.timedelta(hours=6))
            movement = self.call(registered, services.movement_create, actor=self.movements, kind=kind,
                                 programme=programme, flight=flight, reference=reference, onward=next_flight)
            created += 1
            rows = [self.call(registered + datetime.timedelta(minutes=i + 1), services.movement_passenger_add,
                              actor=self.movements, movement=movement, family_name=family, given_names=given,
                              sex=sex, birth_year=year, nationality=nationality)
                    for i, (family, given, sex, year, nationality) in enumerate(people)]
            received = arrives + datetime.timedelta(minutes=25)
            if received >= self.now:
                continue
            for i, row in enumerate(rows):
                self.maybe(received + datetime.timedelta(minutes=i), services.movement_passenger_outcome,
                          actor=self.desk[2], passenger=row, outcome=MovementOutcome.RECEIVED)
            if kind == MovementKind.TRANSIT and arrives.hour >= 21:
                # The last connection had gone: a hotel night and breakfast, then the morning flight.
                for row in rows:
                    self.maybe(received + datetime.timedelta(minutes=30), services.stranded_care_record,
                              actor=self.desk[2], passenger=row, kind=StrandedCareKind.HOTEL, cost="89.00",
                              currency="EUR", note="Airport hotel, shuttle at 07:00.")
                    if received + datetime.timedelta(hours=9) < self.now:
                        self.call(received + datetime.timedelta(hours=9), services.stranded_care_record,
                                  actor=self.desk[2], passenger=row, kind=StrandedCareKind.MEAL, cost="14.50",
                                  currency="EUR", note="Breakfast voucher.")
            handed = received + datetime.timedelta(minutes=70)
            if handed >= self.now:
                continue
            for i, row in enumerate(rows):
                if kind == MovementKind.TRANSIT:
                    onward_at = onward_departs.replace(tzinfo=AMS) - datetime.timedelta(hours=2)
                    if onward_at < self.now:
                        self.call(max(handed, onward_at), services.movement_passenger_outcome, actor=self.desk[2],
                                  passenger=row, outcome=MovementOutcome.TO_CONNECTION)
                elif reception is not None:
                    self.maybe(handed + datetime.timedelta(minutes=i), services.movement_passenger_outcome,
                              actor=self.desk[2], passenger=row, outcome=MovementOutcome.TO_RECEPTION,
                              location=reception)
        return created


def load_movements(*, trips: list[Trip], cases: list[Case], staff: dict, missions: dict, locations: dict,
                   rng: random.Random) -> dict:
    """Play every trip for its case (in the order of ``plan``) and the airport's other movements. Returns what
    was made, for the loader's summary."""
    now = timezone.now()
    Project.objects.get_or_create(code=PROJECT["code"], defaults={
        "mission": missions["NL"], "name": PROJECT["name"], "funded_by": PROJECT["funded_by"],
        "starts_on": now.astimezone(AMS).date() - datetime.timedelta(days=730)})
    player = Player(staff=staff, missions=missions, locations=locations, rng=rng, now=now)
    bookings = [player.play(trip, Case.objects.get(pk=case.pk)) for trip, case in zip(trips, cases, strict=True)]
    movements = player.airport(now.astimezone(AMS).date())
    return {"bookings": len(bookings), "movements": movements, "service_calls": player.steps}
