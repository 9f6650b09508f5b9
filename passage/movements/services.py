"""Writes on bookings, itineraries, escorts, charters and assistance requests.

Each function is one transaction: it checks the actor's right and scope (only bookings of cases the actor
sees), the rules, then writes the new state, its history row and its audit row together, or nothing at all.
Rows are locked case first, then booking, everywhere, so two services never wait on each other in a circle.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.accounts.models import Mission
from passage.accounts.permissions import Action, user_can
from passage.audit.enums import AuditAction
from passage.audit.services import audit_record
from passage.cases.enums import CaseStatus
from passage.cases.models import Case
from passage.cases.selectors import cases_visible_to
from passage.cases.services import case_transition_by_movements
from passage.core.errors import ConcurrentEditError, ServiceError, TransitionRefused
from passage.people.enums import DocumentKind, DocumentStatus
from passage.people.models import Person, TravelDocument
from passage.reference.models import Airport

from . import validation, workflow
from .enums import (
    LIVE_BOOKING_STATUSES,
    AssistanceKind,
    AssistanceStatus,
    BookingStatus,
    CharterStatus,
    EscortKind,
    ItineraryLeg,
    SpecialService,
)
from .models import (
    AssistanceRequest,
    Booking,
    BookingStatusChange,
    Charter,
    CharterStatusChange,
    DocumentConfirmation,
    Escort,
    Itinerary,
    Passenger,
    Segment,
    SegmentTimeChange,
    SpecialAssistance,
)
from .selectors import minimum_connection_minutes

B = BookingStatus
MAX_FLIGHT = datetime.timedelta(hours=24)


def _require(actor, *actions: Action) -> None:
    if not any(user_can(actor, action) for action in actions):
        raise ServiceError(_("You are not allowed to do this."))


def _audit(actor, action, booking: Booking, obj=None, summary="", changes=None, person_id=None):
    return audit_record(actor=actor, action=action, obj=obj or booking, case_id=booking.case_id,
                        mission_id=booking.mission_id, person_id=person_id, summary=summary, changes=changes)


def _not_found() -> ServiceError:
    return ServiceError(_("This booking does not exist or you may not see it."))


def _lock_case(actor, case_or_id) -> Case:
    """The case, locked, if the actor may see it; otherwise refused as if it did not exist."""
    pk = getattr(case_or_id, "pk", case_or_id)
    try:
        return cases_visible_to(actor).select_for_update().get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise ServiceError(_("This case does not exist or you may not see it.")) from None


def _lock(actor, booking_or_id, version: int | None = None) -> Booking:
    """The booking, locked after its case, if the actor may see the case; refuses a stale ``version``."""
    pk = getattr(booking_or_id, "pk", booking_or_id)
    case_id = Booking.objects.filter(pk=pk).values_list("case_id", flat=True).first()
    if case_id is None:
        raise _not_found()
    try:
        case = _lock_case(actor, case_id)
    except ServiceError:
        raise _not_found() from None
    locked = Booking.objects.select_for_update().get(pk=pk)
    locked.case = case
    if version is not None and locked.version != version:
        raise ConcurrentEditError()
    return locked


def _bump(booking: Booking, fields: list[str]) -> None:
    booking.version = F("version") + 1
    booking.save(update_fields=[*fields, "version", "updated_at"])
    booking.refresh_from_db(fields=["version", "updated_at"])


def _refuse(errors: dict) -> None:
    if errors:
        raise ServiceError(_("Please correct the marked fields."), field_errors=errors)


def _check_lengths(model, errors: dict, **values) -> None:
    for name, value in values.items():
        limit = model._meta.get_field(name).max_length
        if value and len(value) > limit:
            errors[name] = _("At most %(n)s characters.") % {"n": limit}


# --- bookings ---------------------------------------------------------------------------------------------


@transaction.atomic
def booking_request(
    *,
    actor,
    case: Case | int,
    persons: list[Person] | None = None,
    project_code: str = "",
    remarks: str = "",
    charter: Charter | None = None,
    seats: int | None = None,
) -> Booking:
    """The advance booking notification: ask movements to book the departure of ``persons`` (default: the
    whole household) of a case that is ready to depart.

    Side effects: one passenger row per person; a status-history row (— → requested) and a CREATE audit row.
    """
    _require(actor, Action.BOOKING_REQUEST, Action.BOOKING_MANAGE)
    locked = _lock_case(actor, case)
    if locked.status != CaseStatus.READY_TO_DEPART:
        raise ServiceError(_("The case is “%(status)s”: a departure is booked only for a case that is ready to "
                             "depart.") % {"status": CaseStatus(locked.status).label})
    if Booking.objects.filter(case=locked, status__in=LIVE_BOOKING_STATUSES).exists():
        raise ServiceError(_("This case already has a booking in progress: change or cancel that one."))
    members = {m.person_id: m.person for m in locked.members.select_related("person")}
    chosen = list(members.values()) if persons is None else persons
    errors: dict = {}
    strangers = [p for p in chosen if p.pk not in members]
    if strangers:
        errors["persons"] = _("%(names)s is not a member of the household of this case.") % {
            "names": ", ".join(workflow.person_label(p) for p in strangers)}
    elif not chosen:
        errors["persons"] = _("Choose at least one member of the household.")
    project_code = validation.clean_code(project_code)
    if project_code and (msg := validation.project_code_error(project_code)):
        errors["project_code"] = msg
    remarks = (remarks or "").strip()
    _check_lengths(Booking, errors, remarks=remarks)
    seats = len(chosen) if seats is None else seats
    if charter is not None:
        charter = Charter.objects.select_for_update().get(pk=charter.pk)
        if charter.mission_id != locked.mission_id:
            errors["charter"] = _("This charter flight belongs to another mission.")
        elif charter.status not in (CharterStatus.PLANNED, CharterStatus.CONFIRMED):
            errors["charter"] = _("This charter flight is “%(status)s”: no more seats can be booked on it.") % {
                "status": CharterStatus(charter.status).label}
        else:
            taken = Booking.objects.filter(charter=charter, status__in=LIVE_BOOKING_STATUSES).aggregate(
                n=Sum("seats"))["n"] or 0
            if seats < len(chosen):
                errors["seats"] = _("Every passenger needs a seat: at least %(n)s.") % {"n": len(chosen)}
            elif taken + seats > charter.seats:
                errors["seats"] = _("The charter has %(free)s seats left.") % {"free": charter.seats - taken}
    _refuse(errors)
    now = timezone.now()
    booking = Booking.objects.create(
        mission_id=locked.mission_id, case=locked, charter=charter, seats=seats if charter else 0,
        status=B.REQUESTED, status_changed_at=now, project_code=project_code, remarks=remarks,
        requested_by=actor, requested_at=now,
    )
    Passenger.objects.bulk_create([Passenger(booking=booking, mission_id=booking.mission_id, person=p)
                                   for p in chosen])
    BookingStatusChange.objects.create(booking=booking, mission_id=booking.mission_id, from_status="",
                                       to_status=B.REQUESTED, at=now, by=actor)
    _audit(actor, AuditAction.CREATE, booking, summary=f"requested booking for case {locked.number}",
           changes={"status": [None, B.REQUESTED], "passengers": [None, sorted(p.pk for p in chosen)],
                    "charter": [None, charter.reference if charter else None]})
    return booking


@transaction.atomic
def booking_update(*, actor, booking: Booking | int, version: int, reference: str | None = None,
                   project_code: str | None = None, remarks: str | None = None) -> Booking:
    """Record the airline's booking reference (PNR), the project the costs go to, remarks."""
    _require(actor, Action.BOOKING_MANAGE)
    locked = _lock(actor, booking, version)
    if locked.status in (B.DEPARTED, B.CANCELLED):
        raise ServiceError(_("This booking is “%(status)s” and can no longer be changed.") % {
            "status": BookingStatus(locked.status).label})
    errors: dict = {}
    after = {"reference": locked.reference, "project_code": locked.project_code, "remarks": locked.remarks}
    if reference is not None:
        after["reference"] = validation.clean_code(reference)
        if after["reference"] and (msg := validation.pnr_error(after["reference"])):
            errors["reference"] = msg
    if project_code is not None:
        after["project_code"] = validation.clean_code(project_code)
        if after["project_code"] and (msg := validation.project_code_error(after["project_code"])):
            errors["project_code"] = msg
    if remarks is not None:
        after["remarks"] = remarks.strip()
        _check_lengths(Booking, errors, remarks=after["remarks"])
    _refuse(errors)
    changes = {k: [getattr(locked, k), v] for k, v in after.items() if getattr(locked, k) != v}
    if not changes:
        return locked
    for k, v in after.items():
        setattr(locked, k, v)
    _bump(locked, list(after))
    _audit(actor, AuditAction.UPDATE, locked, summary="changed booking", changes=changes)
    return locked


