"""The airport desk: one call per step for one passenger (reported, checked in, documents handed over, cash
handed over, boarded, did not show), each undoable by the desk within ``settings.DESK_UNDO_SECONDS``; and the
cash contribution operations approve for a case.

An undo is a row of its own and stamps the step it undoes: nothing is deleted (docs/decisions/0006).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.accounts.permissions import Action
from passage.audit.enums import AuditAction
from passage.audit.services import audit_record
from passage.cases.enums import CaseStatus
from passage.cases.models import Case
from passage.core.errors import ConcurrentEditError, ServiceError, TransitionRefused
from passage.people.enums import Custody
from passage.people.models import TravelDocument

from .. import validation, workflow
from ..enums import BookingStatus, CashStatus, CustodyParty, DeskStep, ItineraryLeg
from ..models import Booking, CashContribution, CashProposal, CustodyEvent, DeskEvent, Itinerary, Passenger
from . import custody
from ._base import B, _audit, _bump, _check_lengths, _lock, _lock_case, _not_found, _refuse, _require
from .bookings import booking_transition

S = DeskStep

# A step needs these to stand first; undoing a step needs the steps that depend on it undone first.
_NEEDS = {S.REPORTED: (), S.CHECKED_IN: (S.REPORTED,), S.DOCUMENTS: (S.CHECKED_IN,), S.CASH: (S.CHECKED_IN,),
          S.BOARDED: (S.CHECKED_IN,), S.NO_SHOW: ()}
_DEPENDENTS = {step: tuple(s for s, needs in _NEEDS.items() if step in needs) for step in _NEEDS}
# The desk works on a booking that is ticketed or checked in.
_DESK_OPEN = frozenset({B.TICKETED, B.CHECKED_IN})


def _now() -> datetime.datetime:
    """The desk's clock (tests move it to check the undo window)."""
    return timezone.now()


def undo_window() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.DESK_UNDO_SECONDS)


def passenger_label(passenger: Passenger) -> str:
    return workflow.person_label(passenger.person) if passenger.person_id else str(passenger.escort)


def journey_id(booking: Booking) -> int | None:
    """The booking's current main journey: the desk's steps belong to it (a rebooking starts afresh)."""
    return (Itinerary.objects.filter(booking=booking, leg=ItineraryLeg.MAIN, superseded_at__isnull=True)
            .values_list("pk", flat=True).first())


def active_steps(passenger: Passenger, itinerary_id: int | None) -> dict[str, DeskEvent]:
    """The passenger's steps on the journey ``itinerary_id`` that are not undone."""
    return {e.step: e for e in DeskEvent.objects.filter(passenger=passenger, itinerary_id=itinerary_id,
                                                        undone_at__isnull=True).exclude(step=S.UNDO)}


def documents_due(person_ids) -> dict[int, list[TravelDocument]]:
    """The documents in our custody per person: handed over at the gate before the passenger boards."""
    due: dict[int, list[TravelDocument]] = {}
    for doc in TravelDocument.objects.filter(person_id__in=list(person_ids), custody=Custody.WITH_ORGANISATION
                                             ).order_by("pk"):
        due.setdefault(doc.person_id, []).append(doc)
    return due


def cash_approved(case_id: int) -> CashContribution | None:
    """The contribution approved for the case: what the desk may hand over."""
    return CashContribution.objects.filter(case_id=case_id, superseded_at__isnull=True).first()


def cash_handed_over(case_id: int) -> Decimal:
    return DeskEvent.objects.filter(booking__case_id=case_id, step=S.CASH, undone_at__isnull=True).aggregate(
        t=Sum("amount"))["t"] or Decimal("0")


def _lock_desk(actor, passenger: Passenger | int) -> tuple[Booking, Passenger]:
    pk = getattr(passenger, "pk", passenger)
    booking_id = Passenger.objects.filter(pk=pk).values_list("booking_id", flat=True).first()
    if booking_id is None:
        raise _not_found()
    booking = _lock(actor, booking_id)
    return booking, Passenger.objects.select_related("person", "escort__staff").get(pk=pk)


