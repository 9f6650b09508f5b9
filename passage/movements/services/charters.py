"""Charter flights: one flight, many cases' bookings, one status. The charter's departure and cancellation move
its bookings (docs/decisions/0008-a-charter-moves-its-bookings.md)."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from passage.accounts.permissions import Action, user_can
from passage.audit.enums import AuditAction
from passage.audit.services import audit_record
from passage.cases.enums import CaseStatus
from passage.cases.selectors import cases_visible_to
from passage.core.errors import ConcurrentEditError, ServiceError, TransitionRefused

from .. import workflow
from ..enums import LIVE_BOOKING_STATUSES, BookingStatus, CharterStatus, DeskStep
from ..models import Booking, Charter, CharterStatusChange, DeskEvent
from ._base import B, _audit, _bump, _check_lengths, _lock, _refuse, _require
from .itineraries import SegmentInput, _validate_segments, itinerary_set

CHARTER_MOVES: dict[str, frozenset[str]] = {
    CharterStatus.PLANNED: frozenset({CharterStatus.CONFIRMED, CharterStatus.CANCELLED}),
    CharterStatus.CONFIRMED: frozenset({CharterStatus.DEPARTED, CharterStatus.CANCELLED}),
    CharterStatus.DEPARTED: frozenset(),
    CharterStatus.CANCELLED: frozenset(),
}

# Seats are taken on a charter in one of these.
BOOKABLE_CHARTER = frozenset({CharterStatus.PLANNED, CharterStatus.CONFIRMED})


@dataclass
class CharterMove:
    """What a charter's move did to its bookings."""

    charter: Charter
    departed: list[Booking] = field(default_factory=list)
    no_show: list[Booking] = field(default_factory=list)
    cancelled: list[Booking] = field(default_factory=list)
    # "NAME (case number)" of every passenger who did not board, in booking order.
    did_not_board: list[str] = field(default_factory=list)


def seats_taken(charter: Charter | int, *, exclude: Booking | None = None) -> int:
    """Seats held on the charter by its bookings in progress."""
    qs = Booking.objects.filter(charter=charter, status__in=LIVE_BOOKING_STATUSES)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.aggregate(n=Sum("seats"))["n"] or 0


def seats_error(charter: Charter, wanted: int, *, exclude: Booking | None = None) -> str | None:
    """Why ``wanted`` seats cannot be taken on the (locked) charter, or None."""
    free = charter.seats - seats_taken(charter, exclude=exclude)
    if wanted <= free:
        return None
    if free <= 0:
        return ngettext("The charter flight is full: its only seat is taken.",
                        "The charter flight is full: all its %(seats)s seats are taken.",
                        charter.seats) % {"seats": charter.seats}
    return ngettext("Only %(free)s seat is left on the charter flight.",
                    "Only %(free)s seats are left on the charter flight.", free) % {"free": free}


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
    reference = (reference or "").strip().upper()
    if not reference:
        errors["reference"] = _("This field is required.")
    elif Charter.objects.filter(reference=reference).exists():
        errors["reference"] = _("A charter flight with this reference exists already.")
    _check_lengths(Charter, errors, reference=reference)
    if not isinstance(seats, int) or isinstance(seats, bool) or not 1 <= seats <= 999:
        errors["seats"] = _("Give the number of seats, from 1 to 999.")
    try:
        [row] = _validate_segments([SegmentInput(airline, flight_number, origin, destination, departs, arrives)])
    except ServiceError as exc:
        errors.update({k.removeprefix("segments-0-"): v for k, v in exc.field_errors.items()})
    else:
        if row["departs_at"] <= timezone.now():
            errors["departs"] = _("A charter flight is planned ahead: its departure cannot be in the past.")
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


def _label(passenger, case) -> str:
    name = workflow.person_label(passenger.person) if passenger.person_id else str(passenger.escort)
    return f"{name} ({case.number})"


