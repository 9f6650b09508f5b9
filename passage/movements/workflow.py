"""The booking workflow: the table of allowed moves, and the guards a booking must pass before it is made.

``services.booking_transition`` is the only code that changes a booking's status; it asks this module whether
a move is allowed and what is still missing. Every guard names the passenger it is about.
"""

import datetime
import zoneinfo

from django.utils.translation import gettext as _

from passage.cases.enums import CaseStatus, ConsentKind, VulnerabilityKind
from passage.people.enums import TRAVEL_DOCUMENT_KINDS, DocumentKind, DocumentStatus

from .enums import MEDICAL_SERVICES, BookingStatus, ItineraryLeg, SpecialService
from .enums import BookingStatus as B
from .models import Booking, DocumentConfirmation, Itinerary, Passenger, Segment

ALLOWED_MOVES: dict[str, frozenset[str]] = {
    B.REQUESTED: frozenset({B.BOOKED, B.CANCELLED}),
    B.BOOKED: frozenset({B.TICKETED, B.CANCELLED}),
    B.TICKETED: frozenset({B.CHECKED_IN, B.NO_SHOW, B.CANCELLED}),
    B.CHECKED_IN: frozenset({B.DEPARTED, B.NO_SHOW, B.CANCELLED}),
    # After a no-show the booking is rebooked (a new itinerary, then booked again) or cancelled.
    B.NO_SHOW: frozenset({B.BOOKED, B.CANCELLED}),
    B.DEPARTED: frozenset(),
    B.CANCELLED: frozenset(),
}

# Moves that need a reason from the user.
REASON_REQUIRED = frozenset({B.CANCELLED, B.NO_SHOW})

# Booking statuses in which the case is "booked" (the case follows the booking in and out of these).
HOLDS_CASE = frozenset({B.BOOKED, B.TICKETED, B.CHECKED_IN})

# Where a case may go when its booking is cancelled or the passenger did not show.
CASE_AFTER_RELEASE = frozenset({CaseStatus.READY_TO_DEPART, CaseStatus.PREPARATION, CaseStatus.ON_HOLD,
                                CaseStatus.WITHDRAWN})

# A MEDIF reaches the airline at least this long before departure.
MEDIF_NOTICE = datetime.timedelta(hours=48)

# Itineraries may be replaced (a rebooking) while the booking is in one of these.
REBOOKABLE = frozenset({B.REQUESTED, B.BOOKED, B.TICKETED, B.NO_SHOW})


def person_label(person) -> str:
    return f"{person.family_name.upper()} {person.given_names}".strip()


def current_itinerary(booking: Booking, leg: str = ItineraryLeg.MAIN, escort=None) -> Itinerary | None:
    return (booking.itineraries.filter(leg=leg, escort=escort, superseded_at__isnull=True)
            .prefetch_related("segments__origin", "segments__destination").first())


def travel_dates(segments: list[Segment]) -> list[datetime.date]:
    """The local dates of the first departure and the last arrival: a document must be valid on both."""
    first, last = segments[0], segments[-1]
    return sorted({first.departs_at.astimezone(zoneinfo.ZoneInfo(first.origin.tz)).date(),
                   last.arrives_at.astimezone(zoneinfo.ZoneInfo(last.destination.tz)).date()})


def _document_ok(person, dates: list[datetime.date], confirmations: dict[int, list[DocumentConfirmation]]) -> bool:
    for doc in person.documents.all():
        if doc.kind not in TRAVEL_DOCUMENT_KINDS:
            continue
        if all(doc.valid_on(day) for day in dates):
            return True
        # A requested emergency document or laissez-passer counts once its issue is confirmed for these dates.
        if doc.kind in (DocumentKind.EMERGENCY_TRAVEL_DOCUMENT, DocumentKind.LAISSEZ_PASSER) and (
                doc.status == DocumentStatus.REQUESTED):
            for c in confirmations.get(doc.pk, []):
                if c.valid_from <= dates[0] and dates[-1] <= c.valid_until:
                    return True
    return False


