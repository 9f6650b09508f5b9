"""The airport's day: the board of one airport for one local day (departures, transits, arrivals per flight
and local time, from ``selectors.airport_day``) and the desk's taps on it.

The page polls its own fragment every 15 s, so every desk sees the others' taps; the fragment costs a fixed
number of queries whatever the number of passengers. Each desk action obtains the case and the booking
through the access selectors (outside the user's scope: 404, as on every case route), checks the role (403),
validates, calls one service and answers with the refreshed fragment (htmx) or a redirect to the board.
"""

import datetime
import zoneinfo

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from passage.accounts.models import Mission
from passage.accounts.permissions import Action, user_can
from passage.audit.enums import AuditAction
from passage.audit.services import audit_record
from passage.cases.enums import CaseStatus
from passage.core.errors import ServiceError
from passage.reference.models import Airport

from .. import services
from ..enums import BookingStatus
from ..enums import DeskStep as S
from ..forms import (
    BOARD_AIRPORT,
    ArrivalConfirmForm,
    BoardForm,
    BookingNoShowForm,
    DepartureConfirmForm,
    DeskStepForm,
    DeskUndoForm,
)
from ..models import Booking, DeskEvent, Segment
from ..selectors import airport_day, arriving_for_q
from ..services.desk import undo_window
from .actions import _booking_for
from .board_rows import RowText, booking_html
from .manifests import can_print_manifest

DESK_OPEN = (BookingStatus.TICKETED, BookingStatus.CHECKED_IN)


def can_see_board(user) -> bool:
    """Movements staff run the desk; managers watch the day; the mission in the country of return meets the
    passengers arriving there."""
    return any(user_can(user, a) for a in (Action.DESK_RECORD, Action.MOVEMENT_VIEW, Action.ARRIVAL_CONFIRM))


def home_airport(user) -> str:
    """The board's default: the airport of the user's mission (the host mission's hub if none is set)."""
    mission = getattr(user, "mission", None)
    return (mission.airport_id if mission is not None else None) or BOARD_AIRPORT


def _board_choice(data, user) -> tuple:
    """The airport and the local day asked for; the defaults where the input is missing or wrong."""
    form = BoardForm(data, default_airport=home_airport(user))
    form.is_valid()
    airport = form.cleaned_data.get("airport")
    if airport is None:
        airport = Airport.objects.get(pk=home_airport(user))
    tz = zoneinfo.ZoneInfo(airport.tz)
    today = timezone.now().astimezone(tz).date()
    return form, airport, form.cleaned_data.get("day") or today, today


def _arrival_rows(board, user) -> None:
    """Per arriving return case whether the user may confirm the arrival: the receiving mission does
    (``arrival.confirm``), the host mission does on its behalf (``booking.manage``, with a reason); only once the
    booking departed and until the arrival is confirmed."""
    for flight in board.arrivals:
        for row in flight.returns:
            allowed = user_can(user, Action.BOOKING_MANAGE) if row.own else user_can(user, Action.ARRIVAL_CONFIRM)
            row.can_confirm = (allowed and row.booking.status == BookingStatus.DEPARTED
                               and row.booking.arrived_at is None)


def _audit_other_missions(request, board) -> None:
    """The passengers of another mission's cases on the board (those the user's mission receives or assists in
    transit) are a read across missions: one audit row per board shown, naming the bookings."""
    others = sorted({r.booking.pk for f in (*board.arrivals, *board.transits) for r in f.returns if not r.own})
    if others:
        audit_record(actor=request.user, action=AuditAction.READ, object_type="movements.board",
                     object_id=f"{board.airport.pk}/{board.day.isoformat()}", mission_id=request.user.mission_id,
                     summary=f"airport board {board.airport.pk} {board.day.isoformat()}: passengers of "
                             f"{len(others)} booking(s) of other missions",
                     changes={"bookings": others})


def board_airports(user, today: datetime.date, current: Airport) -> list[Airport]:
    """The airports offered on the board: the missions' airports and those of the mission's flights in the weeks
    around today (any other IATA code can still be typed). A suggestion list, not a record: the codes are kept for
    ``BOARD_AIRPORTS_CACHE_SECONDS`` per mission and day, so the page does not scan 45 days of flights each time."""
    key = f"board-airports:{user.mission_id}:{today.isoformat()}"
    codes = cache.get(key)
    if codes is None:
        codes = set(Mission.objects.exclude(airport__isnull=True).values_list("airport_id", flat=True))
        start = datetime.datetime.combine(today - datetime.timedelta(days=7), datetime.time(0), tzinfo=datetime.UTC)
        end = start + datetime.timedelta(days=45)
        near = (Segment.objects.filter(mission_id=user.mission_id, departs_at__gte=start, departs_at__lt=end)
                .order_by().values_list("origin_id", "destination_id").distinct()[:500]) if user.mission_id else []
        for origin, destination in near:
            codes |= {origin, destination}
        cache.set(key, codes, BOARD_AIRPORTS_CACHE_SECONDS)
    return list(Airport.objects.filter(pk__in=codes | {BOARD_AIRPORT, current.pk}).order_by("iata"))