def charter_move_blockers(actor, charter: Charter, to_status: str, reason: str | None = None) -> list[str]:
    """What stands in the way of the move, without locking (the charter page shows it before the click, without
    the reason, ``None``; the move checks again under the locks)."""
    if to_status not in CHARTER_MOVES.get(charter.status, ()):
        return [_("A charter flight cannot move from “%(from)s” to “%(to)s”.") % {
            "from": CharterStatus(charter.status).label,
            "to": CharterStatus(to_status).label if to_status in CharterStatus.values else to_status}]
    blockers = []
    live = Booking.objects.filter(charter=charter, status__in=LIVE_BOOKING_STATUSES)
    if to_status in (CharterStatus.DEPARTED, CharterStatus.CANCELLED):
        hidden = live.exclude(case__in=cases_visible_to(actor)).count()
        if hidden:
            blockers.append(ngettext(
                "%(n)s booking on it is of a case you may not see: a colleague cleared for it makes this move.",
                "%(n)s bookings on it are of cases you may not see: a colleague cleared for them makes this move.",
                hidden) % {"n": hidden})
    if to_status == CharterStatus.DEPARTED:
        if not user_can(actor, Action.DESK_RECORD):
            blockers.append(_("The departure is confirmed by the movements staff at the airport."))
    if to_status == CharterStatus.CANCELLED:
        if reason is not None and not reason.strip():
            blockers.append(_("A reason."))
        boarded = DeskEvent.objects.filter(booking__in=live, step=DeskStep.BOARDED, undone_at__isnull=True,
                                           itinerary__superseded_at__isnull=True).count()
        if boarded:
            blockers.append(ngettext(
                "%(n)s passenger has boarded: the flight is leaving, it cannot be cancelled.",
                "%(n)s passengers have boarded: the flight is leaving, it cannot be cancelled.",
                boarded) % {"n": boarded})
    return blockers


