"""Partner delivery administration: per partner location its webhook endpoints (URL, events, on/off), the
secret (shown once, on creation and on rotation; the previous one keeps signing for a week), a test event, the
e-mail address used when it has no endpoint, and the history of what was delivered to it. Administrators only;
endpoints of another mission answer 404. Every change is audited (secrets never are)."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from passage.accounts.permissions import Action, user_can
from passage.core.errors import ConcurrentEditError, ServiceError
from passage.reference.models import PartnerLocation

from . import services
from .forms import EndpointForm, LocationEmailForm
from .models import Message, WebhookEndpoint
from .views import masked


def _require(user) -> None:
    if not user_can(user, Action.PARTNER_DELIVERY_MANAGE) or not user.mission_id:
        raise PermissionDenied


def _location(pk) -> PartnerLocation:
    location = PartnerLocation.objects.select_related("organisation").filter(pk=pk).first()
    if location is None:
        raise Http404("No such location")
    return location


def _endpoint(user, location, pk) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.filter(pk=pk, location=location, mission_id=user.mission_id).first()
    if endpoint is None:
        raise Http404("No such endpoint")
    return endpoint


@require_GET
def partner_delivery(request):
    _require(request.user)
    locations = list(PartnerLocation.objects.select_related("organisation").prefetch_related(
        Prefetch("endpoints", queryset=WebhookEndpoint.objects.filter(mission_id=request.user.mission_id)))
        .order_by("organisation__name", "name"))
    return render(request, "messaging/partner_delivery.html", {"locations": locations})


def _page(request, location, *, status=200, **extra):
    endpoints = list(WebhookEndpoint.objects.filter(location=location, mission_id=request.user.mission_id))
    recipients = [f"endpoint:{e.pk}" for e in endpoints] + ([location.email] if location.email else [])
    history = list(Message.objects.filter(mission_id=request.user.mission_id).filter(
        Q(recipient__in=recipients)).order_by("-created_at")[:50]) if recipients else []
    for m in history:
        m.to_masked = masked(m)
    context = {"location": location, "endpoints": endpoints, "history": history,
               "new_form": extra.pop("new_form", None) or EndpointForm(),
               "email_form": extra.pop("email_form", None) or LocationEmailForm(initial={"email": location.email}),
               **extra}
    for e in endpoints:
        e.form = (extra.get("edit_forms") or {}).get(e.pk) or EndpointForm(
            initial={"url": e.url, "events": e.events, "version": e.version}, prefix=f"e{e.pk}")
    return render(request, "messaging/partner_location.html", context, status=status)


def _apply(form, exc: ServiceError) -> int:
    if isinstance(exc, ConcurrentEditError):
        form.add_error(None, exc.message)
        return 409
    for field, message in exc.field_errors.items():
        form.add_error(field if field in form.fields else None, message)
    if not exc.field_errors:
        form.add_error(None, exc.message)
    return 400


@require_GET
def partner_location(request, pk):
    _require(request.user)
    return _page(request, _location(pk))


@require_POST
def endpoint_create_view(request, pk):
    _require(request.user)
    location = _location(pk)
    form = EndpointForm(request.POST)
    if not form.is_valid():
        return _page(request, location, status=400, new_form=form)
    try:
        endpoint, secret = services.endpoint_create(actor=request.user, location=location, url=form.cleaned_data["url"],
                                                    events=form.cleaned_data["events"])
    except ServiceError as exc:
        return _page(request, location, status=_apply(form, exc), new_form=form)
    # The secret is shown in this answer only (not kept in a message or the session).
    return _page(request, location, secret={"endpoint": endpoint, "value": secret})


@require_POST
def endpoint_update_view(request, pk, endpoint_pk):
    _require(request.user)
    location = _location(pk)
    endpoint = _endpoint(request.user, location, endpoint_pk)
    form = EndpointForm(request.POST, prefix=f"e{endpoint.pk}")
    if not form.is_valid():
        return _page(request, location, status=400, edit_forms={endpoint.pk: form})
    try:
        services.endpoint_update(actor=request.user, endpoint=endpoint, url=form.cleaned_data["url"],
                                 events=form.cleaned_data["events"], version=form.cleaned_data["version"])
    except ServiceError as exc:
        return _page(request, location, status=_apply(form, exc), edit_forms={endpoint.pk: form})
    messages.success(request, _("Endpoint saved."))
    return redirect(reverse("partner-location", args=[location.pk]))


@require_POST
def endpoint_rotate_view(request, pk, endpoint_pk):
    _require(request.user)
    location = _location(pk)
    endpoint, secret = services.endpoint_rotate_secret(actor=request.user,
                                                       endpoint=_endpoint(request.user, location, endpoint_pk))
    return _page(request, location, secret={"endpoint": endpoint, "value": secret, "rotated": True,
                                            "days": settings.WEBHOOK_ROTATION_DAYS})


@require_POST
def endpoint_active_view(request, pk, endpoint_pk):
    _require(request.user)
    location = _location(pk)
    endpoint = services.endpoint_set_active(actor=request.user, endpoint=_endpoint(request.user, location, endpoint_pk),
                                            active=request.POST.get("active") == "1")
    messages.success(request, _("Endpoint switched on.") if endpoint.active else _("Endpoint switched off."))
    return redirect(reverse("partner-location", args=[location.pk]))


@require_POST
def endpoint_test_view(request, pk, endpoint_pk):
    _require(request.user)
    location = _location(pk)
    endpoint = _endpoint(request.user, location, endpoint_pk)
    try:
        services.endpoint_test(actor=request.user, endpoint=endpoint)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("A test event is on its way: see its delivery below."))
    return redirect(reverse("partner-location", args=[location.pk]))


@require_http_methods(["POST"])
def location_email_view(request, pk):
    _require(request.user)
    location = _location(pk)
    form = LocationEmailForm(request.POST)
    if not form.is_valid():
        return _page(request, location, status=400, email_form=form)
    try:
        services.location_email_set(actor=request.user, location=location, email=form.cleaned_data["email"])
    except ServiceError as exc:
        return _page(request, location, status=_apply(form, exc), email_form=form)
    messages.success(request, _("E-mail address saved."))
    return redirect(reverse("partner-location", args=[location.pk]))