@transaction.atomic
def booking_transition(
    *,
    actor,
    booking: Booking | int,
    to_status: str,
    reason: str = "",
    version: int | None = None,
    case_status: str = CaseStatus.READY_TO_DEPART,
    review_on: datetime.date | None = None,
) -> Booking:
    """The only way a booking's status changes.

    Locks the case and the booking, refuses a move that is not in the table or whose guards are not met (the
    error lists what is missing, naming the passengers), and writes the new status, a BookingStatusChange row
    and a TRANSITION audit row in one transaction. Two simultaneous moves: the second waits for the locks,
    then finds the status changed and is refused.

    Side effects on the case, through ``case_transition_by_movements`` in the same transaction:
    - booked: the case moves from "ready to depart" to "booked" (``booked_by``/``booked_at`` are set);
    - cancelled or no-show of a booking that held the case: the case leaves "booked" for ``case_status``
      (ready to depart by default; preparation, on hold with ``review_on``, or withdrawn);
    - departed: the case moves to "departed".
    """
    _require(actor, Action.BOOKING_MANAGE)
    locked = _lock(actor, booking, version)
    if to_status not in B.values:
        raise TransitionRefused(_("Unknown status “%(status)s”.") % {"status": to_status})
    reason = (reason or "").strip()
    blockers = workflow.transition_blockers(locked, to_status)
    if to_status in workflow.REASON_REQUIRED and not reason:
        blockers.append(_("A reason."))
    limit = BookingStatusChange._meta.get_field("reason").max_length
    if len(reason) > limit:
        blockers.append(_("A shorter reason: at most %(n)s characters.") % {"n": limit})
    releases = to_status in (B.CANCELLED, B.NO_SHOW) and locked.status in workflow.HOLDS_CASE
    if releases and case_status not in workflow.CASE_AFTER_RELEASE:
        blockers.append(_("Where the case goes next: ready to depart, preparation, on hold or withdrawn."))
    if to_status == B.BOOKED and Booking.objects.filter(case_id=locked.case_id, status__in=LIVE_BOOKING_STATUSES
                                                        ).exclude(pk=locked.pk).exists():
        blockers.append(_("This case already has another booking in progress: cancel that one first."))
    if blockers:
        raise TransitionRefused(_("The booking cannot move to “%(to)s” yet. Missing:") % {
            "to": BookingStatus(to_status).label}, details=blockers)
    from_status = locked.status
    now = timezone.now()
    fields = ["status", "status_changed_at"]
    locked.status, locked.status_changed_at = to_status, now
    if to_status == B.BOOKED:
        locked.booked_by, locked.booked_at = actor, now
        fields += ["booked_by", "booked_at"]
    _bump(locked, fields)
    BookingStatusChange.objects.create(booking=locked, mission_id=locked.mission_id, from_status=from_status,
                                       to_status=to_status, at=now, by=actor, reason=reason)
    _audit(actor, AuditAction.TRANSITION, locked, summary=f"booking {from_status} → {to_status}",
           changes={"status": [from_status, to_status], "reason": [None, reason] if reason else None})
    case = locked.case
    if to_status == B.BOOKED:
        case_transition_by_movements(actor=actor, case=case, to_status=CaseStatus.BOOKED,
                                     reason=_("Booking %(ref)s") % {"ref": locked.reference})
    elif releases and case.status == CaseStatus.BOOKED:
        case_transition_by_movements(actor=actor, case=case, to_status=case_status, reason=reason,
                                     review_on=review_on)
    elif to_status == B.DEPARTED and case.status == CaseStatus.BOOKED:
        case_transition_by_movements(actor=actor, case=case, to_status=CaseStatus.DEPARTED,
                                     reason=_("Booking %(ref)s") % {"ref": locked.reference})
    return locked


