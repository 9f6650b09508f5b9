"""The forms that book a journey. Each view obtains the case and the booking through the access selectors
(outside the user's scope: 404), checks the role (403), validates the input with a form, calls one service
and answers: back to the journey with a message, or the form again with the service's own messages (nothing
stored). A stale version (someone else saved first) answers 409 with the user's input kept."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from passage.accounts.permissions import Action, user_can
from passage.cases.selectors import case_get_for_user
from passage.core.errors import ConcurrentEditError, ServiceError

from .. import services, workflow
from ..enums import BookingStatus, ItineraryLeg
from ..forms import (
    SEGMENT_PREFIX,
    AssistanceRequestForm,
    AssistanceWithdrawForm,
    BookingDetailsForm,
    BookingRequestForm,
    BookingTransitionForm,
    DocumentConfirmationForm,
    EscortForm,
    ItineraryForm,
    MedifForm,
    SegmentForm,
    SpecialAssistanceForm,
    TicketForm,
    TimeChangeForm,
)
from ..forms import SegmentFormSet as _SegmentFormSet
from ..models import Booking, Passenger, Segment, SpecialAssistance
from ..selectors import bookings_visible_to, confirmable_documents
from .journey import render_journey


def _require(user, *actions: Action) -> None:
    if not any(user_can(user, a) for a in actions):
        raise PermissionDenied


def _case_for(request, pk, *actions: Action):
    case = case_get_for_user(request.user, pk, audit_read=request.method == "GET")
    _require(request.user, *actions)
    return case


def _booking_for(request, pk, booking_pk, *actions: Action) -> Booking:
    """The booking of case ``pk`` if the user sees the case (else 404) and holds one of ``actions`` (else 403)."""
    case = case_get_for_user(request.user, pk, audit_read=request.method == "GET")
    booking = bookings_visible_to(request.user).filter(pk=booking_pk, case_id=case.pk).first()
    if booking is None:
        raise Http404("No such booking")
    booking.case = case
    _require(request.user, *actions)
    return booking


def _back(case):
    return redirect(reverse("journey", args=[case.pk]))


def apply_service_error(form, exc: ServiceError, field_map: dict | None = None) -> int:
    """Put a refused call's messages on the form (per field where it names one); the answer's status code."""
    if isinstance(exc, ConcurrentEditError):
        form.add_error(None, exc.message)
        return 409
    placed = False
    for name, message in exc.field_errors.items():
        name = (field_map or {}).get(name, name)
        if name in form.fields:
            form.add_error(name, message)
            placed = True
        else:
            form.add_error(None, message)
    if not placed:
        form.add_error(None, exc.message)
    for detail in exc.details:
        form.add_error(None, detail)
    return 400


def _form_page(request, case, form, *, title, action_url, submit, status=200, booking=None, intro="",
               template="movements/booking_form.html", **extra):
    context = {"case": case, "form": form, "title": title, "action_url": action_url, "submit": submit,
               "booking": booking, "intro": intro, **extra}
    return render(request, template, context, status=status)


def _form_view(request, case, *, form_class, title, submit, action_url, save, success, booking=None,
               form_kwargs=None, initial=None, intro="", field_map=None):
    """GET: the form. POST: validate, call the service through ``save``, answer."""
    form_kwargs = form_kwargs or {}
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                save(form.cleaned_data, form)
            except ServiceError as exc:
                status = apply_service_error(form, exc, field_map)
            else:
                messages.success(request, success)
                return _back(case)
        else:
            status = 400
    else:
        form = form_class(initial=initial, **form_kwargs)
    return _form_page(request, case, form, title=title, action_url=action_url, submit=submit, status=status,
                      booking=booking, intro=intro)


# ---------------------------------------------------------------- the request


@require_http_methods(["GET", "POST"])
def booking_request_view(request, pk):
    case = _case_for(request, pk, Action.BOOKING_REQUEST, Action.BOOKING_MANAGE)
    members = list(case.members.select_related("person").order_by("pk"))

    def save(data, form):
        services.booking_request(actor=request.user, case=case, persons=form.chosen(),
                                 project_code=data["project_code"], remarks=data["remarks"],
                                 charter=data.get("charter"), seats=data.get("seats"))

    return _form_view(
        request, case, form_class=BookingRequestForm, title=_("Request the departure"),
        submit=_("Request the booking"), action_url=reverse("booking-request", args=[case.pk]), save=save,
        success=_("The booking is requested: movements staff book the flights."),
        form_kwargs={"members": members, "mission_id": case.mission_id}, initial={"persons": [str(m.person_id) for m in members]},
        intro=_("The advance booking notification: movements staff book the flights for the members chosen."),
    )


# ---------------------------------------------------------------- the booking's details


@require_http_methods(["GET", "POST"])
def booking_details_view(request, pk, booking_pk):
    booking = _booking_for(request, pk, booking_pk, Action.BOOKING_MANAGE)

    def save(data, form):
        services.booking_update(actor=request.user, booking=booking, version=data["version"],
                                reference=data["reference"], project_code=data["project_code"],
                                remarks=data["remarks"])

    return _form_view(
        request, booking.case, form_class=BookingDetailsForm, title=_("Booking reference and project"),
        submit=_("Save"), action_url=reverse("booking-details", args=[pk, booking.pk]), save=save,
        success=_("The booking is saved."), booking=booking,
        initial={"version": booking.version, "reference": booking.reference, "project_code": booking.project_code,
                 "remarks": booking.remarks},
    )


# ---------------------------------------------------------------- the itinerary


def _segment_formset(data=None, *, initial=None, blank=1):
    formset_class = type(_SegmentFormSet)("SegmentFormSet", (_SegmentFormSet,), {"extra": blank})
    return formset_class(data, initial=initial, prefix=SEGMENT_PREFIX)


def _enable_live(formset, url):
    for form in formset.forms:
        for name in SegmentForm.LIVE:
            bound = form[name]
            form.fields[name].widget.attrs.update({
                "hx-post": url, "hx-trigger": "change", "hx-target": f"#{bound.auto_id}_live",
                "hx-swap": "outerHTML", "hx-include": "closest .segment-row", "hx-sync": "this:replace",
                "hx-params": "*",
            })
            described = [f"{bound.auto_id}_helptext"] if form.fields[name].help_text else []
            form.fields[name].widget.attrs["aria-describedby"] = " ".join([*described, f"{bound.auto_id}_error"])


def _segment_inputs(formset) -> list[services.SegmentInput]:
    return [services.SegmentInput(f.cleaned_data["airline"], f.cleaned_data["flight_number"],
                                  f.cleaned_data["origin"], f.cleaned_data["destination"],
                                  f.cleaned_data["departs"], f.cleaned_data["arrives"])
            for f in formset.forms if f.cleaned_data]


def _place_segment_errors(form, formset, exc: ServiceError) -> int:
    if isinstance(exc, ConcurrentEditError):
        form.add_error(None, exc.message)
        return 409
    filled = [f for f in formset.forms if f.cleaned_data]
    for key, message in exc.field_errors.items():
        parts = key.split("-")
        if len(parts) == 3 and parts[0] == SEGMENT_PREFIX and parts[1].isdigit() and int(parts[1]) < len(filled):
            filled[int(parts[1])].add_error(parts[2], message)
        elif key in form.fields:
            form.add_error(key, message)
        else:
            form.add_error(None, message)
    form.add_error(None, exc.message)
    for detail in exc.details:
        form.add_error(None, detail)
    return 400


def _escort_leg(request, booking):
    """The journey the form is about: the passengers' (no parameters), or an escort's own outbound or return
    journey (``?escort=<pk>&leg=escort_out|escort_back``)."""
    escort_pk, leg = request.GET.get("escort", ""), request.GET.get("leg", ItineraryLeg.MAIN)
    if not escort_pk:
        return None, ItineraryLeg.MAIN
    escort = booking.escorts.select_related("staff").filter(pk=escort_pk if escort_pk.isdigit() else 0).first()
    if escort is None or leg not in (ItineraryLeg.ESCORT_OUT, ItineraryLeg.ESCORT_BACK):
        raise Http404("No such escort journey")
    return escort, leg


@require_http_methods(["GET", "POST"])
def itinerary_set_view(request, pk, booking_pk):
    booking = _booking_for(request, pk, booking_pk, Action.BOOKING_MANAGE)
    escort, leg = _escort_leg(request, booking)
    current = workflow.current_itinerary(booking, leg=leg, escort=escort)
    segments = list(current.segments.all()) if current else []
    validate_url = reverse("itinerary-validate", args=[pk, booking.pk])
    status = 200
    if request.method == "POST":
        form = ItineraryForm(request.POST)
        formset = _segment_formset(request.POST)
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if form_ok and formset_ok:
            try:
                services.itinerary_set(actor=request.user, booking=booking, segments=_segment_inputs(formset),
                                       reason=form.cleaned_data["reason"], version=form.cleaned_data["version"],
                                       leg=leg, escort=escort)
            except ServiceError as exc:
                status = _place_segment_errors(form, formset, exc)
            else:
                messages.success(request, _("The flights are saved.") if current is None
                                 else _("The journey is rebooked; the earlier flights are kept as a version."))
                return _back(booking.case)
        else:
            status = 400
    else:
        initial = [{"airline": s.airline, "flight_number": s.flight_number, "origin": s.origin_id,
                    "destination": s.destination_id,
                    "departs": s.departs_local.replace(tzinfo=None), "arrives": s.arrives_local.replace(tzinfo=None)}
                   for s in segments]
        form = ItineraryForm(initial={"version": booking.version})
        formset = _segment_formset(initial=initial or None, blank=1 if initial else 2)
    _enable_live(formset, validate_url)
    title = _("Rebook the journey") if current else _("Set the flights")
    action_url = reverse("itinerary-set", args=[pk, booking.pk])
    if escort is not None:
        title = f"{title}: {ItineraryLeg(leg).label} · {escort}"
        action_url += "?" + urlencode({"escort": escort.pk, "leg": leg})
    return render(request, "movements/itinerary_form.html", {
        "case": booking.case, "booking": booking, "form": form, "formset": formset, "title": title,
        "action_url": action_url, "rebooking": current is not None,
    }, status=status)


@require_POST
def itinerary_validate_view(request, pk, booking_pk):
    """Live check of one flight field as the user leaves it (htmx): the same ``SegmentForm`` as on submit,
    nothing stored. Answers the field's error placeholder (empty when the value is fine)."""
    _booking_for(request, pk, booking_pk, Action.BOOKING_MANAGE)
    name = request.headers.get("HX-Trigger-Name", "")
    prefix, _sep, field = name.rpartition("-")
    head, _sep2, index = prefix.partition("-")
    if head != SEGMENT_PREFIX or not index.isdigit() or field not in SegmentForm.LIVE:
        return HttpResponseBadRequest(_("Unknown field."))
    form = SegmentForm(request.POST, prefix=prefix)
    form.is_valid()
    return HttpResponse(render_to_string("movements/_field_error.html", {"field": form[field]}, request=request))


