"""Arrivals and transits that are not return cases (resettled refugees, relocated asylum seekers, family
reunification, returns from other countries passing through): the list, a new one, and its page, where the
movements staff add the passengers and record what became of each at the airport — received, handed over to
the reception agency or to family, directed to the connecting flight — and the meals and hotel nights of
stranded passengers.

Movements of the user's own mission only (another mission's answer 404); reading needs ``movement.view``,
every change ``movement.manage`` (403). Each change is one service call; a refusal shows the service's messages
with the input kept, and nothing is stored."""

import datetime
import zoneinfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passage.accounts.permissions import Action, user_can
from passage.core.errors import ServiceError
from passage.reference.models import Airport

from .. import services
from ..enums import MovementKind, MovementOutcome
from ..forms import (
    PAGE_SIZE,
    MovementForm,
    MovementListForm,
    MovementOutcomeForm,
    MovementPassengerForm,
    StrandedCareForm,
    reception_locations,
)
from ..models import Movement, MovementPassenger, StrandedCare
from ..services import FlightInput
from .actions import apply_service_error
from .board import home_airport

OC = MovementOutcome

# The next steps offered per passenger, by the kind of movement and where the passenger is now.
NEXT_STEPS = {
    MovementKind.ARRIVAL: {OC.EXPECTED: (OC.RECEIVED,), OC.RECEIVED: (OC.TO_RECEPTION, OC.TO_FAMILY)},
    MovementKind.TRANSIT: {OC.EXPECTED: (OC.RECEIVED,), OC.RECEIVED: (OC.TO_CONNECTION,)},
}


def _require(user, action: Action) -> None:
    if not user_can(user, action):
        raise PermissionDenied


def movements_of(user):
    """The arrivals and transits the user sees: those of their mission, with ``movement.view``."""
    if not user_can(user, Action.MOVEMENT_VIEW) or not user.mission_id:
        return Movement.objects.none()
    return Movement.objects.filter(mission_id=user.mission_id)


def _movement_for(request, pk) -> Movement:
    _require(request.user, Action.MOVEMENT_VIEW)
    movement = movements_of(request.user).select_related("origin", "airport", "onward_destination").filter(
        pk=pk).first()
    if movement is None:
        raise Http404("No such arrival or transit")
    return movement


@require_GET
def movement_list(request):
    _require(request.user, Action.MOVEMENT_VIEW)
    form = MovementListForm(request.GET or None)
    # Days on the clock of the mission's airport.
    tz = zoneinfo.ZoneInfo(Airport.objects.get(pk=home_airport(request.user)).tz)
    qs = movements_of(request.user)
    day_from = timezone.now().astimezone(tz).date() - datetime.timedelta(days=1)
    day_until = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        day_from, day_until = data["day_from"] or day_from, data["day_until"]
        if data["kind"]:
            qs = qs.filter(kind=data["kind"])
    elif form.is_bound:
        qs = qs.none()
    qs = qs.filter(arrives_at__gte=datetime.datetime.combine(day_from, datetime.time(0), tzinfo=tz))
    if day_until:
        qs = qs.filter(arrives_at__lt=datetime.datetime.combine(day_until + datetime.timedelta(days=1),
                                                                datetime.time(0), tzinfo=tz))
    qs = (qs.select_related("origin", "airport", "onward_destination")
          .annotate(n_passengers=Count("passengers"),
                    n_open=Count("passengers", filter=Q(passengers__outcome__in=[OC.EXPECTED, OC.RECEIVED])))
          .order_by("arrives_at", "pk"))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "movements/movement_list.html", {
        "form": form, "page": page, "can_manage": user_can(request.user, Action.MOVEMENT_MANAGE)})


@require_http_methods(["GET", "POST"])
def movement_create_view(request):
    _require(request.user, Action.MOVEMENT_MANAGE)
    status = 200
    if request.method == "POST":
        form = MovementForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            flight = FlightInput(data["airline"], data["flight_number"], data["origin"], data["airport"],
                                 data["departs"], data["arrives"])
            onward = None
            if data["kind"] == MovementKind.TRANSIT and (data["onward_flight_number"] or data["onward_departs"]):
                onward = FlightInput(data["onward_airline"], data["onward_flight_number"], data["airport"],
                                     data["onward_destination"], data["onward_departs"], data["onward_departs"])
            try:
                movement = services.movement_create(actor=request.user, kind=data["kind"],
                                                    programme=data["programme"], reference=data["reference"],
                                                    flight=flight, onward=onward)
            except ServiceError as exc:
                status = apply_service_error(form, exc, {"onward": "onward_flight_number"})
            else:
                messages.success(request, _("%(kind)s %(flight)s recorded: now add its passengers.") % {
                    "kind": movement.get_kind_display(), "flight": movement.flight_number})
                return redirect(reverse("movement-detail", args=[movement.pk]))
        else:
            status = 400
    else:
        form = MovementForm(initial={"airport": home_airport(request.user), "kind": MovementKind.ARRIVAL})
    return render(request, "movements/movement_form.html", {"form": form}, status=status)