@transaction.atomic
def charter_transition(*, actor, charter: Charter | int, to_status: str, reason: str = "",
                       version: int | None = None, departed_at: datetime.datetime | None = None) -> CharterMove:
    """The only way a charter's status changes: locked, checked against ``CHARTER_MOVES``, with a history row
    and an audit row; its bookings move with it, in the same transaction.

    - departed (movements staff at the airport, ``desk.record``): every checked-in booking with a passenger on
      board has its departure confirmed through ``departure_confirm`` (booking and case "departed", the outbox
      event "case.departed"); a passenger who did not board is recorded at the desk as not showing. A booking
      nobody of which boarded (checked in or ticketed) moves to "no-show" (``booking_no_show``); one never ticketed is
      cancelled; both release their case to "ready to depart" so it can be rebooked. If any booking cannot
      depart (documents still in our custody, the cash contribution not handed over) nothing moves and every
      reason is listed, naming the case.
    - cancelled (with a reason; refused once someone boarded): every booking in progress is cancelled with the
      charter's reason and its case released to "ready to depart" (history rows of booking and case).

    Locks: the cases of the charter's bookings (in id order), then the charter, then each booking: the order
    every booking service keeps (case before booking and charter), so no two moves wait on each other in a
    circle. A booking taken onto the charter between the read and the lock is refused as a concurrent change.
    """
    _require(actor, Action.BOOKING_MANAGE)
    pk = getattr(charter, "pk", charter)
    moves_bookings = to_status in (CharterStatus.DEPARTED, CharterStatus.CANCELLED)
    case_ids: set[int] = set()
    if moves_bookings:
        case_ids = set(Booking.objects.filter(charter_id=pk, status__in=LIVE_BOOKING_STATUSES)
                       .values_list("case_id", flat=True))
        # Locked in id order; cases the actor may not see stay unlocked and are refused below.
        list(cases_visible_to(actor).filter(pk__in=case_ids).order_by("pk").select_for_update()
             .values_list("pk", flat=True))
    locked = Charter.objects.select_for_update().filter(pk=pk, mission_id=actor.mission_id).first()
    if locked is None:
        raise ServiceError(_("This charter flight does not exist or belongs to another mission."))
    if version is not None and locked.version != version:
        raise ConcurrentEditError()
    reason = (reason or "").strip()
    blockers = charter_move_blockers(actor, locked, to_status, reason)
    limit = CharterStatusChange._meta.get_field("reason").max_length
    if len(reason) > limit:
        blockers.append(_("A shorter reason: at most %(n)s characters.") % {"n": limit})
    if blockers:
        raise TransitionRefused(_("The charter flight cannot move yet. Missing:"), details=blockers)
    bookings = list(Booking.objects.filter(charter=locked, status__in=LIVE_BOOKING_STATUSES).order_by("pk"))
    if moves_bookings and {b.case_id for b in bookings} - case_ids:
        raise ConcurrentEditError(_("A booking was put on this charter flight meanwhile: look at the charter "
                                    "again, then make the move."))
    when = departed_at
    if to_status == CharterStatus.DEPARTED and departed_at is not None and (
            timezone.is_naive(departed_at) or departed_at > timezone.now()):
        raise ServiceError(_("Please correct the marked fields."),
                           field_errors={"departed_at": _("Give the actual time; it cannot be in the future.")})
    result = CharterMove(charter=locked)
    if to_status == CharterStatus.DEPARTED:
        _depart_bookings(actor, locked, bookings, when, result)
    elif to_status == CharterStatus.CANCELLED:
        why = (_("Charter flight %(ref)s cancelled: %(reason)s") % {"ref": locked.reference, "reason": reason}
               )[:limit]
        for booking in bookings:
            result.cancelled.append(booking_transition_on_charter(actor, booking, B.CANCELLED, why))
    from_status, now = locked.status, timezone.now()
    locked.status, locked.status_changed_at = to_status, now
    locked.version = F("version") + 1
    locked.save(update_fields=["status", "status_changed_at", "version"])
    locked.refresh_from_db(fields=["version"])
    CharterStatusChange.objects.create(charter=locked, mission_id=locked.mission_id, from_status=from_status,
                                       to_status=to_status, at=now, by=actor, reason=reason)
    audit_record(actor=actor, action=AuditAction.TRANSITION, obj=locked, mission_id=locked.mission_id,
                 summary=f"charter {from_status} → {to_status}",
                 changes={"status": [from_status, to_status], "reason": [None, reason] if reason else None,
                          "bookings": {"departed": [b.pk for b in result.departed],
                                       "no_show": [b.pk for b in result.no_show],
                                       "cancelled": [b.pk for b in result.cancelled]} if moves_bookings else None})
    return result


def booking_transition_on_charter(actor, booking: Booking, to_status: str, reason: str) -> Booking:
    from .bookings import booking_transition

    return booking_transition(actor=actor, booking=booking.pk, to_status=to_status, reason=reason,
                              case_status=CaseStatus.READY_TO_DEPART)