@require_http_methods(["GET", "POST"])
def segment_time_change_view(request, pk, booking_pk, segment_pk):
    booking = _booking_for(request, pk, booking_pk, Action.BOOKING_MANAGE)
    segment = (Segment.objects.select_related("origin", "destination")
               .filter(pk=segment_pk, itinerary__booking=booking, itinerary__superseded_at__isnull=True).first())
    if segment is None:
        raise Http404("No such flight")

    def save(data, form):
        services.segment_time_change(actor=request.user, segment=segment, departs=data["departs"],
                                     arrives=data["arrives"], reason=data["reason"])

    return _form_view(
        request, booking.case, form_class=TimeChangeForm,
        title=_("Change of flight time: %(flight)s %(origin)s–%(destination)s") % {
            "flight": segment.flight_number, "origin": segment.origin_id, "destination": segment.destination_id},
        submit=_("Record the change"), action_url=reverse("segment-time-change", args=[pk, booking.pk, segment.pk]),
        save=save, success=_("The change of flight time is recorded."), booking=booking,
        initial={"departs": segment.departs_local.replace(tzinfo=None),
                 "arrives": segment.arrives_local.replace(tzinfo=None)},
        intro=_("Times on the local clocks: departure in %(origin_tz)s, arrival in %(destination_tz)s.") % {
            "origin_tz": segment.origin.tz, "destination_tz": segment.destination.tz},
    )