@transaction.atomic
def cash_contribution_propose(*, actor, case: Case | int, amount, currency: str, booking: Booking | None = None,
                              note: str = "") -> CashProposal:
    """Propose the cash contribution the desk may hand over at departure for this case (at most ``amount`` in
    ``currency``): it waits in finance's queue and counts at the desk once finance approves it. Replaces an open
    proposal of the case (kept, ``superseded_at``); an approved contribution stands until finance approves the
    new one. Audited."""
    _require(actor, Action.CASH_PROPOSE)
    locked = _lock_case(actor, case)
    errors: dict = {}
    currency = validation.clean_code(currency)
    note = (note or "").strip()
    if msg := validation.amount_error(amount):
        errors["amount"] = msg
    elif Decimal(amount) <= 0:
        errors["amount"] = _("Give the amount to hand over.")
    if msg := validation.currency_error(currency):
        errors["currency"] = msg
    if booking is not None and booking.case_id != locked.pk:
        errors["booking"] = _("This booking is not a booking of this case.")
    _check_lengths(CashProposal, errors, note=note)
    _refuse(errors)
    now = timezone.now()
    previous = CashProposal.objects.select_for_update().filter(
        case=locked, status=CashStatus.PROPOSED, superseded_at__isnull=True).first()
    if previous is not None:
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])
    row = CashProposal.objects.create(case=locked, booking=booking, mission_id=locked.mission_id,
                                      status=CashStatus.PROPOSED, amount=Decimal(amount), currency=currency,
                                      note=note, proposed_by=actor, proposed_at=now)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=row, case_id=locked.pk, mission_id=locked.mission_id,
                 summary="proposed cash contribution",
                 changes={"amount": [f"{previous.amount} {previous.currency}" if previous else None,
                                     f"{row.amount} {row.currency}"]})
    return row


@transaction.atomic
def cash_contribution_decide(*, actor, proposal: CashProposal | int, approve: bool, note: str = "") -> CashProposal:
    """Finance's decision on a proposed cash contribution. Approved: it becomes the case's approved contribution
    (a ``CashContribution`` approved by finance, superseding the previous one, which is kept) and the desk may
    hand it over. Declined (with a reason): the approved one, if any, stands.

    Finance reaches the proposal through its mission's queue (``cash_proposals_for_finance``), never through
    the case. Refused for a proposal decided or replaced meanwhile, and for the one who proposed it. Locks the
    case, then the proposal. Audited against the case."""
    from ..selectors import cash_proposals_for_finance

    _require(actor, Action.CASH_APPROVE)
    pk = getattr(proposal, "pk", proposal)
    case_id = cash_proposals_for_finance(actor).filter(pk=pk).values_list("case_id", flat=True).first()
    if case_id is None:
        raise ServiceError(_("This cash contribution does not exist or belongs to another mission."))
    Case.objects.select_for_update().filter(pk=case_id).values_list("pk", flat=True).get()
    row = CashProposal.objects.select_for_update().get(pk=pk)
    if row.status != CashStatus.PROPOSED or row.superseded_at is not None:
        raise ConcurrentEditError(_("This proposal was already decided or replaced by a newer one: look at the "
                                    "queue again."))
    if row.proposed_by_id == actor.pk:
        raise ServiceError(_("A cash contribution is approved by someone other than the one who proposed it."))
    note = (note or "").strip()
    errors: dict = {}
    if not approve and not note:
        errors["note"] = _("Say why the contribution is declined.")
    _check_lengths(CashProposal, errors, decision_note=note)
    if "decision_note" in errors:
        errors["note"] = errors.pop("decision_note")
    _refuse(errors)
    now = timezone.now()
    fields = ["status", "decided_by", "decided_at", "decision_note"]
    current = None
    if approve:
        current = CashContribution.objects.select_for_update().filter(case_id=case_id,
                                                                      superseded_at__isnull=True).first()
        if current is not None:
            current.superseded_at = now
            current.save(update_fields=["superseded_at"])
        row.contribution = CashContribution.objects.create(
            case_id=case_id, booking_id=row.booking_id, mission_id=row.mission_id, amount=row.amount,
            currency=row.currency, note=row.note, approved_by=actor, approved_at=now)
        fields.append("contribution")
    row.status = CashStatus.APPROVED if approve else CashStatus.DECLINED
    row.decided_by, row.decided_at, row.decision_note = actor, now, note
    row.save(update_fields=fields)
    audit_record(actor=actor, action=AuditAction.TRANSITION, obj=row, case_id=case_id, mission_id=row.mission_id,
                 summary=f"cash contribution {row.status}",
                 changes={"status": [CashStatus.PROPOSED, row.status],
                          "approved": [f"{current.amount} {current.currency}" if approve and current else None,
                                       f"{row.amount} {row.currency}" if approve else None],
                          "note": [None, note] if note else None})
    return row


