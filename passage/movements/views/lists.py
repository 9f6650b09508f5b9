"""The movements list (bookings in the user's scope, by first departure) and the inbox of requests other
missions sent to the user's mission (transit assistance, meet-and-assist), with the answer."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, OuterRef, Prefetch, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from passage.accounts.permissions import Action, user_can
from passage.core.errors import ServiceError

from .. import services
from ..enums import LIVE_BOOKING_STATUSES, AssistanceStatus, ItineraryLeg
from ..forms import PAGE_SIZE, AssistanceRespondForm, BookingListForm
from ..models import AssistanceRequest, Itinerary, Passenger, Segment
from ..selectors import bookings_visible_to
from .actions import apply_service_error
from .journey import segment_row


def can_see_movements(user) -> bool:
    """The movements list is for those who book (movements, operations) and those who oversee (managers,
    supervisors); counsellors see the journey on their cases."""
    return user_can(user, Action.BOOKING_MANAGE) or (
        user_can(user, Action.BOOKING_VIEW) and user_can(user, Action.SUPERVISION_VIEW))


def _first(field: str):
    return Subquery(Segment.objects.filter(
        itinerary__booking=OuterRef("pk"), itinerary__leg=ItineraryLeg.MAIN, itinerary__superseded_at__isnull=True,
    ).order_by("departs_at").values(field)[:1])


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@require_GET
def booking_list(request):
    if not can_see_movements(request.user):
        raise PermissionDenied
    form = BookingListForm(request.GET or None)
    qs = bookings_visible_to(request.user).annotate(
        first_departs_at=_first("departs_at"), first_origin=_first("origin_id"), first_flight=_first("flight_number"))
    status = ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        status = data["status"]
        if data["departs_from"]:
            qs = qs.filter(first_departs_at__gte=_day_start(data["departs_from"]))
        if data["departs_until"]:
            qs = qs.filter(first_departs_at__lt=_day_start(data["departs_until"] + datetime.timedelta(days=1)))
    elif form.is_bound:
        qs = qs.none()
    if status == "":
        qs = qs.filter(status__in=sorted(LIVE_BOOKING_STATUSES))
    elif status != "all":
        qs = qs.filter(status=status)
    qs = (qs.select_related("case").order_by(F("first_departs_at").asc(nulls_last=True), "requested_at", "pk")
          .prefetch_related(Prefetch("passengers", queryset=Passenger.objects.only("pk", "booking_id"))))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "movements/booking_list.html", {"form": form, "page": page})


# ---------------------------------------------------------------- requests from other missions


def _requests_to(user):
    if not user_can(user, Action.ASSISTANCE_RESPOND) or not user.mission_id:
        return AssistanceRequest.objects.none()
    return AssistanceRequest.objects.filter(to_mission_id=user.mission_id)


@require_GET
def assistance_inbox(request):
    if not user_can(request.user, Action.ASSISTANCE_RESPOND):
        raise PermissionDenied
    rows = list(_requests_to(request.user).select_related("airport", "booking__mission", "requested_by")
                .order_by(F("responded_at").asc(nulls_first=True), "-requested_at")[:200])
    return render(request, "movements/assistance_inbox.html", {"rows": rows, "open": AssistanceStatus.REQUESTED})


@require_http_methods(["GET", "POST"])
def assistance_respond_view(request, request_pk):
    """The receiving mission's answer. Its staff see the request, the passengers' names and the flights — not
    the case, which belongs to the sending mission."""
    row = _requests_to(request.user).select_related("airport", "booking__mission", "requested_by").filter(
        pk=request_pk).first()
    if row is None:
        raise Http404("No such request")
    itinerary = (Itinerary.objects.filter(booking_id=row.booking_id, leg=ItineraryLeg.MAIN,
                                          superseded_at__isnull=True)
                 .prefetch_related(Prefetch("segments", queryset=Segment.objects.select_related(
                     "origin", "destination"))).first())
    passengers = list(Passenger.objects.filter(booking_id=row.booking_id).select_related("person", "escort__staff")
                      .prefetch_related("assistance"))
    status = 200
    if request.method == "POST":
        form = AssistanceRespondForm(request.POST)
        if form.is_valid():
            try:
                services.assistance_request_respond(actor=request.user, request=row,
                                                    confirm=form.cleaned_data["answer"] == "confirm",
                                                    note=form.cleaned_data["response_note"])
            except ServiceError as exc:
                status = apply_service_error(form, exc)
            else:
                messages.success(request, _("Your answer is recorded; the sending mission sees it."))
                return redirect(reverse("assistance-inbox"))
        else:
            status = 400
    else:
        form = AssistanceRespondForm()
    return render(request, "movements/assistance_respond.html", {
        "row": row, "form": form, "passengers": passengers,
        "segments": [segment_row(s) for s in itinerary.segments.all()] if itinerary else [],
        "answerable": row.status == AssistanceStatus.REQUESTED,
    }, status=status)