# --- passengers -------------------------------------------------------------------------------------------


def _lock_passenger(actor, passenger: Passenger | int) -> tuple[Booking, Passenger]:
    pk = getattr(passenger, "pk", passenger)
    booking_id = Passenger.objects.filter(pk=pk).values_list("booking_id", flat=True).first()
    if booking_id is None:
        raise _not_found()
    locked = _lock(actor, booking_id)
    if locked.status in (B.DEPARTED, B.CANCELLED):
        raise ServiceError(_("This booking is “%(status)s” and can no longer be changed.") % {
            "status": BookingStatus(locked.status).label})
    return locked, Passenger.objects.select_related("person", "escort").get(pk=pk)


@transaction.atomic
def passenger_ticket_record(
    *,
    actor,
    passenger: Passenger | int,
    ticket_number: str,
    fare=None,
    taxes=None,
    currency: str = "",
    baggage_pieces: int | None = None,
    baggage_kg: int | None = None,
) -> Passenger:
    """The passenger's ticket: its number, fare and taxes in one currency, and the baggage allowance. The
    cost of the booking (the sum over its tickets) is recorded against the case and the booking's project."""
    _require(actor, Action.BOOKING_MANAGE)
    booking, passenger = _lock_passenger(actor, passenger)
    errors: dict = {}
    ticket_number = validation.clean_code(ticket_number)
    if msg := validation.ticket_error(ticket_number):
        errors["ticket_number"] = msg
    elif Passenger.objects.filter(ticket_number=ticket_number).exclude(pk=passenger.pk).exists():
        errors["ticket_number"] = _("This ticket number is already recorded for another passenger.")
    currency = validation.clean_code(currency)
    amounts = {}
    for name, value in (("fare", fare), ("taxes", taxes)):
        if value in (None, ""):
            amounts[name] = None
        elif msg := validation.amount_error(value):
            errors[name] = msg
        else:
            amounts[name] = Decimal(value)
    if any(v is not None for v in amounts.values()) or currency:
        if msg := validation.currency_error(currency):
            errors["currency"] = msg
        if amounts.get("fare") is None and "fare" not in errors:
            errors["fare"] = _("Give the fare with its currency.")
    for name, value in (("baggage_pieces", baggage_pieces), ("baggage_kg", baggage_kg)):
        if value is not None and not (isinstance(value, int) and 0 <= value <= 99):
            errors[name] = _("Give a whole number from 0 to 99.")
    _refuse(errors)
    before = {f: getattr(passenger, f) for f in ("ticket_number", "fare", "taxes", "currency", "baggage_pieces",
                                                 "baggage_kg")}
    after = {"ticket_number": ticket_number, "fare": amounts.get("fare"), "taxes": amounts.get("taxes"),
             "currency": currency, "baggage_pieces": baggage_pieces, "baggage_kg": baggage_kg}
    for k, v in after.items():
        setattr(passenger, k, v)
    passenger.save(update_fields=list(after))
    _bump(booking, [])
    _audit(actor, AuditAction.UPDATE, booking, obj=passenger, person_id=passenger.person_id,
           summary="recorded ticket", changes={k: [str(before[k]) if before[k] is not None else None,
                                                   str(v) if v is not None else None]
                                               for k, v in after.items() if before[k] != v})
    return passenger


