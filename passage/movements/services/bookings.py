"""Bookings: the advance booking notification, its details, and the one function that moves its status."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.accounts.permissions import Action
from passage.audit.enums import AuditAction
from passage.cases.enums import CaseStatus
from passage.cases.models import Case
from passage.cases.services import case_transition_by_movements
from passage.core.errors import ServiceError, TransitionRefused
from passage.messaging.enums import PartnerEvent
from passage.people.models import Person
from passage.reference.models import Project

from .. import notify, validation, workflow
from ..enums import LIVE_BOOKING_STATUSES, BookingStatus, CharterStatus, ItineraryLeg
from ..models import Booking, BookingStatusChange, Charter, Itinerary, Passenger, Segment
from ._base import B, _audit, _bump, _check_lengths, _lock, _lock_case, _refuse, _require
from .charters import BOOKABLE_CHARTER, seats_error


def _project(mission_id: int, code: str, errors: dict):
    """The mission's project running today with this code (the costs go to it), or None with the error set."""
    if not code:
        return None
    if msg := validation.project_code_error(code):
        errors["project_code"] = msg
        return None
    project = Project.objects.filter(mission_id=mission_id, code=code).first()
    if project is None:
        errors["project_code"] = _("“%(code)s” is not a project of this mission.") % {"code": code}
    elif not project.runs_on(timezone.localdate()):
        errors["project_code"] = _("The project %(code)s runs from %(start)s to %(end)s: costs cannot be recorded "
                                   "against it today.") % {"code": code, "start": project.starts_on.isoformat(),
                                                           "end": project.ends_on.isoformat() if project.ends_on
                                                           else "—"}
        return None
    return project


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
    whole household) of a case that is ready to depart, on a scheduled flight or with ``seats`` on a charter.

    Side effects: one passenger row per person; on a charter, itinerary version 1 with the charter's flight; a
    status-history row (— → requested) and a CREATE audit row.
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
    project = _project(locked.mission_id, project_code, errors)
    remarks = (remarks or "").strip()
    _check_lengths(Booking, errors, remarks=remarks)
    seats = len(chosen) if seats is None else seats
    if charter is not None:
        charter = Charter.objects.select_for_update().get(pk=getattr(charter, "pk", charter))
        if charter.mission_id != locked.mission_id:
            errors["charter"] = _("This charter flight belongs to another mission.")
        elif charter.status not in BOOKABLE_CHARTER:
            errors["charter"] = _("This charter flight is “%(status)s”: no more seats can be booked on it.") % {
                "status": CharterStatus(charter.status).label}
        elif charter.departs_at <= timezone.now():
            errors["charter"] = _("This charter flight has already left.")
        elif not isinstance(seats, int) or seats < len(chosen):
            errors["seats"] = _("Every passenger needs a seat: at least %(n)s.") % {"n": len(chosen)}
        elif msg := seats_error(charter, seats):
            # Counted under the charter's row lock: two requests for the last seat cannot both get it.
            errors["seats"] = msg
    _refuse(errors)
    now = timezone.now()
    booking = Booking.objects.create(
        mission_id=locked.mission_id, case=locked, charter=charter, seats=seats if charter else 0,
        status=B.REQUESTED, status_changed_at=now, project=project, project_code=project_code, remarks=remarks,
        requested_by=actor, requested_at=now,
    )
    Passenger.objects.bulk_create([Passenger(booking=booking, mission_id=booking.mission_id, person=p)
                                   for p in chosen])
    if charter is not None:
        # On a charter the journey is the charter's flight: version 1 of the itinerary, rebookable like any other.
        itinerary = Itinerary.objects.create(booking=booking, mission_id=booking.mission_id, leg=ItineraryLeg.MAIN,
                                             version=1, created_by=actor, created_at=now)
        Segment.objects.create(
            itinerary=itinerary, mission_id=booking.mission_id, position=1, airline=charter.airline,
            flight_number=charter.flight_number, origin_id=charter.origin_id, destination_id=charter.destination_id,
            scheduled_departs_at=charter.departs_at, scheduled_arrives_at=charter.arrives_at,
            departs_at=charter.departs_at, arrives_at=charter.arrives_at)
    BookingStatusChange.objects.create(booking=booking, mission_id=booking.mission_id, from_status="",
                                       to_status=B.REQUESTED, at=now, by=actor)
    _audit(actor, AuditAction.CREATE, booking, summary=f"requested booking for case {locked.number}",
           changes={"status": [None, B.REQUESTED], "passengers": [None, sorted(p.pk for p in chosen)],
                    "charter": [None, charter.reference if charter else None]})
    return booking


@transaction.atomic
def booking_update(*, actor, booking: Booking | int, version: int, reference: str | None = None,
                   project_code: str | None = None, remarks: str | None = None) -> Booking:
    """Record the airline's booking reference (PNR), the project the costs go to (a project of the mission,
    running today), remarks."""
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
    project = locked.project
    if project_code is not None:
        after["project_code"] = validation.clean_code(project_code)
        if after["project_code"] != locked.project_code:
            project = _project(locked.mission_id, after["project_code"], errors)
    if remarks is not None:
        after["remarks"] = remarks.strip()
        _check_lengths(Booking, errors, remarks=after["remarks"])
    _refuse(errors)
    changes = {k: [getattr(locked, k), v] for k, v in after.items() if getattr(locked, k) != v}
    if not changes:
        return locked
    for k, v in after.items():
        setattr(locked, k, v)
    locked.project = project
    _bump(locked, [*after, "project"])
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
    # The migrant by SMS, the return service and the reception centres by webhook or e-mail, in this transaction
    # (docs/decisions/0013, 0014).
    if to_status == B.BOOKED:
        notify.booked(locked)
        notify.partners_booking(locked, PartnerEvent.BOOKING_CREATED)
    elif to_status == B.CANCELLED and from_status in workflow.HOLDS_CASE:
        notify.cancelled(locked)
        notify.partners_booking(locked, PartnerEvent.BOOKING_CANCELLED)
    return locked
