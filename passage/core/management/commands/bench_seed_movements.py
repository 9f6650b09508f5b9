"""Seed a year of movements for ``make bench``, on top of ``bench_seed``'s cases: the busiest year's passengers
times ten (46,350 departures, 81,330 transits and 19,700 arrivals, the proportions of 4,635 / 8,133 / 1,970), with
a peak day of 1,400 departing passengers at AMS (``PEAK_DAY``, the day before ``TODAY``, as it stood while the desk
worked: bookings ticketed or checked in, a part of the passengers reported).

Departures are bookings of return cases (closed cases for the eleven months before ``TODAY``, cases ready to
depart from then on, and on the peak day): the household as passengers, escorts on 3 % of bookings (with their own journey back), an
itinerary of one or two segments (8 % rebooked: the first version kept, superseded), status history, tickets and
fares, special assistance on 5 % of passengers, an approved cash contribution on 70 % of cases, documents in our
custody for 40 % of bookings (received, and handed over at the gate once departed), and the desk's steps
(reported, checked in, documents and cash handed over, boarded; no-shows). Transits and arrivals are groups of 1–12 passengers on their flights, with
what became of them (and a meal or a hotel night when the connection is the next day).

Every row is made here in Python from a fixed seed and sent with COPY (about a million rows in well under a
minute); foreign-key triggers are off for the session (the rows are consistent by construction), the whole seed
is one transaction, and the tables are analysed after. Idempotent: a comment on ``movements_booking`` records what
was seeded, and the same seed over the same cases does nothing; otherwise the movements tables are emptied first.
"""

import datetime
import random
import time
import zoneinfo
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction

from passage.accounts.models import Mission, User
from passage.movements import models as mv
from passage.reference.models import Project

VERSION = 4
TODAY = datetime.date(2026, 12, 1)
YEAR_START, YEAR_END = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)
PEAK_DAY = datetime.date(2026, 11, 30)  # the day before TODAY, its desk work in the past (no undo open)
PEAK_PASSENGERS = 1_400
DEPARTURES, TRANSITS, ARRIVALS = 46_350, 81_330, 19_700
GROUP_SIZES = [1, 2, 3, 4, 5, 6, 8, 12, 2, 3, 4, 10]  # transit and arrival groups, mean 5