def passenger_guards(booking: Booking, segments: list[Segment]) -> list[str]:
    """What the passengers still lack to travel on ``segments`` (the current main journey), one line each."""
    case = booking.case
    passengers = list(booking.passengers.select_related("person").prefetch_related("person__documents", "assistance"))
    people = [p for p in passengers if p.person_id]
    escorts_travelling = any(p.escort_id for p in passengers)
    dates = travel_dates(segments)
    departure = segments[0].departs_at
    doc_ids = [d.pk for p in people for d in p.person.documents.all()]
    confirmations: dict[int, list[DocumentConfirmation]] = {}
    for c in DocumentConfirmation.objects.filter(document_id__in=doc_ids):
        confirmations.setdefault(c.document_id, []).append(c)
    vulns = [v for v in case.vulnerabilities.all() if v.ended_on is None]
    minors = {v.person_id for v in vulns if v.kind == VulnerabilityKind.UNACCOMPANIED_MINOR}
    medical = {v.person_id for v in vulns if v.kind == VulnerabilityKind.MEDICAL}
    host_consent = case.consents.filter(kind=ConsentKind.GUARDIAN_HOST, withdrawn_on__isnull=True).exists()
    return_guardians = set(case.return_guardians.values_list("minor_id", flat=True))
    latest_fit: dict[int, bool] = {}
    for statement in sorted(case.fit_to_travel.all(), key=lambda f: (f.statement_on, f.pk)):
        latest_fit[statement.person_id] = statement.fit
    day = ", ".join(d.isoformat() for d in dates)

    missing: list[str] = []
    for passenger in people:
        person = passenger.person
        name = person_label(person)
        codes = {a.code for a in passenger.assistance.all()}
        if not _document_ok(person, dates, confirmations):
            missing.append(_("A travel document for %(name)s valid on %(date)s, or an emergency travel document "
                             "or laissez-passer confirmed for that date.") % {"name": name, "date": day})
        if person.pk in minors:
            if not host_consent:
                missing.append(_("The written consent of the guardian in the host country for %(name)s, an "
                                 "unaccompanied minor.") % {"name": name})
            if person.pk not in return_guardians:
                missing.append(_("A guardian in the country of return confirmed for %(name)s, an unaccompanied "
                                 "minor.") % {"name": name})
            if not escorts_travelling and SpecialService.UMNR not in codes:
                missing.append(_("An escort or the airline's unaccompanied-minor service (UMNR) for %(name)s.")
                               % {"name": name})
        if person.pk in medical or codes & MEDICAL_SERVICES:
            if not latest_fit.get(person.pk):
                missing.append(_("A fit-to-travel statement for %(name)s.") % {"name": name})
            if passenger.medif_sent_at is None:
                missing.append(_("The airline's medical form (MEDIF) for %(name)s, sent at least 48 hours before "
                                 "departure.") % {"name": name})
            elif passenger.medif_sent_at > departure - MEDIF_NOTICE:
                hours = int((departure - passenger.medif_sent_at).total_seconds() // 3600)
                missing.append(_("The airline's medical form (MEDIF) for %(name)s was sent %(hours)s hours before "
                                 "departure; the airline needs it at least 48 hours before.")
                               % {"name": name, "hours": hours})
            if not escorts_travelling:
                missing.append(_("An escort for %(name)s, a medical passenger.") % {"name": name})
    return missing


def transition_blockers(booking: Booking, target: str) -> list[str]:
    """Everything that stands in the way of moving ``booking`` to ``target``; empty: the move may go ahead."""
    status = booking.status
    if target == B.CHECKED_IN and status == B.CANCELLED:
        names = ", ".join(person_label(p.person) for p in booking.passengers.select_related("person")
                          if p.person_id)
        return [_("The booking is cancelled: %(names)s cannot be checked in.") % {"names": names}]
    if target not in ALLOWED_MOVES[status]:
        return [_("A booking cannot move from “%(from)s” to “%(to)s”.") % {
            "from": BookingStatus(status).label, "to": BookingStatus(target).label}]
    missing: list[str] = []
    case = booking.case
    if target == B.BOOKED and case.status != CaseStatus.READY_TO_DEPART:
        missing.append(_("The case is “%(status)s”: a departure is booked only for a case that is ready to "
                         "depart.") % {"status": CaseStatus(case.status).label})
    if target in (B.BOOKED, B.TICKETED, B.CHECKED_IN):
        if not booking.reference:
            missing.append(_("The booking reference (PNR)."))
        itinerary = current_itinerary(booking)
        segments = list(itinerary.segments.all()) if itinerary else []
        if not segments:
            missing.append(_("The flights of the journey."))
        else:
            missing += passenger_guards(booking, segments)
    if target in (B.TICKETED, B.CHECKED_IN):
        for passenger in booking.passengers.select_related("person", "escort__staff"):
            if not passenger.ticket_number:
                missing.append(_("The ticket number of %(name)s.") % {"name": _passenger_label(passenger)})
    return missing


def _passenger_label(passenger: Passenger) -> str:
    return person_label(passenger.person) if passenger.person_id else str(passenger.escort)
