"""Departure confirmed at the gate, arrival confirmed by the mission in the country of return. Each moves the
case (``case_transition_by_movements``) and writes one outbox event in the same transaction."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.accounts.permissions import Action, user_can
from passage.audit.enums import AuditAction
from passage.cases.enums import CaseStatus
from passage.cases.models import Case
from passage.cases.selectors import cases_visible_to
from passage.cases.services import case_transition_by_movements
from passage.core.errors import ConcurrentEditError, ServiceError, TransitionRefused
from passage.messaging.enums import OutboxEventType
from passage.messaging.services import outbox_write

from .. import notify
from ..enums import BookingStatus, DeskStep
from ..models import Booking, DeskEvent, Passenger
from ..selectors import is_destination_mission
from ._base import B, _audit, _lock, _not_found, _require
from .bookings import booking_transition
from .desk import cash_approved, cash_handed_over, documents_due, journey_id, passenger_label


def _when(value: datetime.datetime | None, field: str, not_before: datetime.datetime | None = None):
    now = timezone.now()
    if value is None:
        return now
    if timezone.is_naive(value) or value > now:
        raise ServiceError(_("Please correct the marked fields."),
                           field_errors={field: _("Give the actual time; it cannot be in the future.")})
    if not_before is not None and value < not_before:
        raise ServiceError(_("Please correct the marked fields."),
                           field_errors={field: _("The arrival cannot be before the departure (%(time)s).") % {
                               "time": timezone.localtime(not_before).strftime("%Y-%m-%d %H:%M")}})
    return value


def departure_blockers(booking: Booking) -> list[str]:
    """What stands between the gate and a confirmed departure, naming the passenger: every passenger who is
    travelling (not recorded as not showing) has boarded and received the documents we held; the cash
    contribution approved for the case has been handed over."""
    passengers = list(booking.passengers.select_related("person", "escort__staff").order_by("pk"))
    steps: dict[int, set[str]] = {}
    for passenger_id, step in DeskEvent.objects.filter(booking=booking, itinerary_id=journey_id(booking),
                                                       undone_at__isnull=True).exclude(
            step=DeskStep.UNDO).values_list("passenger_id", "step"):
        steps.setdefault(passenger_id, set()).add(step)
    travelling = [p for p in passengers if DeskStep.NO_SHOW not in steps.get(p.pk, set())]
    if not travelling:
        return [_("Nobody of this booking is travelling: record the booking as a no-show instead.")]
    due = documents_due(p.person_id for p in travelling if p.person_id)
    missing: list[str] = []
    for p in travelling:
        name = passenger_label(p)
        if DeskStep.BOARDED not in steps.get(p.pk, set()):
            missing.append(_("%(name)s has not boarded.") % {"name": name})
        if docs := due.get(p.person_id):
            missing.append(_("The documents of %(name)s are still in our custody: %(docs)s.") % {
                "name": name, "docs": ", ".join(str(d) for d in docs)})
    approved = cash_approved(booking.case_id)
    if approved is not None and cash_handed_over(booking.case_id) == 0:
        names = ", ".join(passenger_label(p) for p in travelling if p.person_id)
        missing.append(_("The cash contribution of %(amount)s %(currency)s approved for the case has not been "
                         "handed over (to %(names)s).") % {"amount": approved.amount, "currency": approved.currency,
                                                          "names": names})
    return missing


@transaction.atomic
def departure_confirm(*, actor, booking: Booking | int, departed_at: datetime.datetime | None = None,
                      version: int | None = None) -> Booking:
    """The flight left with the passengers: the booking moves to "departed" and the case to "departed"
    (``booking_transition``), with the actual departure time.

    Refused, naming the passenger, when someone travelling has not boarded or still has documents in our
    custody, or the approved cash contribution was not handed over. Side effects: status-history and audit
    rows of booking and case; one outbox event "case.departed" (ids only); partner events "person.departed" and
    the "departed" SMS for each traveller who boarded. Two confirmations at once: the
    second waits for the locks, then finds the booking departed and is refused.
    """
    _require(actor, Action.DESK_RECORD)
    _require(actor, Action.BOOKING_MANAGE)
    locked = _lock(actor, booking, version)
    if locked.status == B.DEPARTED:
        raise TransitionRefused(_("The departure of this booking is already confirmed."),
                                details=[_("Departed at %(time)s.") % {
                                    "time": timezone.localtime(locked.departed_at).strftime("%Y-%m-%d %H:%M")}]
                                if locked.departed_at else [])
    if locked.status != B.CHECKED_IN:
        raise TransitionRefused(_("The departure cannot be confirmed yet. Missing:"), details=[
            _("The booking is “%(status)s”: a departure is confirmed for a booking that is checked in.") % {
                "status": BookingStatus(locked.status).label}])
    blockers = departure_blockers(locked)
    if blockers:
        raise TransitionRefused(_("The departure cannot be confirmed yet. Missing:"), details=blockers)
    when = _when(departed_at, "departed_at")
    departed = booking_transition(actor=actor, booking=locked.pk, to_status=B.DEPARTED)
    departed.departed_at = when
    departed.save(update_fields=["departed_at"])
    _audit(actor, AuditAction.UPDATE, departed, summary="departure confirmed",
           changes={"departed_at": [None, when.isoformat()]})
    outbox_write(event_type=OutboxEventType.CASE_DEPARTED, mission_id=departed.mission_id,
                 dedupe_key=f"booking:{departed.pk}", case_id=departed.case_id, booking_id=departed.pk,
                 payload={"case_id": departed.case_id, "booking_id": departed.pk,
                          "departed_at": when.isoformat()})
    boarded = set(Passenger.objects.filter(booking=departed, person__isnull=False, desk_events__step=DeskStep.BOARDED,
                                           desk_events__undone_at__isnull=True).values_list("person_id", flat=True))
    notify.partners_departed(departed, boarded, when)  # the reception centre's bed is free; the return service
    notify.departed(departed, boarded)  # the migrant: a safe journey, and who will call about their support
    return departed


def _arrival_scope(actor, booking_id: int) -> tuple[Booking, bool]:
    """The booking if the actor may confirm its arrival, and whether they do so on behalf of the destination."""
    row = Booking.objects.filter(pk=booking_id).select_related("case").first()
    if row is None:
        raise _not_found()
    if is_destination_mission(actor, row):
        return row, False
    if user_can(actor, Action.BOOKING_MANAGE) and cases_visible_to(actor).filter(pk=row.case_id).exists():
        return row, True
    raise _not_found()


@transaction.atomic
def arrival_confirm(*, actor, booking: Booking | int, arrived_at: datetime.datetime | None = None,
                    reason: str = "") -> Booking:
    """The mission in the country of return confirms the passengers arrived: the case moves from "departed" to
    "arrived". The host mission may confirm on its behalf, with a reason (the destination mission told it).

    Side effects: the case's status-history and audit rows; ``arrived_at``/``arrival_confirmed_by`` on the
    booking, audited; one outbox event "case.arrived" (ids only)."""
    if not (user_can(actor, Action.ARRIVAL_CONFIRM) or user_can(actor, Action.BOOKING_MANAGE)):
        raise ServiceError(_("You are not allowed to do this."))
    pk = getattr(booking, "pk", booking)
    row, on_behalf = _arrival_scope(actor, pk)
    reason = (reason or "").strip()
    if on_behalf and not reason:
        raise ServiceError(_("Please correct the marked fields."), field_errors={
            "reason": _("Say why the host mission confirms the arrival for the mission in the country of return.")})
    if len(reason) > Booking._meta.get_field("arrival_reason").max_length:
        raise ServiceError(_("Please correct the marked fields."), field_errors={
            "reason": _("At most %(n)s characters.") % {"n": Booking._meta.get_field("arrival_reason").max_length}})
    case = Case.objects.select_for_update().get(pk=row.case_id)
    locked = Booking.objects.select_for_update().get(pk=pk)
    locked.case = case
    if locked.arrived_at is not None:
        raise ConcurrentEditError(_("The arrival of this booking was already confirmed on %(time)s.") % {
            "time": timezone.localtime(locked.arrived_at).strftime("%Y-%m-%d %H:%M")})
    if locked.status != B.DEPARTED:
        raise TransitionRefused(_("The arrival cannot be confirmed yet. Missing:"), details=[
            _("The booking is “%(status)s”: an arrival is confirmed after the departure.") % {
                "status": BookingStatus(locked.status).label}])
    when = _when(arrived_at, "arrived_at", not_before=locked.departed_at)
    case_transition_by_movements(actor=actor, case=case, to_status=CaseStatus.ARRIVED,
                                 reason=reason or _("Arrival confirmed by the mission in the country of return"))
    locked.arrived_at, locked.arrival_confirmed_by, locked.arrival_reason = when, actor, reason
    locked.save(update_fields=["arrived_at", "arrival_confirmed_by", "arrival_reason", "updated_at"])
    _audit(actor, AuditAction.UPDATE, locked, summary="arrival confirmed" + (" on behalf" if on_behalf else ""),
           changes={"arrived_at": [None, when.isoformat()], "reason": [None, reason] if reason else None})
    outbox_write(event_type=OutboxEventType.CASE_ARRIVED, mission_id=locked.mission_id,
                 dedupe_key=f"booking:{locked.pk}", case_id=locked.case_id, booking_id=locked.pk,
                 payload={"case_id": locked.case_id, "booking_id": locked.pk, "arrived_at": when.isoformat()})
    return locked