# Departure routes: (flight, origin, destination, local time of departure, minutes in the air, connection or None)
# with the connection as (flight, destination, minutes on the ground, minutes in the air).
ROUTES = [
    ("TK1952", "AMS", "IST", "06:50", 215, ("TK378", "TBS", 125, 150)),
    ("TK1954", "AMS", "IST", "10:15", 215, ("TK234", "EBL", 110, 165)),
    ("TK1956", "AMS", "IST", "13:05", 215, ("TK880", "IKA", 140, 210)),
    ("TK1958", "AMS", "IST", "17:20", 215, None),
    ("PC1252", "AMS", "SAW", "07:30", 220, ("PC820", "EVN", 95, 140)),
    ("PC1254", "AMS", "SAW", "15:40", 220, None),
    ("EK148", "AMS", "DXB", "14:30", 390, ("EK640", "KBL", 180, 165)),
    ("QR274", "AMS", "DOH", "15:05", 380, ("QR458", "BGW", 150, 150)),
    ("RJ126", "AMS", "AMM", "12:35", 290, None),
    ("MS758", "AMS", "CAI", "13:40", 285, None),
    ("AT801", "AMS", "CMN", "09:25", 205, None),
    ("AH2013", "AMS", "ALG", "11:10", 165, None),
    ("TU751", "AMS", "TUN", "16:45", 160, None),
    ("ME234", "AMS", "BEY", "10:40", 270, None),
    ("ET567", "AMS", "ADD", "21:35", 450, ("ET308", "NBO", 120, 130)),
    ("KL589", "AMS", "LOS", "10:55", 390, None),
    ("KL591", "AMS", "ACC", "09:35", 385, None),
    ("KQ117", "AMS", "NBO", "20:55", 500, None),
    ("J2076", "AMS", "GYD", "11:50", 285, None),
    ("JU361", "AMS", "BEG", "08:05", 135, None),
    ("TK1960", "AMS", "IST", "20:40", 215, ("TK360", "ASB", 160, 200)),
    ("A3611", "AMS", "TIA", "07:10", 160, None),
    ("KL1807", "AMS", "FRA", "06:20", 70, ("LH1330", "SKP", 135, 125)),
    ("HV6911", "AMS", "TBS", "12:05", 285, None),
    ("W64323", "EIN", "TIA", "09:40", 160, None),
    ("W64385", "EIN", "SKP", "13:20", 155, None),
    ("W64403", "EIN", "BEG", "18:05", 140, None),
]
# Transits through AMS and arrivals there: (flight in, origin, minutes in the air, connecting flight, destination)
TRANSIT_ROUTES = [
    ("KL872", "DEL", 540, "KL6035", "YUL"), ("KL566", "NBO", 500, "KL691", "YYZ"), ("TK1951", "IST", 230, "KL641",
     "JFK"), ("KL428", "AMM", 300, "KL6021", "IAD"), ("KL552", "ADD", 480, "KL1121", "ARN"),
    ("QR273", "DOH", 400, "KL1143", "OSL"), ("KL880", "BEY", 285, "KL1205", "HEL"), ("EK147", "DXB", 410, "KL1305",
     "BRU"), ("KL592", "ACC", 390, "KL601", "LAX"), ("KL874", "ISB", 520, "KL6047", "ORD"),
]
ARRIVAL_ROUTES = [
    ("KL428", "AMM", 300), ("KL880", "BEY", 285), ("TK1951", "IST", 230), ("KL566", "NBO", 500),
    ("KL552", "ADD", 480), ("EK147", "DXB", 410), ("MS757", "CAI", 290), ("KL562", "EBB", 520),
]
SPECIAL = [("WCHR", ""), ("WCHS", ""), ("MEDA", "Insulin in the cabin bag"), ("UMNR", ""),
           ("LANG", "Tigrinya"), ("BLND", ""), ("DEAF", ""), ("WCHR", "Own folding wheelchair")]
HELD_AT = ["Office safe, The Hague", "Airport desk safe", "Office safe, Ter Apel"]
ESCORT_KINDS = ["medical", "social", "operational"]
NATIONALITIES = ["SY", "AF", "ER", "SO", "SD", "IQ", "YE", "CD", "SS", "VE"]

# Emptied before a new seed: every movements table but the reference one (minimum connection times).
KEEP = ("movements_minimumconnectiontime",)
UTC = datetime.UTC


