"""The journey of a case: its current booking with passengers, itinerary in each airport's local time,
special assistance, escorts, costs, requests to other missions, history and the next booking moves.

The case page shows it as a fragment loaded after the page (``hx-trigger="load"``), so the case page keeps
its own query budget; the same view answers with the whole page without htmx. Everything is loaded with a
fixed number of queries (prefetches), whatever the size of the household or the number of flights.
"""

import zoneinfo

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from passage.accounts.permissions import Action, user_can
from passage.cases.enums import CaseStatus
from passage.cases.selectors import case_get_for_user

from .. import workflow
from ..enums import LIVE_BOOKING_STATUSES, BookingStatus, ItineraryLeg
from ..models import (
    AssistanceRequest,
    BookingStatusChange,
    CashContribution,
    CashProposal,
    DocumentConfirmation,
    Escort,
    Itinerary,
    Passenger,
    Segment,
    SegmentTimeChange,
)
from ..selectors import booking_costs, booking_warnings, bookings_visible_to, confirmable_documents

# The booking moves made on these screens; checking in, departure and no-show are the desk's (the airport's day).
SCREEN_MOVES = (BookingStatus.BOOKED, BookingStatus.TICKETED, BookingStatus.CANCELLED)
CLOSED = (BookingStatus.DEPARTED, BookingStatus.CANCELLED)


def local_time(value, tz_name: str) -> dict:
    """A UTC time as the airport's clock shows it, with the zone's abbreviation and name."""
    local = value.astimezone(zoneinfo.ZoneInfo(tz_name))
    return {"value": local, "text": formats.date_format(local, "D j M Y, H:i"),
            "iso": local.isoformat(), "abbr": local.strftime("%Z"), "tz": tz_name}