@transaction.atomic
def desk_step_record(
    *,
    actor,
    passenger: Passenger | int,
    step: str,
    amount=None,
    currency: str = "",
    reason: str = "",
) -> DeskEvent:
    """One step at the desk for one passenger, recorded with who and when.

    Side effects: checking in the first passenger of a ticketed booking moves the booking to "checked in"
    (``booking_transition``, with its guards); "documents" hands over at the gate every document of the
    passenger in our custody (custody log); "cash" is refused above what is left of the case's approved amount
    or in another currency. Audited.
    """
    _require(actor, Action.DESK_RECORD)
    booking, passenger = _lock_desk(actor, passenger)
    if step not in _NEEDS:
        raise ServiceError(_("Unknown desk step “%(step)s”.") % {"step": step})
    name = passenger_label(passenger)
    if step == S.CHECKED_IN and booking.status == B.CANCELLED:
        raise TransitionRefused(_("The passenger cannot be checked in."),
                                details=workflow.transition_blockers(booking, B.CHECKED_IN))
    if booking.status not in _DESK_OPEN:
        raise ServiceError(_("This booking is “%(status)s”: the desk records steps only for a booking that is "
                             "ticketed or checked in.") % {"status": BookingStatus(booking.status).label})
    itinerary_id = journey_id(booking)
    if itinerary_id is None:
        raise ServiceError(_("This booking has no flights: the desk records steps on a booked journey."))
    steps = active_steps(passenger, itinerary_id)
    if step in steps:
        raise ServiceError(_("“%(step)s” is already recorded for %(name)s.") % {"step": S(step).label, "name": name})
    if S.NO_SHOW in steps:
        raise ServiceError(_("%(name)s is recorded as not showing: undo that first.") % {"name": name})
    missing = [s for s in _NEEDS[step] if s not in steps]
    if missing:
        raise ServiceError(_("Record “%(needed)s” for %(name)s first.") % {"needed": S(missing[0]).label,
                                                                           "name": name})
    # A passenger may fail to show at the desk or, checked in, at the gate; once on board they did show.
    if step == S.NO_SHOW and (taken := [s for s in (S.BOARDED,) if s in steps]):
        raise ServiceError(_("%(name)s is recorded as “%(step)s”: undo that first.") % {
            "name": name, "step": S(taken[0]).label})
    errors: dict = {}
    reason = (reason or "").strip()
    _check_lengths(DeskEvent, errors, reason=reason)
    if step == S.NO_SHOW and not reason:
        errors["reason"] = _("Give the reason the passenger did not show.")
    due: list[TravelDocument] = []
    if step == S.DOCUMENTS:
        due = documents_due([passenger.person_id]).get(passenger.person_id, []) if passenger.person_id else []
        if not due:
            raise ServiceError(_("No document of %(name)s is in our custody: there is nothing to hand over.") % {
                "name": name})
    if step == S.BOARDED and S.DOCUMENTS not in steps and passenger.person_id and documents_due(
            [passenger.person_id]):
        raise ServiceError(_("Hand over the documents of %(name)s first: they are in our custody.") % {"name": name})
    if step == S.CASH:
        currency = validation.clean_code(currency)
        approved = cash_approved(booking.case_id)
        if not passenger.person_id:
            raise ServiceError(_("The cash contribution is handed to a member of the household, not to an escort."))
        if approved is None:
            raise ServiceError(_("No cash contribution is approved for this case."))
        if msg := validation.amount_error(amount):
            errors["amount"] = msg
        elif Decimal(amount) <= 0:
            errors["amount"] = _("Give the amount handed over.")
        if currency != approved.currency:
            errors["currency"] = _("The contribution is approved in %(currency)s.") % {"currency": approved.currency}
        if not errors:
            left = approved.amount - cash_handed_over(booking.case_id)
            if Decimal(amount) > left:
                errors["amount"] = _("At most %(left)s %(currency)s is left of the %(approved)s %(currency)s "
                                     "approved for this case.") % {"left": left, "currency": approved.currency,
                                                                   "approved": approved.amount}
    _refuse(errors)
    now = _now()
    if step == S.CHECKED_IN and booking.status == B.TICKETED:
        booking = booking_transition(actor=actor, booking=booking.pk, to_status=B.CHECKED_IN)
    event = DeskEvent.objects.create(
        booking=booking, passenger=passenger, mission_id=booking.mission_id, itinerary_id=itinerary_id, step=step,
        amount=Decimal(amount) if step == S.CASH else None, currency=currency if step == S.CASH else "",
        reason=reason, at=now, by=actor)
    case = Case.objects.get(pk=booking.case_id)
    for doc in due:
        locked_doc = TravelDocument.objects.select_for_update().get(pk=doc.pk)
        custody.hand_over_locked(actor=actor, case=case, document=locked_doc, party=CustodyParty.PASSENGER_AT_GATE,
                                 at=now, now=now, passenger=passenger, desk_event=event)
    _bump(booking, [])
    _audit(actor, AuditAction.CREATE, booking, obj=event, person_id=passenger.person_id,
           summary=f"desk: {step}", changes={"step": [None, step],
                                              "amount": [None, f"{event.amount} {event.currency}"]
                                              if step == S.CASH else None,
                                              "reason": [None, reason] if reason else None})
    return event


