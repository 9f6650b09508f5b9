"""Charter flights for movements staff: the list, a new charter (checked live as the booking forms check their
flights), the charter's page (seats, the cases on it, its moves with what stands in their way, the manifest),
and putting a booking on a charter. Charters of another mission answer 404; a page listing a sensitive case
leaves an audit row."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passage.accounts.permissions import Action, user_can
from passage.audit.enums import AuditAction
from passage.audit.services import audit_record
from passage.core.errors import ConcurrentEditError, ServiceError

from .. import services, workflow
from ..enums import LIVE_BOOKING_STATUSES, CharterStatus, DeskStep
from ..forms import BookingCharterForm, CharterForm, CharterListForm, CharterTransitionForm
from ..models import Charter, DeskEvent
from ..selectors import bookings_visible_to, charter_get_for_user, charters_visible_to, with_seats_taken
from ..services.charters import BOOKABLE_CHARTER
from .actions import _back, _booking_for, _form_page, apply_service_error
from .journey import local_time
from .lists import can_see_movements


def _require_manage(user):
    if not user_can(user, Action.BOOKING_MANAGE):
        raise PermissionDenied


@require_GET
def charter_list(request):
    if not can_see_movements(request.user):
        raise PermissionDenied
    form = CharterListForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    qs = with_seats_taken(charters_visible_to(request.user)).select_related("origin", "destination")
    if status == "":
        qs = qs.filter(status__in=[CharterStatus.PLANNED, CharterStatus.CONFIRMED])
    elif status != "all":
        qs = qs.filter(status=status)
    rows = [{"charter": c, "departs": local_time(c.departs_at, c.origin.tz), "free": c.seats - c.taken}
            for c in qs.order_by("departs_at", "pk")[:200]]
    return render(request, "movements/charter_list.html", {
        "form": form, "rows": rows, "can_manage": user_can(request.user, Action.BOOKING_MANAGE)})


def _enable_live(form, url):
    for name in CharterForm.LIVE:
        bound = form[name]
        form.fields[name].widget.attrs.update({
            "hx-post": url, "hx-trigger": "change", "hx-target": f"#{bound.auto_id}_live", "hx-swap": "outerHTML",
            "hx-include": "closest form", "hx-sync": "this:replace"})
        described = [f"{bound.auto_id}_helptext"] if form.fields[name].help_text else []
        form.fields[name].widget.attrs["aria-describedby"] = " ".join([*described, f"{bound.auto_id}_error"])


@require_http_methods(["GET", "POST"])
def charter_create_view(request):
    _require_manage(request.user)
    status = 200
    if request.method == "POST":
        form = CharterForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                charter = services.charter_create(
                    actor=request.user, reference=data["reference"], airline=data["airline"],
                    flight_number=data["flight_number"], origin=data["origin"], destination=data["destination"],
                    departs=data["departs"], arrives=data["arrives"], seats=data["seats"])
            except ServiceError as exc:
                status = apply_service_error(form, exc)
            else:
                messages.success(request, _("The charter flight %(ref)s is planned.") % {"ref": charter.reference})
                return redirect(reverse("charter-detail", args=[charter.pk]))
        else:
            status = 400
    else:
        form = CharterForm()
    _enable_live(form, reverse("charter-validate"))
    return render(request, "movements/charter_form.html", {"form": form}, status=status)


@require_POST
def charter_validate_view(request):
    """Live check of one field as the user leaves it (htmx), with the same form as on submit; nothing stored."""
    _require_manage(request.user)
    name = request.headers.get("HX-Trigger-Name", "")
    if name not in CharterForm.LIVE:
        return HttpResponseBadRequest(_("Unknown field."))
    form = CharterForm(request.POST)
    form.is_valid()
    return HttpResponse(render_to_string("movements/_field_error.html", {"field": form[name]}, request=request))


def _moves(user, charter) -> list[dict]:
    can_manage = user_can(user, Action.BOOKING_MANAGE)
    return [{"status": target, "label": CharterStatus(target).label,
             "needs_reason": target == CharterStatus.CANCELLED,
             # The reason is given with the click; every other missing item is shown before it.
             "blockers": services.charter_move_blockers(user, charter, target) if can_manage else []}
            for target in (CharterStatus.CONFIRMED, CharterStatus.DEPARTED, CharterStatus.CANCELLED)
            if target in services.CHARTER_MOVES[charter.status]]


def charter_context(user, charter, **extra) -> dict:
    bookings = list(bookings_visible_to(user).filter(charter=charter).select_related("case")
                    .prefetch_related("passengers__person", "passengers__escort__staff").order_by("status", "pk"))
    live_seats = services.seats_taken(charter)
    visible_live_seats = sum(b.seats for b in bookings if b.status in LIVE_BOOKING_STATUSES)
    not_boarded = {}
    for event in DeskEvent.objects.filter(booking__in=[b.pk for b in bookings], step=DeskStep.NO_SHOW,
                                          undone_at__isnull=True, itinerary__superseded_at__isnull=True).select_related("passenger__person"):
        not_boarded.setdefault(event.booking_id, []).append(event)
    rows = [{"booking": b, "passengers": len(b.passengers.all()), "live": b.status in LIVE_BOOKING_STATUSES,
             "no_shows": [workflow.person_label(e.passenger.person) if e.passenger.person_id else str(
                 e.passenger.escort) for e in not_boarded.get(b.pk, [])]}
            for b in bookings]
    departs = local_time(charter.departs_at, charter.origin.tz)
    return {
        "charter": charter, "rows": rows, "departs": departs,
        "arrives": local_time(charter.arrives_at, charter.destination.tz),
        "taken": live_seats, "free": charter.seats - live_seats, "hidden_seats": live_seats - visible_live_seats,
        "history": list(charter.status_changes.select_related("by")),
        "moves": _moves(user, charter), "can_manage": user_can(user, Action.BOOKING_MANAGE),
        "manifest_args": [charter.origin_id, departs["value"].date().isoformat(), charter.flight_number],
        "can_print": user_can(user, Action.MOVEMENT_VIEW),
        **extra,
    }


def _render_charter(request, charter, *, status=200, **extra):
    context = charter_context(request.user, charter, **extra)
    sensitive = [r["booking"].case.number for r in context["rows"] if r["booking"].case.is_sensitive]
    if sensitive:
        with transaction.atomic():
            audit_record(actor=request.user, action=AuditAction.READ, obj=charter, mission_id=charter.mission_id,
                         summary=f"read charter {charter.reference} listing sensitive cases",
                         changes={"cases": [None, sensitive]})
    return render(request, "movements/charter_detail.html", context, status=status)


@require_GET
def charter_detail(request, charter_pk):
    charter = charter_get_for_user(request.user, charter_pk)
    return _render_charter(request, charter)


@require_POST
def charter_transition_view(request, charter_pk):
    charter = charter_get_for_user(request.user, charter_pk)
    _require_manage(request.user)
    form = CharterTransitionForm(request.POST)
    if not form.is_valid():
        return _render_charter(request, charter, status=400, transition_error={
            "message": _("The move could not be made."), "details": [], "status": request.POST.get("to_status")})
    data = form.cleaned_data
    try:
        move = services.charter_transition(actor=request.user, charter=charter, to_status=data["to_status"],
                                           reason=data["reason"], version=data["version"])
    except ServiceError as exc:
        return _render_charter(request, charter_get_for_user(request.user, charter_pk),
                               status=409 if isinstance(exc, ConcurrentEditError) else 400,
                               transition_error={"message": exc.message, "details": exc.details,
                                                 "status": data["to_status"], "reason": data["reason"]})
    messages.success(request, _("The charter flight moved to “%(status)s”.") % {
        "status": CharterStatus(data["to_status"]).label})
    if move.departed:
        messages.success(request, _("Departure confirmed for %(n)s bookings.") % {"n": len(move.departed)})
    if move.did_not_board:
        messages.warning(request, _("Did not board: %(names)s.") % {"names": ", ".join(move.did_not_board)})
    if move.cancelled and data["to_status"] == CharterStatus.CANCELLED:
        messages.info(request, _("%(n)s bookings cancelled; their cases are ready to depart again.") % {
            "n": len(move.cancelled)})
    return redirect(reverse("charter-detail", args=[charter.pk]))


# ---------------------------------------------------------------- a booking on a charter


@require_http_methods(["GET", "POST"])
def booking_charter_view(request, pk, booking_pk):
    booking = _booking_for(request, pk, booking_pk, Action.BOOKING_MANAGE)
    charters = with_seats_taken(Charter.objects.filter(
        mission_id=booking.mission_id, status__in=sorted(BOOKABLE_CHARTER),
        departs_at__gt=timezone.now())).order_by("departs_at", "pk")
    status = 200
    if request.method == "POST":
        form = BookingCharterForm(request.POST, charters=charters)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.booking_charter_set(actor=request.user, booking=booking, charter=data["charter"],
                                             seats=data["seats"], reason=data["reason"], version=data["version"])
            except ServiceError as exc:
                status = apply_service_error(form, exc)
            else:
                messages.success(request, _("The booking is on the charter flight %(ref)s.") % {
                    "ref": data["charter"].reference})
                return _back(booking.case)
        else:
            status = 400
    else:
        form = BookingCharterForm(charters=charters, initial={
            "version": booking.version, "charter": booking.charter_id, "seats": booking.seats or None})
    return _form_page(request, booking.case, form, title=_("Put the booking on a charter flight"),
                      action_url=reverse("booking-charter", args=[pk, booking.pk]), submit=_("Save"),
                      status=status, booking=booking,
                      intro=_("The journey becomes the charter's flight (a rebooking: the earlier flights are kept). "
                              "Every passenger needs a seat."))


