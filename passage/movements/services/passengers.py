"""Passengers of a booking: tickets and costs, MEDIF, special assistance, escorts, confirmed documents."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.accounts.permissions import Action
from passage.audit.enums import AuditAction
from passage.audit.services import audit_record
from passage.cases.selectors import cases_visible_to
from passage.core.errors import ServiceError
from passage.people.enums import DocumentKind, DocumentStatus
from passage.people.models import TravelDocument

from .. import validation
from ..enums import BookingStatus, EscortKind, SpecialService
from ..models import Booking, Charter, DocumentConfirmation, Escort, Passenger, SpecialAssistance
from ._base import B, _audit, _bump, _check_lengths, _lock, _not_found, _refuse, _require


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
    bump = []
    if travels_with_passengers and locked.charter_id and locked.passengers.count() + 1 > locked.seats:
        # On a charter the escort who travels along needs a seat of their own: taken under the charter's lock.
        from .charters import seats_error

        charter = Charter.objects.select_for_update().get(pk=locked.charter_id)
        if msg := seats_error(charter, 1):
            errors["travels_with_passengers"] = _("No seat for the escort: %(why)s") % {"why": msg}
        else:
            locked.seats += 1
            bump = ["seats"]
    _refuse(errors)
    escort = Escort.objects.create(
        booking=locked, mission_id=locked.mission_id, kind=kind, staff=staff, external_name=external_name,
        organisation=organisation, cost=Decimal(cost) if cost not in (None, "") else None,
        cost_currency=cost_currency if cost not in (None, "") else "", recorded_by=actor,
    )
    if travels_with_passengers:
        Passenger.objects.create(booking=locked, mission_id=locked.mission_id, escort=escort)
    _bump(locked, bump)
    _audit(actor, AuditAction.CREATE, locked, obj=escort, summary=f"added {kind} escort",
           changes={"escort": [None, str(escort)], "cost": [None, f"{escort.cost} {escort.cost_currency}".strip()
                                                             if escort.cost is not None else None]})
    return escort


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