@transaction.atomic
def passenger_medif_sent(*, actor, passenger: Passenger | int, sent_at: datetime.datetime) -> Passenger:
    """Record when the airline's medical information form (MEDIF) was sent for this passenger."""
    _require(actor, Action.BOOKING_MANAGE)
    booking, passenger = _lock_passenger(actor, passenger)
    if timezone.is_naive(sent_at) or sent_at > timezone.now():
        raise ServiceError(_("Please correct the marked fields."),
                           field_errors={"medif_sent_at": _("Give when it was sent; it cannot be in the future.")})
    old = passenger.medif_sent_at
    passenger.medif_sent_at = sent_at
    passenger.save(update_fields=["medif_sent_at"])
    _bump(booking, [])
    _audit(actor, AuditAction.UPDATE, booking, obj=passenger, person_id=passenger.person_id,
           summary="MEDIF sent", changes={"medif_sent_at": [old and old.isoformat(), sent_at.isoformat()]})
    return passenger


@transaction.atomic
def special_assistance_add(*, actor, passenger: Passenger | int, code: str, text: str = "") -> SpecialAssistance:
    """A special service request (IATA SSR code) for one passenger, with free text for the airline."""
    _require(actor, Action.BOOKING_MANAGE, Action.BOOKING_REQUEST)
    booking, passenger = _lock_passenger(actor, passenger)
    errors: dict = {}
    code = validation.clean_code(code)
    text = (text or "").strip()
    if code not in SpecialService.values:
        errors["code"] = _("“%(code)s” is not a special service code the organisation uses.") % {"code": code}
    elif passenger.assistance.filter(code=code).exists():
        errors["code"] = _("This special service is already requested for this passenger.")
    _check_lengths(SpecialAssistance, errors, text=text)
    if code == SpecialService.LANG and not text:
        errors["text"] = _("Give the language the passenger speaks.")
    _refuse(errors)
    row = SpecialAssistance.objects.create(passenger=passenger, mission_id=booking.mission_id, code=code, text=text,
                                           recorded_by=actor)
    _bump(booking, [])
    _audit(actor, AuditAction.CREATE, booking, obj=row, person_id=passenger.person_id,
           summary=f"special assistance {code}", changes={"code": [None, code], "text": [None, text]})
    return row


@transaction.atomic
def special_assistance_remove(*, actor, assistance: SpecialAssistance) -> None:
    _require(actor, Action.BOOKING_MANAGE)
    booking, passenger = _lock_passenger(actor, assistance.passenger_id)
    _audit(actor, AuditAction.DELETE, booking, obj=assistance, person_id=passenger.person_id,
           summary=f"special assistance {assistance.code} removed")
    assistance.delete()
    _bump(booking, [])


# --- escorts ----------------------------------------------------------------------------------------------


@transaction.atomic
def escort_add(
    *,
    actor,
    booking: Booking | int,
    kind: str,
    staff=None,
    external_name: str = "",
    organisation: str = "",
    cost=None,
    cost_currency: str = "",
    travels_with_passengers: bool = True,
) -> Escort:
    """An escort for the booking: a member of staff or an external person, with their cost. An escort who
    travels with the passengers becomes a passenger of the booking (ticket, special assistance); their own
    outbound and return journeys are itineraries of their own (``itinerary_set`` with ``escort``)."""
    _require(actor, Action.BOOKING_MANAGE)
    locked = _lock(actor, booking)
    if locked.status in (B.DEPARTED, B.CANCELLED, B.NO_SHOW):
        raise ServiceError(_("This booking is “%(status)s” and can no longer be changed.") % {
            "status": BookingStatus(locked.status).label})
    errors: dict = {}
    external_name, organisation = (external_name or "").strip(), (organisation or "").strip()
    cost_currency = validation.clean_code(cost_currency)
    if kind not in EscortKind.values:
        errors["kind"] = _("Choose medical, social or operational.")
    if staff is None and not external_name:
        errors["external_name"] = _("Choose a member of staff or give the escort's name.")
    elif staff is not None and external_name:
        errors["external_name"] = _("Either a member of staff or an external escort, not both.")
    elif staff is not None and (staff.mission_id != locked.mission_id or not staff.is_active):
        errors["staff"] = _("Choose an active member of staff of this mission.")
    _check_lengths(Escort, errors, external_name=external_name, organisation=organisation)
    if cost not in (None, ""):
        if msg := validation.amount_error(cost):
            errors["cost"] = msg
        if msg := validation.currency_error(cost_currency):
            errors["cost_currency"] = msg
    _refuse(errors)
    escort = Escort.objects.create(
        booking=locked, mission_id=locked.mission_id, kind=kind, staff=staff, external_name=external_name,
        organisation=organisation, cost=Decimal(cost) if cost not in (None, "") else None,
        cost_currency=cost_currency if cost not in (None, "") else "", recorded_by=actor,
    )
    if travels_with_passengers:
        Passenger.objects.create(booking=locked, mission_id=locked.mission_id, escort=escort)
    _bump(locked, [])
    _audit(actor, AuditAction.CREATE, locked, obj=escort, summary=f"added {kind} escort",
           changes={"escort": [None, str(escort)], "cost": [None, f"{escort.cost} {escort.cost_currency}".strip()
                                                             if escort.cost is not None else None]})
    return escort


# --- itineraries ------------------------------------------------------------------------------------------


@dataclass
class SegmentInput:
    """One flight as staff enter it: times on the local clock of the airport (or aware datetimes)."""

    airline: str
    flight_number: str
    origin: str
    destination: str
    departs: datetime.datetime | None
    arrives: datetime.datetime | None


