"""The administrator's screens for the partner API's tokens: list, make (the secret shown once), revoke."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from passage.accounts.forms import apply_service_error
from passage.accounts.permissions import Action, user_can
from passage.core.errors import ServiceError

from . import services
from .forms import TokenForm
from .models import PartnerToken


def _require(request) -> None:
    if not user_can(request.user, Action.STAFF_MANAGE):
        raise PermissionDenied


def _tokens(request):
    return PartnerToken.objects.filter(mission_id=request.user.mission_id)


def token_list(request):
    _require(request)
    tokens = (_tokens(request).select_related("organisation", "created_by", "revoked_by", "intake_work_post")
              .prefetch_related("locations"))
    return render(request, "api/token_list.html", {"tokens": tokens})


@never_cache
@require_http_methods(["GET", "POST"])
def token_create(request):
    _require(request)
    form = TokenForm(request.POST or None, mission_id=request.user.mission_id)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            token, secret = services.token_create(
                actor=request.user, organisation=d["organisation"], name=d["name"], scopes=d["scopes"],
                rate_limit_per_minute=d["rate_limit_per_minute"], intake_work_post=d["intake_work_post"],
                intake_counsellor=d["intake_counsellor"], locations=d["locations"])
        except ServiceError as exc:
            apply_service_error(form, exc)
        else:
            # Shown once, on this answer only (never cached, never stored): the partner copies it now.
            return render(request, "api/token_created.html", {"token": token, "secret": secret})
    return render(request, "api/token_form.html", {"form": form})


@require_POST
def token_revoke(request, pk):
    _require(request)
    token = get_object_or_404(_tokens(request), pk=pk)
    try:
        services.token_revoke(actor=request.user, token=token)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The token %(prefix)s… of %(organisation)s was revoked: it no longer works.")
                         % {"prefix": token.prefix, "organisation": token.organisation})
    return redirect("api-token-list")