# ---------------------------------------------------------------- passengers


def _passenger_of(booking, passenger_pk) -> Passenger:
    passenger = booking.passengers.select_related("person", "escort__staff").filter(pk=passenger_pk).first()
    if passenger is None:
        raise Http404("No such passenger")
    return passenger


@require_http_methods(["GET", "POST"])
def passenger_ticket_view(request, pk, booking_pk, passenger_pk):
    booking = _booking_for(request, pk, booking_pk, Action.BOOKING_MANAGE)
    passenger = _passenger_of(booking, passenger_pk)

    def save(data, form):
        services.passenger_ticket_record(
            actor=request.user, passenger=passenger, ticket_number=data["ticket_number"], fare=data["fare"],
            taxes=data["taxes"], currency=data["currency"], baggage_pieces=data["baggage_pieces"],
            baggage_kg=data["baggage_kg"])

    return _form_view(
        request, booking.case, form_class=TicketForm, title=_("Ticket of %(name)s") % {"name": passenger},
        submit=_("Save the ticket"), action_url=reverse("passenger-ticket", args=[pk, booking.pk, passenger.pk]),
        save=save, success=_("The ticket of %(name)s is saved.") % {"name": passenger}, booking=booking,
        initial={f: getattr(passenger, f) for f in ("ticket_number", "fare", "taxes", "currency",
                                                    "baggage_pieces", "baggage_kg")},
    )