def _validate_segments(segments: list[SegmentInput]) -> list[dict]:
    """Clean rows for ``Segment``, or a ServiceError with one message per field ("segments-<n>-<field>")."""
    errors: dict = {}
    if not segments:
        raise ServiceError(_("Please correct the marked fields."),
                           field_errors={"segments": _("Give at least one flight.")})
    codes = {validation.clean_code(c) for s in segments for c in (s.origin, s.destination)}
    airports = {a.iata: a for a in Airport.objects.filter(iata__in=codes)}
    rows: list[dict] = []
    for i, seg in enumerate(segments):
        key = f"segments-{i}-"
        row: dict = {"position": i + 1}
        airline, flight = validation.clean_code(seg.airline), validation.clean_code(seg.flight_number)
        if msg := validation.airline_error(airline):
            errors[key + "airline"] = msg
        if msg := validation.flight_number_error(flight, airline if key + "airline" not in errors else ""):
            errors[key + "flight_number"] = msg
        row.update(airline=airline, flight_number=flight)
        for field in ("origin", "destination"):
            code = validation.clean_code(getattr(seg, field))
            if code not in airports:
                errors[key + field] = _("“%(code)s” is not a known IATA airport code.") % {"code": code}
            else:
                row[field] = airports[code]
        if row.get("origin") and row.get("origin") == row.get("destination"):
            errors[key + "destination"] = _("A flight goes from one airport to another.")
        for field, airport_field in (("departs", "origin"), ("arrives", "destination")):
            value = getattr(seg, field)
            if not isinstance(value, datetime.datetime):
                errors[key + field] = _("Give the date and the local time.")
            elif row.get(airport_field):
                try:
                    row[f"{field}_at"] = validation.to_utc(value, row[airport_field].tz)
                except validation.LocalTimeError as exc:
                    errors[key + field] = str(exc)
        if "departs_at" in row and "arrives_at" in row:
            if row["arrives_at"] <= row["departs_at"]:
                errors[key + "arrives"] = _("The arrival is before the departure (both in local time).")
            elif row["arrives_at"] - row["departs_at"] > MAX_FLIGHT:
                errors[key + "arrives"] = _("The flight would take more than 24 hours: check the dates.")
        rows.append(row)
    for i in range(1, len(rows)):
        prev, row = rows[i - 1], rows[i]
        key = f"segments-{i}-"
        if prev.get("destination") and row.get("origin") and row["origin"] != prev["destination"]:
            errors.setdefault(key + "origin", _("Flight %(n)s must leave from %(airport)s, where flight %(m)s "
                                                "arrives.") % {"n": i + 1, "m": i, "airport": prev["destination"].iata})
        if prev.get("arrives_at") and row.get("departs_at") and row["departs_at"] <= prev["arrives_at"]:
            errors.setdefault(key + "departs", _("Flight %(n)s leaves before flight %(m)s has arrived.")
                              % {"n": i + 1, "m": i})
    _refuse(errors)
    return rows


def _connections(rows: list) -> None:
    """Set the connection time before each segment and flag those below the airport's minimum (a warning)."""
    get = (lambda r, k: r[k]) if rows and isinstance(rows[0], dict) else getattr
    minimums = minimum_connection_minutes(get(r, "origin").iata for r in rows)
    for i, row in enumerate(rows):
        minutes, below = None, False
        if i:
            minutes = int((get(row, "departs_at") - get(rows[i - 1], "arrives_at")).total_seconds() // 60)
            below = minutes < minimums[get(row, "origin").iata]
        if isinstance(row, dict):
            row["connection_minutes"], row["connection_below_minimum"] = minutes, below
        else:
            row.connection_minutes, row.connection_below_minimum = minutes, below


@transaction.atomic
def itinerary_set(
    *,
    actor,
    booking: Booking | int,
    segments: list[SegmentInput],
    reason: str = "",
    leg: str = ItineraryLeg.MAIN,
    escort: Escort | None = None,
    version: int | None = None,
) -> Itinerary:
    """The flights of a journey. The first call makes version 1; every later call is a rebooking: it makes a
    new version, needs a reason, and keeps every earlier version (marked superseded), never an overwrite.

    Refused per field: an unknown airport, a flight number that is not one, an arrival before the departure,
    flights that do not chain. A connection below the airport's minimum is flagged, not refused. When the
    booking is already booked or ticketed, the passengers must still meet every guard on the new dates.
    """
    _require(actor, Action.BOOKING_MANAGE)
    locked = _lock(actor, booking, version)
    if locked.status not in workflow.REBOOKABLE:
        raise ServiceError(_("A booking that is “%(status)s” cannot be rebooked.") % {
            "status": BookingStatus(locked.status).label})
    if (leg == ItineraryLeg.MAIN) != (escort is None) or leg not in ItineraryLeg.values:
        raise ServiceError(_("An escort's own journey is outbound or return; the main journey has no escort."))
    if escort is not None and escort.booking_id != locked.pk:
        raise ServiceError(_("This escort belongs to another booking."))
    rows = _validate_segments(segments)
    reason = (reason or "").strip()
    previous = locked.itineraries.filter(leg=leg, escort=escort, superseded_at__isnull=True).first()
    if previous is not None and not reason:
        raise ServiceError(_("Please correct the marked fields."),
                           field_errors={"reason": _("Give the reason for the rebooking.")})
    errors: dict = {}
    _check_lengths(Itinerary, errors, reason=reason)
    _refuse(errors)
    _connections(rows)
    now = timezone.now()
    number = (locked.itineraries.filter(leg=leg, escort=escort).order_by("-version")
              .values_list("version", flat=True).first() or 0) + 1
    if previous is not None:
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])
    itinerary = Itinerary.objects.create(booking=locked, mission_id=locked.mission_id, leg=leg, escort=escort,
                                         version=number, reason=reason, created_by=actor, created_at=now)
    Segment.objects.bulk_create([
        Segment(itinerary=itinerary, mission_id=locked.mission_id, position=r["position"], airline=r["airline"],
                flight_number=r["flight_number"], origin=r["origin"], destination=r["destination"],
                scheduled_departs_at=r["departs_at"], scheduled_arrives_at=r["arrives_at"],
                departs_at=r["departs_at"], arrives_at=r["arrives_at"], connection_minutes=r["connection_minutes"],
                connection_below_minimum=r["connection_below_minimum"])
        for r in rows
    ])
    if leg == ItineraryLeg.MAIN and locked.status in workflow.HOLDS_CASE:
        _refuse_unmet_guards(locked, list(itinerary.segments.select_related("origin", "destination")))
    _bump(locked, [])
    _audit(actor, AuditAction.CREATE if previous is None else AuditAction.UPDATE, locked, obj=itinerary,
           summary=f"itinerary v{number}" + (" (rebooking)" if previous else ""),
           changes={"flights": [None, [f"{r['flight_number']} {r['origin'].iata}-{r['destination'].iata} "
                                       f"{r['departs_at'].isoformat()}" for r in rows]],
                    "reason": [None, reason] if reason else None})
    return itinerary