class Command(BaseCommand):
    help = "Seed a year of movements (departures, transits, arrivals; a 1,400-passenger peak day) for make bench."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0,
                            help="a fraction of the year's passengers (and of the peak day's); 1 for make bench")

    def handle(self, *args, scale=1.0, **options):
        self.peak_target = round(PEAK_PASSENGERS * scale)
        self.departures_target = round(DEPARTURES * scale)
        self.transits_target, self.arrivals_target = round(TRANSITS * scale), round(ARRIVALS * scale)
        if connection.vendor != "postgresql":
            raise CommandError("bench_seed_movements needs PostgreSQL (DATABASE_URL).")
        with connection.cursor() as cur:
            cur.execute("SELECT obj_description('cases_case'::regclass, 'pg_class')")
            cases_marker = cur.fetchone()[0] or ""
            if not cases_marker.startswith("passage bench seed:"):
                raise CommandError("Seed the cases first (manage.py bench_seed).")
            cur.execute("SELECT obj_description('movements_booking'::regclass, 'pg_class')")
            marker = cur.fetchone()[0] or ""
            cur.execute("SELECT count(*) FROM movements_booking")
            have = cur.fetchone()[0]
        # The cases seed empties the movements tables when it reseeds (TRUNCATE ... CASCADE): hence the count too.
        seed = f"passage bench movements v{VERSION} x{scale:g} over {cases_marker}"
        if marker.startswith(f"{seed}:") and marker.endswith(
                f": {have} bookings"):
            self.stdout.write(f"Movements already seeded ({have:,} bookings); nothing to do.")
            return
        started = time.monotonic()
        self.rng = random.Random(2026)
        self.timings: list[tuple[str, float]] = []
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'movements%%' "
                        "AND NOT tablename = ANY(%s)", [list(KEEP)])
            tables = [row[0] for row in cur.fetchall()]
            cur.execute("TRUNCATE " + ", ".join(tables) + " RESTART IDENTITY")
            cur.execute("SET LOCAL session_replication_role = replica")  # no FK triggers: consistent by construction
            cur.execute("SET LOCAL synchronous_commit = off")
            self.mission = Mission.objects.get(code="NL").pk
            staff = dict(User.objects.filter(username__in=["movements", "movements02", "movements03", "operations"])
                         .values_list("username", "pk"))
            self.desk_staff = [staff["movements"], staff["movements02"], staff["movements03"]]
            self.officer, self.operations = staff["movements"], staff["operations"]
            self.tz = {code: zoneinfo.ZoneInfo(tz) for code, tz in
                       mv.Airport.objects.values_list("iata", "tz")}
            self.now = datetime.datetime.combine(TODAY, datetime.time(8), tzinfo=UTC)
            # The costs of every booking are recorded against the mission's return project of the year.
            self.project, _created = Project.objects.get_or_create(code="AVRR-NL-2026", defaults={
                "mission_id": self.mission, "name": "Assisted voluntary return 2026", "funded_by": "Ministry",
                "starts_on": YEAR_START, "ends_on": YEAR_END})
            bookings = self._plan_bookings(cur)
            self._departures(cur, bookings)
            movements = self._movements(cur)
            cur.execute("SET session_replication_role = origin")
            models = [mv.Booking, mv.BookingStatusChange, mv.Itinerary, mv.Segment, mv.Passenger, mv.Escort,
                      mv.SpecialAssistance, mv.DeskEvent, mv.CustodyEvent, mv.CashContribution, mv.Movement,
                      mv.MovementPassenger, mv.StrandedCare]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cur.execute(sql)
            cur.execute(f"COMMENT ON TABLE movements_booking IS '{seed}: {len(bookings)} bookings'")
        with connection.cursor() as cur:
            self._timed("analyse", lambda: cur.execute("ANALYZE " + ", ".join(tables) + ", people_traveldocument"))
        for label, seconds in self.timings:
            self.stdout.write(f"  {label:<28} {seconds:7.1f} s")
        self.stdout.write(f"Seeded {len(bookings):,} bookings ({self.departing:,} departing passengers, "
                          f"{self.peak:,} of them on {PEAK_DAY} at AMS) and {movements:,} transits and arrivals "
                          f"({self.moving:,} passengers) in {time.monotonic() - started:.0f} s.")

    # --- helpers ------------------------------------------------------------------------------------------------

    def _timed(self, label, fn):
        t = time.monotonic()
        result = fn()
        self.timings.append((label, time.monotonic() - t))
        return result

    def _copy(self, cur, table: str, columns: list[str], rows) -> int:
        n = 0
        with cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                n += 1
        return n

    def _at(self, day: datetime.date, hhmm: str, airport: str) -> datetime.datetime:
        hh, mm = map(int, hhmm.split(":"))
        return datetime.datetime.combine(day, datetime.time(hh, mm), tzinfo=self.tz[airport]).astimezone(UTC)

    # --- departures ---------------------------------------------------------------------------------------------

    def _plan_bookings(self, cur) -> list[dict]:
        """Which cases travel on which day: ready-to-depart cases from TODAY on (the peak day first), closed ones
        before; a booking per case with its household, escorts counted as passengers."""
        cur.execute("""
            SELECT c.id, c.status, array_agg(m.person_id ORDER BY m.relationship <> 'principal', m.person_id)
            FROM cases_case c JOIN cases_casemember m ON m.case_id = c.id
            WHERE c.mission_id = %s AND c.status IN ('ready_to_depart', 'closed') GROUP BY c.id ORDER BY c.id
        """, [self.mission])
        ready, closed = [], []
        for case_id, status, members in cur.fetchall():
            (ready if status == "ready_to_depart" else closed).append((case_id, members))
        self.rng.shuffle(ready)
        self.rng.shuffle(closed)
        rng = self.rng
        bookings: list[dict] = []

        def take(pool, day_of, total):
            """Households from ``pool`` until exactly ``total`` passengers (one that does not fit is set aside)."""
            count, aside = 0, []
            while count < total and pool:
                case_id, members = pool.pop()
                escort = rng.random() < 0.03
                size = len(members) + escort
                if count + size > total:
                    aside.append((case_id, members))
                    continue
                bookings.append({"case": case_id, "members": members, "escort": escort, "day": day_of()})
                count += size
            pool.extend(aside)
            return count

        self.peak = take(ready, lambda: PEAK_DAY, self.peak_target)
        future = [TODAY + datetime.timedelta(days=i) for i in range((YEAR_END - TODAY).days + 1)]
        past = [YEAR_START + datetime.timedelta(days=i) for i in range((TODAY - YEAR_START).days)]
        past = [d for d in past if d != PEAK_DAY]
        per_day = (self.departures_target - self.peak_target) / (len(future) + len(past))
        future_count = take(ready, lambda: rng.choice(future), round(per_day * len(future)))
        past_count = take(closed, lambda: rng.choice(past), self.departures_target - self.peak_target - future_count)
        self.departing = self.peak + future_count + past_count
        by_origin = {}
        for r in ROUTES:
            by_origin.setdefault(r[1], []).append(r)
        for number, b in enumerate(sorted(bookings, key=lambda b: (b["day"], b["case"])), start=1):
            b["id"] = number
            b["route"] = rng.choice(by_origin["AMS"] if b["day"] == PEAK_DAY or rng.random() < 0.9
                                    else by_origin["EIN"])
            day = b["day"]
            if day == PEAK_DAY:
                b["status"] = "checked_in" if rng.random() < 0.3 else "ticketed"
            elif day >= TODAY:
                b["status"] = rng.choices(["requested", "booked", "ticketed"], [10, 15, 75])[0]
            else:
                b["status"] = rng.choices(["departed", "no_show", "cancelled"], [95, 2, 3])[0]
            b["rebooked"] = rng.random() < 0.08
            b["cash"] = Decimal(50 * rng.randint(2, 10)) if rng.random() < 0.7 else None
            b["custody"] = rng.random() < 0.4
            b["requested_at"] = self._at(day - datetime.timedelta(days=rng.randint(20, 40)), "10:00", "AMS")
        return sorted(bookings, key=lambda b: b["id"])

    def _segments(self, b, day):
        """The segments of one itinerary version: (position, flight, origin, destination, departs, arrives,
        connection minutes)."""
        flight, origin, dest, hhmm, minutes, connection_ = b["route"]
        departs = self._at(day, hhmm, origin)
        arrives = departs + datetime.timedelta(minutes=minutes)
        out = [(1, flight, origin, dest, departs, arrives, None)]
        if connection_:
            flight2, final, ground, minutes2 = connection_
            departs2 = arrives + datetime.timedelta(minutes=ground)
            out.append((2, flight2, dest, final, departs2, departs2 + datetime.timedelta(minutes=minutes2), ground))
        return out

    def _departures(self, cur, bookings):
        rng = self.rng
        t = time.monotonic()
        order = ["requested", "booked", "ticketed", "checked_in"]
        booking_rows, changes, itineraries, segments, escorts, passengers = [], [], [], [], [], []
        assistance, desk, custody, cash, documents_of = [], [], [], [], {}
        person_ids = [p for b in bookings if b["custody"] for p in b["members"]]
        cur.execute("SELECT person_id, id FROM people_traveldocument WHERE person_id = ANY(%s) ORDER BY id",
                    [person_ids])
        for person_id, doc_id in cur.fetchall():
            documents_of.setdefault(person_id, doc_id)
        doc_custody: dict[int, str] = {}
        passenger_id = itinerary_id = escort_id = desk_id = custody_id = 0
        for b in bookings:
            day, status = b["day"], b["status"]
            first = self._segments(b, day)
            departs = first[0][4]
            requested = b["requested_at"]
            booked = requested + datetime.timedelta(days=2) if status != "requested" else None
            reference = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6)) if booked else ""
            departed_at = departs + datetime.timedelta(minutes=rng.randint(0, 25)) if status == "departed" else None
            final = status if status in ("departed", "no_show", "cancelled") else None
            path = order[:order.index(status) + 1] if status in order else order[:3] + [final]
            at = requested
            for i, step in enumerate(path):
                if i:
                    at = {"booked": booked, "ticketed": booked + datetime.timedelta(days=1),
                          "checked_in": departs - datetime.timedelta(hours=2),
                          "departed": departed_at, "no_show": departs - datetime.timedelta(minutes=30),
                          "cancelled": booked + datetime.timedelta(days=5)}[step]
                changes.append((b["id"], self.mission, path[i - 1] if i else "", step, at, self.officer,
                                "Did not come to the airport." if step == "no_show" else ""))
            booking_rows.append((b["id"], b["case"], self.mission, status, at, reference, self.project.pk,
                                 self.project.code, "",
                                 self.officer, requested, self.officer if booked else None, booked, departed_at,
                                 1, requested, at, 0, ""))
            # Itineraries: a rebooking keeps the first version, superseded.
            versions = [(1, first)]
            if b["rebooked"]:
                versions = [(1, self._segments(b, day - datetime.timedelta(days=2))), (2, first)]
            for version, segs in versions:
                itinerary_id += 1
                created = requested + datetime.timedelta(days=version)
                superseded = created + datetime.timedelta(days=1) if version < len(versions) else None
                current = itinerary_id  # the desk's steps belong to the current journey
                itineraries.append((itinerary_id, b["id"], self.mission, "main", None, version,
                                    "Flight cancelled by the airline." if version > 1 else "", self.officer,
                                    created, superseded))
                for position, flight, origin, dest, dep, arr, ground in segs:
                    segments.append((itinerary_id, self.mission, position, flight[:2], flight, origin, dest, dep, arr,
                                     dep, arr, ground, False))
            ticketed = status not in ("requested", "booked")
            members = [(p, None) for p in b["members"]]
            if b["escort"]:
                escort_id += 1
                kind = ESCORT_KINDS[escort_id % 3]
                escorts.append((escort_id, b["id"], self.mission, kind, None, f"Escort {escort_id:04d}",
                                "Medical Escort Services" if kind == "medical" else "", Decimal("450.00"), "EUR",
                                self.officer, requested))
                members.append((None, escort_id))
                itinerary_id += 1
                itineraries.append((itinerary_id, b["id"], self.mission, "escort_back", escort_id, 1, "",
                                    self.officer, requested, None))
                back = departs + datetime.timedelta(days=2)
                segments.append((itinerary_id, self.mission, 1, first[-1][1][:2], first[-1][1], first[-1][3], "AMS",
                                 back, back + datetime.timedelta(minutes=300), back,
                                 back + datetime.timedelta(minutes=300), None, False))
            for index, (person, escort) in enumerate(members):
                passenger_id += 1
                pid = passenger_id
                ticket = f"235{pid:010d}" if ticketed else ""
                passengers.append((pid, b["id"], self.mission, person, escort, ticket,
                                   Decimal("389.00") if ticketed else None, Decimal("112.40") if ticketed else None,
                                   "EUR" if ticketed else "", 1, 23, None))
                if person and rng.random() < 0.05:
                    code, text = rng.choice(SPECIAL)
                    assistance.append((pid, self.mission, code, text, self.officer))
                doc = documents_of.get(person) if person and b["custody"] else None
                if doc:
                    custody_id += 1
                    custody.append((custody_id, doc, self.mission, "received", "holder", "", None,
                                    HELD_AT[doc % 3], "with_organisation", None, None, None, "",
                                    requested, self.officer, requested))
                    doc_custody[doc] = "with_organisation"
                # The desk's steps: all of them for a departed booking, a part of them on the peak day.
                steps = []
                if status == "departed":
                    steps = ["reported", "checked_in"] + (["documents"] if doc else []) + (
                        ["cash"] if index == 0 and b["cash"] else []) + ["boarded"]
                elif status == "no_show":
                    steps = ["no_show"]
                elif day == PEAK_DAY:
                    if status == "checked_in":
                        steps = ["reported", "checked_in"] + (["documents"] if doc and rng.random() < 0.5 else [])
                    elif rng.random() < 0.4:
                        steps = ["reported"]
                for minutes, step in zip((180, 160, 150, 140, 40), steps, strict=False):
                    desk_id += 1
                    at = departs - datetime.timedelta(minutes=minutes if step != "no_show" else 30)
                    amount = b["cash"] if step == "cash" else None
                    desk.append((desk_id, b["id"], pid, current, self.mission, step, amount, "EUR" if amount else "",
                                 "Did not come to the airport." if step == "no_show" else "", None, None, at,
                                 self.desk_staff[pid % 3]))
                    if step == "documents":
                        custody_id += 1
                        custody.append((custody_id, doc, self.mission, "handed_over", "gate", "", None, "",
                                        "handed_over", pid, desk_id, None, "", at, self.desk_staff[pid % 3], at))
                        doc_custody[doc] = "handed_over"
            if b["cash"]:
                cash.append((b["case"], None, self.mission, b["cash"], "EUR", "", self.operations,
                             requested + datetime.timedelta(days=5), None))
        self.timings.append(("departures (plan)", time.monotonic() - t))
        t = time.monotonic()
        self._copy(cur, "movements_booking", [
            "id", "case_id", "mission_id", "status", "status_changed_at", "reference", "project_id", "project_code",
            "remarks",
            "requested_by_id", "requested_at", "booked_by_id", "booked_at", "departed_at", "version", "created_at",
            "updated_at", "seats", "arrival_reason"], booking_rows)
        self._copy(cur, "movements_bookingstatuschange", [
            "booking_id", "mission_id", "from_status", "to_status", "at", "by_id", "reason"], changes)
        self._copy(cur, "movements_escort", [
            "id", "booking_id", "mission_id", "kind", "staff_id", "external_name", "organisation", "cost",
            "cost_currency", "recorded_by_id", "created_at"], escorts)
        self._copy(cur, "movements_itinerary", [
            "id", "booking_id", "mission_id", "leg", "escort_id", "version", "reason", "created_by_id", "created_at",
            "superseded_at"], itineraries)
        self._copy(cur, "movements_segment", [
            "itinerary_id", "mission_id", "position", "airline", "flight_number", "origin_id", "destination_id",
            "scheduled_departs_at", "scheduled_arrives_at", "departs_at", "arrives_at", "connection_minutes",
            "connection_below_minimum"], segments)
        self._copy(cur, "movements_passenger", [
            "id", "booking_id", "mission_id", "person_id", "escort_id", "ticket_number", "fare", "taxes", "currency",
            "baggage_pieces", "baggage_kg", "medif_sent_at"], passengers)
        self._copy(cur, "movements_specialassistance", [
            "passenger_id", "mission_id", "code", "text", "recorded_by_id"], assistance)
        self._copy(cur, "movements_deskevent", [
            "id", "booking_id", "passenger_id", "itinerary_id", "mission_id", "step", "amount", "currency", "reason",
            "undoes_id",
            "undone_at", "at", "by_id"], desk)
        self._copy(cur, "movements_custodyevent", [
            "id", "document_id", "mission_id", "kind", "party", "party_name", "location_id", "held_at", "custody",
            "passenger_id", "desk_event_id", "undoes_id", "note", "at", "recorded_by_id", "recorded_at"], custody)
        self._copy(cur, "movements_cashcontribution", [
            "case_id", "booking_id", "mission_id", "amount", "currency", "note", "approved_by_id", "approved_at",
            "superseded_at"], cash)
        # The documents' own custody, in step with their latest event (as the services keep it).
        cur.execute("CREATE TEMP TABLE bench_doc_custody (id bigint PRIMARY KEY, custody text) ON COMMIT DROP")
        self._copy(cur, "bench_doc_custody", ["id", "custody"], doc_custody.items())
        cur.execute("UPDATE people_traveldocument d SET custody = c.custody FROM bench_doc_custody c WHERE d.id = c.id")
        self.timings.append((f"departures ({len(booking_rows) + len(changes) + len(itineraries) + len(segments) + len(passengers) + len(desk) + len(custody):,} rows)",
                             time.monotonic() - t))

    # --- transits and arrivals ----------------------------------------------------------------------------------

    def _movements(self, cur) -> int:
        rng = self.rng
        t = time.monotonic()
        cur.execute("SELECT family_name, given_names, sex, birth_year FROM people_person ORDER BY id LIMIT 50000")
        names = cur.fetchall()
        days = [YEAR_START + datetime.timedelta(days=i) for i in range((YEAR_END - YEAR_START).days + 1)]
        movement_rows, passenger_rows, care_rows = [], [], []
        movement_id = passenger_id = 0
        for kind, total in (("transit", self.transits_target), ("arrival", self.arrivals_target)):
            count = 0
            while count < total:
                size = min(rng.choice(GROUP_SIZES), total - count)
                count += size
                movement_id += 1
                day = rng.choice(days)
                arrives = self._at(day, f"{rng.randint(5, 21):02d}:{rng.choice(['05', '20', '35', '50'])}", "AMS")
                if kind == "transit":
                    flight, origin, minutes, onward, destination = rng.choice(TRANSIT_ROUTES)
                    onward_at = arrives + datetime.timedelta(minutes=rng.choice([90, 150, 240, 420, 900, 1260]))
                    programme = rng.choice(["return_transit", "resettlement_transit"])
                else:
                    flight, origin, minutes = rng.choice(ARRIVAL_ROUTES)
                    onward, destination, onward_at = "", None, None
                    programme = rng.choice(["resettlement", "relocation", "family_reunification"])
                departs = arrives - datetime.timedelta(minutes=minutes)
                movement_rows.append((movement_id, self.mission, kind, programme, f"MV-2026-{movement_id:05d}",
                                      flight[:2], flight, origin, "AMS", departs, arrives, onward, destination,
                                      onward_at, self.officer, departs - datetime.timedelta(days=14), 1))
                past = arrives < self.now
                nationality = NATIONALITIES[movement_id % len(NATIONALITIES)]
                stranded = onward_at is not None and onward_at.astimezone(self.tz["AMS"]).date() != day
                for _ in range(size):
                    passenger_id += 1
                    family, given, sex, birth_year = names[(passenger_id * 7919) % len(names)]
                    if not past:
                        outcome = "expected"
                    elif kind == "transit":
                        outcome = "to_connection"
                    else:
                        outcome = "to_reception" if rng.random() < 0.7 else "to_family"
                    passenger_rows.append((passenger_id, movement_id, self.mission, None, family, given, sex,
                                           birth_year, nationality, outcome, None,
                                           "Family member" if outcome == "to_family" else "",
                                           arrives + datetime.timedelta(minutes=45) if past else None,
                                           self.desk_staff[passenger_id % 3] if past else None))
                    if stranded and past:
                        care_rows.append((passenger_id, self.mission, "hotel", Decimal("119.00"), "EUR",
                                          "Airport hotel, one night", self.officer, arrives))
        self.moving = passenger_id
        self._copy(cur, "movements_movement", [
            "id", "mission_id", "kind", "programme", "reference", "airline", "flight_number", "origin_id",
            "airport_id", "departs_at", "arrives_at", "onward_flight_number", "onward_destination_id",
            "onward_departs_at", "created_by_id", "created_at", "version"], movement_rows)
        self._copy(cur, "movements_movementpassenger", [
            "id", "movement_id", "mission_id", "person_id", "family_name", "given_names", "sex", "birth_year",
            "nationality", "outcome", "handed_to_location_id", "handed_to_name", "outcome_at", "outcome_by_id"],
            passenger_rows)
        self._copy(cur, "movements_strandedcare", [
            "passenger_id", "mission_id", "kind", "cost", "currency", "note", "arranged_by_id", "arranged_at"],
            care_rows)
        self.timings.append((f"transits and arrivals ({len(movement_rows) + len(passenger_rows):,} rows)",
                             time.monotonic() - t))
        return len(movement_rows)
