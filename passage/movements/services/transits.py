"""Arrivals and transits that are not return cases: resettled refugees, relocated asylum seekers, family
reunification, returns from other countries passing through. Scope: the movements staff of the host mission
(``movement.manage``); managers see them (``movement.view``)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pycountry
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from passage.accounts.permissions import Action
from passage.audit.enums import AuditAction
from passage.audit.services import audit_record
from passage.core.errors import ServiceError
from passage.people.enums import Sex
from passage.people.models import Person
from passage.reference.models import Airport, PartnerLocation

from .. import validation
from ..enums import MovementKind, MovementOutcome, MovementProgramme, StrandedCareKind
from ..models import Movement, MovementPassenger, StrandedCare
from ._base import _check_lengths, _refuse, _require

OC = MovementOutcome


@dataclass
class FlightInput:
    """A flight as staff type it: times on each airport's local clock (naive) or aware."""

    airline: str
    flight_number: str
    origin: str
    destination: str
    departs: datetime.datetime
    arrives: datetime.datetime


def _not_found() -> ServiceError:
    return ServiceError(_("This arrival or transit does not exist or you may not see it."))


def _audit(actor, action, movement: Movement, obj=None, summary="", changes=None):
    return audit_record(actor=actor, action=action, obj=obj or movement, mission_id=movement.mission_id,
                        summary=summary, changes=changes)


def _airport(code: str, field: str, errors: dict) -> Airport | None:
    code = validation.clean_code(code)
    airport = Airport.objects.filter(pk=code).first()
    if airport is None:
        errors[field] = _("“%(code)s” is not an airport we know: use its three-letter IATA code.") % {"code": code}
    return airport


def _time(value, airport: Airport | None, field: str, errors: dict):
    if airport is None or value is None:
        if value is None:
            errors[field] = _("Give the time.")
        return None
    try:
        return validation.to_utc(value, airport.tz)
    except validation.LocalTimeError as exc:
        errors[field] = str(exc)
        return None


def _lock_movement(actor, movement: Movement | int) -> Movement:
    pk = getattr(movement, "pk", movement)
    try:
        return Movement.objects.select_for_update().get(pk=pk, mission_id=actor.mission_id)
    except (Movement.DoesNotExist, ValueError, TypeError):
        raise _not_found() from None


@transaction.atomic
def movement_create(*, actor, kind: str, programme: str, flight: FlightInput, reference: str = "",
                    onward: FlightInput | None = None) -> Movement:
    """An arrival (or a transit with its connecting flight ``onward``) at the national airport, checked like a
    booking's flight segments: airline, flight number, known airports, local times, arrival after departure,
    the connection after the arrival."""
    _require(actor, Action.MOVEMENT_MANAGE)
    errors: dict = {}
    if kind not in MovementKind.values:
        errors["kind"] = _("Choose arrival or transit.")
    if programme not in MovementProgramme.values:
        errors["programme"] = _("Choose the programme.")
    airline = validation.clean_code(flight.airline)
    number = validation.clean_code(flight.flight_number)
    if msg := validation.airline_error(airline):
        errors["airline"] = msg
    if msg := validation.flight_number_error(number, airline):
        errors["flight_number"] = msg
    origin = _airport(flight.origin, "origin", errors)
    airport = _airport(flight.destination, "airport", errors)
    departs = _time(flight.departs, origin, "departs", errors)
    arrives = _time(flight.arrives, airport, "arrives", errors)
    if departs and arrives and arrives <= departs:
        errors["arrives"] = _("The arrival must be after the departure.")
    onward_number, onward_to, onward_departs = "", None, None
    if kind == MovementKind.TRANSIT:
        if onward is None:
            errors["onward"] = _("A transit needs its connecting flight.")
        else:
            onward_number = validation.clean_code(onward.flight_number)
            if msg := validation.flight_number_error(onward_number, validation.clean_code(onward.airline)):
                errors["onward_flight_number"] = msg
            onward_to = _airport(onward.destination, "onward_destination", errors)
            onward_departs = _time(onward.departs, airport, "onward_departs", errors)
            if onward_departs and arrives and onward_departs <= arrives:
                errors["onward_departs"] = _("The connecting flight must leave after the arrival.")
    reference = (reference or "").strip()
    _check_lengths(Movement, errors, reference=reference)
    _refuse(errors)
    now = timezone.now()
    movement = Movement.objects.create(
        mission_id=actor.mission_id, kind=kind, programme=programme, reference=reference, airline=airline,
        flight_number=number, origin=origin, airport=airport, departs_at=departs, arrives_at=arrives,
        onward_flight_number=onward_number, onward_destination=onward_to, onward_departs_at=onward_departs,
        created_by=actor, created_at=now)
    _audit(actor, AuditAction.CREATE, movement, summary=f"{kind} {number}",
           changes={"flight": [None, number], "programme": [None, programme]})
    return movement