def _refuse_unmet_guards(booking: Booking, segments: list[Segment]) -> None:
    missing = workflow.passenger_guards(booking, segments)
    if missing:
        raise TransitionRefused(_("The passengers cannot travel on these flights yet. Missing:"), details=missing)


@transaction.atomic
def segment_time_change(
    *, actor, segment: Segment | int, departs: datetime.datetime, arrives: datetime.datetime, reason: str
) -> Segment:
    """The airline changed a flight's times: the change is a row (old and new times, who, when, why) and the
    segment shows the new times; the times as booked are kept. Connections are recomputed and the chain is
    checked again (a later flight cannot now leave before this one arrives)."""
    _require(actor, Action.BOOKING_MANAGE)
    pk = getattr(segment, "pk", segment)
    booking_id = Segment.objects.filter(pk=pk).values_list("itinerary__booking_id", flat=True).first()
    if booking_id is None:
        raise _not_found()
    locked = _lock(actor, booking_id)
    segment = Segment.objects.select_related("itinerary", "origin", "destination").get(pk=pk)
    if segment.itinerary.superseded_at is not None:
        raise ServiceError(_("This flight belongs to an earlier version of the itinerary; change the current one."))
    if locked.status in (B.DEPARTED, B.CANCELLED):
        raise ServiceError(_("This booking is “%(status)s” and can no longer be changed.") % {
            "status": BookingStatus(locked.status).label})
    reason = (reason or "").strip()
    errors: dict = {}
    if not reason:
        errors["reason"] = _("Give the reason for the change (e.g. the airline's schedule change).")
    _check_lengths(SegmentTimeChange, errors, reason=reason)
    _refuse(errors)
    all_segments = list(segment.itinerary.segments.select_related("origin", "destination").order_by("position"))
    inputs = [SegmentInput(s.airline, s.flight_number, s.origin_id, s.destination_id,
                           departs if s.pk == pk else s.departs_at, arrives if s.pk == pk else s.arrives_at)
              for s in all_segments]
    try:
        rows = _validate_segments(inputs)
    except ServiceError as exc:
        prefix = f"segments-{segment.position - 1}-"
        exc.field_errors = {k.removeprefix(prefix): v for k, v in exc.field_errors.items()}
        raise
    mine = rows[segment.position - 1]
    if (mine["departs_at"], mine["arrives_at"]) == (segment.departs_at, segment.arrives_at):
        raise ServiceError(_("Please correct the marked fields."),
                           field_errors={"departs": _("These are the times already recorded.")})
    now = timezone.now()
    change = SegmentTimeChange.objects.create(
        segment=segment, mission_id=segment.mission_id, old_departs_at=segment.departs_at,
        new_departs_at=mine["departs_at"], old_arrives_at=segment.arrives_at, new_arrives_at=mine["arrives_at"],
        reason=reason, by=actor, at=now)
    for s in all_segments:
        if s.pk == pk:
            s.departs_at, s.arrives_at = mine["departs_at"], mine["arrives_at"]
            segment = s
    _connections(all_segments)
    Segment.objects.bulk_update(all_segments, ["departs_at", "arrives_at", "connection_minutes",
                                               "connection_below_minimum"])
    if segment.itinerary.leg == ItineraryLeg.MAIN and locked.status in workflow.HOLDS_CASE:
        _refuse_unmet_guards(locked, all_segments)
    _bump(locked, [])
    _audit(actor, AuditAction.UPDATE, locked, obj=change, summary=f"time change {segment.flight_number}",
           changes={"departs_at": [change.old_departs_at.isoformat(), change.new_departs_at.isoformat()],
                    "arrives_at": [change.old_arrives_at.isoformat(), change.new_arrives_at.isoformat()],
                    "reason": [None, reason]})
    return segment