def _detail_context(request, movement, **extra) -> dict:
    passengers = list(movement.passengers.select_related("handed_to_location", "outcome_by").prefetch_related(
        Prefetch("care", queryset=StrandedCare.objects.select_related("arranged_by"))).order_by("family_name", "pk"))
    can_manage = user_can(request.user, Action.MOVEMENT_MANAGE)
    for p in passengers:
        p.next_steps = [(step.value, step.label) for step in NEXT_STEPS[movement.kind].get(p.outcome, ())]
    return {"movement": movement, "passengers": passengers, "can_manage": can_manage,
            "locations": list(reception_locations()) if can_manage else [],
            "passenger_form": extra.pop("passenger_form", None) or MovementPassengerForm(),
            "care_kinds": StrandedCareForm.base_fields["kind"].choices, **extra}


def _detail(request, movement, *, status=200, **extra):
    template = "movements/movement_detail.html"
    if request.htmx and not request.htmx.history_restore_request and "passenger_form" not in extra:
        template += "#movement-passengers"
    return render(request, template, _detail_context(request, movement, **extra), status=status)


@require_GET
def movement_detail(request, pk):
    return _detail(request, _movement_for(request, pk))


@require_POST
def movement_passenger_add_view(request, pk):
    movement = _movement_for(request, pk)
    _require(request.user, Action.MOVEMENT_MANAGE)
    form = MovementPassengerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            row = services.movement_passenger_add(
                actor=request.user, movement=movement, family_name=data["family_name"],
                given_names=data["given_names"], sex=data["sex"], birth_year=data["birth_year"],
                nationality=data["nationality"])
        except ServiceError as exc:
            status = apply_service_error(form, exc)
        else:
            messages.success(request, _("%(name)s added.") % {"name": row})
            return redirect(reverse("movement-detail", args=[movement.pk]))
    else:
        status = 400
    return _detail(request, movement, status=status, passenger_form=form)


def _passenger(movement, passenger_pk) -> MovementPassenger:
    row = movement.passengers.filter(pk=passenger_pk).first()
    if row is None:
        raise Http404("No such passenger")
    return row


def _answer(request, movement, *, error: ServiceError | None = None, target="", success=""):
    """The refreshed passengers panel (htmx) or back to the page (no JS); a refusal carries the messages."""
    if request.htmx:
        if error is None:
            return _detail(request, movement)
        # 200, not 400, as on the board: htmx 2 swaps no 4xx answer, and the refusal must be read.
        return _detail(request, movement, step_error={
            "target": target, "message": error.message, "details": list(error.details),
            "fields": list(error.field_errors.values())})
    if error is None:
        messages.success(request, success)
    else:
        messages.error(request, " ".join([error.message, *error.field_errors.values(), *error.details]))
    return redirect(reverse("movement-detail", args=[movement.pk]))


def _form_error(form) -> ServiceError:
    return ServiceError(_("Please correct the marked fields."),
                        field_errors={k: " ".join(v) for k, v in form.errors.items()})


@require_POST
def movement_outcome_view(request, pk, passenger_pk):
    movement = _movement_for(request, pk)
    _require(request.user, Action.MOVEMENT_MANAGE)
    passenger = _passenger(movement, passenger_pk)
    target = f"mpassenger-{passenger.pk}"
    form = MovementOutcomeForm(request.POST)
    if not form.is_valid():
        return _answer(request, movement, error=_form_error(form), target=target)
    data = form.cleaned_data
    try:
        row = services.movement_passenger_outcome(actor=request.user, passenger=passenger, outcome=data["outcome"],
                                                  location=data["location"], family_name=data["family_name"])
    except ServiceError as exc:
        return _answer(request, movement, error=exc, target=target)
    return _answer(request, movement, success=_("%(name)s: “%(outcome)s” recorded.") % {
        "name": row, "outcome": OC(row.outcome).label})


@require_POST
def stranded_care_view(request, pk, passenger_pk):
    movement = _movement_for(request, pk)
    _require(request.user, Action.MOVEMENT_MANAGE)
    passenger = _passenger(movement, passenger_pk)
    target = f"mpassenger-{passenger.pk}"
    form = StrandedCareForm(request.POST)
    if not form.is_valid():
        return _answer(request, movement, error=_form_error(form), target=target)
    data = form.cleaned_data
    try:
        row = services.stranded_care_record(actor=request.user, passenger=passenger, kind=data["kind"],
                                            cost=data["cost"], currency=data["currency"], note=data["note"])
    except ServiceError as exc:
        return _answer(request, movement, error=exc, target=target)
    return _answer(request, movement, success=_("%(what)s for %(name)s recorded.") % {
        "what": row.get_kind_display(), "name": passenger})