BOARD_AIRPORTS_CACHE_SECONDS = 600


def _desk_rows(board, request, where) -> None:
    """Per booking what the desk may do with it; per passenger their block with the taps the desk may make and
    the steps it may still undo (within the window), built once here (``board_rows``)."""
    user = request.user
    can_desk = user_can(user, Action.DESK_RECORD)
    can_manage = user_can(user, Action.BOOKING_MANAGE)
    text = RowText.for_board(tz=zoneinfo.ZoneInfo(board.airport.tz), cutoff=timezone.now() - undo_window(),
                             csrf_token=get_token(request), where=where)
    for flight in board.departures:
        for row in flight.bookings:
            row.desk_open = can_desk and row.booking.status in DESK_OPEN
            row.can_depart = can_desk and can_manage and row.booking.status == BookingStatus.CHECKED_IN
            # Nobody showed: the booking is recorded as a no-show (then rebooked, or the case closed).
            absent = [p.steps[S.NO_SHOW] for p in row.passengers if S.NO_SHOW in p.steps]
            row.can_no_show = (row.desk_open and can_manage and bool(row.passengers)
                               and len(absent) == len(row.passengers))
            row.can_depart = row.can_depart and not row.can_no_show
            row.no_show_reason = "; ".join(dict.fromkeys(e.reason for e in absent if e.reason))
            row.dom_id = f"booking-{row.booking.pk}"  # a str: the template would localise a number
            row.html = booking_html(row, text)


def board_context(request, data, *, fragment: bool = False, **extra) -> dict:
    form, airport, day, today = _board_choice(data, request.user)
    # The read and its audit row (passengers of other missions' cases) in one transaction.
    with transaction.atomic():
        board = airport_day(request.user, day, airport)
        _audit_other_missions(request, board)
    # The airport and day every desk form sends back (the answer is the board they were tapped on).
    where = format_html('<input type="hidden" name="airport" value="{}"><input type="hidden" name="day" value="{}">',
                        airport.pk, day.isoformat())
    _desk_rows(board, request, where)
    _arrival_rows(board, request.user)
    query = urlencode({"airport": airport.pk, "day": day.isoformat()})
    context = {"form": form, "board": board, "airport": airport, "day": day, "today": today, "where": where,
               "tomorrow": today + datetime.timedelta(days=1), "query": query,
               "board_url": reverse("airport-board") + "?" + query, "now": timezone.now(),
               "can_print": can_print_manifest(request.user),
               "case_statuses": BookingNoShowForm.base_fields["case_status"].choices, **extra}
    if not fragment:  # the choice of airports is outside the polled fragment
        context["airports"] = board_airports(request.user, today, airport)
    return context


def render_board(request, data, *, status=200, **extra):
    template = "movements/airport_board.html"
    fragment = bool(request.htmx and not request.htmx.history_restore_request)
    if fragment:
        template += "#board-panel"
    return render(request, template, board_context(request, data, fragment=fragment, **extra), status=status)


@require_GET
def airport_board(request):
    if not can_see_board(request.user):
        raise PermissionDenied
    return render_board(request, request.GET)


def _answer(request, *, error: ServiceError | None = None, target: str = "", success: str = ""):
    """The refreshed fragment (htmx) or back to the board (no JS); a refusal carries the service's messages."""
    if request.htmx:
        if error is None:
            return render_board(request, request.POST)
        # 200, not 400: htmx 2 swaps no 4xx answer, and the refusal must replace the board to be read.
        return render_board(request, request.POST, desk_error={
            "target": target, "message": error.message, "details": list(error.details),
            "fields": list(error.field_errors.values())})
    if error is None:
        messages.success(request, success)
    else:
        messages.error(request, " ".join([error.message, *error.field_errors.values(), *error.details]))
    _form, airport, day, _today = _board_choice(request.POST, request.user)
    return redirect(reverse("airport-board") + "?" + urlencode({"airport": airport.pk, "day": day.isoformat()}))


def _form_error(form) -> ServiceError:
    return ServiceError(_("Please correct the marked fields."),
                        field_errors={k: " ".join(v) for k, v in form.errors.items()})