# --- travel documents -------------------------------------------------------------------------------------


@transaction.atomic
def document_confirmation_record(
    *, actor, document: TravelDocument, authority: str, valid_from: datetime.date, valid_until: datetime.date,
    confirmed_on: datetime.date | None = None,
) -> DocumentConfirmation:
    """The embassy or authority confirmed that the requested emergency travel document or laissez-passer will
    be issued for travel in [valid_from, valid_until]: the passenger may be booked for those dates."""
    _require(actor, Action.BOOKING_MANAGE, Action.DOCUMENT_EDIT)
    visible = cases_visible_to(actor).filter(members__person_id=document.person_id)
    case = visible.select_for_update().first()
    if case is None:
        raise ServiceError(_("This document does not exist or you may not see it."))
    errors: dict = {}
    authority = (authority or "").strip()
    confirmed_on = confirmed_on or timezone.localdate()
    if document.kind not in (DocumentKind.EMERGENCY_TRAVEL_DOCUMENT, DocumentKind.LAISSEZ_PASSER):
        errors["document"] = _("Only an emergency travel document or a laissez-passer is confirmed in advance.")
    elif document.status != DocumentStatus.REQUESTED:
        errors["document"] = _("Only a requested document is confirmed in advance; this one is “%(status)s”.") % {
            "status": DocumentStatus(document.status).label}
    if not authority:
        errors["authority"] = _("Give the embassy or authority that confirmed it.")
    _check_lengths(DocumentConfirmation, errors, authority=authority)
    if valid_until < valid_from:
        errors["valid_until"] = _("The period ends before it begins.")
    if confirmed_on > timezone.localdate():
        errors["confirmed_on"] = _("This date cannot be in the future.")
    _refuse(errors)
    row = DocumentConfirmation.objects.create(document=document, mission_id=document.mission_id, authority=authority,
                                              valid_from=valid_from, valid_until=valid_until,
                                              confirmed_on=confirmed_on, recorded_by=actor)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=row, case_id=case.pk, mission_id=case.mission_id,
                 person_id=document.person_id, summary=f"{document.kind} confirmed for travel",
                 changes={"valid_from": [None, valid_from.isoformat()], "valid_until": [None, valid_until.isoformat()]})
    return row


# --- assistance at the transit and destination airports ---------------------------------------------------


@transaction.atomic
def assistance_request(
    *, actor, booking: Booking | int, kind: str, airport: str, to_mission: Mission, note: str = ""
) -> AssistanceRequest:
    """Ask the mission at a transit or destination airport of the current journey to assist the passengers."""
    _require(actor, Action.BOOKING_MANAGE)
    locked = _lock(actor, booking)
    if locked.status in (B.DEPARTED, B.CANCELLED, B.NO_SHOW):
        raise ServiceError(_("This booking is “%(status)s” and can no longer be changed.") % {
            "status": BookingStatus(locked.status).label})
    errors: dict = {}
    code = validation.clean_code(airport)
    note = (note or "").strip()
    itinerary = workflow.current_itinerary(locked)
    segments = list(itinerary.segments.all()) if itinerary else []
    transits = {s.origin_id for s in segments[1:]}
    final = segments[-1].destination_id if segments else None
    if kind not in AssistanceKind.values:
        errors["kind"] = _("Choose transit assistance or meet-and-assist on arrival.")
    elif kind == AssistanceKind.TRANSIT and code not in transits:
        errors["airport"] = _("%(code)s is not a transit airport of this journey.") % {"code": code}
    elif kind == AssistanceKind.MEET_AND_ASSIST and code != final:
        errors["airport"] = _("%(code)s is not where this journey arrives.") % {"code": code}
    elif locked.assistance_requests.filter(kind=kind, airport_id=code, status__in=[
            AssistanceStatus.REQUESTED, AssistanceStatus.CONFIRMED]).exists():
        errors["airport"] = _("This assistance is already requested.")
    if to_mission.pk == locked.mission_id:
        errors["to_mission"] = _("Ask the mission at that airport, not your own.")
    _check_lengths(AssistanceRequest, errors, note=note)
    _refuse(errors)
    row = AssistanceRequest.objects.create(booking=locked, mission_id=locked.mission_id, kind=kind, airport_id=code,
                                           to_mission=to_mission, note=note, requested_by=actor,
                                           requested_at=timezone.now())
    _bump(locked, [])
    _audit(actor, AuditAction.CREATE, locked, obj=row, summary=f"{kind} requested of {to_mission.code} at {code}",
           changes={"status": [None, AssistanceStatus.REQUESTED]})
    return row