@require_http_methods(["GET", "POST"])
def passenger_medif_view(request, pk, booking_pk, passenger_pk):
    booking = _booking_for(request, pk, booking_pk, Action.BOOKING_MANAGE)
    passenger = _passenger_of(booking, passenger_pk)

    def save(data, form):
        services.passenger_medif_sent(actor=request.user, passenger=passenger, sent_at=data["medif_sent_at"])

    return _form_view(
        request, booking.case, form_class=MedifForm,
        title=_("Medical form (MEDIF) sent for %(name)s") % {"name": passenger}, submit=_("Record"),
        action_url=reverse("passenger-medif", args=[pk, booking.pk, passenger.pk]), save=save,
        success=_("The MEDIF is recorded as sent."), booking=booking,
        intro=_("The airline needs it at least 48 hours before departure."),
    )


@require_http_methods(["GET", "POST"])
def document_confirmation_view(request, pk, booking_pk, passenger_pk):
    """Record that the embassy or authority confirmed a requested emergency travel document or laissez-passer
    for the travel dates: the passenger's document guard then passes for those dates."""
    booking = _booking_for(request, pk, booking_pk, Action.BOOKING_MANAGE, Action.DOCUMENT_EDIT)
    passenger = _passenger_of(booking, passenger_pk)
    documents = list(confirmable_documents([passenger.person_id])) if passenger.person_id else []
    if not documents:
        raise Http404("No requested document to confirm")

    def save(data, form):
        services.document_confirmation_record(
            actor=request.user, document=form.documents[data["document"]], authority=data["authority"],
            valid_from=data["valid_from"], valid_until=data["valid_until"], confirmed_on=data["confirmed_on"])

    itinerary = workflow.current_itinerary(booking)
    segments = list(itinerary.segments.all()) if itinerary else []
    initial = {"document": str(documents[0].pk)}
    if segments:
        first, last = workflow.travel_dates(segments)[0], workflow.travel_dates(segments)[-1]
        initial.update(valid_from=first, valid_until=last)
    return _form_view(
        request, booking.case, form_class=DocumentConfirmationForm,
        title=_("Document confirmed for travel: %(name)s") % {"name": passenger}, submit=_("Record"),
        action_url=reverse("document-confirmation", args=[pk, booking.pk, passenger.pk]), save=save,
        success=_("The confirmation is recorded."), booking=booking, form_kwargs={"documents": documents},
        initial=initial,
        intro=_("The embassy or authority confirmed that the requested document will be issued for travel in "
                "this period: the passenger can be booked before the document is in hand."),
    )


@require_http_methods(["GET", "POST"])
def special_assistance_add_view(request, pk, booking_pk, passenger_pk):
    booking = _booking_for(request, pk, booking_pk, Action.BOOKING_MANAGE, Action.BOOKING_REQUEST)
    passenger = _passenger_of(booking, passenger_pk)

    def save(data, form):
        services.special_assistance_add(actor=request.user, passenger=passenger, code=data["code"],
                                        text=data["text"])

    return _form_view(
        request, booking.case, form_class=SpecialAssistanceForm,
        title=_("Special assistance for %(name)s") % {"name": passenger}, submit=_("Add"),
        action_url=reverse("special-assistance-add", args=[pk, booking.pk, passenger.pk]), save=save,
        success=_("The special assistance is requested."), booking=booking,
    )


