"""Requests to the missions at the transit and destination airports, and their answers (hand-overs)."""


from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.accounts.models import Mission
from passage.accounts.permissions import Action
from passage.audit.enums import AuditAction
from passage.core.errors import ServiceError

from .. import notify, validation, workflow
from ..enums import AssistanceKind, AssistanceStatus, BookingStatus
from ..models import AssistanceRequest, Booking
from ._base import B, _audit, _bump, _check_lengths, _lock, _refuse, _require


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
    if confirm and locked.kind == AssistanceKind.MEET_AND_ASSIST:
        notify.met_on_arrival(Booking.objects.get(pk=locked.booking_id), locked.pk)  # the migrant is told by SMS
    return locked


@transaction.atomic
def assistance_request_withdraw(*, actor, request: AssistanceRequest, reason: str) -> AssistanceRequest:
    """The sending mission no longer needs the assistance (the journey changed): the request stays on record as
    withdrawn, with the reason, and the receiving mission sees it is off."""
    _require(actor, Action.BOOKING_MANAGE)
    locked_booking = _lock(actor, request.booking_id)
    locked = AssistanceRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status not in (AssistanceStatus.REQUESTED, AssistanceStatus.CONFIRMED):
        raise ServiceError(_("This request is already closed: %(status)s.") % {
            "status": AssistanceStatus(locked.status).label})
    reason = (reason or "").strip()
    errors: dict = {}
    if not reason:
        errors["reason"] = _("Say why the request is withdrawn.")
    _check_lengths(AssistanceRequest, errors, response_note=reason)
    if "response_note" in errors:
        errors["reason"] = errors.pop("response_note")
    _refuse(errors)
    old = locked.status
    locked.status, locked.response_note = AssistanceStatus.WITHDRAWN, reason
    locked.save(update_fields=["status", "response_note"])
    _bump(locked_booking, [])
    _audit(actor, AuditAction.TRANSITION, locked_booking, obj=locked, summary=f"{locked.kind} withdrawn",
           changes={"status": [old, AssistanceStatus.WITHDRAWN], "reason": [None, reason]})
    return locked