@transaction.atomic
def assistance_request_respond(*, actor, request: AssistanceRequest, confirm: bool, note: str = ""
                               ) -> AssistanceRequest:
    """The receiving mission confirms or declines: only its own staff answer, and only a request not yet
    answered. A declined request stays on record; the sending mission asks again or arranges otherwise."""
    _require(actor, Action.ASSISTANCE_RESPOND)
    locked = AssistanceRequest.objects.select_for_update().filter(pk=request.pk, to_mission_id=actor.mission_id
                                                                  ).first() if actor.mission_id else None
    if locked is None:
        raise ServiceError(_("This request does not exist or was not made to your mission."))
    if locked.status != AssistanceStatus.REQUESTED:
        raise ServiceError(_("This request was already answered: %(status)s.") % {
            "status": AssistanceStatus(locked.status).label})
    note = (note or "").strip()
    errors: dict = {}
    if not confirm and not note:
        errors["response_note"] = _("Say why the request is declined.")
    _check_lengths(AssistanceRequest, errors, response_note=note)
    _refuse(errors)
    new = AssistanceStatus.CONFIRMED if confirm else AssistanceStatus.DECLINED
    locked.status, locked.responded_by, locked.responded_at, locked.response_note = new, actor, timezone.now(), note
    locked.save(update_fields=["status", "responded_by", "responded_at", "response_note"])
    booking = Booking.objects.only("pk", "case_id", "mission_id").get(pk=locked.booking_id)
    _audit(actor, AuditAction.TRANSITION, booking, obj=locked, summary=f"{locked.kind} {new}",
           changes={"status": [AssistanceStatus.REQUESTED, new], "note": [None, note] if note else None})
    return locked


# --- charters ---------------------------------------------------------------------------------------------

CHARTER_MOVES: dict[str, frozenset[str]] = {
    CharterStatus.PLANNED: frozenset({CharterStatus.CONFIRMED, CharterStatus.CANCELLED}),
    CharterStatus.CONFIRMED: frozenset({CharterStatus.DEPARTED, CharterStatus.CANCELLED}),
    CharterStatus.DEPARTED: frozenset(),
    CharterStatus.CANCELLED: frozenset(),
}


@transaction.atomic
def charter_create(
    *, actor, reference: str, airline: str, flight_number: str, origin: str, destination: str,
    departs: datetime.datetime, arrives: datetime.datetime, seats: int,
) -> Charter:
    """A charter flight of the actor's mission, in status "planned"; cases' bookings then take seats on it."""
    _require(actor, Action.BOOKING_MANAGE)
    if not actor.mission_id:
        raise ServiceError(_("You are not allowed to do this."))
    errors: dict = {}
    reference = (reference or "").strip()
    if not reference:
        errors["reference"] = _("This field is required.")
    elif Charter.objects.filter(reference=reference).exists():
        errors["reference"] = _("A charter flight with this reference exists already.")
    _check_lengths(Charter, errors, reference=reference)
    if not isinstance(seats, int) or not 1 <= seats <= 999:
        errors["seats"] = _("Give the number of seats, from 1 to 999.")
    try:
        [row] = _validate_segments([SegmentInput(airline, flight_number, origin, destination, departs, arrives)])
    except ServiceError as exc:
        errors.update({k.removeprefix("segments-0-"): v for k, v in exc.field_errors.items()})
    _refuse(errors)
    now = timezone.now()
    charter = Charter.objects.create(
        mission_id=actor.mission_id, reference=reference, airline=row["airline"], flight_number=row["flight_number"],
        origin=row["origin"], destination=row["destination"], departs_at=row["departs_at"],
        arrives_at=row["arrives_at"], seats=seats, status=CharterStatus.PLANNED, status_changed_at=now,
        created_by=actor)
    CharterStatusChange.objects.create(charter=charter, mission_id=charter.mission_id, from_status="",
                                       to_status=CharterStatus.PLANNED, at=now, by=actor)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=charter, mission_id=charter.mission_id,
                 summary=f"charter {reference}", changes={"seats": [None, seats]})
    return charter


@transaction.atomic
def charter_transition(*, actor, charter: Charter, to_status: str, reason: str = "") -> Charter:
    """The only way a charter's status changes: locked, checked against ``CHARTER_MOVES``, with a history row
    and an audit row. A charter is cancelled only once no live booking holds a seat on it."""
    _require(actor, Action.BOOKING_MANAGE)
    locked = Charter.objects.select_for_update().filter(pk=charter.pk, mission_id=actor.mission_id).first()
    if locked is None:
        raise ServiceError(_("This charter flight does not exist or belongs to another mission."))
    reason = (reason or "").strip()
    blockers = []
    if to_status not in CHARTER_MOVES.get(locked.status, ()):
        blockers.append(_("A charter flight cannot move from “%(from)s” to “%(to)s”.") % {
            "from": CharterStatus(locked.status).label,
            "to": CharterStatus(to_status).label if to_status in CharterStatus.values else to_status})
    elif to_status == CharterStatus.CANCELLED:
        if not reason:
            blockers.append(_("A reason."))
        live = Booking.objects.filter(charter=locked, status__in=LIVE_BOOKING_STATUSES).count()
        if live:
            blockers.append(_("%(n)s bookings still hold seats on it: rebook or cancel them first.") % {"n": live})
    if blockers:
        raise TransitionRefused(_("The charter flight cannot move yet. Missing:"), details=blockers)
    from_status, now = locked.status, timezone.now()
    locked.status, locked.status_changed_at = to_status, now
    locked.version = F("version") + 1
    locked.save(update_fields=["status", "status_changed_at", "version"])
    locked.refresh_from_db(fields=["version"])
    CharterStatusChange.objects.create(charter=locked, mission_id=locked.mission_id, from_status=from_status,
                                       to_status=to_status, at=now, by=actor, reason=reason)
    audit_record(actor=actor, action=AuditAction.TRANSITION, obj=locked, mission_id=locked.mission_id,
                 summary=f"charter {from_status} → {to_status}", changes={"status": [from_status, to_status]})
    return locked