@require_POST
def desk_step_view(request, pk, booking_pk, passenger_pk):
    booking = _booking_for(request, pk, booking_pk, Action.DESK_RECORD)
    passenger = booking.passengers.filter(pk=passenger_pk).first()
    if passenger is None:
        raise Http404("No such passenger")
    target = f"passenger-{passenger.pk}"
    form = DeskStepForm(request.POST)
    if not form.is_valid():
        return _answer(request, error=_form_error(form), target=target)
    data = form.cleaned_data
    try:
        event = services.desk_step_record(actor=request.user, passenger=passenger, step=data["step"],
                                          amount=data["amount"] or None, currency=data["currency"],
                                          reason=data["reason"])
    except ServiceError as exc:
        return _answer(request, error=exc, target=target)
    return _answer(request, success=_("“%(step)s” recorded.") % {"step": S(event.step).label})


@require_POST
def desk_undo_view(request, pk, booking_pk, event_pk):
    booking = _booking_for(request, pk, booking_pk, Action.DESK_RECORD)
    event = DeskEvent.objects.filter(pk=event_pk, booking=booking).first()
    if event is None:
        raise Http404("No such desk step")
    form = DeskUndoForm(request.POST)
    target = f"passenger-{event.passenger_id}"
    if not form.is_valid():
        return _answer(request, error=_form_error(form), target=target)
    try:
        services.desk_step_undo(actor=request.user, event=event, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        return _answer(request, error=exc, target=target)
    return _answer(request, success=_("“%(step)s” undone.") % {"step": S(event.step).label})


@require_POST
def departure_confirm_view(request, pk, booking_pk):
    booking = _booking_for(request, pk, booking_pk, Action.DESK_RECORD)
    _require_manage(request.user)
    target = f"booking-{booking.pk}"
    form = DepartureConfirmForm(request.POST)
    if not form.is_valid():
        return _answer(request, error=_form_error(form), target=target)
    _form, airport, _day, _today = _board_choice(request.POST, request.user)
    departed_at = form.cleaned_data["departed_at"]
    if departed_at is not None:
        departed_at = departed_at.replace(tzinfo=zoneinfo.ZoneInfo(airport.tz))
    try:
        services.departure_confirm(actor=request.user, booking=booking, departed_at=departed_at)
    except ServiceError as exc:
        return _answer(request, error=exc, target=target)
    return _answer(request, success=_("Departure of booking %(ref)s confirmed.") % {
        "ref": booking.reference or booking.pk})


@require_POST
def arrival_confirm_view(request, booking_pk):
    """The receiving mission (or the host mission on its behalf, with a reason) confirms the passengers of a
    return case arrived. The booking is found only among those the user's board shows: 404 otherwise."""
    if not can_see_board(request.user):
        raise PermissionDenied
    booking = Booking.objects.filter(arriving_for_q(request.user), pk=booking_pk).select_related("case").first()
    if booking is None:
        raise Http404("No such booking")
    target = f"arrival-{booking.pk}"
    form = ArrivalConfirmForm(request.POST)
    if not form.is_valid():
        return _answer(request, error=_form_error(form), target=target)
    _form, airport, _day, _today = _board_choice(request.POST, request.user)
    arrived_at = form.cleaned_data["arrived_at"]
    if arrived_at is not None:
        arrived_at = arrived_at.replace(tzinfo=zoneinfo.ZoneInfo(airport.tz))
    try:
        services.arrival_confirm(actor=request.user, booking=booking, arrived_at=arrived_at,
                                 reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        return _answer(request, error=exc, target=target)
    return _answer(request, success=_("Arrival of booking %(ref)s confirmed.") % {
        "ref": booking.reference or booking.pk})


@require_POST
def booking_no_show_view(request, pk, booking_pk):
    booking = _booking_for(request, pk, booking_pk, Action.DESK_RECORD)
    _require_manage(request.user)
    target = f"booking-{booking.pk}"
    form = BookingNoShowForm(request.POST)
    if not form.is_valid():
        return _answer(request, error=_form_error(form), target=target)
    data = form.cleaned_data
    try:
        services.booking_no_show(actor=request.user, booking=booking, reason=data["reason"],
                                 case_status=data["case_status"] or CaseStatus.READY_TO_DEPART,
                                 review_on=data["review_on"])
    except ServiceError as exc:
        return _answer(request, error=exc, target=target)
    return _answer(request, success=_("Booking %(ref)s recorded as a no-show.") % {
        "ref": booking.reference or booking.pk})


def _require_manage(user) -> None:
    if not user_can(user, Action.BOOKING_MANAGE):
        raise PermissionDenied
