"""Charter flights: one flight, many cases' bookings, one status."""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.accounts.permissions import Action
from passage.audit.enums import AuditAction
from passage.audit.services import audit_record
from passage.core.errors import ServiceError, TransitionRefused

from ..enums import LIVE_BOOKING_STATUSES, CharterStatus
from ..models import Booking, Charter, CharterStatusChange
from ._base import _check_lengths, _refuse, _require
from .itineraries import SegmentInput, _validate_segments

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