@require_POST
def special_assistance_remove_view(request, pk, booking_pk, assistance_pk):
    booking = _booking_for(request, pk, booking_pk, Action.BOOKING_MANAGE)
    assistance = SpecialAssistance.objects.filter(pk=assistance_pk, passenger__booking=booking).first()
    if assistance is None:
        raise Http404("No such special assistance")
    try:
        services.special_assistance_remove(actor=request.user, assistance=assistance)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The special assistance is removed."))
    return _back(booking.case)


# ---------------------------------------------------------------- escorts and other missions


@require_http_methods(["GET", "POST"])
def escort_add_view(request, pk, booking_pk):
    booking = _booking_for(request, pk, booking_pk, Action.BOOKING_MANAGE)

    def save(data, form):
        services.escort_add(actor=request.user, booking=booking, kind=data["kind"], staff=data["staff"],
                            external_name=data["external_name"], organisation=data["organisation"],
                            cost=data["cost"], cost_currency=data["cost_currency"],
                            travels_with_passengers=data["travels_with_passengers"])

    return _form_view(
        request, booking.case, form_class=EscortForm, title=_("Add an escort"), submit=_("Add the escort"),
        action_url=reverse("escort-add", args=[pk, booking.pk]), save=save, success=_("The escort is added."),
        booking=booking, form_kwargs={"mission_id": booking.mission_id},
        initial={"travels_with_passengers": True},
    )


@require_http_methods(["GET", "POST"])
def assistance_request_view(request, pk, booking_pk):
    booking = _booking_for(request, pk, booking_pk, Action.BOOKING_MANAGE)
    itinerary = workflow.current_itinerary(booking)
    segments = list(itinerary.segments.all()) if itinerary else []
    airports = [s.origin for s in segments[1:]] + ([segments[-1].destination] if segments else [])

    def save(data, form):
        services.assistance_request(actor=request.user, booking=booking, kind=data["kind"],
                                    airport=data["airport"], to_mission=data["to_mission"], note=data["note"])

    return _form_view(
        request, booking.case, form_class=AssistanceRequestForm,
        title=_("Ask another mission for assistance"), submit=_("Send the request"),
        action_url=reverse("assistance-request", args=[pk, booking.pk]), save=save,
        success=_("The request is sent to the other mission."), booking=booking,
        form_kwargs={"airports": airports, "own_mission_id": booking.mission_id},
        intro=_("Transit assistance at a connecting airport, or meet-and-assist where the journey arrives."),
    )


@require_http_methods(["GET", "POST"])
def assistance_withdraw_view(request, pk, booking_pk, request_pk):
    booking = _booking_for(request, pk, booking_pk, Action.BOOKING_MANAGE)
    assistance = booking.assistance_requests.filter(pk=request_pk).first()
    if assistance is None:
        raise Http404("No such request")

    def save(data, form):
        services.assistance_request_withdraw(actor=request.user, request=assistance, reason=data["reason"])

    return _form_view(
        request, booking.case, form_class=AssistanceWithdrawForm,
        title=_("Withdraw the request: %(request)s") % {"request": assistance}, submit=_("Withdraw"),
        action_url=reverse("assistance-withdraw", args=[pk, booking.pk, assistance.pk]), save=save,
        success=_("The request is withdrawn."), booking=booking,
    )


# ---------------------------------------------------------------- moves


@require_POST
def booking_transition_view(request, pk, booking_pk):
    booking = _booking_for(request, pk, booking_pk, Action.BOOKING_MANAGE)
    form = BookingTransitionForm(request.POST)
    if not form.is_valid():
        details = [f"{form.fields[n].label or n}: {' '.join(e)}" if n in form.fields else " ".join(e)
                   for n, e in form.errors.items()]
        return render_journey(request, booking.case, status=400, transition_error={
            "message": _("The move could not be made."), "details": details,
            "status": request.POST.get("to_status", "")})
    data = form.cleaned_data
    try:
        services.booking_transition(actor=request.user, booking=booking, to_status=data["to_status"],
                                    reason=data["reason"], version=data["version"],
                                    case_status=data["case_status"] or "ready_to_depart",
                                    review_on=data["review_on"])
    except ServiceError as exc:
        return render_journey(
            request, booking.case, status=409 if isinstance(exc, ConcurrentEditError) else 400,
            transition_error={"message": exc.message, "details": exc.details, "status": data["to_status"],
                              "reason": data["reason"]})
    messages.success(request, _("The booking moved to “%(status)s”.") % {
        "status": BookingStatus(data["to_status"]).label})
    return _back(booking.case)