def _depart_bookings(actor, charter: Charter, bookings: list[Booking], when, result: CharterMove) -> None:
    from .departures import departure_confirm
    from .desk import booking_no_show, desk_step_record, journey_id

    not_boarded = _("Did not board the charter flight %(ref)s") % {"ref": charter.reference}
    refused: list[str] = []
    for booking in bookings:
        booking = _lock(actor, booking.pk)
        passengers = list(booking.passengers.select_related("person", "escort__staff").order_by("pk"))
        steps: dict[int, set[str]] = {}
        for passenger_id, step in DeskEvent.objects.filter(booking=booking, itinerary_id=journey_id(booking),
                                                           undone_at__isnull=True).exclude(
                step=DeskStep.UNDO).values_list("passenger_id", "step"):
            steps.setdefault(passenger_id, set()).add(step)
        boarded = [p for p in passengers if DeskStep.BOARDED in steps.get(p.pk, set())]
        missing = [p for p in passengers if p not in boarded]
        result.did_not_board += [_label(p, booking.case) for p in missing]
        if booking.status in (B.CHECKED_IN, B.TICKETED):
            # At the desk, whoever did not board did not show; then the booking departs, or is a no-show.
            for p in missing:
                if DeskStep.NO_SHOW not in steps.get(p.pk, set()):
                    desk_step_record(actor=actor, passenger=p, step=DeskStep.NO_SHOW, reason=not_boarded)
        if booking.status == B.CHECKED_IN and boarded:
            try:
                result.departed.append(departure_confirm(actor=actor, booking=booking.pk, departed_at=when))
            except TransitionRefused as exc:
                refused += [f"{booking.case.number}: {d}" for d in exc.details] or [
                    f"{booking.case.number}: {exc.message}"]
        elif booking.status in (B.CHECKED_IN, B.TICKETED):
            result.no_show.append(booking_no_show(actor=actor, booking=booking.pk, reason=not_boarded,
                                                  case_status=CaseStatus.READY_TO_DEPART))
        else:
            why = _("The charter flight %(ref)s left without this booking (it was “%(status)s”).") % {
                "ref": charter.reference, "status": BookingStatus(booking.status).label}
            result.cancelled.append(booking_transition_on_charter(actor, booking, B.CANCELLED, why))
    if refused:
        raise TransitionRefused(_("The departure of the charter flight cannot be confirmed yet. Missing:"),
                                details=refused)


@transaction.atomic
def booking_charter_set(*, actor, booking: Booking | int, charter: Charter, seats: int | None = None,
                        reason: str = "", version: int | None = None) -> Booking:
    """Put a booking on a charter flight (or change its seats on the one it is on).

    Seats: at least one per passenger, never more than the charter has free; checked under the charter's row
    lock (case, booking, then charter), so two bookings cannot both take the last seat. Moving onto another
    charter is a rebooking: a new itinerary version with the charter's flight (``itinerary_set``, with its
    reason and guards). Audited."""
    _require(actor, Action.BOOKING_MANAGE)
    locked = _lock(actor, booking, version)
    if locked.status not in workflow.REBOOKABLE:
        raise ServiceError(_("A booking that is “%(status)s” cannot be rebooked.") % {
            "status": BookingStatus(locked.status).label})
    target = Charter.objects.select_for_update().filter(pk=getattr(charter, "pk", charter)).first()
    errors: dict = {}
    passengers = locked.passengers.count()
    seats = passengers if seats in (None, "") else seats
    if target is None or target.mission_id != locked.mission_id:
        errors["charter"] = _("This charter flight belongs to another mission.")
    elif target.status not in BOOKABLE_CHARTER:
        errors["charter"] = _("This charter flight is “%(status)s”: no more seats can be booked on it.") % {
            "status": CharterStatus(target.status).label}
    elif target.departs_at <= timezone.now():
        errors["charter"] = _("This charter flight has already left.")
    elif not isinstance(seats, int) or seats < passengers:
        errors["seats"] = _("Every passenger needs a seat: at least %(n)s.") % {"n": passengers}
    elif msg := seats_error(target, seats, exclude=locked if locked.charter_id == target.pk else None):
        errors["seats"] = msg
    _refuse(errors)
    before = {"charter": locked.charter.reference if locked.charter_id else None, "seats": locked.seats}
    if locked.charter_id != target.pk:
        itinerary_set(actor=actor, booking=locked.pk, reason=reason, segments=[SegmentInput(
            target.airline, target.flight_number, target.origin_id, target.destination_id, target.departs_at,
            target.arrives_at)])
        locked = _lock(actor, locked.pk)
    elif seats == locked.seats:
        return locked
    locked.charter, locked.seats = target, seats
    _bump(locked, ["charter", "seats"])
    _audit(actor, AuditAction.UPDATE, locked, summary=f"on charter {target.reference}",
           changes={"charter": [before["charter"], target.reference], "seats": [before["seats"], seats]})
    return locked
