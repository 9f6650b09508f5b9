"""Itineraries: flights in local time, connections, rebookings that keep every version, time changes."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.accounts.permissions import Action
from passage.audit.enums import AuditAction
from passage.core.errors import ServiceError, TransitionRefused
from passage.reference.models import Airport

from .. import notify, validation, workflow
from ..enums import BookingStatus, ItineraryLeg
from ..models import Booking, Escort, Itinerary, Segment, SegmentTimeChange
from ..selectors import minimum_connection_minutes
from ._base import B, _audit, _bump, _check_lengths, _lock, _not_found, _refuse, _require

MAX_FLIGHT = datetime.timedelta(hours=24)


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
    if leg == ItineraryLeg.MAIN and previous is not None and locked.status in workflow.HOLDS_CASE:
        notify.changed(locked, f"itinerary:{itinerary.pk}")
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
    if segment.itinerary.leg == ItineraryLeg.MAIN and locked.status in workflow.HOLDS_CASE:
        notify.changed(locked, f"timechange:{change.pk}")
    return segment