@transaction.atomic
def desk_step_undo(*, actor, event: DeskEvent | int, reason: str = "") -> DeskEvent:
    """Undo a desk step within the window: an "undo" row, the step stamped ``undone_at``, documents handed over
    at the gate back in our custody. Refused after the window, once the booking departed, or while a later
    step that depends on it stands."""
    _require(actor, Action.DESK_RECORD)
    pk = getattr(event, "pk", event)
    passenger_id = DeskEvent.objects.filter(pk=pk).values_list("passenger_id", flat=True).first()
    if passenger_id is None:
        raise _not_found()
    booking, passenger = _lock_desk(actor, passenger_id)
    event = DeskEvent.objects.select_for_update().get(pk=pk)
    name = passenger_label(passenger)
    if event.step == S.UNDO or event.undone_at is not None:
        raise ServiceError(_("This step is already undone."))
    if booking.status not in _DESK_OPEN:
        raise ServiceError(_("This booking is “%(status)s”: its desk steps can no longer be undone.") % {
            "status": BookingStatus(booking.status).label})
    now = _now()
    minutes = settings.DESK_UNDO_SECONDS // 60
    if event.itinerary_id != journey_id(booking):
        raise ServiceError(_("This step was recorded for an earlier version of the flights and can no longer be "
                             "undone."))
    if now - event.at > undo_window():
        raise ServiceError(_("“%(step)s” for %(name)s was recorded more than %(minutes)s minutes ago and can no "
                             "longer be undone.") % {"step": S(event.step).label, "name": name, "minutes": minutes})
    steps = active_steps(passenger, event.itinerary_id)
    blocking = [s for s in _DEPENDENTS[event.step] if s in steps]
    if blocking:
        raise ServiceError(_("Undo “%(later)s” for %(name)s first.") % {"later": S(blocking[0]).label,
                                                                        "name": name})
    reason = (reason or "").strip()
    errors: dict = {}
    _check_lengths(DeskEvent, errors, reason=reason)
    _refuse(errors)
    event.undone_at = now
    event.save(update_fields=["undone_at"])
    undo = DeskEvent.objects.create(booking=booking, passenger=passenger, mission_id=booking.mission_id,
                                    itinerary_id=event.itinerary_id, step=S.UNDO, undoes=event, reason=reason, at=now, by=actor)
    case = Case.objects.get(pk=booking.case_id)
    for handed in CustodyEvent.objects.filter(desk_event=event).order_by("pk"):
        doc = TravelDocument.objects.select_for_update().get(pk=handed.document_id)
        custody.undo_hand_over_locked(actor=actor, case=case, document=doc, event=handed, now=now, desk_event=undo)
    _bump(booking, [])
    _audit(actor, AuditAction.UPDATE, booking, obj=event, person_id=passenger.person_id,
           summary=f"desk: {event.step} undone", changes={"undone_at": [None, now.isoformat()],
                                                          "reason": [None, reason] if reason else None})
    return undo


@transaction.atomic
def booking_no_show(*, actor, booking: Booking | int, reason: str, case_status: str = CaseStatus.READY_TO_DEPART,
                    review_on: datetime.date | None = None, version: int | None = None) -> Booking:
    """Nobody of the booking travelled on its flights: the booking moves to "no-show" with the reason
    (``booking_transition``), and the case leaves "booked" for ``case_status``: ready to depart, to be rebooked
    (a new version of the flights, then booked again), or preparation, on hold (``review_on``) or withdrawn.

    Refused, naming them, while a passenger of the current flights is not recorded at the desk as not showing
    (a passenger who did show travels: the others' departure is confirmed instead). Side effects: those of
    ``booking_transition`` (status history, audit, the case's move); the desk's steps stay as they were.
    """
    _require(actor, Action.DESK_RECORD)
    _require(actor, Action.BOOKING_MANAGE)
    locked = _lock(actor, booking, version)
    if locked.status not in _DESK_OPEN:
        raise TransitionRefused(_("The booking cannot be recorded as a no-show. Missing:"), details=[
            _("The booking is “%(status)s”: a no-show is recorded for a booking that is ticketed or checked in.")
            % {"status": BookingStatus(locked.status).label}])
    itinerary_id = journey_id(locked)
    absent = set(DeskEvent.objects.filter(booking=locked, itinerary_id=itinerary_id, step=S.NO_SHOW,
                                          undone_at__isnull=True).values_list("passenger_id", flat=True))
    showed = [passenger_label(p) for p in locked.passengers.select_related("person", "escort__staff").order_by("pk")
              if p.pk not in absent]
    if showed:
        raise TransitionRefused(_("The booking cannot be recorded as a no-show. Missing:"), details=[
            _("%(name)s is not recorded at the desk as not showing.") % {"name": name} for name in showed])
    return booking_transition(actor=actor, booking=locked.pk, to_status=B.NO_SHOW, reason=reason,
                              case_status=case_status, review_on=review_on)