def duration(minutes: int | None) -> str:
    if minutes is None:
        return ""
    sign, minutes = ("−" if minutes < 0 else ""), abs(minutes)
    return _("%(sign)s%(h)d h %(m)02d min") % {"sign": sign, "h": minutes // 60, "m": minutes % 60}


def segment_row(segment: Segment) -> dict:
    return {
        "segment": segment,
        "departs": local_time(segment.departs_at, segment.origin.tz),
        "arrives": local_time(segment.arrives_at, segment.destination.tz),
        "connection": duration(segment.connection_minutes),
        "changed": (segment.departs_at, segment.arrives_at) != (segment.scheduled_departs_at,
                                                               segment.scheduled_arrives_at),
        "time_changes": [{
            "change": c,
            "old_departs": local_time(c.old_departs_at, segment.origin.tz),
            "new_departs": local_time(c.new_departs_at, segment.origin.tz),
            "old_arrives": local_time(c.old_arrives_at, segment.destination.tz),
            "new_arrives": local_time(c.new_arrives_at, segment.destination.tz),
        } for c in segment.time_changes.all()],
    }


def load_booking(booking) -> None:
    """Everything the panel shows of one booking, one query per relation."""
    prefetch_related_objects(
        [booking],
        Prefetch("passengers", queryset=Passenger.objects.select_related("person", "escort__staff")),
        "passengers__assistance",
        Prefetch("itineraries", queryset=Itinerary.objects.select_related("escort__staff", "created_by")
                 .order_by("leg", "escort_id", "-version")),
        Prefetch("itineraries__segments", queryset=Segment.objects.select_related("origin", "destination")),
        Prefetch("itineraries__segments__time_changes", queryset=SegmentTimeChange.objects.select_related("by")),
        Prefetch("escorts", queryset=Escort.objects.select_related("staff")),
        Prefetch("assistance_requests", queryset=AssistanceRequest.objects.select_related(
            "airport", "to_mission", "requested_by", "responded_by")),
        Prefetch("status_changes", queryset=BookingStatusChange.objects.select_related("by")),
    )


def booking_moves(booking, *, can_manage: bool) -> list[dict]:
    """The next moves these screens make, each with what stands in its way (empty: it may go ahead)."""
    result = []
    for target in SCREEN_MOVES:
        if target not in workflow.ALLOWED_MOVES[booking.status]:
            continue
        result.append({
            "status": target,
            "label": BookingStatus(target).label,
            "blockers": workflow.transition_blockers(booking, target) if can_manage else [],
            "needs_reason": target in workflow.REASON_REQUIRED,
            "releases_case": target in (BookingStatus.CANCELLED, BookingStatus.NO_SHOW)
            and booking.status in workflow.HOLDS_CASE,
        })
    return result


def request_refusal(case, live) -> str:
    """Why no booking can be requested now ("" when it can)."""
    if live is not None:
        return _("This case already has a booking in progress: change or cancel that one.")
    if case.status != CaseStatus.READY_TO_DEPART:
        return _("The case is “%(status)s”: a departure is requested only when the case is ready to depart.") % {
            "status": CaseStatus(case.status).label}
    return ""


def journey_context(user, case, **extra) -> dict:
    bookings = list(bookings_visible_to(user).filter(case=case).select_related("requested_by", "booked_by",
                                                                              "charter", "project"))
    live = next((b for b in bookings if b.status in LIVE_BOOKING_STATUSES), None)
    current = live or (bookings[0] if bookings else None)
    can_manage = user_can(user, Action.BOOKING_MANAGE)
    can_propose_cash = user_can(user, Action.CASH_PROPOSE)
    context = {
        "case": case,
        "booking": current,
        "earlier_bookings": [b for b in bookings if b is not current],
        "can_request": user_can(user, Action.BOOKING_REQUEST) or can_manage,
        "request_refusal": request_refusal(case, live),
        "can_manage": can_manage,
        "can_confirm_documents": can_manage or user_can(user, Action.DOCUMENT_EDIT),
        "can_propose_cash": can_propose_cash,
        "cash_approved": CashContribution.objects.filter(case=case, superseded_at__isnull=True).first(),
        "cash_proposal": CashProposal.objects.filter(case=case, superseded_at__isnull=True).exclude(
            status="approved").select_related("decided_by").first(),
    }
    if current is not None:
        current.case = case
        load_booking(current)
        itineraries = list(current.itineraries.all())
        main = [i for i in itineraries if i.leg == ItineraryLeg.MAIN]
        itinerary = next((i for i in main if i.superseded_at is None), None)
        segments = list(itinerary.segments.all()) if itinerary else []
        passengers = list(current.passengers.all())
        # Per passenger: the requested documents an embassy may confirm for the dates, and their confirmations.
        person_ids = [p.person_id for p in passengers if p.person_id]
        confirmable: dict[int, list] = {}
        for doc in confirmable_documents(person_ids):
            confirmable.setdefault(doc.person_id, []).append(doc)
        confirmed: dict[int, list] = {}
        requested = [d for docs in confirmable.values() for d in docs]
        for c in (DocumentConfirmation.objects.filter(document__in=requested).select_related("document")
                  if requested else []):
            confirmed.setdefault(c.document.person_id, []).append(c)
        for p in passengers:
            p.confirmable = confirmable.get(p.person_id, [])
            p.confirmations = confirmed.get(p.person_id, [])
        context.update({
            "open": current.status not in CLOSED,
            "rebookable": current.status in workflow.REBOOKABLE,
            "passengers": passengers,
            "itinerary": itinerary,
            "segments": [segment_row(s) for s in segments],
            "earlier_itineraries": [{"itinerary": i, "segments": [segment_row(s) for s in i.segments.all()]}
                                    for i in main if i is not itinerary],
            "escort_journeys": [{"itinerary": i, "segments": [segment_row(s) for s in i.segments.all()]}
                                for i in itineraries if i.leg != ItineraryLeg.MAIN and i.superseded_at is None],
            "escorts": list(current.escorts.all()),
            "assistance_requests": list(current.assistance_requests.all()),
            "history": list(current.status_changes.all()),
            "warnings": booking_warnings(current),
            "costs": booking_costs(current),
            "moves": booking_moves(current, can_manage=can_manage),
            "case_statuses": [(s.value, s.label) for s in CaseStatus if s in workflow.CASE_AFTER_RELEASE],
        })
    context.update(extra)
    return context


def render_journey(request, case, *, status=200, **extra):
    template = "movements/journey.html"
    if request.htmx and not request.htmx.history_restore_request and not extra:
        template += "#journey-panel"
    return render(request, template, journey_context(request.user, case, **extra), status=status)


@require_GET
def journey_view(request, pk):
    # Audited on every read of a sensitive case, the fragment too: a header must not be a way around the trail.
    case = case_get_for_user(request.user, pk, audit_read=True)
    if not user_can(request.user, Action.BOOKING_VIEW):
        raise PermissionDenied
    return render_journey(request, case)