@transaction.atomic
def movement_passenger_add(*, actor, movement: Movement | int, family_name: str, given_names: str = "",
                           sex: str, birth_year: int | None = None, nationality: str = "",
                           person: Person | None = None) -> MovementPassenger:
    _require(actor, Action.MOVEMENT_MANAGE)
    locked = _lock_movement(actor, movement)
    errors: dict = {}
    family_name, given_names = (family_name or "").strip(), (given_names or "").strip()
    nationality = validation.clean_code(nationality)
    if not family_name:
        errors["family_name"] = _("Give the family name.")
    _check_lengths(MovementPassenger, errors, family_name=family_name, given_names=given_names)
    if sex not in Sex.values:
        errors["sex"] = _("Choose female, male or other.")
    this_year = timezone.localdate().year
    if birth_year is not None and not (isinstance(birth_year, int) and this_year - 120 <= birth_year <= this_year):
        errors["birth_year"] = _("Give a year of birth between %(low)s and %(high)s.") % {
            "low": this_year - 120, "high": this_year}
    if nationality:
        if pycountry.countries.get(alpha_2=nationality) is None:
            errors["nationality"] = _("Give the nationality as its two-letter country code, e.g. SY.")
    if person is not None and person.mission_id != locked.mission_id:
        errors["person"] = _("This person belongs to another mission.")
    _refuse(errors)
    row = MovementPassenger.objects.create(movement=locked, mission_id=locked.mission_id, person=person,
                                           family_name=family_name, given_names=given_names, sex=sex,
                                           birth_year=birth_year, nationality=nationality)
    _audit(actor, AuditAction.CREATE, locked, obj=row, summary="added passenger")
    return row


_OUTCOMES = {
    MovementKind.ARRIVAL: {OC.RECEIVED: (OC.EXPECTED,), OC.TO_RECEPTION: (OC.RECEIVED,), OC.TO_FAMILY: (OC.RECEIVED,)},
    MovementKind.TRANSIT: {OC.RECEIVED: (OC.EXPECTED,), OC.TO_CONNECTION: (OC.RECEIVED,)},
}


@transaction.atomic
def movement_passenger_outcome(*, actor, passenger: MovementPassenger | int, outcome: str,
                               location: PartnerLocation | None = None, family_name: str = "") -> MovementPassenger:
    """Received at arrival; then handed over to the reception agency (a location) or to family (a name), or,
    in transit, directed to the connecting flight. Each in order, with who and when."""
    _require(actor, Action.MOVEMENT_MANAGE)
    pk = getattr(passenger, "pk", passenger)
    movement_id = MovementPassenger.objects.filter(pk=pk).values_list("movement_id", flat=True).first()
    if movement_id is None:
        raise _not_found()
    locked = _lock_movement(actor, movement_id)
    row = MovementPassenger.objects.select_for_update().get(pk=pk)
    allowed = _OUTCOMES[locked.kind]
    if outcome not in allowed:
        raise ServiceError(_("“%(outcome)s” is not a step of this %(kind)s.") % {
            "outcome": outcome, "kind": locked.get_kind_display().lower()})
    if row.outcome not in allowed[outcome]:
        raise ServiceError(_("%(name)s is “%(now)s”: they cannot be “%(next)s” now.") % {
            "name": str(row), "now": OC(row.outcome).label, "next": OC(outcome).label})
    errors: dict = {}
    family_name = (family_name or "").strip()
    if outcome == OC.TO_RECEPTION and location is None:
        errors["location"] = _("Choose the reception location.")
    if outcome == OC.TO_FAMILY and not family_name:
        errors["handed_to_name"] = _("Give the name of the family member.")
    _check_lengths(MovementPassenger, errors, handed_to_name=family_name)
    _refuse(errors)
    before = row.outcome
    row.outcome, row.outcome_at, row.outcome_by = outcome, timezone.now(), actor
    row.handed_to_location = location if outcome == OC.TO_RECEPTION else row.handed_to_location
    row.handed_to_name = family_name if outcome == OC.TO_FAMILY else row.handed_to_name
    row.save(update_fields=["outcome", "outcome_at", "outcome_by", "handed_to_location", "handed_to_name"])
    _audit(actor, AuditAction.TRANSITION, locked, obj=row, summary=f"passenger {before} → {outcome}",
           changes={"outcome": [before, outcome]})
    return row


@transaction.atomic
def stranded_care_record(*, actor, passenger: MovementPassenger | int, kind: str, cost, currency: str,
                         note: str = "") -> StrandedCare:
    """A meal or a hotel night for a stranded passenger: what, its cost, who arranged it."""
    _require(actor, Action.MOVEMENT_MANAGE)
    pk = getattr(passenger, "pk", passenger)
    movement_id = MovementPassenger.objects.filter(pk=pk).values_list("movement_id", flat=True).first()
    if movement_id is None:
        raise _not_found()
    locked = _lock_movement(actor, movement_id)
    errors: dict = {}
    currency, note = validation.clean_code(currency), (note or "").strip()
    if kind not in StrandedCareKind.values:
        errors["kind"] = _("Choose a meal or a hotel night.")
    if msg := validation.amount_error(cost):
        errors["cost"] = msg
    if msg := validation.currency_error(currency):
        errors["currency"] = msg
    _check_lengths(StrandedCare, errors, note=note)
    _refuse(errors)
    row = StrandedCare.objects.create(passenger_id=pk, mission_id=locked.mission_id, kind=kind, cost=Decimal(cost),
                                      currency=currency, note=note, arranged_by=actor, arranged_at=timezone.now())
    _audit(actor, AuditAction.CREATE, locked, obj=row, summary=f"stranded passenger: {kind}",
           changes={"cost": [None, f"{row.cost} {row.currency}"]})
    return row
